"""Conflicts: the same thing reported with incompatible values by different sources.

* numbers, durations and percentages (:func:`number_conflicts`): "about 40 ships" vs "at
  least 52 vessels"; "a two-hour meeting" vs "more than three hours of talks". Hedges are
  read as ranges (:mod:`storyweave.nlp.quantities`), so "more than two hours" and "two and
  a half hours" agree. Two sentences are compared when alignment grouped them into one fact
  or their vectors are close, and two numbers only when they count the same thing (same
  unit or casualty role, overlapping context words);
* weekdays (:func:`weekday_conflicts`): one aligned fact put on different days.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TypeVar

import numpy as np

from ..model import Divergence, Side
from ..nlp.calendar import WEEKDAYS
from ..nlp.quantities import MEASURES, Quantity, comparable, compatible
from ..nlp.tokens import content_stems
from .context import StoryContext
from .superseded import GENERIC_STEMS, is_modal

T = TypeVar("T")

#: Two sentences of different sources that alignment did not group are still compared
#: for numbers when their cosine reaches this. Calibrated on the six answer keys with
#: MiniLM: the planted conflicting pairs that alignment split score 0.52-0.62, and below
#: ~0.5 DUC 2004 clusters paired numbers about different events of the same topic.
PAIR_COSINE = 0.4
#: A dispute between sentences that alignment did not group needs this cosine, or an
#: affinity (shared context words, same noun/role/subject) of MIN_DISPUTE_AFFINITY. On the
#: harbour demo "more than 16 hours of negotiations" vs the executive's "more than two
#: hours" (cosine 0.44, one shared word) is what this rules out.
PAIR_COSINE_SURE = 0.5
MIN_DISPUTE_AFFINITY = 2
#: Casualty figures and prison terms carry their own role ("killed", "jailed"), so their
#: sentences may be further apart: the tabloid "jailed for five years" and the agency's
#: "sentenced him to four years in prison" score 0.34-0.37.
ROLE_COSINE = 0.3
#: Two disputed numbers more than this far apart (natural log of their ratio; 1.1 = 3x)
#: are different things that happen to share a unit, not two readings of one figure.
#: The planted conflicts of the answer keys differ by 1.1x-1.75x; an early partial count
#: ("fewer than 500 votes" at 10 p.m. vs "about 3,000") differs by 6x.
MAX_LOG_RATIO = 1.1
#: Numbers with *different* nouns ("40 ships" / "52 vessels") are compared only in
#: sentences at least this close (or aligned into one fact) and sharing a context word, or
#: when their noun phrases share a word. 0.55: the harbour demo's ships/vessels pair scores
#: 0.59; DUC pairs such as "32 people" / "50 rivers" sat below.
UNIT_FREE_COSINE = 0.55
#: Nouns too general to stand for another noun ("32 people" is not "50 rivers").
_GENERIC_UNITS = frozenset({"people", "person", "member", "time", "thing", "way", "other"})
#: Figures published this many days apart are an update (a death toll that rose), not a
#: dispute. The answer keys' conflicts are all reported within a day of each other; DUC
#: 2004 clusters span weeks, and their "conflicts" across them were all rising counts.
UPDATE_DAYS = 2


@dataclass(frozen=True, slots=True)
class _Mention:
    sentence: int  # index into story.sentences
    quantity: Quantity


def find_conflicts(story: StoryContext) -> tuple[Divergence, ...]:
    """Every conflict of the story: numbers first, then weekdays."""
    return number_conflicts(story) + weekday_conflicts(story)


def number_conflicts(story: StoryContext) -> tuple[Divergence, ...]:
    """Numbers, durations and percentages that two sources give differently (or that
    changed from one day's reports to a later day's)."""
    found = story.quantities
    # Each quantity's match class (see :func:`_match_class`): two numbers of different
    # classes never count the same thing, so only numbers of one class are compared, and a
    # bare count (no noun, no role) is compared with nothing.
    class_codes: dict[object, int] = {}
    classes = [
        tuple(
            -1 if (c := _match_class(q)) is None else class_codes.setdefault(c, len(class_codes))
            for q in qs
        )
        for qs in found
    ]
    with_numbers = [i for i, codes in enumerate(classes) if any(c >= 0 for c in codes)]
    parent: dict[tuple[int, int], tuple[int, int]] = {}
    disputed: set[tuple[int, int]] = set()

    def root(key: tuple[int, int]) -> tuple[int, int]:
        while parent.setdefault(key, key) != key:
            key = parent[key]
        return key

    numbered = np.array(with_numbers, dtype=np.int64)
    # Blocking: two numbers can only match within one class, and unaligned sentences under
    # PAIR_COSINE only through a casualty or prison-term role they share. Bit masks of each
    # sentence's classes and (role, kind) pairs rule out the rest before any pair of
    # numbers is looked at.
    class_bit_codes: dict[object, int] = {}
    class_bits = np.array(
        [_bits(class_bit_codes, {c for c in classes[i] if c >= 0}) for i in with_numbers],
        dtype=np.int64,
    )
    role_bit_codes: dict[object, int] = {}
    roles = np.array(
        [
            _bits(role_bit_codes, {(q.role, q.kind) for q in found[i] if q.role})
            for i in with_numbers
        ],
        dtype=np.int64,
    )
    fact_ids: dict[int, int] = {}
    fact_code = np.array(
        [
            -1 if (f := story.fact_of[i]) is None else fact_ids.setdefault(id(f), len(fact_ids))
            for i in with_numbers
        ],
        dtype=np.int64,
    )
    source_code = np.array([story.source_ids.index(story.sentences[i].source_id) for i in with_numbers])
    apart_memo: dict[tuple[str, str], bool] = {}
    for a_pos, a in enumerate(with_numbers):
        cosines = story.similarity[a, numbered[a_pos + 1 :]]
        rest = slice(a_pos + 1, None)
        aligned = (fact_code[rest] == fact_code[a_pos]) & (fact_code[a_pos] >= 0)
        possible = (
            (source_code[rest] != source_code[a_pos])
            & ((class_bits[rest] & class_bits[a_pos]) != 0)
            & (
                aligned
                | (cosines >= PAIR_COSINE - BLOCKING_MARGIN)
                | ((cosines >= ROLE_COSINE - BLOCKING_MARGIN) & ((roles[rest] & roles[a_pos]) != 0))
            )
        )
        for b in numbered[a_pos + 1 :][possible].tolist():
            same_fact = story.fact_of[a] is not None and story.fact_of[a] is story.fact_of[b]
            cosine = float(story.similarity[a, b])
            if not same_fact and cosine < ROLE_COSINE:
                continue
            sources = (story.sentences[a].source_id, story.sentences[b].source_id)
            apart = apart_memo.get(sources)
            if apart is None:
                apart = apart_memo[sources] = days_apart(story, *sources)
            pairs = _matched_pairs(
                found[a], found[b], classes[a], classes[b], same_fact, cosine, apart
            )
            for (qa_i, qb_i), agree in pairs:
                ka, kb = (a, qa_i), (b, qb_i)
                parent[root(ka)] = root(kb)
                if not agree:
                    disputed.add(ka)
    components: dict[tuple[int, int], list[tuple[int, int]]] = defaultdict(list)
    for key in sorted(parent):
        components[root(key)].append(key)
    result = []
    for members in components.values():
        if not any(m in disputed for m in members):
            continue
        mentions = [_Mention(i, found[i][q]) for i, q in members]
        result += _conflict(story, mentions)
    return tuple(result)


#: The blocking of :func:`number_conflicts` compares float32 matrix entries with cosine
#: floors lowered by this much, so that rounding can only let a pair through to the exact test.
BLOCKING_MARGIN = 1e-6


def _bits(codes: dict[object, int], items: Iterable[object]) -> int:
    """A bit mask of ``items``, numbering new items in ``codes`` as they come (at most 62)."""
    mask = 0
    for item in items:
        code = codes.setdefault(item, len(codes))
        mask |= 1 << min(code, 62)
    return mask


def _match_class(q: Quantity) -> tuple[str | None, ...] | None:
    """What kind of number ``q`` is, such that :func:`_same_role` holds only between numbers
    of one class: a casualty or prison-term role with its kind; a duration; a percentage;
    an amount of one currency; a count of something named. ``None`` for a bare count with
    no noun and no role, which :func:`_same_role` matches with nothing."""
    if q.role:
        return ("role", q.role, q.kind)
    if q.kind == "money":
        return ("money", q.unit)
    if q.kind == "count":
        return ("count",) if q.unit is not None else None
    return (q.kind,)


def _matched_pairs(
    qa: Sequence[Quantity],
    qb: Sequence[Quantity],
    classes_a: Sequence[int],
    classes_b: Sequence[int],
    same_fact: bool,
    cosine: float,
    apart: bool = False,
) -> list[tuple[tuple[int, int], bool]]:
    """Pairs of quantities (each used once) that count the same thing, with whether they
    agree. Agreeing pairs are matched first, so a number that agrees with one of the other
    sentence's numbers is explained ("4.5% this year and 3% next year" vs "4.5%") and never
    put in dispute; the rest are matched by how much of their context they share.

    ``classes_a``/``classes_b``: the codes of the numbers' match classes (-1 for none, see
    :func:`_match_class`); only numbers of one class can count the same thing.

    ``apart``: the two sentences came out days apart, so a casualty count may have grown
    by any factor (an early "32 killed" and a later "7,000 dead" are one rising toll)."""
    role_pairs = [
        (i, j)
        for i, class_a in enumerate(classes_a)
        if class_a >= 0
        for j, class_b in enumerate(classes_b)
        if class_a == class_b and _same_role(qa[i], qb[j], same_fact, cosine)
    ]

    def key(pair: tuple[int, int]) -> tuple[bool, int, float, int, int]:
        a, b = qa[pair[0]], qb[pair[1]]
        return (not compatible(a, b), -_affinity(a, b), _distance(a, b), pair[0], pair[1])

    used_a: set[int] = set()
    used_b: set[int] = set()
    pairs = []
    for i, j in sorted(role_pairs, key=key):
        if i in used_a or j in used_b:
            continue
        agree = compatible(qa[i], qb[j])
        rising_toll = apart and qa[i].role is not None and qa[i].role == qb[j].role
        if not agree and _distance(qa[i], qb[j]) > MAX_LOG_RATIO and not rising_toll:
            continue  # hours vs years, 14 vs 14,000: different things, not a dispute
        if (
            not agree
            and not same_fact
            and cosine < PAIR_COSINE_SURE
            and (_affinity(qa[i], qb[j]) < MIN_DISPUTE_AFFINITY)
        ):
            continue  # too little ties them: a dispute needs more than an agreement
        used_a.add(i)
        used_b.add(j)
        pairs.append(((i, j), agree))
    return pairs


def _affinity(a: Quantity, b: Quantity) -> int:
    """How surely two numbers report the same thing: shared context, noun, role, subject."""
    return (
        len(a.context & b.context)
        + 2 * (a.kind != "duration" and a.unit is not None and a.unit == b.unit)
        + 3 * (a.role is not None and a.role == b.role)
        + 2 * (a.subject is not None and a.subject == b.subject)
    )


def _distance(a: Quantity, b: Quantity) -> float:
    """|log| of the ratio of the two ranges' midpoints."""
    mid_a = (a.low + min(a.high, a.low * 10)) / 2
    mid_b = (b.low + min(b.high, b.low * 10)) / 2
    if mid_a <= 0 or mid_b <= 0:
        return 0.0 if mid_a == mid_b else math.inf
    return abs(math.log(mid_a / mid_b))


