"""Command-line options and ini keys."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

MODES = ("off", "warn", "fail")
FIX_MODES = ("off", "diff", "verify")


def add_options(parser: pytest.Parser) -> None:
    group = parser.getgroup("ormwatch", "ormwatch: SQL findings per test")
    group.addoption(
        "--ormwatch",
        choices=MODES,
        default=None,
        help="off: only the fixture and marker check; warn: summarise every test's findings "
        "at the end; fail: fail every test that has findings. Default: the ini key, else off.",
    )
    group.addoption(
        "--ormwatch-baseline",
        metavar="FILE",
        default=None,
        help="JSON file of accepted findings: only findings not in it fail or are listed.",
    )
    group.addoption(
        "--ormwatch-update-baseline",
        action="store_true",
        default=False,
        help="Rewrite the baseline file with the findings of this run.",
    )
    group.addoption(
        "--ormwatch-report",
        metavar="FILE",
        action="append",
        default=[],
        help="Write the findings to FILE.json or FILE.html (may be given twice).",
    )
    group.addoption(
        "--ormwatch-fix",
        choices=FIX_MODES,
        default="off",
        help="diff: write every fix of the run to a patch; verify: re-run each test with "
        "fixes on a copy of the project and write only the fixes that work.",
    )
    group.addoption(
        "--ormwatch-patch",
        metavar="FILE",
        default=None,
        help="Where --ormwatch-fix writes the patch (default: ormwatch.patch in the rootdir).",
    )
    parser.addini("ormwatch", "ormwatch mode: off, warn or fail", default="off")
    parser.addini("ormwatch_baseline", "ormwatch baseline file", default="")


@dataclass(frozen=True)
class Options:
    mode: str
    baseline: Path | None
    update_baseline: bool
    reports: tuple[Path, ...]
    verbose: bool
    fix: str = "off"
    patch: Path | None = None

    @classmethod
    def from_config(cls, config: pytest.Config) -> Options:
        mode = config.getoption("ormwatch") or str(config.getini("ormwatch") or "off")
        if mode not in MODES:
            raise pytest.UsageError(
                f"ormwatch mode must be one of {', '.join(MODES)}, not {mode!r}"
            )
        baseline = config.getoption("ormwatch_baseline") or config.getini("ormwatch_baseline")
        reports = tuple(Path(p) for p in config.getoption("ormwatch_report"))
        for report in reports:
            if report.suffix not in (".json", ".html"):
                raise pytest.UsageError(
                    f"--ormwatch-report takes a .json or .html file, not {report}"
                )
        return cls(
            mode=mode,
            baseline=Path(baseline) if baseline else None,
            update_baseline=bool(config.getoption("ormwatch_update_baseline")),
            reports=reports,
            verbose=config.get_verbosity() > 0,
            fix=str(config.getoption("ormwatch_fix") or "off"),
            patch=Path(config.getoption("ormwatch_patch") or config.rootpath / "ormwatch.patch"),
        )

    @property
    def records_every_test(self) -> bool:
        return self.mode != "off" or self.update_baseline or bool(self.reports) or self.fix != "off"
