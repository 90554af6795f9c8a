"""The rules ``--ormwatch-fix=verify`` keeps a fix by, on plain report data.

End to end (a project, its tests re-run with the patch) is in test_pytest_fixes.
"""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any, cast

import pytest

from ormwatch import Edit
from ormwatch._pytest import _project
from ormwatch._pytest._project import Project, Rerun, _plugins
from ormwatch._pytest._verify import UNSTEADY, _judge, _Test


def finding(kind: str, line: int = 3, severity: str = "warning", saved: int = 0) -> dict[str, Any]:
    site = {"path": "app/views.py", "line": line, "function": "index"}
    return {
        "kind": kind,
        "severity": severity,
        "call_site": site,
        "origin": site,
        "relation": None,
        "saved_queries": saved,
    }


N_PLUS_ONE = finding("n_plus_one", saved=4)
UNUSED = finding("unused_eager_load")


@pytest.mark.parametrize(
    ("targets", "before", "after", "verdict"),
    [
        ([N_PLUS_ONE], Rerun(True, 5, [N_PLUS_ONE]), Rerun(True, 1, []), None),
        (
            [N_PLUS_ONE],
            Rerun(True, 5, [N_PLUS_ONE]),
            Rerun(False, 1),
            "the test fails with the fix",
        ),
        # The line moved (an import was added): the same finding all the same.
        (
            [N_PLUS_ONE],
            Rerun(True, 5, [N_PLUS_ONE]),
            Rerun(True, 3, [finding("n_plus_one", line=4, saved=2)]),
            "the finding is still there",
        ),
        (
            [N_PLUS_ONE],
            Rerun(True, 5, [N_PLUS_ONE]),
            Rerun(True, 1, [finding("unused_eager_load", line=9)]),
            "new finding: unused_eager_load",
        ),
        # An info finding is not a reason to drop a fix.
        (
            [N_PLUS_ONE],
            Rerun(True, 5, [N_PLUS_ONE]),
            Rerun(True, 1, [finding("chained_lazy_load", line=9, severity="info")]),
            None,
        ),
        # Its point is fewer queries: as many is not enough.
        ([N_PLUS_ONE], Rerun(True, 5, [N_PLUS_ONE]), Rerun(True, 5, []), "no fewer queries"),
        # An unused select_related(): as many queries, each lighter.
        ([UNUSED], Rerun(True, 1, [UNUSED]), Rerun(True, 1, []), None),
        ([UNUSED], Rerun(True, 1, [UNUSED]), Rerun(True, 2, []), "more queries"),
        # The test alone showed one of the two the suite's run fixed: none left is gone.
        ([N_PLUS_ONE, N_PLUS_ONE], Rerun(True, 5, [N_PLUS_ONE]), Rerun(True, 1, []), None),
        (
            [N_PLUS_ONE, N_PLUS_ONE],
            Rerun(True, 5, [N_PLUS_ONE]),
            Rerun(True, 3, [N_PLUS_ONE]),
            "the finding is still there",
        ),
        # Two of a kind at one site: fixing one leaves one.
        (
            [UNUSED],
            Rerun(True, 2, [UNUSED, UNUSED]),
            Rerun(True, 2, [UNUSED]),
            None,
        ),
    ],
)
def test_judge(
    targets: list[dict[str, Any]], before: Rerun, after: Rerun, verdict: str | None
) -> None:
    assert _judge(targets, before, after) == verdict


class Copy:
    """A project whose runs are given: the patched run, then the unpatched one alone."""

    def __init__(self, *runs: Rerun) -> None:
        self.runs = list(runs)
        self.files: list[dict[str, list[str]]] = []

    def run(self, nodeid: str, files: dict[str, list[str]]) -> Rerun:
        self.files.append(files)
        return self.runs.pop(0)