def _same_role(a: Quantity, b: Quantity, same_fact: bool, cosine: float) -> bool:
    """Whether two numbers of related sentences report the same quantity."""
    if a.anchors and b.anchors and a.anchors.isdisjoint(b.anchors):
        return False  # Monday's toll and Tuesday's are two figures, not one disputed
    if a.names and b.names and not a.names & b.names:
        return False  # "231 in Honduras" is not "140 in El Salvador"; "in the region" may be
    shared = len(a.context & b.context)
    if a.role or b.role:
        # Casualty figures and prison terms are tied by their role whatever the wording.
        return a.role == b.role and a.kind == b.kind and (same_fact or cosine >= ROLE_COSINE)
    if not same_fact and cosine < PAIR_COSINE:
        return False
    if a.kind == "count" == b.kind and (a.subject is None) != (b.subject is None):
        return False  # "a 115-yacht fleet" describes the fleet; "37 yachts" counts yachts
    if comparable(a, b):
        if a.kind == "count" and a.unit is None:
            return False  # a bare number with no noun: too little to tell what it counts
        if a.unit in MEASURES:
            # Distances and weights of different things share their unit ("30 miles
            # offshore" / "50 nautical miles from the rescue"): only aligned sentences, and
            # only with a context word in common (d30002t aligned "the 350-mile wide
            # hurricane" with "tropical storm-force winds 175 miles": two measures of it).
            return same_fact and shared >= 1
        if a.subject and b.subject and a.subject != b.subject and shared == 0:
            return same_fact
        return same_fact or shared >= 1
    # Different nouns for one thing ("ships"/"vessels", "kettles"/"BrightKettle 2 models"):
    # the noun phrases share a word, or the sentences are close and share context words.
    # Never units of measure ("mph" vs "states") and never "people" (it counts anyone).
    if a.kind != "count" or b.kind != "count" or a.unit is None or b.unit is None:
        return False
    if a.subject is not None and a.subject == b.subject:
        return True  # "a 30-car pileup" / "a 25-vehicle pileup": one pileup, counted twice
    if {a.unit, b.unit} & (MEASURES | _GENERIC_UNITS) or "-" in a.unit + b.unit:
        return False
    if a.phrase & b.phrase:
        return True
    return shared >= 1 and (same_fact or cosine >= UNIT_FREE_COSINE)


