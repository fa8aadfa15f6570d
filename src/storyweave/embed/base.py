"""What every embedding backend shares: the :class:`Embedder` protocol and unit rows."""

from __future__ import annotations

from collections.abc import Sequence
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
