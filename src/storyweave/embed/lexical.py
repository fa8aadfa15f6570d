"""The lexical backend: hashed TF-IDF over stemmed words and word pairs (no model)."""

from __future__ import annotations

import itertools
import math
import re
import zlib
from collections import Counter
from collections.abc import Sequence

import numpy as np

from .base import _normalise_rows

#: The same calibration for the lexical backend: F1 peaks at 0.74 for 0.08..0.09; the
#: highest threshold with F1 >= 0.93 x best is 0.14. TF-IDF cosines run lower than neural
#: ones for the same pair (no credit for synonyms).
LEXICAL_THRESHOLD = 0.14
#: Width of the hashed lexical vectors. 2**13 keeps collisions rare for a cluster's
#: vocabulary (a 10-article story has ~3,000 distinct terms) while a 600-sentence matrix
#: stays at ~20 MB of float32.
LEXICAL_DIMENSIONS = 2**13
#: Word pairs count half as much as single words: they add word-order evidence but a
#: pair shared by two sentences already counts through its two words.
BIGRAM_WEIGHT = 0.5

_WORD = re.compile(r"[a-z]+(?:'[a-z]+)?|\d+(?:[.,]\d+)*")
# Function words carry no fact; kept short so that negations ("not", "no") still count.
_STOPWORD_TEXT = """a an the and or but if of to in on at by for with from as into about over after
    before than then that this these those there here it its it's he she they we you i
    his her their our your my him them us me is are was were be been being has have had
    do does did will would could should may might can shall said says say told also
    which who whom whose what when where while so such very just more most other some
    any each both all up out off s t"""
_STOPWORDS = frozenset(_STOPWORD_TEXT.split())
# Longest first, so "ings" is tried before "s". Crude on purpose: it only has to map
# "killed"/"kills"/"killing" to one key within one cluster, not be linguistically right.
_SUFFIXES = (
    "ations",
    "ation",
    "ings",
    "ing",
    "edly",
    "ies",
    "ied",
    "ers",
    "er",
    "ed",
    "es",
    "ly",
    "s",
)
_MIN_STEM = 3


def _stem(word: str) -> str:
    """Strip one common English suffix, keeping at least three letters."""
    if word[0].isdigit():
        return word.replace(",", "")  # "1,200" and "1200" are the same number
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= _MIN_STEM:
            stem = word[: -len(suffix)]
            return stem + "y" if suffix in ("ies", "ied") else stem
    return word


def lexical_terms(text: str) -> list[str]:
    """The content-word stems of ``text`` in order, lower-cased, stopwords dropped."""
    words = _WORD.findall(text.lower().replace("\u2019", "'"))
    return [_stem(w) for w in words if w not in _STOPWORDS]


class LexicalEmbedder:
    """Hashed TF-IDF over stems and stem pairs; IDF comes from the texts of one call.

    Because IDF is computed over the texts passed to one :meth:`encode` call (one story's
    sentences), words every outlet repeats weigh little and rare shared details weigh
    a lot, which is what fact alignment needs. Hashing uses CRC32, stable across
    processes (Python's ``hash`` is salted per run).
    """

    name = "lexical"
    default_threshold = LEXICAL_THRESHOLD

    def __init__(self, dimensions: int = LEXICAL_DIMENSIONS) -> None:
        self.dimensions = dimensions

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Embed ``texts``; returns float32 ``(n, dimensions)`` unit (or zero) rows."""
        matrix = np.zeros((len(texts), self.dimensions), dtype=np.float32)
        if not texts:
            return matrix
        bags = [self._bag(text) for text in texts]
        document_frequency: Counter[str] = Counter()
        for bag in bags:
            document_frequency.update(bag.keys())
        n = len(texts)
        for row, bag in enumerate(bags):
            # Iterate in sorted order so colliding buckets sum in the same order every run.
            for term in sorted(bag):
                weight = bag[term]
                idf = math.log((1 + n) / (1 + document_frequency[term])) + 1.0
                bucket, sign = self._bucket(term)
                matrix[row, bucket] += (
                    sign * (1.0 + math.log(weight)) * idf * (BIGRAM_WEIGHT if " " in term else 1.0)
                )
        return _normalise_rows(matrix)

    @staticmethod
    def _bag(text: str) -> Counter[str]:
        terms = lexical_terms(text)
        bag = Counter(terms)
        bag.update(f"{a} {b}" for a, b in itertools.pairwise(terms))
        return bag

    def _bucket(self, term: str) -> tuple[int, float]:
        # A signed hash: collisions cancel out on average instead of always adding up.
        code = zlib.crc32(term.encode("utf-8"))
        return code % self.dimensions, 1.0 if (code >> 31) & 1 else -1.0


