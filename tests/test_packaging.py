"""The distributions carry what ormwatch needs at run time.

`templates/` and `static/` live at the top of the repository and reach the
package through the `ormwatch/templates` and `ormwatch/static` symlinks. These
tests build the sdist and the wheel (the wheel from the sdist, as pip would from
PyPI), read both archives and the wheel's metadata, then install the wheel with
the extras README's install section names into a new virtualenv, look for the
files through `importlib.resources` there, import the panel and load the pytest
plugin. That install takes a few seconds: pip finds Django & co. in its cache
or on the package index.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tarfile
import zipfile
from email.parser import Parser
from importlib import resources
from pathlib import Path

import pytest

import ormwatch

REPO = Path(__file__).resolve().parent.parent
NOXFILE = REPO / "noxfile.py"
DATA_DIRS = ("templates", "static")
# Everything the sdist may hold at its top level: the package, its data, its
# docs, and what hatchling always adds.
SDIST_TOP_LEVEL = {
    "ormwatch",
    *DATA_DIRS,
    "README.md",
    "CHANGELOG.md",
    "LICENSE",
    "pyproject.toml",
    "PKG-INFO",
    ".gitignore",
}


def data_files() -> list[str]:
    """The package data in the repository, e.g. ``templates/ormwatch/panel.html``."""
    return sorted(
        path.relative_to(REPO).as_posix()
        for folder in DATA_DIRS
        for path in (REPO / folder).rglob("*")
        if path.is_file()
    )


def run(*command: str | Path, cwd: Path | None = None) -> str:
    """Run a command, failing the test with its output if it fails."""
    done = subprocess.run(
        [str(part) for part in command],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        pytest.fail(
            f"{' '.join(map(str, command))} exited {done.returncode}\n"
            f"--- stdout\n{done.stdout}\n--- stderr\n{done.stderr}"
        )
    return done.stdout


@pytest.fixture(scope="module")
def dists(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The sdist and the wheel built from it, as ``{"sdist": path, "wheel": path}``."""
    out = tmp_path_factory.mktemp("dist")
    run(sys.executable, "-m", "build", "--outdir", out, REPO)
    (sdist,) = out.glob("*.tar.gz")
    (wheel,) = out.glob("*.whl")
    return {"sdist": sdist, "wheel": wheel}


def sdist_names(sdist: Path) -> list[str]:
    """Member names with the ``ormwatch-<version>/`` prefix removed."""
    with tarfile.open(sdist) as archive:
        return [
            name.split("/", 1)[1]
            for name in archive.getnames()
            if "/" in name and archive.getmember(name).isfile()
        ]


def test_repository_has_package_data() -> None:
    # Without files here the checks below would pass on nothing.
    files = data_files()
    for folder in DATA_DIRS:
        assert any(name.startswith(f"{folder}/ormwatch/") for name in files), folder
        assert (REPO / "ormwatch" / folder).resolve() == REPO / folder


def test_wheel_contains_package_data(dists: dict[str, Path]) -> None:
    with zipfile.ZipFile(dists["wheel"]) as archive:
        names = set(archive.namelist())
    assert "ormwatch/py.typed" in names
    assert [f"ormwatch/{name}" for name in data_files() if f"ormwatch/{name}" not in names] == []


def test_sdist_contains_package_data(dists: dict[str, Path]) -> None:
    names = set(sdist_names(dists["sdist"]))
    assert "ormwatch/py.typed" in names
    # Either as the top-level folders or through the package's symlinks.
    missing = [name for name in data_files() if not {name, f"ormwatch/{name}"} & names]
    assert missing == []


def wheel_metadata(wheel: Path) -> list[tuple[str, str]]:
    with zipfile.ZipFile(wheel) as archive:
        (name,) = [n for n in archive.namelist() if n.endswith(".dist-info/METADATA")]
        text = archive.read(name).decode()
    return list(Parser().parsestr(text, headersonly=True).items())


def test_wheel_classifiers_name_every_supported_version(dists: dict[str, Path]) -> None:
    classifiers = {value for key, value in wheel_metadata(dists["wheel"]) if key == "Classifier"}
    # The Django series the matrix tests (noxfile.py) and the Pythons of
    # README's requirements. hatchling rejects classifiers PyPI does not know.
    djangos = re.findall(r'^\s+\(_interpreter\(.*\), "(\d+\.\d+)"\),$', NOXFILE.read_text(), re.M)
    assert djangos == ["5.2", "6.0", "6.1"]
    pythons = ["3.10", "3.11", "3.12", "3.13"]
    assert "Python 3.10 to 3.13" in (REPO / "README.md").read_text()
    expected = {f"Framework :: Django :: {v}" for v in djangos}
    expected |= {f"Programming Language :: Python :: {v}" for v in pythons}
    assert sorted(expected - classifiers) == []
    listed = {
        c for c in classifiers if re.fullmatch(r"Programming Language :: Python :: 3\.\d+", c)
    }
    assert listed == {f"Programming Language :: Python :: {v}" for v in pythons}


