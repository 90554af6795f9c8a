"""The blog's pitfalls: each one as a bad view and, right under it, the fixed view.

The two differ only in the lines that matter. pitfalls/registry.py lists them
with the finding each bad view makes ormwatch report.
"""

from __future__ import annotations

from django.db import connection
from django.db.models import Count, Exists, OuterRef, Prefetch
from django.db.models.functions import ExtractHour
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.generic import ListView

from pitfalls.pages import table

from .models import Blog, Category, Entry, Post

PAGE = 30  # posts per page

# N+1 over a foreign key -------------------------------------------------------


def fk_bad(request: HttpRequest) -> HttpResponse:
    posts = Post.objects.order_by("-created_at")[:PAGE]
    rows = [(post.title, post.writer, post.category.name) for post in posts]
    return table(request, ["Title", "Writer", "Category"], rows)


def fk_fixed(request: HttpRequest) -> HttpResponse:
    posts = Post.objects.select_related("category").order_by("-created_at")[:PAGE]
    rows = [(post.title, post.writer, post.category.name) for post in posts]
    return table(request, ["Title", "Writer", "Category"], rows)


# N+1 over a reverse foreign key, in an async view ------------------------------


async def reverse_fk_bad(request: HttpRequest) -> HttpResponse:
    rows: list[tuple[str, int, str]] = []
    async for category in Category.objects.order_by("name", "id"):
        titles = [post.title async for post in category.post.all()]
        rows.append((category.name, len(titles), ", ".join(titles[:2])))
    return table(request, ["Category", "Posts", "First titles"], rows)


async def reverse_fk_fixed(request: HttpRequest) -> HttpResponse:
    rows: list[tuple[str, int, str]] = []
    async for category in Category.objects.prefetch_related("post").order_by("name", "id"):
        titles = [post.title for post in category.post.all()]
        rows.append((category.name, len(titles), ", ".join(titles[:2])))
    return table(request, ["Category", "Posts", "First titles"], rows)


# N+1 in a template loop: blog/post_list.html reads post.category.blog.name ------


def template_loop_bad(request: HttpRequest) -> HttpResponse:
    posts = Post.objects.order_by("-created_at")[:PAGE]
    return render(request, "blog/post_list.html", {"posts": posts})


def template_loop_fixed(request: HttpRequest) -> HttpResponse:
    posts = Post.objects.select_related("category__blog").order_by("-created_at")[:PAGE]
    return render(request, "blog/post_list.html", {"posts": posts})


# N+1 in the template of a class-based view --------------------------------------
# ListView renders its template after the view has returned: ormwatch names the
# template line that runs the queries and the view's queryset line to change.


class PostListBad(ListView):  # type: ignore[type-arg]
    template_name = "blog/post_list.html"
    context_object_name = "posts"
    paginate_by = PAGE
    queryset = Post.objects.order_by("-created_at", "id")


class PostListFixed(ListView):  # type: ignore[type-arg]
    template_name = "blog/post_list.html"
    context_object_name = "posts"
    paginate_by = PAGE
    queryset = Post.objects.select_related("category__blog").order_by("-created_at", "id")


# A deferred field read after only() --------------------------------------------


def deferred_bad(request: HttpRequest) -> HttpResponse:
    entries = Entry.objects.only("headline", "pub_date").order_by("-pub_date")
    rows = [(entry.headline, entry.pub_date, entry.rating) for entry in entries]
    return table(request, ["Headline", "Published", "Rating"], rows)


def deferred_fixed(request: HttpRequest) -> HttpResponse:
    entries = Entry.objects.only("headline", "pub_date", "rating").order_by("-pub_date")
    rows = [(entry.headline, entry.pub_date, entry.rating) for entry in entries]
    return table(request, ["Headline", "Published", "Rating"], rows)


# prefetch_related(), then filter() on the related manager ----------------------


def prefetch_filter_bad(request: HttpRequest) -> HttpResponse:
    blogs = Blog.objects.prefetch_related("category").order_by("name")
    rows = [
        (blog.name, ", ".join(c.name for c in blog.category.filter(name__contains="qui")))
        for blog in blogs
    ]
    return table(request, ["Blog", "Categories with 'qui'"], rows)


