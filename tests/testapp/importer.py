"""A stand-in for a third-party API (a data importer): tests mark this file as library code.

``import_posts()`` is one call from the user's line that, like
django-import-export's row-by-row validation, reads each row's category and
looks the same rows up twice.
"""

from __future__ import annotations

from tests.testapp.models import Post


def import_posts() -> list[str]:
    titles = [post.title for post in Post.objects.order_by("pk")]
    titles += [post.title for post in Post.objects.order_by("pk")]
    return [f"{post.title} ({post.category.name})" for post in Post.objects.order_by("pk")]
