"""The web server's cache of briefings, so that ``/briefings/{id}`` can show them later.

:class:`BriefingCache` is the interface the server needs; :class:`MemoryCache` is the
default, an LRU held by the app object; a persistent cache only has to provide the same
two methods. (The monitoring store, :mod:`storyweave.monitor`, is another thing.) Ids are
derived from the cached document's content, so the same briefing gets the same link and
ids cannot be enumerated.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections import OrderedDict
from typing import Any, Protocol

#: Briefings kept in memory. A briefing of a ten-article story is ~200 KB of JSON, so
#: 200 of them stay well under 100 MB.
DEFAULT_CAPACITY = 200
#: Hex digits of the SHA-256 of the document used as its id (80 bits: not guessable).
ID_LENGTH = 20


class BriefingCache(Protocol):
    """Keeps JSON-ready briefing documents under ids (must be safe to call from threads)."""

    def put(self, document: dict[str, Any]) -> str:
        """Store ``document``; return its id."""
        ...

    def get(self, briefing_id: str) -> dict[str, Any] | None:
        """The document stored under ``briefing_id``, or ``None``."""
        ...


def document_id(document: dict[str, Any]) -> str:
    """The content-derived id of a document (the same document always gets the same id)."""
    canonical = json.dumps(document, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:ID_LENGTH]


class MemoryCache:
    """A bounded in-memory cache: the least recently used briefing goes first when full.

    Example::

        cache = MemoryCache(capacity=10)
        briefing_id = cache.put({"briefing": {...}, "errors": []})
        cache.get(briefing_id)
    """

    def __init__(self, capacity: int = DEFAULT_CAPACITY) -> None:
        if capacity < 1:
            raise ValueError(f"capacity must be positive, got {capacity}")
        self.capacity = capacity
        self._items: OrderedDict[str, str] = OrderedDict()
        # Briefings are made in worker threads, pages read from the event loop.
        self._lock = threading.Lock()

    def put(self, document: dict[str, Any]) -> str:
        """Store ``document`` (as JSON text, so later changes to the dict do not leak in)."""
        briefing_id = document_id(document)
        text = json.dumps(document, ensure_ascii=False)
        with self._lock:
            self._items[briefing_id] = text
            self._items.move_to_end(briefing_id)
            while len(self._items) > self.capacity:
                self._items.popitem(last=False)
        return briefing_id

    def get(self, briefing_id: str) -> dict[str, Any] | None:
        """The document, or ``None`` if it was never stored or has been evicted."""
        with self._lock:
            text = self._items.get(briefing_id)
            if text is None:
                return None
            self._items.move_to_end(briefing_id)
        loaded: dict[str, Any] = json.loads(text)
        return loaded

    def __len__(self) -> int:
        with self._lock:
            return len(self._items)