def _conflict(story: StoryContext, mentions: list[_Mention]) -> list[Divergence]:
    """A conflict divergence from mentions of one quantity, one side per value group (none
    when the values came out days apart: a toll that rose is an update, not a dispute).

    Precise values found the groups (narrowest range first); a vague value that fits more
    than one group ("dozens of ships" next to "about 40" and "at least 52") sides with
    neither and is left out.
    """
    mentions.sort(key=lambda m: (m.quantity.high - m.quantity.low, m.quantity.low, m.sentence))
    groups: list[list[_Mention]] = []
    for mention in mentions:
        fits = [g for g in groups if all(compatible(mention.quantity, o.quantity) for o in g)]
        if not fits:
            groups.append([mention])
        elif len(fits) == 1:
            fits[0].append(mention)
    if len(groups) < 2:
        return []
    sides = []
    for group in groups:
        group.sort(key=lambda m: m.sentence)
        sources = _unique(story.sentences[m.sentence].source_id for m in group)
        sides.append(
            Side(
                text=story.sentences[group[0].sentence].text,
                citations=tuple(_unique(story.sentences[m.sentence].id for m in group)),
                source_ids=tuple(sources),
                value=group[0].quantity.text,
            )
        )
    # A side whose every outlet also stands on another side is that outlet's *other* figure
    # (turnout 58% and a 50.9% vote share), picked up through a chain of matches: drop it.
    sides = [
        side
        for k, side in enumerate(sides)
        if not set(side.source_ids)
        <= {sid for m, other in enumerate(sides) if m != k for sid in other.source_ids}
    ]
    if len(sides) < 2 or len({sid for side in sides for sid in side.source_ids}) < 2:
        return []  # one outlet's two figures: not a dispute between sources
    if not _close_in_time(story, sides):
        return []  # figures days apart: an update (see :mod:`.updates`), not a dispute
    sides.sort(key=lambda side: story.position[side.citations[0]])
    facts = _unique(f.id for m in mentions if (f := story.fact_of[m.sentence]) is not None)
    what = _what(mentions[0].quantity, [m.quantity for m in mentions])
    values = " vs ".join(
        f"{side.value} ({', '.join(story.labels[s] for s in side.source_ids)})" for side in sides
    )
    return [
        Divergence(
            kind="conflict",
            summary=f"Sources differ on {what}: {values}.",
            sides=tuple(sides),
            fact_ids=tuple(facts),
            score=_score(story, [m.sentence for m in mentions]),
        )
    ]


