"""The shop's pitfall (seed 002): the bad view and, right under it, the fixed view."""

from __future__ import annotations

from django.db.models import FilteredRelation, Q
from django.http import HttpRequest, HttpResponse

from pitfalls.pages import table

from .models import Product

# A join made only to filter: the condition belongs in the join's ON -------------


def filter_join_bad(request: HttpRequest) -> HttpResponse:
    products = Product.objects.filter(product_owned_company__name="company_name34")
    rows = [(product.name, product.product_owned_company_id) for product in products]
    return table(request, ["Product of company_name34", "Company id"], rows)


def filter_join_fixed(request: HttpRequest) -> HttpResponse:
    products = Product.objects.annotate(
        this_is_join_table_name=FilteredRelation(
            "product_owned_company",
            condition=Q(product_owned_company__name="company_name34"),
        ),
    ).filter(this_is_join_table_name__isnull=False)
    rows = [(product.name, product.product_owned_company_id) for product in products]
    return table(request, ["Product of company_name34", "Company id"], rows)