def prefetch_filter_fixed(request: HttpRequest) -> HttpResponse:
    blogs = Blog.objects.prefetch_related("category").order_by("name")
    rows = [
        (blog.name, ", ".join(c.name for c in blog.category.all() if "qui" in c.name))
        for blog in blogs
    ]
    return table(request, ["Blog", "Categories with 'qui'"], rows)


# prefetch_related() with a filter() on the same relation -----------------------


def double_fetch_bad(request: HttpRequest) -> HttpResponse:
    blog_queryset = Blog.objects.prefetch_related("category").filter(
        name__contains="김영희", category__name__contains="modi"
    )
    # The prefetch ignored the filter, so each blog asks again for its own categories.
    rows = [
        (blog.name, c.name)
        for blog in blog_queryset
        for c in blog.category.filter(name__contains="modi")
    ]
    return table(request, ["Blog", "Category"], rows)


def double_fetch_fixed(request: HttpRequest) -> HttpResponse:
    # Exists() tests the categories without joining them (no blog repeats),
    # and the Prefetch() queryset carries the filter, so .all() has only them.
    modi = Category.objects.filter(name__contains="modi")
    blogs = Blog.objects.prefetch_related(Prefetch("category", queryset=modi)).filter(
        Exists(modi.filter(blog=OuterRef("pk"))), name__contains="김영희"
    )
    rows = [(blog.name, c.name) for blog in blogs for c in blog.category.all()]
    return table(request, ["Blog", "Category"], rows)


# A lazy queryset inside __in ---------------------------------------------------


def in_queryset_bad(request: HttpRequest) -> HttpResponse:
    blogs = Blog.objects.filter(name__startswith="김")
    blog_names = {blog.id: blog.name for blog in blogs}
    categories = Category.objects.filter(blog__in=blogs).order_by("name")
    rows = [(category.name, blog_names[category.blog_id]) for category in categories]
    return table(request, ["Category", "Blog"], rows)


def in_queryset_fixed(request: HttpRequest) -> HttpResponse:
    categories = (
        Category.objects.filter(blog__name__startswith="김").select_related("blog").order_by("name")
    )
    rows = [(category.name, category.blog.name) for category in categories]
    return table(request, ["Category", "Blog"], rows)


# filter() and exclude() across a reverse relation ----------------------------------


def exclude_reverse_bad(request: HttpRequest) -> HttpResponse:
    modi = Category.objects.filter(name__contains="modi").order_by("name", "blog_id")
    with_quis = modi.filter(post__title__contains="quis")  # a JOIN: once per matching post
    without_quis = modi.exclude(post__title__contains="quis")  # a subquery
    rows = [(c.name, c.blog_id, "yes") for c in with_quis]
    rows += [(c.name, c.blog_id, "no") for c in without_quis]
    return table(request, ["Category", "Blog id", "Has 'quis' posts"], rows)


def exclude_reverse_fixed(request: HttpRequest) -> HttpResponse:
    quis_posts = Post.objects.filter(category=OuterRef("pk"), title__contains="quis")
    categories = (
        Category.objects.filter(name__contains="modi")
        .annotate(has_quis=Exists(quis_posts))
        .order_by("-has_quis", "name", "blog_id")
    )
    rows = [(c.name, c.blog_id, "yes" if c.has_quis else "no") for c in categories]
    return table(request, ["Category", "Blog id", "Has 'quis' posts"], rows)


# select_related() then values() ------------------------------------------------


def values_bad(request: HttpRequest) -> HttpResponse:
    categories = Category.objects.select_related("blog").filter(name__contains="modi").values()
    # values() dropped the join, so the blog names take a query of their own.
    blog_names = dict(Blog.objects.values_list("id", "name"))
    rows = [(category["name"], blog_names[category["blog_id"]]) for category in categories]
    return table(request, ["Category", "Blog"], rows)


def values_fixed(request: HttpRequest) -> HttpResponse:
    categories = Category.objects.filter(name__contains="modi").values("name", "blog__name")
    rows = [(category["name"], category["blog__name"]) for category in categories]
    return table(request, ["Category", "Blog"], rows)


