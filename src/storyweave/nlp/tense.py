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

from .tokens import wordset

Tense = Literal["past", "future", "present", "unknown"]


# One alternation, tried in order at each position: multi-word futures before the "-ed"
# word they contain ("planned to", "expected to", "to be published").
_MARKER = re.compile(
    r"(?P<perfect>\b(?-i:could|would|might|may|should|must|will)\s+(?:not\s+)?have\b)"
    r"|(?P<intent>\b(?:asked|told|ordered|urged|allowed|invited|required|wants?|wanted|agreed|"
    r"decided|voted|promised|pledged|vowed|threatened)\s+(?:[\w'’.-]+\s+){0,3}?to\s+"
    r"(?!be\b)[a-z]+\b)"
    r"|(?P<future>\b(?:won['’]t|going\s+to|about\s+to|due(?:\s+to)?|effective|"
    r"(?:expected|expects?|scheduled|schedules?|planned|plans?|planning|set|sets|intends?|"
    r"intended|aims?|hopes?|hoped|ready|prepared|preparing)\s+(?:to|for)|scheduled|planned|"
    r"(?:plans?|planning)\s+an?|"
    r"payable|to\s+be\s+\w+|is\s+to|are\s+to|upcoming)\b|['’]ll\b"
    r"|\b(?-i:will|would|could|might|may|can|must|should|shall)\b)"
    r"|(?P<past>\b(?:was|were|had|did|has|have|'d|ago|said|told|says|tells|began|begun|"
    r"came|went|gone|took|taken|made|gave|given|held|struck|fell|fallen|rose|risen|won|"
    r"lost|sent|found|saw|seen|got|brought|built|bought|sold|paid|spent|kept|ran|shot|"
    r"hit|left|met|led|fled|quit|cut|set\s+off|broke|broken|chose|spoke|stood|wrote|"
    r"written|drew|grew|knew|threw|thought|felt|heard|became|caught|fought|taught|"
    r"sought|ended|dead|died|former|earlier|recently|already|last)\b)"
    r"|(?P<present>\b(?:is|are|am|meets?|opens|starts|begins|closes|resumes|returns|"
    r"arrives|leaves|travels|visits|takes\s+place|expires|flies|goes|holds|launches)\b)"
    r"|(?P<ed>\b[a-z]{2,}ed\b)",
    re.IGNORECASE,
)
# "-ed" words that are not past verbs.
_NOT_PAST = wordset(
    """
    need speed feed seed bed red shed breed indeed proceed exceed succeed hundred hatred
    sacred wicked naked kindred deed weed greed creed steed reed embed wed bled sled shred
    bred sped fled led united based related limited detailed advanced supposed alleged
    so-called skilled armed red-handed interested concerned
    """
)
# Words before a verb that make it a noun or a passive participle: "the vote", "is based".
_DETERMINERS = wordset(
    """
    the a an this that its their his her our your my every each
    """
)
_PASSIVE = wordset(
    """
    is are am be being 's
    """
)
# Words before a bare verb that make it part of another tense: "will meet", "to meet".
_INFINITIVE = wordset(
    """
    will would could can may might shall should must to not 'll ’ll did does do
    """
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
    next_break = _CLAUSE_BREAK.search(after)
    clause = after[: next_break.start()] if next_break and next_break.start() > 0 else after
    return _first_marker(clause) or _first_marker(after[:120]) or "unknown"


def _markers(clause: str, ahead: bool = False) -> list[tuple[Tense, bool]]:
    """The tense markers of a clause in order, each with whether it is weak: a "-ed" word
    may be an adjective ("preferred shares"), so an auxiliary or irregular verb in the same
    clause outranks it.

    "decided to admit", "asked them to reply" point ahead when the time comes after them
    (it dates the admitting), and back when it comes before ("On Monday, the board voted
    to close the plant": the vote); ``ahead`` says which side is being read.
    """
    found: list[tuple[Tense, bool]] = []
    for match in _MARKER.finditer(clause):
        kind = match.lastgroup
        word = match.group().lower()
        previous = clause[: match.start()].split()[-1:]
        previous_word = previous[0].lower() if previous else ""
        if kind == "ed":
            if word in _NOT_PAST or previous_word in _PASSIVE or previous_word in _DETERMINERS:
                continue  # "is based", "the embattled mayor"
            found.append(("past", True))
        elif kind == "perfect":
            found.append(("past", False))
        elif kind == "intent":
            found.append(("past" if ahead else "future", False))
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
    # Read forward, the first verb after the subject is the clause's own: no ranking.
    found = _markers(clause, ahead=True)
    return found[0][0] if found else None
