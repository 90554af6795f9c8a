"""Books: a book has an author, an author may have a hometown.

``Person.hometown`` is nullable, so ``book.author.hometown`` is a chain of two
foreign keys whose second link can be missing.
"""

from __future__ import annotations

from django.db import models


class City(models.Model):
    name = models.CharField(max_length=100, unique=True)

    class Meta:
        verbose_name_plural = "cities"

    def __str__(self) -> str:
        return self.name


class Person(models.Model):
    name = models.CharField(max_length=100, unique=True)
    hometown = models.ForeignKey(
        City,
        on_delete=models.SET_NULL,
        blank=True,
        null=True,
    )

    def __str__(self) -> str:
        return self.name


class Book(models.Model):
    title = models.CharField(max_length=100, unique=True)
    author = models.ForeignKey(Person, on_delete=models.CASCADE)

    def __str__(self) -> str:
        return self.title
