"""Word tokens for the lexical parts of the pipeline: content words, a light stemmer, bigrams.

Shared by the summarizer's concept weights and anything else that needs to compare
sentences by their words. Pure Python, deterministic, no downloads.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache


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


#: The only characters outside ASCII that lower-case into ASCII letters (Kelvin sign, capital
#: I with dot): without them, lower-casing a text first splits it into the same words.
_LOWERS_INTO_ASCII = ("\u212a", "\u0130")


def words(text: str) -> list[str]:
    """Lower-cased word tokens (numbers kept, punctuation dropped)."""
    if _LOWERS_INTO_ASCII[0] in text or _LOWERS_INTO_ASCII[1] in text:
        return [w.lower().replace("’", "'") for w in WORD_RE.findall(text)]
    return WORD_RE.findall(text.lower().replace("’", "'"))  # one call, not one per word


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
    return set(stem_concepts([stem_word(w) for w in raw], [w not in STOPWORDS for w in raw]))


def stem_concepts(stems: Sequence[str], content: Sequence[bool]) -> frozenset[str]:
    """:func:`word_concepts` of words already stemmed (``stems``), with ``content`` telling
    which of them are content words (not in :data:`STOPWORDS`)."""
    return frozenset(
        f"{first} {second}"
        for first, second, first_content, second_content in zip(
            stems, stems[1:], content, content[1:]
        )
        if first_content or second_content
    )


#: Characters that re.IGNORECASE matches to an ASCII letter while str.lower() does not
#: ("ı" and "ſ" match "i" and "s"; "İ" lowers to two characters).
_CASE_FOLDING_EXCEPTIONS = "\u0130\u0131\u017f"
_REGEX_SYNTAX = frozenset("\\.^$*+?{}[]|()")


def literal_prefixes(patterns: Iterable[str]) -> tuple[str, ...] | None:
    """Per alternative of the regexes ``patterns``, the text every match of it starts with,
    lower-cased ("hard-?liners?" -> "hard", "boss(?:es)?" -> "boss"); None when an
    alternative starts with no fixed text. See :func:`may_match_ignoring_case`."""
    keys = []
    for pattern in patterns:
        depth, branch_start, branches = 0, 0, []
        for i, char in enumerate(pattern):  # split at the top-level "|" (none in classes)
            depth += (char == "(") - (char == ")")
            if char == "|" and depth == 0:
                branches.append(pattern[branch_start:i])
                branch_start = i + 1
        branches.append(pattern[branch_start:])
        for branch in branches:
            end = 0
            while end < len(branch) and branch[end] not in _REGEX_SYNTAX:
                end += 1
            if end < len(branch) and branch[end] in "?*{":
                end -= 1  # a quantifier makes the last character optional
            if end <= 0:
                return None
            keys.append(branch[:end].lower())
    return tuple(keys)


def may_match_ignoring_case(text: str, prefixes: tuple[str, ...] | None) -> bool:
    """False only when no regex of :func:`literal_prefixes` ``prefixes`` can match ``text``
    under re.IGNORECASE: a few substring tests, much faster than the regex search."""
    if prefixes is None or (
        not text.isascii() and any(char in text for char in _CASE_FOLDING_EXCEPTIONS)
    ):
        return True
    lowered = text.lower()
    return any(prefix in lowered for prefix in prefixes)
