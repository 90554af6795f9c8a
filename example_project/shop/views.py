"""The shop's pitfall: the bad view and, right under it, the fixed view."""

from __future__ import annotations

from django.db.models import FilteredRelation, Q
from django.http import HttpRequest, HttpResponse

from pitfalls.pages import table

from .models import Company, Product

# A join made only to filter: the condition belongs in the join's ON -------------


def filter_join_bad(request: HttpRequest) -> HttpResponse:
    products = Product.objects.filter(
        product_owned_company__name__startswith="company_name3"
    ).order_by("name")
    # The join was there, but only in WHERE: the company names need a query of their own.
    companies = Company.objects.in_bulk({p.product_owned_company_id for p in products})
    rows = [(p.name, companies[p.product_owned_company_id].name) for p in products]
    return table(request, ["Product", "Company"], rows)


def filter_join_fixed(request: HttpRequest) -> HttpResponse:
    products = (
        Product.objects.annotate(
            this_is_join_table_name=FilteredRelation(
                "product_owned_company",
                condition=Q(product_owned_company__name__startswith="company_name3"),
            ),
        )
        .filter(this_is_join_table_name__isnull=False)
        .select_related("this_is_join_table_name")
        .order_by("name")
    )
    rows = [(p.name, p.this_is_join_table_name.name) for p in products]
    return table(request, ["Product", "Company"], rows)
