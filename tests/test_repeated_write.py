"""repeated_write: the user's own loop of single-row writes, not a library call writing rows."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.contrib.auth.models import User
from django.db.models.signals import post_save
from django.test import Client

import ormwatch
from ormwatch import Report
from tests.conftest import lineno
from tests.testapp import writes
from tests.testapp.models import Blog, Book, Category, Person, Pizza, Post, Topping

pytestmark = pytest.mark.django_db


def writes_found(report: Report) -> list[ormwatch.Finding]:
    return [f for f in report.findings if f.kind == "repeated_write"]


@pytest.fixture
def category() -> Category:
    return Category.objects.create(name="c", blog=Blog.objects.create(name="b"))


@pytest.fixture
def connected() -> Iterator[None]:
    post_save.connect(writes.log_post, sender=Post)
    post_save.connect(writes.touch_blog, sender=Post)
    yield
    post_save.disconnect(writes.log_post, sender=Post)
    post_save.disconnect(writes.touch_blog, sender=Post)


def test_a_login_is_not_a_repeated_write(client: Client) -> None:
    # login() creates a session and rotates it: two INSERTs of Session from one call.
    User.objects.create_user("ana", password="pw")
    with ormwatch.watch() as report:
        client.login(username="ana", password="pw")
    assert len([q for q in report.queries if q.fingerprint.startswith("insert")]) == 2
    assert writes_found(report) == []


def test_get_or_create_that_creates_is_not_a_repeated_write() -> None:
    with ormwatch.watch() as report:
        writes.find_or_make_blog("a")
        writes.find_or_make_blog("b")
        for name in "cd":
            writes.find_or_make_blog(name)
    assert Blog.objects.count() == 4
    assert writes_found(report) == []


def test_set_on_a_relation_is_not_a_repeated_write() -> None:
    toppings = [Topping.objects.create(name=n) for n in "abc"]
    pizzas = [Pizza.objects.create(name=n) for n in "xy"]
    for pizza in pizzas:
        pizza.toppings.set(toppings[:2])
    author = Person.objects.create(name="a")
    books = [Book.objects.create(title=n, author=Person.objects.create(name=n)) for n in "xyz"]
    with ormwatch.watch() as report:
        writes.retag(pizzas[0], toppings[1:])  # a many-to-many set(): one DELETE each
        writes.retag(pizzas[1], toppings[1:])
        author.book_set.set(books, bulk=False)  # a reverse foreign key: one save() per book
    assert author.book_set.count() == 3
    assert writes_found(report) == []


def test_rows_a_signal_handler_writes_are_not_a_repeated_write(
    category: Category, connected: None
) -> None:
    with ormwatch.watch() as report:
        Post.objects.create(title="one", category=category)
        Post.objects.create(title="two", category=category)
        Post.objects.create(title="three", category=category)
    assert Category.objects.filter(name__startswith="log").count() == 3
    assert writes_found(report) == []


def test_a_loop_of_creates_is_one_finding_at_the_loop_not_in_its_handlers(
    category: Category, connected: None
) -> None:
    with ormwatch.watch() as report:
        for title in ("one", "two", "three"):
            Post.objects.create(title=title, category=category)
            line = lineno()
    (finding,) = writes_found(report)
    assert finding.call_site is not None
    assert finding.call_site.line == line - 1
    assert finding.message.startswith("Repeated write: 3 single-row INSERTs of Post from create()")
    assert finding.fix is not None
    assert "Post.objects.bulk_create(" in finding.fix
    # Six UPDATEs of one Blog row from the handler were a "bulk_update" before.
    assert all("Blog" not in f.message for f in writes_found(report))


def test_a_save_loop_is_still_a_repeated_write() -> None:
    person = Person.objects.create(name="a")
    books = [Book.objects.create(title=n, author=person) for n in "xyz"]
    with ormwatch.watch() as report:
        for book in books:
            book.title = book.title.upper()
            book.save()
            line = lineno()
    (finding,) = writes_found(report)
    assert finding.call_site is not None
    assert finding.call_site.line == line - 1
    assert finding.origin == finding.call_site
    assert finding.fix == 'Book.objects.bulk_update(objs, ["title", "author"])'


def test_a_helper_called_in_a_loop_names_the_loop_as_the_origin() -> None:
    blogs = [Blog.objects.create(name=n) for n in "xyz"]
    with ormwatch.watch() as report:
        for blog in blogs:
            writes.rename_blog(blog)
            line = lineno()
    (finding,) = writes_found(report)
    assert finding.call_site is not None
    assert finding.call_site.path == writes.__file__
    assert finding.call_site.code == "blog.save()"
    assert finding.origin is not None
    assert finding.origin.line == line - 1


def test_a_delete_loop_counts_the_rows_deleted_not_their_cascade() -> None:
    people = [Person.objects.create(name=n) for n in "xyz"]
    for person in people:
        Book.objects.create(title="t", author=person)
    with ormwatch.watch() as report:
        for person in people:
            person.delete()
    (finding,) = writes_found(report)
    assert "DELETEs of Person" in finding.message
    assert {q.orm.model for q in finding.queries} == {"testapp.Person"}


def test_one_row_updated_six_times_from_a_signal_handler_is_no_bulk_write(
    category: Category, connected: None
) -> None:
    posts = [Post(title=str(i), category=category) for i in range(6)]
    with ormwatch.watch() as report:
        Post.objects.bulk_create(posts)
        post_save.disconnect(writes.log_post, sender=Post)
        for post in Post.objects.filter(category=category):
            post.save(update_fields=["title"])
    blog_updates = [q for q in report.queries if q.fingerprint.startswith("update testapp_blog")]
    assert len(blog_updates) == 6
    (finding,) = writes_found(report)  # the loop's own UPDATEs of six Post rows
    assert finding.message.startswith("Repeated write: 6 single-row UPDATEs of Post from save()")


def test_one_row_saved_in_a_loop_is_said_so_without_a_bulk_fix(category: Category) -> None:
    blog = category.blog
    with ormwatch.watch() as report:
        for name in ("a", "b", "c"):
            blog.name = name
            blog.save()
    (finding,) = writes_found(report)
    assert finding.message.startswith("Repeated write: the same Blog row was updated 3 times")
    assert "save it once after" in finding.message
    assert finding.fix is None


def test_no_repeated_write_in_test_modules_unless_asked(settings) -> None:  # type: ignore[no-untyped-def]
    settings.ORMWATCH = {}
    with ormwatch.watch() as report:
        for name in "xyz":
            Blog.objects.create(name=name)
    assert writes_found(report) == []
    settings.ORMWATCH = {"REPORT_WRITES_IN_TESTS": True}
    with ormwatch.watch() as report:
        for name in "xyz":
            Blog.objects.create(name=name)
    assert len(writes_found(report)) == 1
