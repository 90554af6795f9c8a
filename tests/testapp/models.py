"""Models from the seed notes, one per relation kind ormwatch must understand."""

from __future__ import annotations

from django.contrib.contenttypes.fields import GenericForeignKey, GenericRelation
from django.contrib.contenttypes.models import ContentType
from django.db import models


class Blog(models.Model):
    name = models.CharField(max_length=100)

    def __str__(self) -> str:
        return self.name


class Category(models.Model):
    name = models.CharField(max_length=100)
    # related_name="category" as in the seed notes: Blog.objects.prefetch_related("category").
    blog = models.ForeignKey(Blog, on_delete=models.CASCADE, related_name="category")

    def __str__(self) -> str:
        return self.name


class Comment(models.Model):
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveIntegerField()
    content_object = GenericForeignKey("content_type", "object_id")
    text = models.CharField(max_length=200)

    def __str__(self) -> str:
        return self.text


class Post(models.Model):
    title = models.CharField(max_length=200)
    writer = models.CharField(max_length=50)
    ip_address = models.CharField(max_length=45)
    content = models.TextField(default="")
    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="post")
    comments = GenericRelation(Comment)

    def __str__(self) -> str:
        return self.title


class Topping(models.Model):
    name = models.CharField(max_length=30)
    spicy = models.BooleanField(default=False)

    def __str__(self) -> str:
        return self.name


class Pizza(models.Model):
    name = models.CharField(max_length=50)
    toppings = models.ManyToManyField(Topping)

    def __str__(self) -> str:
        return self.name


class Restaurant(models.Model):
    name = models.CharField(max_length=50)
    pizzas = models.ManyToManyField(Pizza, related_name="restaurants")
    best_pizza = models.ForeignKey(Pizza, related_name="championed_by", on_delete=models.CASCADE)

    def __str__(self) -> str:
        return self.name


class Company(models.Model):
    name = models.CharField(max_length=100)

    def __str__(self) -> str:
        return self.name


class Product(models.Model):
    name = models.CharField(max_length=100)
    product_owned_company = models.ForeignKey(Company, on_delete=models.CASCADE)

    def __str__(self) -> str:
        return self.name


class City(models.Model):
    name = models.CharField(max_length=100)

    def __str__(self) -> str:
        return self.name


class Person(models.Model):
    name = models.CharField(max_length=100)
    hometown = models.ForeignKey(City, on_delete=models.SET_NULL, blank=True, null=True)

    def __str__(self) -> str:
        return self.name


class Profile(models.Model):
    person = models.OneToOneField(Person, on_delete=models.CASCADE, related_name="profile")
    bio = models.TextField(default="")

    def __str__(self) -> str:
        return f"profile of {self.person_id}"


class Book(models.Model):
    title = models.CharField(max_length=100)
    author = models.ForeignKey(Person, on_delete=models.CASCADE)

    def __str__(self) -> str:
        return self.title


class Entry(models.Model):
    headline = models.CharField(max_length=200)
    body = models.TextField(default="")
    rating = models.IntegerField(default=0)

    def __str__(self) -> str:
        return self.headline


class Member(models.Model):
    username = models.CharField(max_length=50)
    banning = models.ManyToManyField(
        "self",
        through="Ban",
        through_fields=("user_from", "user_to"),
        related_name="banned",
        symmetrical=False,
    )

    def __str__(self) -> str:
        return self.username


class Ban(models.Model):
    user_from = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="ban_from_set")
    user_to = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="ban_to_set")

    def __str__(self) -> str:
        return f"{self.user_from_id} bans {self.user_to_id}"


# Uniqueness along joins (tests/test_unique_joins.py): a person is in a team
# at most once, so a join on (person, team) cannot repeat a team.
class STeam(models.Model):
    name = models.CharField(max_length=50, unique=True)

    def __str__(self) -> str:
        return self.name


class SMembership(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="s_memberships")
    team = models.ForeignKey(STeam, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=20, default="member")
    joined = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "team"], name="s_membership_once"),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} in {self.team_id}"


class SBadge(models.Model):
    """Unique per team and label only while active: a partial constraint proves nothing."""

    team = models.ForeignKey(STeam, on_delete=models.CASCADE, related_name="badges")
    label = models.CharField(max_length=20)
    active = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["team", "label"],
                condition=models.Q(active=True),
                name="s_badge_active_once",
            ),
        ]

    def __str__(self) -> str:
        return self.label


class SSeat(models.Model):
    """unique_together, the older spelling of the same guarantee."""

    team = models.ForeignKey(STeam, on_delete=models.CASCADE, related_name="seats")
    number = models.IntegerField()

    class Meta:
        unique_together = [("team", "number")]

    def __str__(self) -> str:
        return f"seat {self.number}"


# Models for the precision cases of unused eager loads, loop sites, chained
# loads and cascades (tests/test_unused_eager_load.py, test_loop_site.py, test_chained_loads.py,
# test_cascade_signals.py, test_view_origin.py).


class LOwner(models.Model):
    name = models.CharField(max_length=50)

    def __str__(self) -> str:
        return self.name


class LProfile(models.Model):
    owner = models.OneToOneField(LOwner, on_delete=models.CASCADE, related_name="profile")
    bio = models.CharField(max_length=100, default="")

    def __str__(self) -> str:
        return f"profile of {self.owner_id}"


class LShop(models.Model):
    name = models.CharField(max_length=50)
    owner = models.ForeignKey(LOwner, on_delete=models.CASCADE, related_name="shops")

    def __str__(self) -> str:
        return self.name


class LOrder(models.Model):
    number = models.IntegerField(default=0)
    shop = models.ForeignKey(LShop, on_delete=models.CASCADE, related_name="orders")

    def __str__(self) -> str:
        return f"order {self.number}"

    def url(self) -> str:
        return f"/shops/{self.shop.name}/orders/{self.number}/"


class LLogEntry(models.Model):
    order = models.ForeignKey(LOrder, on_delete=models.CASCADE, related_name="log_entries")
    author = models.ForeignKey(LOwner, on_delete=models.CASCADE, related_name="log_entries")
    message = models.CharField(max_length=100, default="")

    def __str__(self) -> str:
        return self.message
