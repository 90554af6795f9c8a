"""Users who ban each other, and their notifications.

The example adds ``banning`` to Django's own ``User`` with ``User.add_to_class``;
that changes a model of ``django.contrib.auth``, whose migrations live in
site-packages. The project's own user model (``AUTH_USER_MODEL``) declares the
same relation instead: ``user.banning`` are the users this user bans,
``user.banned`` the users who ban this user.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models


class User(AbstractUser):
    banning = models.ManyToManyField(
        "self",
        through="Ban",
        through_fields=("user_from", "user_to"),
        related_name="banned",
        symmetrical=False,
    )


class Ban(models.Model):
    user_from = models.ForeignKey(User, on_delete=models.CASCADE, related_name="ban_from_set")
    user_to = models.ForeignKey(User, on_delete=models.CASCADE, related_name="ban_to_set")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user_from", "user_to"], name="accounts_ban_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user_from_id} bans {self.user_to_id}"


class Notification(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE)
    contents = models.CharField(max_length=200)

    def __str__(self) -> str:
        return self.contents
