"""Findings read back from a pytest JSON report or a middleware JSON-lines log, grouped."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

_NUMBER = re.compile(r"\b\d+(\.\d+)?\b")


@dataclass(frozen=True)
class Found:
    """One finding as a report holds it, with the test (and request) it came from."""

    run: str  # "tests" or "middleware"
    test: str
    request: str
    data: dict[str, Any]


@dataclass
class Group:
    """Findings of one kind at one call site and origin whose messages differ only in numbers."""

    key: tuple[str, str, str, str]
    found: list[Found] = field(default_factory=list)

    @property
    def id(self) -> str:
        return hashlib.sha1("|".join(self.key).encode()).hexdigest()[:10]

    @property
    def kind(self) -> str:
        return self.key[0]

    @property
    def severity(self) -> str:
        return str(self.found[0].data.get("severity", "warning"))

    @property
    def tests(self) -> int:
        return len({f.test for f in self.found})


def read(path: Path) -> Iterator[Found]:
    """The findings in ``path``: ``.json`` is a pytest report, ``.jsonl`` a middleware log."""
    if path.suffix == ".jsonl":
        with path.open(encoding="utf-8") as lines:
            for line in lines:
                record = json.loads(line)
                if "kind" in record:  # the per-request summary lines carry no kind
                    yield Found("middleware", record["test"], record["request"], record)
        return
    data = json.loads(path.read_text(encoding="utf-8"))
    for test in data["tests"]:
        for finding in test["findings"]:
            yield Found("tests", test["nodeid"], "", finding)


def site(data: dict[str, Any] | None, root: str) -> str:
    """``path:line`` relative to the project (installed packages from ``site-packages/``)."""
    if not data:
        return "-"
    path = str(data.get("path") or "?")
    if root and path.startswith(root):
        path = path[len(root) :].lstrip("/")
    elif "site-packages/" in path:
        path = "site-packages/" + path.split("site-packages/", 1)[1]
    return f"{path}:{data.get('line')}"


def template(message: str) -> str:
    return _NUMBER.sub("N", message)


def group(found: list[Found], root: str) -> list[Group]:
    groups: dict[tuple[str, str, str, str], Group] = {}
    for f in found:
        d = f.data
        key = (
            str(d["kind"]),
            site(d.get("call_site"), root),
            site(d.get("origin"), root),
            template(str(d.get("message", ""))),
        )
        groups.setdefault(key, Group(key)).found.append(f)
    return sorted(groups.values(), key=lambda g: (g.kind, -len(g.found), g.key))
