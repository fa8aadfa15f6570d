"""TF-IDF term vectors of an article's content words, hashed to a fixed size.

Story clustering with the static-learned model compares articles by their lead vectors
*and* by the words they use (:func:`term_vector`): a static word-vector model averages
the lead into a topic ("a court ruling", "a storm") and cannot tell two storms apart, but
the rarer words two reports share (places, names, the odd noun) can.

Words are hashed (BLAKE2b) twice: to one of :data:`DIMENSIONS` signed slots of the vector
(the hashing trick: cosines of two term vectors stay close to those of the exact ones) and
to one of :data:`BUCKETS` buckets of a document-frequency table learned once from a
development corpus (``scripts/term_weights.py``; the table holds counts only, no words).
A word the corpus never saw gets the highest weight.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.resources
import math
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..nlp.tokens import STOPWORDS

#: Slots of a term vector: ~1/sqrt(1024) = 0.03 of noise on a cosine from collisions.
DIMENSIONS = 1024
#: Buckets of the document-frequency table: few enough collisions for the ~40,000 words of
#: a few hundred news articles, and a table small to ship (counts only).
BUCKETS = 1 << 18
#: Words shorter than this carry little of a story's identity ("us", "mr").
MIN_WORD_LENGTH = 3
#: The packaged table (``scripts/term_weights.py`` writes it).
TABLE_FILE = "term_df.npz"

_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?", re.UNICODE)


@dataclass(frozen=True)
class TermWeights:
    """Document frequencies per hashed word bucket, and the corpus size they come from."""

    document_frequency: np.ndarray  # uint16 [BUCKETS]
    documents: int

    def idf(self, bucket: int) -> float:
        """Smoothed inverse document frequency of a bucket (1 for a word in every document)."""
        return math.log((self.documents + 1) / (int(self.document_frequency[bucket]) + 1)) + 1.0


def content_words(text: str) -> Counter[str]:
    """How often each content word (lower-cased, no stopwords or digits) occurs in ``text``."""
    words = (word.lower() for word in _WORD.findall(text))
    return Counter(w for w in words if len(w) >= MIN_WORD_LENGTH and w not in STOPWORDS)


def word_hash(word: str) -> tuple[int, int, float]:
    """``(bucket, slot, sign)`` of a word: stable across runs and machines."""
    value = int.from_bytes(hashlib.blake2b(word.encode("utf-8"), digest_size=8).digest(), "little")
    return value % BUCKETS, value % DIMENSIONS, 1.0 if (value >> 40) & 1 else -1.0


def document_frequencies(texts: list[str]) -> TermWeights:
    """The table learned from a corpus (one text per document)."""
    counts = np.zeros(BUCKETS, dtype=np.int64)
    for text in texts:
        buckets = {word_hash(word)[0] for word in content_words(text)}
        counts[list(buckets)] += 1
    return TermWeights(np.minimum(counts, np.iinfo(np.uint16).max).astype(np.uint16), len(texts))


def save_weights(weights: TermWeights, path: Path) -> None:
    """Write the table as a compressed ``.npz`` (numbers only)."""
    np.savez_compressed(
        path, document_frequency=weights.document_frequency, documents=np.int64(weights.documents)
    )


def read_weights(path: Path) -> TermWeights:
    """Read a table written by :func:`save_weights`."""
    with np.load(path) as data:
        return TermWeights(data["document_frequency"].copy(), int(data["documents"]))


@functools.cache
def packaged_weights() -> TermWeights:
    """The table shipped with storyweave (read once; it never changes)."""
    with importlib.resources.as_file(
        importlib.resources.files("storyweave.stories") / TABLE_FILE
    ) as path:
        return read_weights(path)


def term_vector(text: str, weights: TermWeights | None = None) -> np.ndarray:
    """Unit float32 vector of the text's content words: (1 + log tf) x idf, hashed."""
    table = weights or packaged_weights()
    vector = np.zeros(DIMENSIONS, dtype=np.float32)
    for word, count in content_words(text).items():
        bucket, slot, sign = word_hash(word)
        vector[slot] += sign * (1.0 + math.log(count)) * table.idf(bucket)
    norm = float(np.linalg.norm(vector))
    return vector / norm if norm > 0 else vector
