"""What every embedding backend shares: the :class:`Embedder` protocol and unit rows."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Protocol

import numpy as np


class Embedder(Protocol):
    """What :func:`load_embedder` returns: a named encoder with a calibrated threshold."""

    name: str
    default_threshold: float

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Return float32 ``(len(texts), d)`` rows of unit length (zero rows for no content)."""
        ...


def _normalise_rows(matrix: np.ndarray) -> np.ndarray:
    """Scale rows to unit length; all-zero rows stay zero (they match nothing)."""
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return (matrix / np.where(norms > 0, norms, 1.0)).astype(np.float32)


def common_component(embedder: object) -> np.ndarray | None:
    """The vector every text of ``embedder``'s corpus shares (their mean unit sentence
    vector), when the model ships one, else None.

    Static models add it to every text, so two unrelated articles score a high cosine; the
    article-level comparisons (the one-story check, story clustering) subtract it first.
    Wrappers (remembered or cached vectors) pass their inner model's on.
    """
    return getattr(embedder, "common", None)


def encodes_alone(embedder: object) -> bool:
    """Whether ``embedder`` may encode a share of a briefing's texts in a forked worker:
    each text's row depends on that text alone (not on the batch) and encoding runs no
    native thread pool, so the worker's rows are the ones this process would give. True
    for static models (``StaticEmbedder.encodes_alone``); never for ONNX or
    sentence-transformers models, whose runtimes must not run in a fork, nor for the
    lexical backend, which weighs words by the batch. Wrappers pass their inner model's on.
    """
    return bool(getattr(embedder, "encodes_alone", False))


def encode_unique(
    embedder: Embedder, texts: list[str], encoded: Mapping[str, np.ndarray]
) -> np.ndarray:
    """Encode each distinct text once: wire copies repeat whole sentences across outlets.
    Texts in ``encoded`` (by the processes that read them) are not encoded again."""
    unique = list(dict.fromkeys(texts))
    if encoded and texts:
        new = [text for text in unique if text not in encoded]
        rows = dict(zip(new, embedder.encode(new))) if new else {}
        return np.stack([encoded[t] if t in encoded else rows[t] for t in texts])
    vectors = embedder.encode(unique)
    if len(unique) == len(texts):
        return vectors
    row = {text: i for i, text in enumerate(unique)}
    return vectors[[row[text] for text in texts]]
