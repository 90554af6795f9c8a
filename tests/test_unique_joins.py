"""Row repeats that cannot happen are not reported (issue 15, item 5).

"Each STeam comes back once per matching SMembership" is false when a unique
constraint on (person, team) allows one membership per person and team: the
join, filtered on the person, finds at most one row per team. Uniqueness is
read along the joined path (``unique``, ``unique_together``,
``UniqueConstraint`` without a condition, primary keys) together with the
filter's equality conditions. The fix never puts ``distinct()`` after a call
that does not return a queryset (``get()``).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable

import pytest
from django.db.models import Exists, OuterRef

import ormwatch
from tests.testapp.models import Person, Pizza, SBadge, SMembership, SSeat, STeam, Topping

pytestmark = pytest.mark.django_db


@pytest.fixture
def teams(db: None) -> Person:
    bob, ann = Person.objects.create(name="bob"), Person.objects.create(name="ann")
    day = datetime.date(2026, 1, 1)
    for n in range(3):
        team = STeam.objects.create(name=f"team {n}")
        for person in (bob, ann):
            SMembership.objects.create(person=person, team=team, role="admin", joined=day)
        SBadge.objects.create(team=team, label="gold", active=False)
        SBadge.objects.create(team=team, label="gold", active=False)
        SSeat.objects.create(team=team, number=1)
    spicy = Topping.objects.create(name="chili", spicy=True)
    Pizza.objects.create(name="diavola").toppings.add(spicy)
    return bob  # type: ignore[no-any-return]


def repeats(run: Callable[[], object]) -> list[str]:
    with ormwatch.watch() as report:
        run()
    assert report.queries
    return [f.message for f in report.findings if f.kind == "unexpected_join"]


UNIQUE: dict[str, Callable[[Person], object]] = {
    "UniqueConstraint (person, team)": lambda bob: list(
        STeam.objects.filter(memberships__person=bob)
    ),
    "the key behind the person": lambda bob: list(
        STeam.objects.filter(memberships__person__pk=bob.pk)
    ),
    "a unique field of the person": lambda bob: list(
        STeam.objects.filter(memberships__person__id=bob.pk, memberships__role="admin")
    ),
    "unique_together (team, number)": lambda bob: list(STeam.objects.filter(seats__number=1)),
    "primary key of the related row": lambda bob: list(
        STeam.objects.filter(memberships__pk=1).order_by("name")
    ),
    "many-to-many to one topping": lambda bob: list(
        Pizza.objects.filter(toppings=Topping.objects.get(name="chili"))
    ),
    "many-to-many to a unique name": lambda bob: list(
        STeam.objects.filter(memberships__team__name="team 1", memberships__person=bob)
    ),
    "get() along the unique pair": lambda bob: STeam.objects.get(
        memberships__person=bob, name="team 1"
    ),
}


@pytest.mark.parametrize("name", list(UNIQUE))
def test_a_join_along_a_unique_path_is_not_a_row_repeat(name: str, teams: Person) -> None:
    assert repeats(lambda: UNIQUE[name](teams)) == []


REPEATING: dict[str, Callable[[Person], object]] = {
    "a condition that is not unique": lambda bob: list(
        STeam.objects.filter(memberships__role="admin")
    ),
    "a partial UniqueConstraint proves nothing": lambda bob: list(
        STeam.objects.filter(badges__label="gold")
    ),
    "a range is not an equality": lambda bob: list(
        STeam.objects.filter(seats__number__gte=1, memberships__person=bob)
    ),
    "the person inside an OR": lambda bob: list(
        STeam.objects.filter(memberships__person=bob) | STeam.objects.filter(name="x")
    ),
}


@pytest.mark.parametrize("name", list(REPEATING))
def test_a_join_that_can_repeat_is_still_reported(name: str, teams: Person) -> None:
    assert len(repeats(lambda: REPEATING[name](teams))) == 1


def test_the_repeats_really_happen_where_reported(teams: Person) -> None:
    rows = list(STeam.objects.filter(badges__label="gold"))
    assert len(rows) > len(set(rows))


def test_distinct_never_follows_get(teams: Person) -> None:
    def fetch() -> STeam:
        return STeam.objects.get(memberships__role="admin", name="team 1")  # type: ignore[no-any-return]  # origin

    with ormwatch.watch() as report, pytest.raises(STeam.MultipleObjectsReturned):
        fetch()
    (finding,) = [f for f in report.findings if f.kind == "unexpected_join"]
    assert finding.fix is not None
    first = finding.fix.splitlines()[0].split("  #")[0]
    # The filter across the relation becomes an Exists() inside get(): no join to repeat.
    assert '.get(Exists(SMembership.objects.filter(team=OuterRef("pk"), role="admin"))' in first
    assert ".distinct()" not in first
    code = first.split("return ", 1)[1]
    # The fix runs where it points, and returns the one team.
    names = {"STeam": STeam, "SMembership": SMembership, "Exists": Exists, "OuterRef": OuterRef}
    assert eval(code, names) == STeam.objects.get(name="team 1")


@pytest.mark.django_db
def test_a_filter_for_no_related_row_repeats_nothing() -> None:
    # linkding's untagged bookmarks: filter(tags=None) is a LEFT JOIN kept only
    # where no tag matched, so each bookmark comes back once.
    topping = Topping.objects.create(name="basil")
    for name in ("a", "b", "c"):
        Pizza.objects.create(name=name)
    Pizza.objects.get(name="a").toppings.set([topping])
    with ormwatch.watch() as report:
        assert sorted(p.name for p in Pizza.objects.filter(toppings=None)) == ["b", "c"]
    assert report.findings == []
    with ormwatch.watch() as matched:
        list(Pizza.objects.filter(toppings__isnull=False))
    assert [f.kind for f in matched.findings] == ["unexpected_join"]
