"""The admin of tests/test_admin.py: changelists whose columns load relations."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from tests.testapp.models import Category, Post, SMembership


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("title", "blog_name")

    @admin.display(description="Blog")
    def blog_name(self, post: Post) -> str:
        return post.category.blog.name


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("name", "blog_name", "post_titles")
    list_select_related = ["blog"]

    @admin.display(description="Blog")
    def blog_name(self, category: Category) -> str:
        return category.blog.name

    @admin.display(description="Posts")
    def post_titles(self, category: Category) -> str:
        return ", ".join(post.title for post in category.post.all())


# A second site, for a second admin of Post.
other_site = admin.AdminSite(name="other")


@admin.register(Post, site=other_site)
class PostWithCategoryAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("title", "blog_name")
    list_select_related = ("category",)

    @admin.display(description="Blog")
    def blog_name(self, post: Post) -> str:
        return post.category.blog.name  # other_site


@admin.register(SMembership)
class SMembershipAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    # The admin's date_hierarchy runs dates() (a values query) on this queryset
    # from Django's own template tag: its rows, not ours.
    date_hierarchy = "joined"
    list_display = ("person", "team_name")

    def get_queryset(self, request: HttpRequest) -> QuerySet[SMembership]:
        return super().get_queryset(request).prefetch_related("team")

    @admin.display(description="Team")
    def team_name(self, membership: SMembership) -> str:
        return membership.team.name
