"""Word tokens for the lexical parts of the pipeline: content words, a light stemmer, bigrams.

Shared by the summarizer's concept weights and anything else that needs to compare
sentences by their words. Pure Python, deterministic, no downloads.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache
from itertools import pairwise


def wordset(text: str) -> frozenset[str]:
    """A word list written as one string, words separated by whitespace (easier to read and
    extend than a literal): ``wordset("said told added")``."""
    return frozenset(text.split())


def alternation(patterns: Iterable[str]) -> str:
    """A regex alternation of ``patterns``, longest first, so that "sept" is tried before
    "sep" and "january" before "jan" (the same matches as "jan(?:uary)?")."""
    return "|".join(sorted(set(patterns), key=lambda pattern: (-len(pattern), pattern)))


WORD_RE = re.compile(r"[A-Za-z0-9]+(?:['’][A-Za-z]+)?(?:[.,][0-9]+)*")

#: Function words that carry no content. A short list on purpose: reporting verbs
#: ("said") are included because every news sentence has them.
STOPWORDS = frozenset(
    ["a", "about", "above", "after", "again", "against", "all", "also", "am", "an", "and", "any", "are", "as", "at", "be", "because", "been", "before", "being", "below", "between", "both", "but", "by", "can", "could", "did", "do", "does", "doing", "down", "during", "each", "few", "for", "from", "further", "had", "has", "have", "having", "he", "her", "here", "hers", "herself", "him", "himself", "his", "how", "i", "if", "in", "into", "is", "it", "its", "itself", "just", "me", "more", "most", "my", "myself", "no", "nor", "not", "now", "of", "off", "on", "once", "only", "or", "other", "our", "ours", "ourselves", "out", "over", "own", "same", "she", "should", "so", "some", "such", "than", "that", "the", "their", "theirs", "them", "themselves", "then", "there", "these", "they", "this", "those", "through", "to", "too", "under", "until", "up", "very", "was", "we", "were", "what", "when", "where", "which", "while", "who", "whom", "why", "will", "with", "would", "you", "your", "yours", "yourself", "yourselves", "said", "says", "say", "told", "tell", "according", "mr", "mrs", "ms", "dr", "one", "also", "would", "could", "may", "might", "must", "shall", "s", "t", "d", "ll", "m", "o", "re", "ve", "y"]
)

_SUFFIXES = (
    "ational",
    "ization",
    "iveness",
    "fulness",
    "ousness",
    "ements",
    "ement",
    "ations",
    "ation",
    "ings",
    "ing",
    "ies",
    "ied",
    "ness",
    "ers",
    "ed",
    "es",
    "er",
    "ly",
    "s",
)


@lru_cache(maxsize=1 << 16)
def stem(word: str) -> str:
    """A light suffix stripper: enough to match "talks"/"talked"/"talking" (not Porter).

    Memoised (a briefing stems the same words in several stages): the stem depends on
    the word alone, so the cache changes no result, only skips repeated work.
    """
    if len(word) <= 4 or word.isdigit():
        return word
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            base = word[: -len(suffix)]
            if suffix in ("ies", "ied"):
                return base + "y"
            return base
    return word


def words(text: str) -> list[str]:
    """Lower-cased word tokens (numbers kept, punctuation dropped)."""
    return [w.lower().replace("’", "'") for w in WORD_RE.findall(text)]


def content_stems(text: str) -> list[str]:
    """Stems of the content words of ``text``, in order."""
    return [stem(w) for w in words(text) if w not in STOPWORDS]


def concepts(text: str) -> set[str]:
    """Stemmed word bigrams that contain at least one content word (the summarizer's units).

    Bigrams rather than single words: they are what ROUGE-2 and readers both reward, and
    they tie a number to its noun ("52 vessel") and a name to its surname.
    """
    return word_concepts(words(text))


def word_concepts(raw: Sequence[str], stem_word: Callable[[str], str] = stem) -> set[str]:
    """:func:`concepts` of text already split by :func:`words`; ``stem_word`` may be a
    memoised :func:`stem` (a story repeats its words many times)."""
    found: set[str] = set()
    for first, second in pairwise(raw):
        if first in STOPWORDS and second in STOPWORDS:
            continue
        found.add(f"{stem_word(first)} {stem_word(second)}")
    return found