def days_apart(story: StoryContext, a: str, b: str) -> bool:
    """Whether sources ``a`` and ``b`` were published at least UPDATE_DAYS apart."""
    stamp_a, stamp_b = story.stamps.get(a), story.stamps.get(b)
    if stamp_a is None or stamp_b is None:
        return False
    return abs(date.fromisoformat(stamp_a[0]) - date.fromisoformat(stamp_b[0])).days >= UPDATE_DAYS


def _close_in_time(story: StoryContext, sides: Sequence[Side]) -> bool:
    """Whether some two sides were published close enough to dispute rather than update."""
    for k, first in enumerate(sides):
        for second in sides[k + 1 :]:
            for a in first.source_ids:
                for b in second.source_ids:
                    if not days_apart(story, a, b):
                        return True
    return False


def _what(first: Quantity, all_quantities: Sequence[Quantity]) -> str:
    """What the disputed quantity is, in words ("the number of vessels")."""
    if first.role == "dead":
        return "the death toll"
    if first.role == "injured":
        return "the number of injured"
    if first.role == "prison term":
        return "the prison term"
    if first.kind == "duration":
        subject = next((q.subject for q in all_quantities if q.subject), None)
        return f"how long the {subject} lasted" if subject else "a length of time"
    if first.kind == "percent":
        return "a percentage"
    if first.kind == "money":
        return "an amount of money"
    units = _unique(q.unit for q in all_quantities if q.unit)
    if not units:
        return "a number"
    return "the number of " + " or ".join(_plural(u) for u in units[:2])


