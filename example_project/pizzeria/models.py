"""The pizzeria: pizzas with toppings (many-to-many), restaurants with a
menu of pizzas (many-to-many) and one ``best_pizza`` (a foreign key)."""

from __future__ import annotations

from django.db import models


class Topping(models.Model):
    name = models.CharField(max_length=30, unique=True)
    spicy = models.BooleanField(default=False)

    def __str__(self) -> str:
        return self.name


class Pizza(models.Model):
    name = models.CharField(max_length=50, unique=True)
    toppings = models.ManyToManyField(Topping)

    def __str__(self) -> str:
        # One query per pizza unless the toppings were prefetched.
        return "%s (%s)" % (  # noqa: UP031
            self.name,
            ", ".join(topping.name for topping in self.toppings.all()),
        )


class Restaurant(models.Model):
    name = models.CharField(max_length=50, unique=True)
    pizzas = models.ManyToManyField(Pizza, related_name="restaurants")
    best_pizza = models.ForeignKey(Pizza, related_name="championed_by", on_delete=models.CASCADE)

    def __str__(self) -> str:
        return self.name
