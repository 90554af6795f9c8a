"""The shop's pitfall: the bad view and, right under it, the fixed view."""

from __future__ import annotations

from django.db.models import Count, FilteredRelation, Q
from django.http import HttpRequest, HttpResponse

from pitfalls.pages import table

from .models import Company

# Counting matching related rows: the condition belongs in the LEFT JOIN's ON ----
#
# A filter across a foreign key is an ordinary INNER JOIN: WHERE or ON, the
# rows are the same. FilteredRelation matters where they differ: a LEFT JOIN
# that keeps every company, counting only the products that match.


def matching_count_bad(request: HttpRequest) -> HttpResponse:
    companies = Company.objects.order_by("name")
    # One COUNT query per company.
    rows = [
        (c.name, c.product_set.filter(name__startswith="product_name3").count()) for c in companies
    ]
    return table(request, ["Company", "Products named product_name3..."], rows)


def matching_count_fixed(request: HttpRequest) -> HttpResponse:
    companies = (
        Company.objects.annotate(
            this_is_join_table_name=FilteredRelation(
                "product",
                condition=Q(product__name__startswith="product_name3"),
            ),
        )
        .annotate(matching=Count("this_is_join_table_name"))
        .order_by("name")
    )
    rows = [(c.name, c.matching) for c in companies]
    return table(request, ["Company", "Products named product_name3..."], rows)