def _plural(noun: str) -> str:
    if noun in ("people", "dead", "injured") or noun.endswith("s"):
        return noun
    if noun.endswith("man"):
        return noun[:-3] + "men"
    if noun.endswith("y") and noun[-2:-1] not in "aeiou":
        return noun[:-1] + "ies"
    if noun.endswith(("ch", "sh", "x")):
        return noun + "es"
    return noun + "s"


def _score(story: StoryContext, indices: Sequence[int]) -> float:
    """The centrality of the most central fact among the sentences concerned."""
    return max(
        ((f.centrality if (f := story.fact_of[i]) is not None else 0.0) for i in indices),
        default=0.0,
    )


def _unique(items: Iterable[T]) -> list[T]:
    """The items in first-seen order, each once."""
    return list(dict.fromkeys(items))


_DAY_NAMES = "|".join(day.capitalize() for day in WEEKDAYS)
_ON_WEEKDAY = re.compile(
    rf"\b(?:on|since|until|by|from)\s+({_DAY_NAMES})|\b({_DAY_NAMES})['’]s\b"
)
#: "said on Monday" dates the statement, not the event.
_REPORTING_BEFORE = re.compile(
    r"\b(?:said|says|told|announced|added|confirmed|stated|reported|wrote|insisted)\s*$"
)


def weekday_conflicts(story: StoryContext) -> tuple[Divergence, ...]:
    """Sentences of one aligned fact that put the event on different weekdays."""
    sentences, fact_of, labels = story.sentences, story.fact_of, story.labels
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
        values = sorted({day for _, day, _ in mentions}, key=WEEKDAYS.index)
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
    return frozenset(content_stems(" ".join(before.split()[-3:]))) - GENERIC_STEMS


def _event_weekdays(text: str) -> list[tuple[str, str]]:
    """(weekday, as written) for each weekday that dates an event (not a statement)."""
    found = []
    for match in _ON_WEEKDAY.finditer(text):
        if _REPORTING_BEFORE.search(text[: match.start()]):
            continue
        day = (match.group(1) or match.group(2)).lower()
        found.append((day, match.group().strip()))
    return found
