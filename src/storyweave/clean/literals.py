"""Literal text that every match of a regular expression contains, as a cheap pre-test.

Most lines of a page are story prose that no chrome pattern matches, and a regular
expression that ignores case or starts with ``\\b`` scans a long line slowly. Every match
of ``\\ball rights reserved\\b`` contains "all rights reserved", so a line without that
text (a substring test in C) need not be searched. :class:`Needles` reads such strings off
the pattern's parse tree, so they never fall out of step with the pattern.

The test is exact: it only ever skips a search that could not have matched. For a pattern
that ignores case it compares lower-cased text, except on the rare line with one of the
few other characters that Unicode case folding lets match ASCII letters (the Kelvin sign
matches "k"), which is always searched.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import Any

try:  # Python 3.11+
    from re import _constants as _sre  # type: ignore[attr-defined]
    from re import _parser as _parse  # type: ignore[attr-defined]
except ImportError:  # Python 3.10
    import sre_constants as _sre
    import sre_parse as _parse

_REPEATS = tuple(
    getattr(_sre, name) for name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT") if hasattr(_sre, name)
)
_ATOMIC = getattr(_sre, "ATOMIC_GROUP", None)


@dataclass(frozen=True)
class Needles:
    """Strings one of which every match of ``pattern`` contains (none known: empty)."""

    pattern: re.Pattern[str]
    needles: tuple[str, ...]
    ignore_case: bool

    @classmethod
    def of(cls, pattern: re.Pattern[str]) -> Needles:
        """Read the needles off ``pattern``'s parse tree."""
        ignore_case = bool(pattern.flags & re.IGNORECASE)
        return cls(pattern, _needles(pattern.pattern, pattern.flags), ignore_case)

    def may_match(self, text: str, lowered: str | None) -> bool:
        """False only when ``pattern`` cannot match ``text``; ``lowered`` is
        :func:`lowered_text` of it."""
        if not self.needles:
            return True
        if self.ignore_case:
            if lowered is None:
                return True
            return any(needle in lowered for needle in self.needles)
        return any(needle in text for needle in self.needles)

    def search(self, text: str, lowered: str | None) -> re.Match[str] | None:
        """``pattern.search(text)``, skipped when the needles say it cannot match."""
        return self.pattern.search(text) if self.may_match(text, lowered) else None


@lru_cache(maxsize=256)
def _needles(pattern: str, flags: int) -> tuple[str, ...]:
    """The needles of one pattern, parsed once per process: like ``re``'s own cache of
    compiled patterns, it holds only what the (fixed) pattern text determines."""
    found = _sequence(_parse.parse(pattern, flags))
    ignore_case = bool(flags & re.IGNORECASE)
    return tuple(sorted(n.lower() if ignore_case else n for n in found or ()))


#: The characters that ignoring case lets match an ASCII letter, or whose lower case
#: holds one: dotted and dotless i, long s, the Kelvin sign (found by trying every code
#: point against ``re.compile("[a-z]", re.IGNORECASE)`` and ``str.lower``; a test does so).
FOLDS_TO_ASCII = "\u0130\u0131\u017f\u212a"
_FOLDS_TO_ASCII = re.compile(f"[{FOLDS_TO_ASCII}]")


def lowered_text(text: str) -> str | None:
    """``text.lower()``, which :meth:`Needles.may_match` takes, or None for a text with a
    character of :data:`FOLDS_TO_ASCII` (where lower-case text proves nothing)."""
    if text.isascii() or not _FOLDS_TO_ASCII.search(text):
        return text.lower()
    return None


def _sequence(items: Iterable[tuple[Any, Any]]) -> frozenset[str] | None:
    """Alternatives one of which every match of a parsed sequence contains, or None.

    Each run of ASCII literal characters is required; so is the body of a group or of a
    repeat taken at least once, and one of a branch's alternatives when each of them has
    some. Of those, the set whose shortest string is longest wins.
    """
    best: frozenset[str] | None = None

    def take(candidate: frozenset[str] | None) -> None:
        nonlocal best
        if candidate and (best is None or _strength(candidate) > _strength(best)):
            best = candidate

    run: list[str] = []
    for op, av in items:
        if op is _sre.LITERAL and av < 128:
            run.append(chr(av))
            continue
        take(frozenset(["".join(run)]) if run else None)
        run = []
        if op is _sre.SUBPATTERN:
            _group, add_flags, del_flags, body = av
            if not add_flags and not del_flags:
                take(_sequence(body))
        elif op is _ATOMIC:
            take(_sequence(av))
        elif op in _REPEATS and av[0] >= 1:
            take(_sequence(av[2]))
        elif op is _sre.BRANCH:
            parts = [_sequence(branch) for branch in av[1]]
            if all(parts):
                take(frozenset().union(*parts))  # type: ignore[arg-type]
    take(frozenset(["".join(run)]) if run else None)
    return best


def _strength(needles: frozenset[str]) -> tuple[int, int]:
    return min(len(n) for n in needles), -len(needles)


@dataclass(frozen=True)
class Screen:
    """An ordered list of patterns screened together: one pass of substring tests over a
    line tells which patterns may match it, in their order (the others cannot)."""

    patterns: tuple[Needles, ...]

    @classmethod
    def of(cls, patterns: Iterable[re.Pattern[str]]) -> Screen:
        """Screen ``patterns`` (their order is kept)."""
        return cls(tuple(Needles.of(pattern) for pattern in patterns))

    @cached_property
    def _index(self) -> tuple[tuple[tuple[str, tuple[int, ...]], ...], tuple[int, ...], tuple[int, ...]]:
        """(lower-cased needle -> patterns that ignore case), the patterns that ignore case
        and have needles, and those a line's lower-case text cannot rule out."""
        owners: dict[str, list[int]] = {}
        folded, always = [], []
        for k, entry in enumerate(self.patterns):
            if entry.needles and entry.ignore_case:
                folded.append(k)
                for needle in entry.needles:
                    owners.setdefault(needle, []).append(k)
            else:
                always.append(k)
        return tuple((n, tuple(ks)) for n, ks in owners.items()), tuple(folded), tuple(always)

    def candidates(self, text: str) -> list[int]:
        """The indices of the patterns that may match ``text``, in order."""
        owners, folded, always = self._index
        lowered = lowered_text(text)
        if lowered is None:
            chosen = set(folded)
        else:
            chosen = {k for needle, ks in owners if needle in lowered for k in ks}
        chosen.update(k for k in always if self.patterns[k].may_match(text, lowered))
        return sorted(chosen)
