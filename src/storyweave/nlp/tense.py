"""The tense of the clause around a time expression, read from its verbs.

A date written without a year, or a bare weekday, is placed before or after the report
by the tense it is told in: "the plant closed in March" (a March that has passed), "the
plant will close in March" (one to come), "they meet Monday" (news present: a plan).
:func:`clause_tense` reads the words nearest to the expression first: back through the
sentence clause by clause, then, when nothing before it has a tense ("On Monday, the
board will vote"), forward into the clause that follows.
"""

from __future__ import annotations

import re
from typing import Literal

Tense = Literal["past", "future", "present", "unknown"]

# One alternation, tried in order at each position: multi-word futures before the "-ed"
# word they contain ("planned to", "expected to", "to be published").
_MARKER = re.compile(
    r"(?P<perfect>\b(?:could|would|might|may|should|must|will)\s+(?:not\s+)?have\b)"
    r"|(?P<future>\b(?:will|won['’]t|shall|going\s+to|about\s+to|due(?:\s+to)?|effective|"
    r"(?:asked|told|ordered|urged|allowed|invited|required|wants?|wanted|agreed|decided|"
    r"voted|promised|pledged|vowed|threatened)\s+(?:[\w'’.-]+\s+){0,3}?to\s+(?!be\b)[a-z]+|"
    r"(?:expected|expects?|scheduled|schedules?|planned|plans?|planning|set|sets|intends?|"
    r"intended|aims?|hopes?|hoped|ready|prepared|preparing)\s+(?:to|for)|scheduled|"
    r"to\s+be\s+\w+|is\s+to|are\s+to|upcoming|would|could|might|may|can|must|should)\b"
    r"|['’]ll\b)"
    r"|(?P<past>\b(?:was|were|had|did|has|have|'d|ago|said|told|says|tells|began|begun|"
    r"came|went|gone|took|taken|made|gave|given|held|struck|fell|fallen|rose|risen|won|"
    r"lost|sent|found|saw|seen|got|brought|built|bought|sold|paid|spent|kept|ran|shot|"
    r"hit|left|met|led|fled|quit|cut|set\s+off|broke|broken|chose|spoke|stood|wrote|"
    r"written|drew|grew|knew|threw|thought|felt|heard|became|caught|fought|taught|"
    r"sought|ended|dead|died|former|earlier|recently|already|last)\b)"
    r"|(?P<present>\b(?:is|are|am|meets?|opens?|starts?|begins?|closes?|resumes?|"
    r"returns?|arrives?|leaves?|travels?|visits?|takes\s+place|heads?|hosts?|plays?|"
    r"expires?|flies|fly|goes|go|holds?|votes?|faces?|launch(?:es)?|debuts?)\b)"
    r"|(?P<ed>\b[a-z]{2,}ed\b)",
    re.IGNORECASE,
)
# "-ed" words that are not past verbs.
_NOT_PAST = frozenset(
    """
    need speed feed seed bed red shed breed indeed proceed exceed succeed hundred hatred
    sacred wicked naked kindred deed weed greed creed steed reed embed wed bled sled shred
    bred sped fled led united based related limited detailed advanced supposed alleged
    so-called skilled armed red-handed interested concerned
    """.split()
)
# Words before a verb that make it a noun or a passive participle: "the vote", "is based".
_DETERMINERS = frozenset("the a an this that its their his her our your my every each".split())
_PASSIVE = frozenset("is are am be being 's".split())
# Words before a bare verb that make it part of another tense: "will meet", "to meet".
_INFINITIVE = frozenset(
    "will would could can may might shall should must to not 'll ’ll did does do".split()
)
# Where a clause starts. A comma starts one too: "..., which collapsed Monday".
_CLAUSE_BREAK = re.compile(
    r"[,;:(—–]|\s[-_]{1,2}\s|``|''|\b(?:and|but|when|while|because|which|who|whom|where|"
    r"although|though|whereas|if|unless)\b",
    re.IGNORECASE,
)
#: Clauses read back from an expression before giving up (the sentence start ends it).
MAX_CLAUSES_BACK = 4


def clause_tense(text: str, start: int, end: int) -> Tense:
    """The tense that governs the time expression ``text[start:end]``.

    >>> clause_tense("Qantas will double its flights between Perth and Delhi by August.", 60, 66)
    'future'
    >>> clause_tense("On Monday, the board voted to close the plant.", 3, 9)
    'past'
    """
    before = text[:start]
    cuts = [0] + [m.end() for m in _CLAUSE_BREAK.finditer(before)]
    stop = start
    for cut in reversed(cuts[-MAX_CLAUSES_BACK - 1 :]):
        found = _last_marker(text[cut:stop])
        if found:
            return found
        stop = cut
    after = text[end:]
    cut = _CLAUSE_BREAK.search(after)
    clause = after[: cut.start()] if cut and cut.start() > 0 else after
    return _first_marker(clause) or _first_marker(after[:120]) or "unknown"


def _markers(clause: str) -> list[tuple[Tense, bool]]:
    """The tense markers of a clause in order, each with whether it is weak: a "-ed" word
    may be an adjective ("preferred shares"), so an auxiliary or irregular verb in the same
    clause outranks it."""
    found: list[tuple[Tense, bool]] = []
    for match in _MARKER.finditer(clause):
        kind = match.lastgroup
        word = match.group().lower()
        previous = clause[: match.start()].split()[-1:]
        previous_word = previous[0].lower() if previous else ""
        if kind == "ed":
            if word in _NOT_PAST or previous_word in _PASSIVE:
                continue
            found.append(("past", True))
        elif kind == "perfect":
            found.append(("past", False))
        elif kind == "present":
            if previous_word in _DETERMINERS or previous_word in _INFINITIVE:
                continue  # "the vote", "a visit", "will meet", "to leave"
            found.append(("present", False))
        elif kind == "past" and (word == "last" or previous_word in _PASSIVE):
            continue  # "last" goes with its expression; "will be held" is not past
        else:
            found.append(("future" if kind == "future" else "past", False))
    return found


def _last_marker(clause: str) -> Tense | None:
    found = _markers(clause)
    strong = [tense for tense, weak in found if not weak]
    if strong:
        return strong[-1]
    return found[-1][0] if found else None


def _first_marker(clause: str) -> Tense | None:
    found = _markers(clause)
    strong = [tense for tense, weak in found if not weak]
    if strong:
        return strong[0]
    return found[0][0] if found else None
