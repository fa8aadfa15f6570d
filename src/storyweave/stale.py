"""Superseded claims and weekday conflicts: the time-aware part of :mod:`storyweave.diverge`.

A story develops while outlets write about it: an early report says talks "could resume on
Sunday" or that a deal "is unlikely before next week"; later reports say the deal was
struck. The early sentence is *stale*: it is not a conflict between outlets and must not
count as agreement either. :func:`find_superseded` pairs each prediction or doubt
(modal cue) with later sentences about the same event stated as done: "later" by the
sources' publication times when both are known, by tense when not.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import datetime

import numpy as np

from .model import Divergence, Fact, Sentence, Side
from .nlp.tokens import content_stems

#: A stamp is (ISO date, minutes after midnight or None when only the date is known).
Stamp = tuple[str, int | None]

#: Cosine a later sentence needs to the stale claim to overtake it, on top of sharing an
#: event word. Calibrated on the answer keys with MiniLM: the planted overtaking pairs
#: score 0.31-0.62 ("Talks could resume on Sunday" vs "negotiations ... began on Saturday"
#: is the lowest); 0.3 keeps them all, and the shared-word rule carries the precision.
STALE_COSINE = 0.3
#: Event words the two sentences must share (besides attribution words) at this cosine;
#: above :data:`STRONG_COSINE` one shared word is enough, below it two are needed.
STRONG_COSINE = 0.4
#: When publication order is unknown, only tense speaks for "later": the overtaking sentence
#: must be this close. Multi-News clusters (no dates) gave 14 tense-only "superseded" claims
#: at 0.4, nearly all forecasts next to other forecasts; 0.6 keeps the ones about one event.
UNDATED_COSINE = 0.6
#: A later report's first sentences (its lead) may overtake at this lower cosine: leads
#: state the outcome in their own words. Calibrated on the verdict story ("The verdict is
#: expected next week" vs the lead "A court ... found ... guilty", cosine 0.30).
LEAD_COSINE = 0.28
#: At most this many overtaking sentences per stale claim (the closest, distinct outlets).
MAX_OVERTAKERS = 2
#: Sentences shorter than this are too thin to be a prediction or its outcome.
MIN_WORDS = 5

#: Predictions, expectations and doubts: what a later report can overtake.
_MODAL = re.compile(
    r"\b(?:could|may|might)\s+(?!not\b|never\b|have\b)(?:yet\s+|still\s+|soon\s+)?(?:be\s+)?[a-z]+"
    r"|\b(?:is|are|was|were|seems?)\s+(?:not\s+|now\s+|still\s+)?(?:widely\s+)?"
    r"(?:expected|likely|unlikely|set|due|poised|scheduled|slated|planning|hoping|to\s+be)\b"
    r"|\bnot\s+(?:expected|likely)\b|\bunlikely\s+to\b"
    r"|\b(?:has|have|had)\s+no\s+plans?\b|\bno\s+plans?\s+to\b"
    r"|\btoo\s+close\s+to\s+call\b|\byet\s+to\b"
    r"|\b(?:[Nn]o|[Nn]ot|[Nn]one)\b[^.;]{0,60}\b(?:so\s+far|as\s+yet)\b"
    r"|\bno\s+\w+\s+(?:has|have)\s+(?:yet\s+)?been\s+(?:reported|confirmed|announced|made)\b"
    r"|\b(?:remains?|is\s+still)\s+(?:unclear|uncertain|undecided)\b"
)
#: "expected to focus on fishing rights" predicts an agenda, not an event that happens or not.
_AGENDA = re.compile(
    r"\bexpected\s+to\s+(?:focus|discuss|address|cover|include|centre|center|touch|raise)\b"
)
#: Predictions for months ahead cannot be overtaken by reports written days apart.
_FAR = re.compile(
    r"\b(?:next|this coming)\s+(?:spring|summer|autumn|fall|winter|year|month)\b"
    r"|\bin\s+(?:19|20)\d\d\b|\bby\s+(?:the\s+end\s+of\s+)?(?:next\s+)?(?:year|(?:19|20)\d\d)\b"
    r"|\bin\s+the\s+(?:coming|next)\s+(?:months|years|decade)\b"
)
_QUOTED = re.compile(r'"[^"]*"|“[^”]*”|``.*?\'\'')
_NARRATORS = ("HOST", "ANCHOR", "BYLINE", "CORRESPONDENT", "REPORTER", "PRESENTER")
#: Past or perfect tense: a sentence stating that something happened.
_PAST = re.compile(
    r"\b(?:was|were|had|has|have|did)\b|\b[a-z]{3,}ed\b|\b(?:struck|won|lost|began|met|made|"
    r"took|left|came|fell|rose|held|found|gave|sent|paid|sold|broke|shut|fled|told|said)\b"
)
#: Words every news sentence has; sharing them says nothing about sharing an event.
_GENERIC = frozenset(
    content_stems(
        "official officials spokesman spokeswoman spokesperson source sources people familiar "
        "matter senior ministry government report reports reported statement news agency "
        "told saying week next monday tuesday wednesday thursday friday saturday sunday "
        "today yesterday day night morning evening late early"
    )
)
_MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_ON_WEEKDAY = re.compile(
    r"\b(?:on|since|until|by|from)\s+(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
    r"|\b(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)['’]s\b"
)
#: "said on Monday" dates the statement, not the event.
_REPORTING_BEFORE = re.compile(
    r"\b(?:said|says|told|announced|added|confirmed|stated|reported|wrote|insisted)\s*$"
)


def parse_stamp(published: str | None) -> Stamp | None:
    """(date, minutes) from an ISO 8601 date or date-time; ``None`` when absent or unreadable."""
    if not published:
        return None
    text = published.strip()
    try:
        if len(text) <= 10:
            return (datetime.fromisoformat(text[:10]).date().isoformat(), None)
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    # Local wall-clock time: outlets of one story mostly share a zone, and mixing naive
    # and aware stamps would otherwise make "later" undecidable.
    return (moment.date().isoformat(), moment.hour * 60 + moment.minute)


def is_later(first: Stamp | None, second: Stamp | None) -> bool | None:
    """Whether ``second`` was published after ``first``; ``None`` when the stamps cannot tell."""
    if first is None or second is None:
        return None
    if first[0] != second[0]:
        return second[0] > first[0]
    if first[1] is None or second[1] is None:
        return None
    return second[1] > first[1]


def is_modal(text: str) -> bool:
    """Whether a sentence predicts, expects or doubts rather than reports something done."""
    return bool(_MODAL.search(text))


def find_superseded(
    sentences: Sequence[Sentence],
    similarity: np.ndarray,
    fact_of: Sequence[Fact | None],
    labels: Mapping[str, str],
    stamps: Mapping[str, Stamp | None],
    sentence_stems: Sequence[frozenset[str]],
) -> tuple[Divergence, ...]:
    """Early predictions and doubts that later sentences of other sources overtook.

    ``sentence_stems[i]`` are the content stems of ``sentences[i]``. The stale sentence is
    the first side, the overtaking sentences the next ones.
    """
    stems = [found - _GENERIC for found in sentence_stems]
    modal = [
        _usable(s)
        and _own_words(s)
        and is_modal(s.text)
        and not _AGENDA.search(s.text)
        and not _FAR.search(s.text)
        for s in sentences
    ]
    stated = [
        _usable(s) and not is_modal(s.text) and _own_words(s) and bool(_PAST.search(s.text))
        for s in sentences
    ]
    stated_mask = np.array(stated, dtype=bool)
    any_stamp = any(stamp is not None for stamp in stamps.values())
    result = []
    for i, sentence in enumerate(sentences):
        if not modal[i]:
            continue
        own_stamp = stamps.get(sentence.source_id)
        if own_stamp is None and any_stamp:
            continue  # undated among dated reports: we cannot tell that it came first
        candidates: list[tuple[float, int]] = []
        # Only sentences above the lowest cosine any rule accepts are worth a closer look.
        for j in np.flatnonzero(stated_mask & (similarity[i] >= LEAD_COSINE)).tolist():
            other = sentences[j]
            if other.source_id == sentence.source_id:
                continue
            later = is_later(own_stamp, stamps.get(other.source_id))
            if later is False:
                continue
            cosine = float(similarity[i, j])
            shared = len(stems[i] & stems[j])
            if later is None:
                # Order unknown: only tense speaks for it, so ask for a closer match.
                related = cosine >= UNDATED_COSINE and shared >= 2
            elif other.index <= 1:
                # A later report's lead states the outcome in its own words ("found guilty"
                # for "the verdict"); one shared word is enough there.
                related = cosine >= LEAD_COSINE and shared >= 1
            else:
                related = cosine >= STALE_COSINE and shared >= (1 if cosine >= STRONG_COSINE else 2)
            if related:
                candidates.append((cosine + 0.05 * shared, j))
        candidates.sort(key=lambda item: (-item[0], item[1]))
        chosen: list[int] = []
        for _, j in candidates:
            if all(sentences[k].source_id != sentences[j].source_id for k in chosen):
                chosen.append(j)
            if len(chosen) == MAX_OVERTAKERS:
                break
        if chosen:
            result.append(_superseded(i, chosen, sentences, fact_of, labels, stamps))
    return tuple(result)


def _own_words(sentence: Sentence) -> bool:
    """Whether a sentence is the outlet's own report, not mostly a quote or a guest's turn."""
    if sentence.turn_speaker and not any(r in sentence.turn_speaker.upper() for r in _NARRATORS):
        return False
    quoted = sum(len(m.group()) for m in _QUOTED.finditer(sentence.text))
    return quoted <= 0.5 * len(sentence.text)


def _usable(sentence: Sentence) -> bool:
    text = sentence.text.strip()
    return len(text.split()) >= MIN_WORDS and not text.endswith("?")


def _superseded(
    stale: int,
    overtakers: list[int],
    sentences: Sequence[Sentence],
    fact_of: Sequence[Fact | None],
    labels: Mapping[str, str],
    stamps: Mapping[str, Stamp | None],
) -> Divergence:
    old = sentences[stale]
    sides = [Side(text=old.text, citations=(old.id,), source_ids=(old.source_id,))]
    sides += [
        Side(
            text=sentences[j].text,
            citations=(sentences[j].id,),
            source_ids=(sentences[j].source_id,),
        )
        for j in overtakers
    ]
    when = _when(stamps.get(old.source_id))
    later = ", ".join(labels[sentences[j].source_id] for j in overtakers)
    summary = (
        f"Overtaken: {labels[old.source_id]}{when} reported “{old.text}”; "
        f"later, {later}: “{sentences[overtakers[0]].text}”"
    )
    facts = [f.id for k in [stale, *overtakers] if (f := fact_of[k]) is not None]
    score = max(
        (f.centrality for k in [stale, *overtakers] if (f := fact_of[k]) is not None), default=0.0
    )
    return Divergence(
        kind="superseded",
        summary=summary,
        sides=tuple(sides),
        fact_ids=tuple(dict.fromkeys(facts)),
        score=score,
    )


def _when(stamp: Stamp | None) -> str:
    """ " (13 Mar, 06:10)" for a known stamp."""
    if stamp is None:
        return ""
    # Month names spelt out here: strftime("%b") follows the machine's locale.
    date = datetime.fromisoformat(stamp[0])
    day = f"{date.day} {_MONTH_NAMES[date.month - 1]}"
    if stamp[1] is None:
        return f" ({day})"
    return f" ({day}, {stamp[1] // 60:02d}:{stamp[1] % 60:02d})"


def weekday_conflicts(
    sentences: Sequence[Sentence],
    fact_of: Sequence[Fact | None],
    labels: Mapping[str, str],
) -> tuple[Divergence, ...]:
    """Sentences of one aligned fact that put the event on different weekdays."""
    by_fact: dict[str, list[tuple[int, str, str]]] = {}
    for i, sentence in enumerate(sentences):
        fact = fact_of[i]
        if fact is None or len(fact.source_ids) < 2:
            continue
        if is_modal(sentence.text):
            continue  # a prediction's day is for the superseded finder, not a dispute
        days = _event_weekdays(sentence.text)
        if len(days) == 1:
            by_fact.setdefault(fact.id, []).append((i, days[0][0], days[0][1]))
    result = []
    for fact_id, mentions in by_fact.items():
        values = sorted({day for _, day, _ in mentions}, key=_WEEKDAYS.index)
        if len(values) < 2:
            continue
        # The same event only: the words just before the day must share a content word
        # ("broke down on Thursday" vs "called ... back on Saturday" are two events).
        leads = {i: _lead_stems(sentences[i].text) for i, _, _ in mentions}
        if not any(
            leads[i] & leads[j]
            for i, day_i, _ in mentions
            for j, day_j, _ in mentions
            if day_i != day_j
        ):
            continue
        sides = []
        for day in values:
            members = [(i, written) for i, d, written in mentions if d == day]
            sides.append(
                Side(
                    text=sentences[members[0][0]].text,
                    citations=tuple(sentences[i].id for i, _ in members),
                    source_ids=tuple(dict.fromkeys(sentences[i].source_id for i, _ in members)),
                    value=members[0][1],
                )
            )
        fact = next(f for f in fact_of if f is not None and f.id == fact_id)
        values_text = " vs ".join(
            f"{side.value} ({', '.join(labels[s] for s in side.source_ids)})" for side in sides
        )
        result.append(
            Divergence(
                kind="conflict",
                summary=f"Sources differ on the day: {values_text}.",
                sides=tuple(sides),
                fact_ids=(fact_id,),
                score=fact.centrality,
            )
        )
    return tuple(result)


def _lead_stems(text: str) -> frozenset[str]:
    """Content stems of the three words before the first weekday (the event's verb)."""
    match = _ON_WEEKDAY.search(text)
    before = text[: match.start()] if match else text
    return frozenset(content_stems(" ".join(before.split()[-3:]))) - _GENERIC


def _event_weekdays(text: str) -> list[tuple[str, str]]:
    """(weekday, as written) for each weekday that dates an event (not a statement)."""
    found = []
    for match in _ON_WEEKDAY.finditer(text):
        if _REPORTING_BEFORE.search(text[: match.start()]):
            continue
        day = (match.group(1) or match.group(2)).lower()
        found.append((day, match.group().strip()))
    return found
