"""Test set-up code is not the test: the plugin skips unittest set-up and tear-down, and
repeated_write skips test modules unless REPORT_WRITES_IN_TESTS asks for them."""

from __future__ import annotations

import pytest

from ormwatch._analyse._testcode import in_test_module
from ormwatch._query import CallSite
from tests.conftest import pytester_environment

MODULE = """
import pytest
from django.test import Client, TestCase, TransactionTestCase
from tests.testapp.models import Blog


class SetUpLoops(TestCase):
    @classmethod
    def setUpTestData(cls):
        for name in "abc":
            Blog.objects.create(name=name)

    def setUp(self):
        for name in "def":
            Blog.objects.create(name=name)
        self.addCleanup(self.delete_all)

    def delete_all(self):
        for blog in Blog.objects.all():
            blog.delete()

    def tearDown(self):
        for blog in Blog.objects.all():
            blog.name = blog.name.upper()
            blog.save()

    def test_counts(self):
        self.assertEqual(Blog.objects.count(), 6)

    def test_two_requests(self):
        blog = Blog.objects.first()
        self.client.get(f"/blog-name/{blog.pk}/")
        self.client.get(f"/blog-name/{blog.pk}/")


class TransactionSetUp(TransactionTestCase):
    def setUp(self):
        for name in "def":
            Blog.objects.create(name=name)

    def test_counts(self):
        self.assertEqual(Blog.objects.count(), 3)


# The recording reads the settings when it starts: set them in a fixture.
@pytest.fixture
def defaults(settings):
    settings.ORMWATCH = {}


@pytest.fixture
def writes_in_tests(settings):
    settings.ORMWATCH = {"REPORT_WRITES_IN_TESTS": True}


def test_a_loop_in_a_test_module(db, defaults):
    for name in "xyz":
        Blog.objects.create(name=name)


def test_a_loop_in_a_test_module_when_asked(db, writes_in_tests):
    for name in "xyz":
        Blog.objects.create(name=name)
"""


def test_set_up_and_tear_down_are_not_recorded_and_test_modules_write_freely(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytester_environment(monkeypatch)
    pytester.makepyfile(test_module=MODULE)
    result = pytester.runpytest_subprocess(
        "-p", "pytest_django", "-p", "no:cacheprovider", "--ormwatch=fail"
    )
    result.assert_outcomes(passed=4, failed=1)
    result.stdout.fnmatch_lines(
        [
            "*FAILED test_module.py::test_a_loop_in_a_test_module_when_asked*",
        ]
    )
    result.stdout.fnmatch_lines(["*[[]repeated_write[]] Repeated write: 3 single-row INSERTs*"])


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("tests/test_views.py", True),
        ("bookmarks/tests/helpers.py", True),
        ("app/tests.py", True),
        ("app/views_tests.py", True),
        ("app/views_test.py", True),
        ("conftest.py", True),
        ("app/views.py", False),
        ("app/testing.py", False),
        ("app/contests/views.py", False),
        ("/elsewhere/tests/app/views.py", False),
    ],
)
def test_test_modules_are_test_files_and_modules_of_a_tests_folder(
    path: str, expected: bool
) -> None:
    assert in_test_module(CallSite(path, 1, "f", "")) is expected
