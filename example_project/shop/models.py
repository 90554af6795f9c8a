"""Companies and their products, with a long foreign key name."""

from __future__ import annotations

from django.db import models


class Company(models.Model):
    name = models.CharField(max_length=100, unique=True)

    class Meta:
        verbose_name_plural = "companies"

    def __str__(self) -> str:
        return self.name


class Product(models.Model):
    name = models.CharField(max_length=100)
    product_owned_company = models.ForeignKey(Company, on_delete=models.CASCADE)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["product_owned_company", "name"], name="shop_product_unique_name"
            ),
        ]

    def __str__(self) -> str:
        return self.name
