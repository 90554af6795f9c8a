"""Every pitfall of the example project, in the order of the index page.

This list is the single source of truth: config/urls.py makes two pages of each
entry (``/<slug>/bad/`` and ``/<slug>/fixed/``), the index renders it, and
test_pages.py requests every page and checks that the bad one makes ormwatch
report exactly ``kinds``, the fixed one nothing, and that the fixed one runs
fewer queries.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from django.urls import reverse

from accounts import views as accounts
from blog import views as blog
from library import views as library
from pizzeria import views as pizzeria
from shop import views as shop


@dataclass(frozen=True)
class Pitfall:
    slug: str
    title: str
    # One line: what goes wrong, and what the fixed page does instead.
    explanation: str
    # The finding kinds ormwatch reports on the bad page, no more, no less.
    kinds: tuple[str, ...]
    bad: Callable[..., Any]
    fixed: Callable[..., Any]

    @property
    def docs_url(self) -> str:
        """The kind's entry in docs/findings.md, served by this project (pitfalls.views)."""
        return f"{reverse('findings-doc')}#{self.kinds[0]}"


PITFALLS: list[Pitfall] = [
    Pitfall(
        "n-plus-one-fk",
        "N+1 over a foreign key",
        "Reading post.category for each post loads every category with its own query; "
        'select_related("category") joins them into the first one.',
        ("n_plus_one",),
        blog.fk_bad,
        blog.fk_fixed,
    ),
    Pitfall(
        "n-plus-one-reverse-fk",
        "N+1 over a reverse foreign key, in an async view",
        "category.post.all() in an async for loop queries once per category; "
        'prefetch_related("post") loads all the posts in one more query.',
        ("n_plus_one",),
        blog.reverse_fk_bad,
        blog.reverse_fk_fixed,
    ),
    Pitfall(
        "n-plus-one-m2m",
        "N+1 over a many-to-many",
        "Pizza.__str__ reads self.toppings.all(), once per pizza on the menu; "
        'prefetch_related("toppings") fetches every topping in one query.',
        ("n_plus_one",),
        pizzeria.m2m_bad,
        pizzeria.m2m_fixed,
    ),
    Pitfall(
        "n-plus-one-nested",
        "N+1 over a nested path",
        "restaurant.best_pizza.toppings loads a pizza and its toppings per restaurant; "
        "join the foreign key, prefetch the many-to-many behind it.",
        ("n_plus_one",),
        pizzeria.nested_bad,
        pizzeria.nested_fixed,
    ),
    Pitfall(
        "n-plus-one-template",
        "N+1 in a template loop",
        "The template reads post.category.blog.name in its {% for %} loop: two queries per "
        'row; select_related("category__blog") in the view.',
        ("n_plus_one",),
        blog.template_loop_bad,
        blog.template_loop_fixed,
    ),
    Pitfall(
        "n-plus-one-list-view",
        "N+1 in the template of a class-based ListView",
        "ListView renders blog/post_list.html after the view has returned, two queries per "
        "row; ormwatch points at the view's queryset attribute, where "
        'select_related("category__blog") goes.',
        ("n_plus_one",),
        blog.PostListBad.as_view(),
        blog.PostListFixed.as_view(),
    ),
    Pitfall(
        "n-plus-one-jinja2",
        "N+1 over a nullable chain, in a Jinja2 template",
        "book.author.hometown in a Jinja2 loop loads an author and a city per book; "
        'select_related("author__hometown") follows the nullable key with a LEFT JOIN.',
        ("n_plus_one",),
        library.chain_bad,
        library.chain_fixed,
    ),
    Pitfall(
        "deferred-field",
        "A deferred field read after only()",
        "only() left rating out, so reading it loads it row by row; "
        "list every field the page reads in only().",
        ("n_plus_one",),
        blog.deferred_bad,
        blog.deferred_fixed,
    ),
    Pitfall(
        "prefetch-then-filter",
        "prefetch_related(), then filter() on the manager",
        "blog.category.filter() ignores the prefetched categories and queries again per blog; "
        "filter the prefetched rows in Python.",
        ("prefetch_bypassed",),
        blog.prefetch_filter_bad,
        blog.prefetch_filter_fixed,
    ),
    Pitfall(
        "prefetch-and-filter",
        "prefetch_related() with a filter on the same relation",
        "filter(category__name__contains=...) joins the categories, then the prefetch loads "
        "all of them again, unfiltered, so the page asks each blog again for the matching "
        "ones; test the filter with Exists() and give the prefetch a Prefetch() queryset "
        "with the same filter.",
        ("prefetch_double_fetch", "prefetch_bypassed"),
        blog.double_fetch_bad,
        blog.double_fetch_fixed,
    ),
    Pitfall(
        "in-lazy-queryset",
        "__in with a lazy queryset",
        "The page fetches the blogs for their names, then hands the same lazy queryset to "
        "__in, which runs it again as IN (SELECT ...); join the blogs once with "
        "select_related() (or list() them first).",
        ("unexpected_subquery",),
        blog.in_queryset_bad,
        blog.in_queryset_fixed,
    ),
    Pitfall(
        "exclude-reverse",
        "filter() and exclude() across a reverse relation",
        'filter(post__title__contains="quis") joins the posts and repeats a category per '
        "match; exclude() of the same condition becomes a NOT EXISTS subquery; one Exists() "
        "annotation answers both in one query.",
        ("unexpected_subquery", "unexpected_join"),
        blog.exclude_reverse_bad,
        blog.exclude_reverse_fixed,
    ),
    Pitfall(
        "or-join",
        "Q(banning=user) | Q(banned=user)",
        "The OR joins the ban table twice with LEFT OUTER JOINs, repeats users and cannot "
        "say which side matched, so the page asks again; test each side with Exists() and "
        "annotate the side the page asks about: each user once, labelled, in one query.",
        ("unexpected_join",),
        accounts.or_join_bad,
        accounts.or_join_fixed,
    ),
    Pitfall(
        "filtered-relation",
        "Counting matching rows: FilteredRelation",
        "Each company counts its products named product_name3... with a COUNT query of its "
        "own (a prefetch would not help: filter() on a related manager queries anyway); "
        "FilteredRelation counts them for every company in one query: its condition sits in "
        "the LEFT JOIN's ON, so the companies with none keep a 0 (in WHERE, they would be "
        "dropped).",
        ("n_plus_one",),
        shop.matching_count_bad,
        shop.matching_count_fixed,
    ),
    Pitfall(
        "select-related-values",
        "select_related().values()",
        "values() returns rows, not objects, so select_related() is silently dropped and "
        'the blog names need a query of their own; name the field in values("blog__name").',
        ("eager_load_ignored",),
        blog.values_bad,
        blog.values_fixed,
    ),
    Pitfall(
        "unused-select-related",
        "An unused select_related() and prefetch_related()",
        "The list's queryset was copied from the category page, with its "
        'select_related("blog") and prefetch_related("post"); the list reads neither: drop both.',
        ("unused_eager_load",),
        blog.unused_select_related_bad,
        blog.unused_select_related_fixed,
    ),
    Pitfall(
        "len-and-if",
        "len(qs) and if qs:",
        "Both fetch every row only to count them or test for one, and the page then gets the "
        "blog again; count() for the number, first() for the blog it needs anyway.",
        ("full_fetch_for_count",),
        blog.full_fetch_bad,
        blog.full_fetch_fixed,
    ),
    Pitfall(
        "save-in-a-loop",
        "save() in a loop instead of bulk_create()",
        "One INSERT per user; bulk_create() writes them in one statement "
        "(the page rolls its writes back).",
        ("repeated_write",),
        accounts.save_loop_bad,
        accounts.save_loop_fixed,
    ),
    Pitfall(
        "duplicate-query",
        "The same query twice",
        "blog.category.all() makes a new queryset each time, so the second loop runs the "
        "same SQL again; evaluate it once with list() and reuse the rows.",
        ("duplicate_query",),
        blog.duplicate_bad,
        blog.duplicate_fixed,
    ),
    Pitfall(
        "slow-query",
        "A slow statement",
        "Raw SQL builds a temporary calendar of every minute of 2024, joins the posts to it "
        "and drops it, only to count posts per hour; group the posts themselves in one "
        "query and fill the empty hours in Python.",
        ("slow_query",),
        blog.slow_bad,
        blog.slow_fixed,
    ),
]

BY_URL_NAME: dict[str, tuple[Pitfall, Literal["bad", "fixed"]]] = {
    **{f"{p.slug}-bad": (p, "bad") for p in PITFALLS},
    **{f"{p.slug}-fixed": (p, "fixed") for p in PITFALLS},
}
