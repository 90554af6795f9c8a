"""repeated_write's fixes, applied with ``git apply`` and run again: one bulk write for the loop."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db.models.signals import post_save

from tests.fix_support import apply_fixes
from tests.test_fixes_applied import fixed
from tests.testapp import writes
from tests.testapp.models import Book, Person, Post

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(db: None) -> None:
    for name in ("ana", "bo", "cy"):
        Book.objects.create(title=f"{name}'s book", author=Person.objects.create(name=name))


def posts() -> list[tuple[str, str]]:
    return sorted(Post.objects.values_list("title", "writer"))


CREATE_LOOPS = [
    """
        for person in people:
            Post(title=person.name, writer="me", category=category).save()
    """,
    """
        for person in people:
            Post.objects.create(
                title=person.name, writer="me", category=category
            )
    """,
    """
        for person in people:
            post = Post(title=person.name, writer="me", category=category)
            post.save()
    """,
]


@pytest.mark.usefixtures("people")
@pytest.mark.parametrize("loop", CREATE_LOOPS)
def test_a_loop_of_new_objects_becomes_one_bulk_create(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, loop: str
) -> None:
    body = "\n".join(line[4:] for line in loop.strip("\n").splitlines())
    source = f"""
from tests.testapp.models import Blog, Category, Person, Post


def view():
    category = Category.objects.create(name="c", blog=Blog.objects.create(name="b"))
    people = Person.objects.order_by("name")
{body}
    rows = sorted(Post.objects.values_list("title", "writer", "category__name"))
    Post.objects.all().delete()
    Category.objects.all().delete()
    return rows
"""
    applied = apply_fixes(tmp_path, monkeypatch, source)
    fixed(applied, ["repeated_write"])
    assert (
        '    Post.objects.bulk_create([Post(title=person.name, writer="me", category=category) '
        "for person in people])"
    ) in applied.source.replace("\n                ", "").replace("\n            ", "")
    assert len(applied.before.result) == 3


@pytest.mark.usefixtures("people")
def test_a_loop_of_changed_objects_is_followed_by_one_bulk_update(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    applied = apply_fixes(
        tmp_path,
        monkeypatch,
        """
        from tests.testapp.models import Book


        def view():
            books = Book.objects.order_by("title")
            for book in books:
                book.title = book.title.upper()
                book.save()
            return sorted(Book.objects.values_list("title", "author__name"))
        """,
    )
    fixed(applied, ["repeated_write"])
    assert "        book.title = book.title.upper()\n" in applied.source
    assert '    Book.objects.bulk_update(books, ["title"])\n' in applied.source
    assert ".save()" not in applied.source
    assert applied.before.result[0] == ("ANA'S BOOK", "ana")


@pytest.fixture
def connected() -> Iterator[None]:
    post_save.connect(writes.log_post, sender=Post)
    yield
    post_save.disconnect(writes.log_post, sender=Post)


NO_EDIT = {
    "another statement in the loop": """
        for person in people:
            Post(title=person.name, category=category).save()
            seen.append(person)
    """,
    "the object is read after the save": """
        for person in people:
            post = Post(title=person.name, category=category)
            post.save()
            seen.append(post.pk)
    """,
    "a query among the constructor's arguments": """
        for person in people:
            Post(title=str(Post.objects.count()), category=category).save()
    """,
    "a generator, iterated once": """
        for book in (b for b in Book.objects.order_by("title")):
            book.title = "x"
            book.save()
    """,
    "a field the UPDATE did not set": """
        for book in books:
            book.title = "x"
            book.save(update_fields=["author"])
    """,
}


@pytest.mark.usefixtures("people")
@pytest.mark.parametrize("loop", NO_EDIT.values(), ids=NO_EDIT.keys())
def test_a_loop_that_is_not_provably_one_bulk_write_gets_words(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, loop: str
) -> None:
    body = "\n".join(line[4:] for line in loop.strip("\n").splitlines())
    source = f"""
from tests.testapp.models import Blog, Book, Category, Person, Post


def view():
    category = Category.objects.create(name="c", blog=Blog.objects.create(name="b"))
    people = list(Person.objects.all())
    books = list(Book.objects.all())
    seen = []
{body}
    return len(seen)
"""
    applied = apply_fixes(tmp_path, monkeypatch, source)
    (finding,) = [f for f in applied.before.report.findings if f.kind == "repeated_write"]
    assert (finding.fix, finding.edits, applied.patch) == (None, (), "")
    assert "bulk_" in finding.message


@pytest.mark.usefixtures("people", "connected")
def test_no_bulk_create_when_the_model_has_save_signal_receivers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    applied = apply_fixes(
        tmp_path,
        monkeypatch,
        """
        from tests.testapp.models import Blog, Category, Person, Post


        def view():
            category = Category.objects.create(name="c", blog=Blog.objects.create(name="b"))
            for person in Person.objects.all():
                Post(title=person.name, category=category).save()
            return Post.objects.count()
        """,
    )
    (finding,) = [f for f in applied.before.report.findings if f.kind == "repeated_write"]
    assert (finding.fix, finding.edits, applied.patch) == (None, (), "")
    assert "bulk_create()" in finding.message
    assert "signals" in finding.message
