"""What the pitfall views share: a table page, and a transaction that is rolled back."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def table(
    request: HttpRequest, headers: Sequence[str], rows: Iterable[Sequence[Any]]
) -> HttpResponse:
    """The pitfall page (pitfalls/page.html) with ``rows`` as a table."""
    return render(request, "pitfalls/table.html", {"headers": headers, "rows": rows})


@contextmanager
def rolled_back() -> Iterator[None]:
    """Run the block in a transaction, then roll it back.

    The pages that write show their INSERTs on every visit without growing the
    demo database.
    """
    with transaction.atomic():
        yield
        transaction.set_rollback(True)
