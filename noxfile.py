"""The test matrix: every supported (Python, Django) pair, against the built wheel.

Run it with `make matrix` (or `.venv/bin/nox`; `nox -l` lists the sessions).

The wheel is built once per run by the `wheel` session; each `tests` session
installs it with the `toolbar` and `pytest` extras into a fresh virtualenv,
then runs the suite so that the `ormwatch/` source folder cannot shadow the
installed copy:

- the repository root is appended to `sys.path` by a `.pth` file, *after*
  site-packages, so `import tests.settings` works and `import ormwatch` finds
  the wheel;
- pytest runs with `--import-mode=importlib`, which leaves `sys.path` alone;
- `ORMWATCH_EXPECT_INSTALL=wheel` makes tests/test_packaging.py assert that
  `ormwatch.__file__` is in site-packages.

SQLite only: the database backends are covered by `make test-postgres` and
`make test-mariadb` on the development Python.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import nox

nox.needs_version = ">=2025.2.9"
nox.options.default_venv_backend = "venv"
nox.options.sessions = ["tests"]
nox.options.error_on_missing_interpreters = True
if hasattr(nox.options, "download_python"):
    # Interpreters come from the machine (pyenv or PATH), never from a download.
    nox.options.download_python = "never"

ROOT = Path(__file__).resolve().parent
DIST = ROOT / ".nox" / "_dist"
PYPROJECT = nox.project.load_toml(ROOT / "pyproject.toml")


def _pyenv_root() -> Path:
    if root := os.environ.get("PYENV_ROOT"):
        return Path(root)
    if pyenv := shutil.which("pyenv"):
        done = subprocess.run([pyenv, "root"], capture_output=True, text=True, check=False)
        if done.returncode == 0 and done.stdout.strip():
            return Path(done.stdout.strip())
    return Path.home() / ".pyenv"


def _works(executable: str | Path) -> bool:
    # A pyenv shim exists on PATH for every version pyenv has ever seen, but
    # fails unless that version is selected, so try it rather than trust it.
    done = subprocess.run([str(executable), "-c", "import sys"], capture_output=True, check=False)
    return done.returncode == 0


def _patch_level(executable: Path) -> int:
    # .../versions/3.12.1/bin/python3.12 -> 1 (0 for "3.12-dev" and the like)
    patch = executable.parent.parent.name.split(".")[2]
    return int(patch) if patch.isdigit() else 0


def _interpreter(*versions: str) -> str:
    """The first of ``versions`` ("3.12") found on this machine, as a path.

    pyenv's own installs come first (the newest patch release of that minor),
    then ``pythonX.Y`` on PATH. Falls back to the bare version, which nox then
    reports as a missing interpreter.
    """
    installs = _pyenv_root() / "versions"
    for version in versions:
        candidates = sorted(installs.glob(f"{version}.*/bin/python{version}"), key=_patch_level)
        for candidate in reversed(candidates):
            if _works(candidate):
                return str(candidate)
        on_path = shutil.which(f"python{version}")
        if on_path and _works(on_path):
            return on_path
    return versions[0]


# (interpreter, Django series): each Django on the oldest and newest Python it
# supports that this machine has, within one session per Django.
MATRIX = [
    (_interpreter("3.10", "3.11"), "5.2"),
    (_interpreter("3.12"), "6.0"),
    (_interpreter("3.13", "3.12"), "6.1"),
]


def _label(interpreter: str) -> str:
    # "/root/.pyenv/versions/3.12.1/bin/python3.12" -> "3.12"
    return Path(interpreter).name.removeprefix("python") or interpreter


# Run in the session's Python before the tests: fails unless the wheel is used.
CHECK_INSTALL = """
import django, ormwatch, sysconfig
print("Django", django.__version__, "ormwatch from", ormwatch.__file__)
assert ormwatch.__file__.startswith(sysconfig.get_path("purelib")), "not the installed wheel"
"""


@nox.session
def wheel(session: nox.Session) -> None:
    """Build the wheel the test sessions install."""
    shutil.rmtree(DIST, ignore_errors=True)
    session.install("build")
    session.run("python", "-m", "build", "--wheel", "--outdir", str(DIST), str(ROOT))


@nox.session(requires=["wheel"])
@nox.parametrize(
    ("python", "django"),
    MATRIX,
    ids=[f"py{_label(python)}-django{django}" for python, django in MATRIX],
)
def tests(session: nox.Session, django: str) -> None:
    """Run the suite on SQLite against the built wheel, warnings as errors."""
    (built,) = DIST.glob("ormwatch-*.whl")
    session.install(
        f"{built}[toolbar,pytest]",
        f"django~={django}.0",
        *nox.project.dependency_groups(PYPROJECT, "test"),
        "hypothesis",
    )
    # The repository root goes on sys.path after site-packages (see above).
    site_packages = session.run(
        "python", "-c", "import sysconfig; print(sysconfig.get_path('purelib'))", silent=True
    )
    assert isinstance(site_packages, str)
    Path(site_packages.strip(), "ormwatch_tests.pth").write_text(f"{ROOT}\n")

    session.run("python", "-I", "-c", CHECK_INSTALL)
    # The slow tests (load, browsers, packaging) ran against the checkout in
    # `make test`; here the point is each Python x Django pair, on two workers.
    session.run(
        "pytest",
        "--import-mode=importlib",
        *(session.posargs or ["-m", "not slow", "-n", "2"]),
        env={"ORMWATCH_EXPECT_INSTALL": "wheel", "ORMWATCH_TEST_DB": "sqlite"},
    )