# Eager loading that nothing reads ------------------------------------------------


def unused_select_related_bad(request: HttpRequest) -> HttpResponse:
    # Copied from the category page's view, eager loading and all.
    categories = (
        Category.objects.select_related("blog")
        .prefetch_related("post")
        .filter(name__contains="modi")
        .order_by("name")
    )
    rows = [(category.name,) for category in categories]
    return table(request, ["Category"], rows)


def unused_select_related_fixed(request: HttpRequest) -> HttpResponse:
    categories = Category.objects.filter(name__contains="modi").order_by("name")
    rows = [(category.name,) for category in categories]
    return table(request, ["Category"], rows)


# len(qs) and `if qs:` -----------------------------------------------------------


def full_fetch_bad(request: HttpRequest) -> HttpResponse:
    answers: list[tuple[str, object]] = [
        ("Posts by 이예지", len(Post.objects.filter(writer="이예지")))
    ]
    if Blog.objects.filter(name="하수진"):
        blog = Blog.objects.get(name="하수진")
        answers.append(("Categories of the blog 하수진", blog.category.count()))
    return table(request, ["Question", "Answer"], answers)


def full_fetch_fixed(request: HttpRequest) -> HttpResponse:
    answers: list[tuple[str, object]] = [
        ("Posts by 이예지", Post.objects.filter(writer="이예지").count())
    ]
    # The blog is needed anyway: fetch one row, and test that instead of the queryset.
    blog = Blog.objects.filter(name="하수진").first()
    if blog is not None:
        answers.append(("Categories of the blog 하수진", blog.category.count()))
    return table(request, ["Question", "Answer"], answers)


# The same query twice (a queryset's cache is not reused) ------------------------


def duplicate_bad(request: HttpRequest) -> HttpResponse:
    blog = Blog.objects.get(name="김영희")
    names = [category.name for category in blog.category.all()]
    qui = [category.name for category in blog.category.all() if "qui" in category.name]
    return table(request, ["Category", "Contains 'qui'"], [(n, n in qui) for n in names])


def duplicate_fixed(request: HttpRequest) -> HttpResponse:
    blog = Blog.objects.get(name="김영희")
    categories = list(blog.category.all())
    names = [category.name for category in categories]
    qui = [category.name for category in categories if "qui" in category.name]
    return table(request, ["Category", "Contains 'qui'"], [(n, n in qui) for n in names])


# A slow statement: posts per hour of the day --------------------------------------

# A calendar table of every minute of 2024 (the demo data's posts are in its first half),
# each minute joined to the posts of that minute: 527,040 rows to count a few hundred.
CREATE_MINUTE_CALENDAR = """
CREATE TEMP TABLE minute AS
WITH RECURSIVE calendar(start) AS (
    SELECT '2024-01-01 00:00:00'
    UNION ALL
    SELECT datetime(start, '+1 minute') FROM calendar WHERE start < '2024-12-31 23:59:00'
)
SELECT start FROM calendar
"""
POSTS_PER_HOUR = """
SELECT CAST(strftime('%H', minute.start) AS INTEGER) AS hour, COUNT(post.id)
FROM minute
LEFT JOIN blog_post AS post
    ON post.created_at >= minute.start AND post.created_at < datetime(minute.start, '+1 minute')
GROUP BY hour
ORDER BY hour
"""


def slow_bad(request: HttpRequest) -> HttpResponse:
    with connection.cursor() as cursor:
        cursor.execute(CREATE_MINUTE_CALENDAR)
        try:
            cursor.execute(POSTS_PER_HOUR)
            rows = cursor.fetchall()
        finally:
            cursor.execute("DROP TABLE minute")
    return table(request, ["Hour (UTC)", "Posts"], rows)


def slow_fixed(request: HttpRequest) -> HttpResponse:
    per_hour = (
        Post.objects.annotate(hour=ExtractHour("created_at"))
        .values("hour")
        .annotate(posts=Count("id"))
        .order_by("hour")
    )
    counts = {row["hour"]: row["posts"] for row in per_hour}
    rows = [(hour, counts.get(hour, 0)) for hour in range(24)]  # hours without posts too
    return table(request, ["Hour (UTC)", "Posts"], rows)
