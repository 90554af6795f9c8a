"""``manage.py seed``: the same blogs, categories and posts on every run.

Rows are looked up by their natural keys (blog name, category name within its
blog, post title within its category), so running it again changes nothing.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from blog.models import Blog, Category, Post

BLOG_NAMES = ["김영희", "하수진", "장주원", "이영자", "배정식", "윤서준"]
CATEGORY_NAMES = ["quidem modi", "quis nostrum", "modi tempora", "dolorem ipsum"]
TITLES = [
    "Quidem modi voluptas sit amet",
    "Modi tempora incidunt ut labore",
    "Quis autem vel eum iure",
    "Quidem rerum facilis est",
    "Nam libero tempore cum soluta",
    "Modi quidem aliquam quaerat",
    "Quid est veritas",
]
WRITERS = ["김영희", "류상현", "김경희", "홍명자", "민서윤", "남건우", "주아름", "이현지", "송도윤"]
IP_ADDRESSES = [
    "10.54.98.57",
    "172.21.152.10",
    "10.159.179.145",
    "192.168.155.244",
    "172.28.140.34",
    "172.24.125.10",
    "10.248.160.25",
    "172.30.15.117",
]
CATEGORIES_PER_BLOG = 2
POSTS_PER_CATEGORY = 3


class Command(BaseCommand):
    help = "Create the example blogs, categories and posts (safe to run again)."

    @transaction.atomic
    def handle(self, *args: Any, **options: Any) -> None:
        created = 0
        number = 0  # position of the post in the whole data set
        for b, blog_name in enumerate(BLOG_NAMES):
            blog, new = Blog.objects.get_or_create(name=blog_name)
            created += new
            for c in range(CATEGORIES_PER_BLOG):
                category_name = CATEGORY_NAMES[(b + c) % len(CATEGORY_NAMES)]
                category, new = Category.objects.get_or_create(blog=blog, name=category_name)
                created += new
                for _ in range(POSTS_PER_CATEGORY):
                    _, new = Post.objects.update_or_create(
                        category=category,
                        title=TITLES[number % len(TITLES)],
                        defaults={
                            "writer": WRITERS[number % len(WRITERS)],
                            "ip_address": IP_ADDRESSES[number % len(IP_ADDRESSES)],
                        },
                    )
                    created += new
                    number += 1
        self.stdout.write(
            f"{Blog.objects.count()} blogs, {Category.objects.count()} categories, "
            f"{Post.objects.count()} posts ({created} rows created now)."
        )