def test_readme_installs_the_wheel_make_dist_builds(dists: dict[str, Path]) -> None:
    assert f'pip install "dist/{dists["wheel"].name}[toolbar]"' in (REPO / "README.md").read_text()


def test_wheel_names_no_project_address(dists: dict[str, Path]) -> None:
    # ormwatch has no public repository or site yet: an address here would be
    # invented. Replace this test when there is one to name.
    assert [v for k, v in wheel_metadata(dists["wheel"]) if k in ("Project-URL", "Home-page")] == []


def test_sdist_contains_only_the_package_and_its_docs(dists: dict[str, Path]) -> None:
    names = sdist_names(dists["sdist"])
    assert [name for name in names if name.split("/")[0] not in SDIST_TOP_LEVEL] == []


# Run by the fresh virtualenv's Python: prints where ormwatch was imported from
# and which files importlib.resources finds in it.
LIST_PACKAGE = """
import json
from importlib import resources

import ormwatch

def walk(node, prefix):
    for child in node.iterdir():
        name = prefix + child.name
        if child.is_dir():
            yield from walk(child, name + "/")
        else:
            yield name

root = resources.files("ormwatch")
print(json.dumps({"file": ormwatch.__file__, "files": sorted(walk(root, ""))}))
"""


# The outputs a user installs the extras for: the toolbar panel and the plugin.
IMPORT_OUTPUTS = """
import django
from django.conf import settings

settings.configure(
    INSTALLED_APPS=["django.contrib.staticfiles", "debug_toolbar", "ormwatch"],
    STATIC_URL="static/",
)
django.setup()

import ormwatch.pytest_plugin
from ormwatch.panels import OrmWatchPanel

print(OrmWatchPanel.__module__, ormwatch.pytest_plugin.__file__)
"""


def test_wheel_installs_into_a_fresh_virtualenv(dists: dict[str, Path], tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    run(sys.executable, "-m", "venv", "--without-pip", venv)
    python = venv / "bin" / "python"
    # This pip installs into the new venv; with dependencies and the extras
    # README's install section names, so imports run as they would for a user.
    wheel = f"{dists['wheel']}[toolbar,pytest]"
    run(sys.executable, "-m", "pip", "--python", python, "install", "--quiet", wheel)
    # -I: neither the working directory nor PYTHONPATH can shadow the install.
    found = json.loads(run(python, "-I", "-c", LIST_PACKAGE, cwd=tmp_path))

    assert Path(found["file"]).is_relative_to(venv)
    assert "py.typed" in found["files"]
    assert [name for name in data_files() if name not in found["files"]] == []

    panel, plugin = run(python, "-I", "-c", IMPORT_OUTPUTS, cwd=tmp_path).split()
    assert panel == "ormwatch.panels._panel"
    assert Path(plugin).is_relative_to(venv)
    # pytest loads the plugin through the wheel's pytest11 entry point.
    options = run(python, "-I", "-m", "pytest", "--help", "-p", "no:cacheprovider", cwd=tmp_path)
    assert "--ormwatch={off,warn,fail}" in options


def test_installed_package_finds_its_data() -> None:
    # The editable install of `make test` follows the symlinks; the wheel of
    # `make matrix` has real files. Both must answer the same.
    root = resources.files("ormwatch")
    assert root.joinpath("py.typed").is_file()
    missing = [name for name in data_files() if not root.joinpath(*name.split("/")).is_file()]
    assert missing == []


def test_ormwatch_is_imported_from_the_expected_install() -> None:
    # noxfile.py sets ORMWATCH_EXPECT_INSTALL=wheel: the matrix must test the
    # built wheel, not the source folder next to the tests.
    package = Path(ormwatch.__file__).resolve().parent
    if os.environ.get("ORMWATCH_EXPECT_INSTALL") == "wheel":
        assert package != REPO / "ormwatch"
        assert "site-packages" in package.parts, package
    else:
        assert package == REPO / "ormwatch"
