"""The blog: a blog has categories, a category has posts.

The reverse names are singular on purpose (``blog.category``, ``category.post``),
as in the notes, so the example code reads like the snippets there. ``Entry`` is
the model for ``only()`` and ``defer()``: a long ``body`` next to small
columns.
"""

from __future__ import annotations

from django.db import models


class Blog(models.Model):
    name = models.CharField(max_length=100, unique=True)

    def __str__(self) -> str:
        return self.name


class Category(models.Model):
    blog = models.ForeignKey(Blog, on_delete=models.CASCADE, related_name="category")
    name = models.CharField(max_length=100)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["blog", "name"], name="blog_category_unique_name"),
        ]
        verbose_name_plural = "categories"

    def __str__(self) -> str:
        return self.name


class Post(models.Model):
    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="post")
    title = models.CharField(max_length=200)
    writer = models.CharField(max_length=50)
    ip_address = models.GenericIPAddressField()
    created_at = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["category", "title"], name="blog_post_unique_title"),
        ]

    def __str__(self) -> str:
        return self.title


class Entry(models.Model):
    blog = models.ForeignKey(Blog, on_delete=models.CASCADE)
    headline = models.CharField(max_length=200, unique=True)
    body = models.TextField()  # a few kilobytes each: the column only()/defer() leave out
    pub_date = models.DateField()
    rating = models.PositiveSmallIntegerField()

    class Meta:
        verbose_name_plural = "entries"

    def __str__(self) -> str:
        return self.headline
