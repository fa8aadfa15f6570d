"""Vectors remembered across briefings: a long-running Briefer encodes each text once."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence

import numpy as np

from .base import Embedder, common_component, encodes_alone
from .lexical import LexicalEmbedder

#: What a :class:`RememberingEmbedder` keeps at most: 64 MB of rows, i.e. ~44,000 MiniLM
#: or 65,000 static sentences (a day of a busy newsroom's stories), 2,000 lexical ones.
REMEMBERED_BYTES = 64 * 2**20


class RememberingEmbedder:
    """Wraps an embedder so that a text encoded once is not encoded again while the
    wrapper lives: a server re-briefing a living story after one new article encodes only
    that article's sentences. The least recently used rows go first past ``max_bytes``.
    Only for embedders whose rows do not depend on the batch (see :func:`remembering`).

    The rows are the ones the inner embedder gave the first time; ONNX models give the
    same text rows that differ by < 1e-5 from batch to batch, well under any threshold.
    Safe to share between threads (the server's requests do): the memory is read and
    updated under a lock, the encoding itself runs outside it.
    """

    def __init__(self, inner: Embedder, *, max_bytes: int = REMEMBERED_BYTES) -> None:
        self.inner = inner
        self.name = inner.name
        self.default_threshold = inner.default_threshold
        self.common = common_component(inner)
        self.encodes_alone = encodes_alone(inner)
        self.max_bytes = max_bytes
        self._rows: OrderedDict[str, np.ndarray] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Rows for ``texts``, encoding only the distinct ones not remembered."""
        if not texts:
            return self.inner.encode([])
        distinct = list(dict.fromkeys(texts))
        with self._lock:
            known = {t: self._rows[t] for t in distinct if t in self._rows}
        new = [t for t in distinct if t not in known]
        fresh = dict(zip(new, self.inner.encode(new))) if new else {}
        rows = np.stack([fresh[t] if t in fresh else known[t] for t in texts])
        with self._lock:
            for text in distinct:
                self._remember(text, fresh.get(text))
        return rows

    def remember(self, texts: Sequence[str], rows: np.ndarray) -> None:
        """Remember ``rows`` as the vectors of ``texts``, encoded elsewhere (by a forked
        worker, see :func:`~storyweave.embed.base.encodes_alone`) with the inner model."""
        with self._lock:
            for text, row in zip(texts, rows):
                self._remember(text, row)

    def _remember(self, text: str, row: np.ndarray | None) -> None:
        if row is None or text in self._rows:  # seen before: now the most recently used
            if text in self._rows:  # (unless another thread's rows pushed it out meanwhile)
                self._rows.move_to_end(text)
            return
        self._rows[text] = row
        self._bytes += row.nbytes
        while self._bytes > self.max_bytes and self._rows:
            _, dropped = self._rows.popitem(last=False)
            self._bytes -= dropped.nbytes


def remembering(embedder: Embedder) -> Embedder:
    """``embedder`` wrapped in a :class:`RememberingEmbedder`, unless its rows depend on
    the texts encoded with them (the lexical backend weighs words by the batch's IDF)."""
    if isinstance(embedder, LexicalEmbedder | RememberingEmbedder):
        return embedder
    return RememberingEmbedder(embedder)
