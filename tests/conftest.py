from __future__ import annotations

import inspect
from pathlib import Path

import pytest

from tests.testapp.models import (
    Blog,
    Book,
    Category,
    City,
    Comment,
    Entry,
    Member,
    Person,
    Pizza,
    Post,
    Profile,
    Restaurant,
    Topping,
)

pytest_plugins = ["pytester"]


def lineno(offset: int = 0) -> int:
    """The caller's line number plus ``offset``: ``expected = lineno(1)`` names the next line."""
    frame = inspect.currentframe()
    assert frame is not None
    assert frame.f_back is not None
    return frame.f_back.f_lineno + offset


@pytest.fixture
def blog_data(db: None) -> list[Post]:
    """Two blogs, four categories, eight posts in the seed notes' style."""
    from django.contrib.contenttypes.models import ContentType

    posts = []
    for b, name in enumerate(["김영희", "하수진"]):
        blog = Blog.objects.create(name=name)
        for c in range(2):
            category = Category.objects.create(name=f"modi {b}{c}", blog=blog)
            for p in range(2):
                posts.append(
                    Post.objects.create(
                        title=f"quid {b}{c}{p}",
                        writer="이예지",
                        ip_address=f"192.168.0.{b}{c}{p}",
                        content="본문 " * 20,
                        category=category,
                    )
                )
    post_type = ContentType.objects.get_for_model(Post)
    for post in posts[:3]:
        Comment.objects.create(content_type=post_type, object_id=post.pk, text="좋아요")
    return posts


@pytest.fixture
def pizza_data(db: None) -> list[Restaurant]:
    toppings = [Topping.objects.create(name=n, spicy=n == "pepper") for n in ("ham", "pepper")]
    pizzas = []
    for name in ("Hawaiian", "Seafood", "Diavola"):
        pizza = Pizza.objects.create(name=name)
        pizza.toppings.set(toppings)
        pizzas.append(pizza)
    restaurants = []
    for i, pizza in enumerate(pizzas):
        restaurant = Restaurant.objects.create(name=f"r{i}", best_pizza=pizza)
        restaurant.pizzas.set(pizzas)
        restaurants.append(restaurant)
    return restaurants


@pytest.fixture
def people_data(db: None) -> list[Book]:
    city = City.objects.create(name="서울")
    books = []
    for i in range(3):
        person = Person.objects.create(name=f"p{i}", hometown=city if i else None)
        Profile.objects.create(person=person, bio="bio")
        books.append(Book.objects.create(title=f"b{i}", author=person))
    return books


@pytest.fixture
def member_data(db: None) -> list[Member]:
    members = [Member.objects.create(username=f"u{i}") for i in range(3)]
    members[0].banning.add(members[1])
    members[2].banning.add(members[0])
    return members


@pytest.fixture
def entry_data(db: None) -> list[Entry]:
    return [Entry.objects.create(headline=f"h{i}", body="x" * 1000, rating=i) for i in range(3)]


def close_thread_connections() -> None:
    """Close this thread's connections at the end of a worker thread.

    Django keeps in-memory SQLite connections open on ``close()`` (closing would
    drop the test database), so a thread's own connection to the shared-cache
    database is closed directly; the main thread's keeps the database alive.
    """
    import threading

    from django.db import connections

    if threading.current_thread() is threading.main_thread():
        return  # asgiref ran the code here; the main thread's connection stays
    for connection in connections.all(initialized_only=True):
        if connection.vendor == "sqlite" and connection.is_in_memory_db():  # type: ignore[attr-defined]
            if connection.connection is not None:
                connection.connection.close()
                connection.connection = None
        else:
            connection.close()


def pytester_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """The environment of a pytester subprocess running this suite's settings.

    On SQLite always: it must never touch the parent run's test databases. And
    without the parent's xdist variables, when this suite itself runs under
    xdist, so that the inner run does not take itself for that worker.
    """
    monkeypatch.setenv("PYTHONPATH", str(Path(__file__).resolve().parent.parent))
    monkeypatch.setenv("ORMWATCH_TEST_DB", "sqlite")
    monkeypatch.setenv("DJANGO_SETTINGS_MODULE", "tests.settings")
    for name in ("PYTEST_XDIST_WORKER", "PYTEST_XDIST_WORKER_COUNT", "PYTEST_XDIST_TESTRUNUID"):
        monkeypatch.delenv(name, raising=False)


def redact(
    sql: str, params: object, many: bool, columns: tuple[str, ...], tables: tuple[str, ...]
) -> object:
    """``params`` as the recorder stores them with these secret columns and tables.

    The recorder's own path: the statement's plan from ``_statements.describe``
    (cached per statement text and settings), then ``_redact.apply``.
    """
    import dataclasses

    from ormwatch import _conf
    from ormwatch._record import _statements
    from ormwatch._record._redact import apply

    settings = dataclasses.replace(_conf.get(), secret_columns=columns, secret_tables=tables)
    _, decided = _statements.describe(sql, settings)
    return apply(decided, params, many)