def test_more_queries_than_in_the_suite_are_compared_with_the_test_run_alone() -> None:
    # In the suite a cache was warm (4 queries); alone the test runs 6, fixed 2.
    first = Rerun(True, 4, [N_PLUS_ONE])
    copy = Copy(Rerun(True, 5, []), Rerun(True, 6, [N_PLUS_ONE]), Rerun(True, 6, [N_PLUS_ONE]))
    verdict, before, after = _Test(copy, "t.py::a", first).attempt([N_PLUS_ONE])  # type: ignore[arg-type]
    assert (verdict, before, after.query_count) == (None, 6, 5)
    assert copy.files[1:] == [{}, {}]  # then the unpatched test, twice


def test_a_test_whose_queries_vary_unpatched_is_not_judged() -> None:
    # Random test data: alone, unpatched, the test ran 93 queries, then 117.
    first = Rerun(True, 93, [N_PLUS_ONE])
    copy = Copy(Rerun(True, 103, []), Rerun(True, 93, [N_PLUS_ONE]), Rerun(True, 117, []))
    test = _Test(copy, "t.py::a", first)  # type: ignore[arg-type]
    verdict, before, after = test.attempt([N_PLUS_ONE])
    assert (verdict, before, after.query_count) == (UNSTEADY, 93, 103)
    # A second fix of the same test is not judged either, without running it alone again.
    copy.runs.append(Rerun(True, 90, []))
    assert test.attempt([N_PLUS_ONE])[0] == UNSTEADY
    assert len(copy.files) == 4


def test_an_edit_survives_its_dict() -> None:
    edit = Edit("/src/app/views.py", 3, 4, "    x = (\n        1)", ((4, 5, "y"),))
    data = edit.to_dict()
    assert Edit.from_dict(data) == edit
    assert Edit.from_dict(data).changes == edit.changes
    # A report writes the path relative to the rootdir, the absolute one beside.
    relative = {**data, "path": "app/views.py", "abs_path": "/src/app/views.py"}
    assert Edit.from_dict(relative).path == "/src/app/views.py"


def test_the_rerun_loads_the_plugins_the_run_named() -> None:
    args = ["-p", "pytest_django", "-pxdist", "-p", "no:cacheprovider", "-q", "tests"]
    assert _plugins(args) == ["-p", "pytest_django", "-p", "xdist"]


def test_the_copy_leaves_out_a_virtualenv_whatever_its_name(tmp_path: Path) -> None:
    root = tmp_path / "project"
    (root / "app").mkdir(parents=True)
    (root / "app" / "views.py").write_text("x = 1\n")
    (root / ".venv-ormwatch" / "lib").mkdir(parents=True)
    (root / ".venv-ormwatch" / "pyvenv.cfg").write_text("home = /usr/bin\n")
    (root / ".venv-ormwatch" / "lib" / "big.py").write_text("y = 2\n")
    config = cast("pytest.Config", SimpleNamespace(rootpath=root))
    with Project(config) as project:
        assert (project.copy / "app" / "views.py").read_text() == "x = 1\n"
        assert not (project.copy / ".venv-ormwatch").exists()


def test_a_rerun_that_hangs_is_stopped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "project"
    root.mkdir()
    (root / "test_slow.py").write_text("import time\n\n\ndef test_slow():\n    time.sleep(60)\n")
    monkeypatch.setattr(_project, "RERUN_TIMEOUT", 2.0)
    config = SimpleNamespace(
        rootpath=root,
        inipath=None,
        invocation_params=SimpleNamespace(args=()),
        getoption=lambda name, default=None: default,
        pluginmanager=SimpleNamespace(has_plugin=lambda name: False),
    )
    with Project(cast("pytest.Config", config)) as project:
        rerun = project.run("test_slow.py::test_slow", {})
    assert (rerun.passed, rerun.timed_out, rerun.output) == (False, True, "no result after 2 s")
    first = Rerun(True, 5, [N_PLUS_ONE])
    assert _judge([N_PLUS_ONE], first, rerun) == "the re-run timed out"
