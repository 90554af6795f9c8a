"""The real projects the precision harness measures, and how each one installs and tests."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Project:
    """One open-source Django project whose test suite runs on SQLite.

    ``requirements_file`` is installed without its index options (pip's
    configured index serves); ``pyproject_dependencies`` installs ``[project].dependencies`` of its
    ``pyproject.toml`` instead (without the ``skip_dependencies``, which need
    a compiler and no test imports them). ``directories`` are created in the
    checkout before the tests run, as the project's own set-up does.
    """

    name: str
    repo: str
    python: str
    settings: str
    python_files: str = "test_*.py tests.py *_tests.py"
    requirements_file: str = ""
    pyproject_dependencies: bool = False
    skip_dependencies: tuple[str, ...] = ()
    test_paths: tuple[str, ...] = ()
    directories: tuple[str, ...] = ()
    deselect: tuple[str, ...] = ()
    extra_packages: tuple[str, ...] = field(default=("pytest", "pytest-django"))


PROJECTS: dict[str, Project] = {
    p.name: p
    for p in (
        Project(
            name="linkding",
            repo="sissbruecker/linkding",
            python="3.13",
            settings="bookmarks.settings.dev",
            pyproject_dependencies=True,
            skip_dependencies=("uwsgi", "supervisor"),
            # The end-to-end tests drive a browser (`make e2e`), not part of the suite.
            test_paths=("bookmarks/tests",),
            # `make init` creates them; the task queue's SQLite file lives there.
            directories=("data/assets", "data/favicons", "data/previews"),
        ),
        Project(
            name="babybuddy",
            repo="babybuddy/babybuddy",
            python="3.12",
            settings="babybuddy.settings.test",
            python_files="tests_*.py",
            requirements_file="requirements.txt",
            # The project runs it alone (`gulp test`, tag "isolate"): it logs the
            # class-level client out and fails the tests after it.
            deselect=("babybuddy/tests/tests_views.py::ViewsTestCase::test_password_reset",),
        ),
    )
}
