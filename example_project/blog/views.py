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


# A deferred field read after only() (seed 003) ---------------------------------


def deferred_bad(request: HttpRequest) -> HttpResponse:
    entries = Entry.objects.only("headline", "pub_date").order_by("-pub_date")
    rows = [(entry.headline, entry.pub_date, entry.rating) for entry in entries]
    return table(request, ["Headline", "Published", "Rating"], rows)


def deferred_fixed(request: HttpRequest) -> HttpResponse:
    entries = Entry.objects.only("headline", "pub_date", "rating").order_by("-pub_date")
    rows = [(entry.headline, entry.pub_date, entry.rating) for entry in entries]
    return table(request, ["Headline", "Published", "Rating"], rows)


# prefetch_related(), then filter() on the related manager (seed 001) -----------


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


# prefetch_related() with a filter() on the same relation (seed 001) ------------


def double_fetch_bad(request: HttpRequest) -> HttpResponse:
    blog_queryset = Blog.objects.prefetch_related("category").filter(
        name__contains="김영희", category__name__contains="modi"
    )
    rows = [(blog.name, c.name) for blog in blog_queryset for c in blog.category.all()]
    return table(request, ["Blog", "Category"], rows)


def double_fetch_fixed(request: HttpRequest) -> HttpResponse:
    blog_queryset = Blog.objects.filter(name__contains="김영희").prefetch_related(
        Prefetch("category", queryset=Category.objects.filter(name__contains="modi"))
    )
    rows = [(blog.name, c.name) for blog in blog_queryset for c in blog.category.all()]
    return table(request, ["Blog", "Category"], rows)


# A lazy queryset inside __in (seed 001) ----------------------------------------


def in_queryset_bad(request: HttpRequest) -> HttpResponse:
    blog_ids = Blog.objects.filter(name__startswith="김").values_list("id", flat=True)
    categories = Category.objects.filter(blog__id__in=blog_ids).order_by("name")
    rows = [(category.name, category.blog_id) for category in categories]
    return table(request, ["Category", "Blog id"], rows)


def in_queryset_fixed(request: HttpRequest) -> HttpResponse:
    blog_ids = list(Blog.objects.filter(name__startswith="김").values_list("id", flat=True))
    categories = Category.objects.filter(blog__id__in=blog_ids).order_by("name")
    rows = [(category.name, category.blog_id) for category in categories]
    return table(request, ["Category", "Blog id"], rows)


# exclude() across a reverse relation (seed 001) --------------------------------


def exclude_reverse_bad(request: HttpRequest) -> HttpResponse:
    categories = Category.objects.filter(name__contains="modi").exclude(
        post__title__contains="quid"
    )
    rows = [(category.name, category.blog_id) for category in categories]
    return table(request, ["Category without 'quid' posts", "Blog id"], rows)


def exclude_reverse_fixed(request: HttpRequest) -> HttpResponse:
    quid_posts = Post.objects.filter(category=OuterRef("pk"), title__contains="quid")
    categories = Category.objects.filter(name__contains="modi").filter(~Exists(quid_posts))
    rows = [(category.name, category.blog_id) for category in categories]
    return table(request, ["Category without 'quid' posts", "Blog id"], rows)


# filter() across a reverse relation (seed 001) ---------------------------------


def filter_reverse_bad(request: HttpRequest) -> HttpResponse:
    categories = Category.objects.filter(name__contains="modi", post__title__contains="quid")
    rows = [(category.name, category.blog_id) for category in categories]
    return table(request, ["Category with 'quid' posts", "Blog id"], rows)


def filter_reverse_fixed(request: HttpRequest) -> HttpResponse:
    categories = Category.objects.filter(
        name__contains="modi", post__title__contains="quid"
    ).distinct()
    rows = [(category.name, category.blog_id) for category in categories]
    return table(request, ["Category with 'quid' posts", "Blog id"], rows)


# select_related() then values() (seed 001) -------------------------------------


def values_bad(request: HttpRequest) -> HttpResponse:
    categories = Category.objects.select_related("blog").filter(name__contains="modi").values()
    rows = [(category["name"], category["blog_id"]) for category in categories]
    return table(request, ["Category", "Blog"], rows)


def values_fixed(request: HttpRequest) -> HttpResponse:
    categories = Category.objects.filter(name__contains="modi").values("name", "blog__name")
    rows = [(category["name"], category["blog__name"]) for category in categories]
    return table(request, ["Category", "Blog"], rows)


# select_related() that nothing reads --------------------------------------------


def unused_select_related_bad(request: HttpRequest) -> HttpResponse:
    posts = Post.objects.select_related("category").order_by("-created_at")[:PAGE]
    rows = [(post.title, post.writer, post.ip_address) for post in posts]
    return table(request, ["Title", "Writer", "IP address"], rows)


def unused_select_related_fixed(request: HttpRequest) -> HttpResponse:
    posts = Post.objects.order_by("-created_at")[:PAGE]
    rows = [(post.title, post.writer, post.ip_address) for post in posts]
    return table(request, ["Title", "Writer", "IP address"], rows)


# len(qs) and `if qs:` (seed 003) ------------------------------------------------


def full_fetch_bad(request: HttpRequest) -> HttpResponse:
    answers = [("Posts by 이예지", len(Post.objects.filter(writer="이예지")))]
    if Blog.objects.filter(name="하수진"):
        answers.append(("Is there a blog by 하수진?", "yes"))
    return table(request, ["Question", "Answer"], answers)


def full_fetch_fixed(request: HttpRequest) -> HttpResponse:
    answers = [("Posts by 이예지", Post.objects.filter(writer="이예지").count())]
    if Blog.objects.filter(name="하수진").exists():
        answers.append(("Is there a blog by 하수진?", "yes"))
    return table(request, ["Question", "Answer"], answers)


# The same query twice (seed 001: a queryset's cache is not reused) ---------------


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

# Every minute of the first half of 2024 (the seed's posts), each joined to the
# posts of that minute: a calendar of 262,080 rows to count a few hundred.
MINUTE_CALENDAR = """
WITH RECURSIVE minute(start) AS (
    SELECT '2024-01-01 00:00:00'
    UNION ALL
    SELECT datetime(start, '+1 minute') FROM minute WHERE start < '2024-06-30 23:59:00'
)
SELECT CAST(strftime('%%H', minute.start) AS INTEGER) AS hour, COUNT(post.id)
FROM minute
LEFT JOIN blog_post AS post
    ON post.created_at >= minute.start AND post.created_at < datetime(minute.start, '+1 minute')
GROUP BY hour
ORDER BY hour
"""


def slow_bad(request: HttpRequest) -> HttpResponse:
    with connection.cursor() as cursor:
        cursor.execute(MINUTE_CALENDAR)
        rows = cursor.fetchall()
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
