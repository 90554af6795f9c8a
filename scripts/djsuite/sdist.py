"""Django's own tests, from the sdist of the installed Django version."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tarfile
from importlib.metadata import version
from pathlib import Path


def django_tests(cache: Path) -> Path:
    """The ``tests`` folder of the installed Django's sdist, downloaded and unpacked once."""
    release = version("django")
    root = cache / f"django-{release}"
    if (root / "tests" / "runtests.py").is_file():
        return root / "tests"
    cache.mkdir(parents=True, exist_ok=True)
    download = cache / "download"
    pip = [sys.executable, "-m", "pip", "download", "--progress-bar", "off"]
    subprocess.run(
        [*pip, "--no-binary", ":all:", "--no-deps", f"django=={release}", "-d", str(download)],
        check=True,
    )
    archive = next(download.glob(f"[dD]jango-{release}.tar.gz"))
    unpacking = cache / f"unpacking-{release}"
    shutil.rmtree(unpacking, ignore_errors=True)
    with tarfile.open(archive) as tar:
        # Only tests/ is needed: runtests.py runs against the installed Django.
        members = [m for m in tar.getmembers() if m.name.split("/")[1:2] == ["tests"]]
        tar.extractall(unpacking, members=members, filter="data")
    (top,) = unpacking.iterdir()
    shutil.rmtree(root, ignore_errors=True)
    top.rename(root)
    unpacking.rmdir()
    return root / "tests"
