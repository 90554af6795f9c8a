"""The pizzeria's pitfalls: each one as a bad view and, right under it,
the fixed view."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse

from pitfalls.pages import table

from .models import Pizza, Restaurant

# N+1 over a many-to-many: Pizza.__str__ reads self.toppings.all() ---------------


def m2m_bad(request: HttpRequest) -> HttpResponse:
    menu = [str(pizza) for pizza in Pizza.objects.order_by("name")]
    return table(request, ["Pizza (toppings)"], [(item,) for item in menu])


def m2m_fixed(request: HttpRequest) -> HttpResponse:
    menu = [str(pizza) for pizza in Pizza.objects.prefetch_related("toppings").order_by("name")]
    return table(request, ["Pizza (toppings)"], [(item,) for item in menu])


# N+1 over a nested path: restaurant -> best_pizza -> toppings --------------------


def nested_bad(request: HttpRequest) -> HttpResponse:
    restaurants = Restaurant.objects.order_by("name")
    rows = [
        (r.name, r.best_pizza.name, ", ".join(t.name for t in r.best_pizza.toppings.all()))
        for r in restaurants
    ]
    return table(request, ["Restaurant", "Best pizza", "Its toppings"], rows)


def nested_fixed(request: HttpRequest) -> HttpResponse:
    restaurants = (
        Restaurant.objects.select_related("best_pizza")
        .prefetch_related("best_pizza__toppings")
        .order_by("name")
    )
    rows = [
        (r.name, r.best_pizza.name, ", ".join(t.name for t in r.best_pizza.toppings.all()))
        for r in restaurants
    ]
    return table(request, ["Restaurant", "Best pizza", "Its toppings"], rows)
