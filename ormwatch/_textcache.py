"""A cache of what is derived from a statement's text, bounded in entries and key length.

An application runs few distinct statement texts many times over (an N+1 is
one text with new parameters), so the fingerprint, the redaction plan and
the compiled shape are each worked out once per text and kept here.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")

SIZE = 4096
# Huge statements (long IN lists) rarely repeat verbatim; caching them would pin megabytes.
MAX_LEN = 8192


class TextCache(Generic[K, V]):
    """``get(key)`` is the dict's own method: these caches are read once per statement."""

    __slots__ = ("_entries", "clear", "get")

    def __init__(self) -> None:
        self._entries: dict[K, V] = {}
        self.get = self._entries.get
        self.clear = self._entries.clear

    def __len__(self) -> int:
        return len(self._entries)

    def put(self, text: str, key: K, value: V) -> V:
        """Keep ``value`` for ``key``, derived from ``text``, unless the text is huge."""
        if len(text) <= MAX_LEN:
            if len(self._entries) >= SIZE:
                # Clearing beats LRU bookkeeping: the hot statements refill it at once.
                self._entries.clear()
            self._entries[key] = value
        return value
