"""The web server's cache of briefings, so that ``/briefings/{id}`` can show them later.

:class:`BriefingCache` is the interface the server needs; :class:`MemoryCache` is the
default, an LRU held by the app object; :class:`StoreCache` keeps them in the monitoring
store as well (``storyweave serve --db``), so their links survive a restart. Ids are
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
#: Bytes of JSON (UTF-8) kept in memory: the entry count alone did not bound memory, as
#: one briefing of a huge request can weigh megabytes (eight 12 MB requests took a server
#: from 445 MB to 1.5 GB). A briefing bigger than this is still kept, alone, until the
#: next one arrives, so its link works.
DEFAULT_MAX_BYTES = 64 * 2**20
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
    """A bounded in-memory cache: the least recently used briefing goes first when it holds
    more than ``capacity`` briefings or ``max_bytes`` bytes of JSON.

    Example::

        cache = MemoryCache(capacity=10)
        briefing_id = cache.put({"briefing": {...}, "errors": []})
        cache.get(briefing_id)
    """

    def __init__(self, capacity: int = DEFAULT_CAPACITY, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
        if capacity < 1:
            raise ValueError(f"capacity must be positive, got {capacity}")
        if max_bytes < 1:
            raise ValueError(f"max_bytes must be positive, got {max_bytes}")
        self.capacity = capacity
        self.max_bytes = max_bytes
        self._items: OrderedDict[str, bytes] = OrderedDict()
        self._bytes = 0
        # Briefings are made in worker threads, pages read from the event loop.
        self._lock = threading.Lock()

    def put(self, document: dict[str, Any]) -> str:
        """Store ``document`` (as UTF-8 JSON, so later changes to the dict do not leak in
        and its size is what it costs)."""
        briefing_id = document_id(document)
        data = json.dumps(document, ensure_ascii=False).encode("utf-8")
        with self._lock:
            old = self._items.pop(briefing_id, None)
            self._bytes -= len(old) if old is not None else 0
            self._items[briefing_id] = data
            self._bytes += len(data)
            while len(self._items) > 1 and (
                len(self._items) > self.capacity or self._bytes > self.max_bytes
            ):
                _, evicted = self._items.popitem(last=False)
                self._bytes -= len(evicted)
        return briefing_id

    def get(self, briefing_id: str) -> dict[str, Any] | None:
        """The document, or ``None`` if it was never stored or has been evicted."""
        with self._lock:
            data = self._items.get(briefing_id)
            if data is None:
                return None
            self._items.move_to_end(briefing_id)
        loaded: dict[str, Any] = json.loads(data)
        return loaded

    @property
    def bytes(self) -> int:
        """Bytes of JSON held now."""
        with self._lock:
            return self._bytes

    def __len__(self) -> int:
        with self._lock:
            return len(self._items)


class StoreCache:
    """Briefings kept in the monitoring store (``storyweave serve --db``), so that their
    links survive a restart; the most recent are also held in memory.

    Example::

        cache = StoreCache(Store("storyweave.db"))
        briefing_id = cache.put({"briefing": {...}, "errors": []})
    """

    def __init__(self, store: Any, capacity: int = DEFAULT_CAPACITY) -> None:
        self.store = store  # a storyweave.monitor.store.Store
        self._memory = MemoryCache(capacity)

    def put(self, document: dict[str, Any]) -> str:
        """Store ``document`` in the store (and in memory); return its id."""
        from ..monitor.living import save_document

        briefing_id = self._memory.put(document)
        save_document(self.store, briefing_id, document)
        return briefing_id

    def get(self, briefing_id: str) -> dict[str, Any] | None:
        """The document, from memory or else from the store; ``None`` if never stored."""
        from ..monitor.living import load_document

        found = self._memory.get(briefing_id)
        if found is None and len(briefing_id) == ID_LENGTH and briefing_id.isalnum():
            found = load_document(self.store, briefing_id)
            # A row someone edited into something else is as good as missing.
            if found is not None and not isinstance(found.get("briefing"), dict):
                return None
        return found
