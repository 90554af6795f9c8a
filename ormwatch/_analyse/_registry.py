"""Every finding kind's ``KindSpec``, in the order the detectors run.

The built-in kinds are the members of ``Kind``, in declaration order; each
names the module ``ormwatch/_analyse/<kind>.py`` whose ``KIND`` declares the
rest. ``register()`` adds one more (the tests register a throwaway kind).
"""

from __future__ import annotations

from importlib import import_module

from ormwatch import _kinds
from ormwatch._analyse._spec import KindSpec
from ormwatch._kinds import Kind

__all__ = ["all_kinds", "get", "register", "unregister"]


def _builtin() -> list[KindSpec]:
    specs = []
    for kind in Kind:
        spec = import_module(f"ormwatch._analyse.{kind.value}").KIND
        if not isinstance(spec, KindSpec) or spec.kind is not kind:
            raise TypeError(f"ormwatch._analyse.{kind.value}.KIND must declare {kind!r}")
        specs.append(spec)
    return specs


_specs: list[KindSpec] = _builtin()


def all_kinds() -> list[KindSpec]:
    """Every kind, in run order (``duplicate_query`` last unless one was registered after it)."""
    return list(_specs)


def get(kind: str) -> KindSpec | None:
    return next((s for s in _specs if s.name == kind), None)


def register(spec: KindSpec, before: str | None = "duplicate_query") -> None:
    """Add a kind, run just before ``before`` (by default before ``duplicate_query``)."""
    _kinds.add(spec.name)
    at = next((i for i, s in enumerate(_specs) if s.name == before), len(_specs))
    _specs.insert(at, spec)


def unregister(kind: str) -> None:
    _specs[:] = [s for s in _specs if s.name != kind]
