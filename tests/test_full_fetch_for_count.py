"""full_fetch_for_count: len(qs) / bool(qs) / if qs: whose rows were thrown away (seed 003)."""

from __future__ import annotations

import pytest

from tests import scenarios_shape
from tests.scenarios_shape import Case, cases
from tests.shape_support import findings_of, found_on_bad_code, nothing_on_fixed_code
from tests.testapp.models import Blog, Post

pytestmark = pytest.mark.django_db
CASES = cases("full_fetch_for_count")


@pytest.fixture
def seeded(db: None) -> None:
    scenarios_shape.seed()


@pytest.mark.usefixtures("seeded")
@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_bad_code_is_found_with_the_rewritten_line(case: Case) -> None:
    found_on_bad_code(case)


@pytest.mark.usefixtures("seeded")
@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_fixed_code_reports_nothing(case: Case) -> None:
    nothing_on_fixed_code(case)


def rows_used_after_the_test() -> None:
    posts = Post.objects.filter(writer="이예지")
    if posts:
        _ = [p.title for p in posts]


def rows_returned() -> list[Post]:
    posts = Post.objects.filter(writer="이예지")
    if len(posts) > 1:
        return list(posts)
    return []


def count_of_a_parameter(posts: object = None) -> None:
    posts = Post.objects.all() if posts is None else posts
    _ = len(posts)  # type: ignore[arg-type]


def two_candidates() -> None:
    blogs = Blog.objects.all()
    posts = Post.objects.all()
    if blogs and posts:
        _ = "both"


def rows_indexed() -> None:
    posts = Post.objects.order_by("pk")
    if len(posts) > 0:
        _ = posts[0]


@pytest.mark.usefixtures("seeded")
@pytest.mark.parametrize(
    "written",
    [rows_used_after_the_test, rows_returned, count_of_a_parameter, two_candidates, rows_indexed],
)
def test_rows_that_may_be_used_are_not_reported(written: object) -> None:
    found = findings_of(written)  # type: ignore[arg-type]
    assert [f.message for f in found if f.kind == "full_fetch_for_count"] == []


@pytest.mark.usefixtures("seeded")
def test_a_template_if_is_not_reported() -> None:
    from django.template import engines

    template = engines["django"].from_string("{% if posts %}{{ posts|length }}{% endif %}")

    def render() -> None:
        template.render({"posts": Post.objects.all()})

    assert findings_of(render) == []


def none_left() -> None:
    _ = len(Post.objects.all()) == 0


def any_left() -> None:
    _ = bool(Post.objects.all())


def exactly_two() -> None:
    _ = len(Post.objects.all()) == 2


@pytest.mark.usefixtures("seeded")
@pytest.mark.parametrize(
    ("written", "fix"),
    [
        (none_left, "_ = not Post.objects.all().exists()"),
        (any_left, "_ = Post.objects.all().exists()"),
        (exactly_two, "_ = Post.objects.all().count() == 2"),
    ],
    ids=["== 0", "bool()", "== 2"],
)
def test_the_rewrite_asks_the_question_that_was_asked(written: object, fix: str) -> None:
    (finding,) = findings_of(written)  # type: ignore[arg-type]
    assert finding.fix == fix
