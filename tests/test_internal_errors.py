"""Internal errors Django's own test suite found (make test-django-suite), on our models.

Each was swallowed (fail-open, so no outcome changed), logged as an ormwatch
internal error, and cost the statement its context or the finding its fix.
"""

from __future__ import annotations

import logging

import pytest
from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.db.models import FilteredRelation, Q
from django.test.utils import isolate_apps

import ormwatch
from ormwatch import _failsafe
from ormwatch._introspect import _relations
from tests.testapp.models import Book, Comment, Person


@pytest.fixture
def logged(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    _failsafe.forget()  # each place logs once per process: let these log again
    caplog.set_level(logging.ERROR, logger="ormwatch")
    return caplog


def internal_errors(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "ormwatch"]


@pytest.mark.django_db
def test_select_related_through_a_filtered_relation(logged: pytest.LogCaptureFixture) -> None:
    # Django's filtered_relation.tests.FilteredRelationTests.test_defer: the
    # compiler marks the hop as reverse and gives the reverse relation object,
    # whose related_query_name is a string, not a method.
    alice = Person.objects.create(name="alice")
    Book.objects.create(title="Poem by Alice", author=alice)
    Person.objects.create(name="bob")
    with ormwatch.watch() as report:
        people = list(
            Person.objects.annotate(
                poem=FilteredRelation("book", condition=Q(book__title__iexact="poem by alice"))
            )
            .filter(poem__isnull=False)
            .select_related("poem")
        )
    assert [(p.name, p.poem.title) for p in people] == [("alice", "Poem by Alice")]
    assert internal_errors(logged) == []
    assert [q.orm.model for q in report.queries] == ["testapp.Person"]


@isolate_apps("tests.testapp")
def test_a_subclass_of_generic_relation_is_a_generic_relation() -> None:
    # Django's generic_relations_regress: a GenericRelation subclass was taken
    # for a reverse foreign key, and the join fix asked it for a .field it lacks.
    class SpecialGenericRelation(GenericRelation):
        pass

    class Thing(models.Model):  # noqa: DJ008 - never shown
        comments = SpecialGenericRelation(Comment)

        class Meta:
            app_label = "testapp"

    field = Thing._meta.get_field("comments")
    assert _relations.relation_kind(field) == "generic_relation"
    assert _relations.relation(Thing, field).kind == "generic_relation"
