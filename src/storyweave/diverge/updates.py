"""Updates: a casualty figure that later reports gave differently (a death toll that rose).

A developing disaster is reported day after day: "at least 32 killed" on Wednesday, "357
dead" on Saturday, "about 7,000" on Tuesday. Each earlier figure is overtaken by the next
one; none of them is a dispute between outlets. For every casualty figure (dead, injured,
prison term...) of a dated report, the first later report (by at least a day) that gives
a different figure of the same kind, for the same place when both name one, in a sentence
about the same thing, overtakes it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..model import Divergence, Side
from ..nlp.calendar import is_later
from ..nlp.quantities import Quantity, compatible
from .conflicts import ROLE_COSINE, days_apart
from .context import StoryContext
from .superseded import when


def find_updates(story: StoryContext, excluded: frozenset[str]) -> tuple[Divergence, ...]:
    """Casualty figures overtaken by a later day's figure; ``excluded`` are sentence ids
    already shown as a side of a conflict."""
    mentions = [
        (i, q)
        for i, sentence in enumerate(story.sentences)
        if sentence.id not in excluded and story.stamps.get(sentence.source_id) is not None
        for q in story.quantities[i]
        if q.role is not None and not is_partial(sentence.text, q)
        and not is_historical(sentence.text)
    ]
    result = []
    stale_done: set[int] = set()
    for i, old in mentions:
        if i in stale_done:
            continue
        source = story.sentences[i].source_id
        candidates = []
        for j, new in mentions:
            other = story.sentences[j].source_id
            if other == source or not _same_figure(old, new) or compatible(old, new):
                continue
            if not days_apart(story, source, other):
                continue
            if is_later(story.stamps[source], story.stamps[other]) is not True:
                continue
            cosine = float(story.similarity[i, j])
            if cosine < ROLE_COSINE:
                continue
            stamp = story.stamps[other]
            if stamp is None:
                continue
            candidates.append((stamp[0], stamp[1] or 0, -cosine, j, new))
        if candidates:
            *_, j, new = min(candidates, key=lambda c: c[:4])
            result.append(_update(story, i, old, j, new))
            stale_done.add(i)
    return tuple(result)


#: Words that make a figure a part of a toll, added to one told before: "another 12 were
#: killed", "32 more people died". ("Eight others died in Nicaragua" after Honduras's
#: toll is Nicaragua's whole toll: d30002t's key counts it overtaken by Nicaragua's later
#: "around 2,000".)
_PARTIAL_BEFORE = re.compile(r"\b(?:another|an additional|a further|additional)\s+$", re.IGNORECASE)
_PARTIAL_AFTER = re.compile(r"^\s+(?:more|additional|further)\b", re.IGNORECASE)


#: A period that is over: "during Pinochet's term", "during his 17-year rule", "under the
#: regime", "his 17-year rule was marked by". A toll of such a period is a historical count, which a
#: later report restates or rounds ("some 3,000 people were killed during his rule") but
#: does not overtake.
_PAST_PERIOD = re.compile(
    r"\b(?:during|under|throughout)\s+(?:[\w'’.]+[\s-]+){0,3}"
    r"(?:rule|reign|regime|term|presidency|dictatorship|tenure|era)\b"
    r"|\b\d+-year[\s-]+(?:rule|reign|regime|dictatorship|presidency|tenure)\b",
    re.IGNORECASE,
)


def is_historical(text: str) -> bool:
    """Whether a sentence counts casualties of a past period (a ruler's term, a regime)."""
    return bool(_PAST_PERIOD.search(text))


def is_partial(text: str, quantity: Quantity) -> bool:
    """Whether ``quantity`` counts casualties added to a figure told before."""
    at = text.find(quantity.text)
    if at < 0:
        return False
    end = at + len(quantity.text)
    return bool(_PARTIAL_BEFORE.search(text[:at]) or _PARTIAL_AFTER.match(text[end:]))


def _same_figure(old: Quantity, new: Quantity) -> bool:
    """The same kind of figure, for the same place when both name one."""
    if old.role != new.role or old.kind != new.kind:
        return False
    if old.names != new.names and not old.names & new.names:
        return False  # another place's toll, or a place's toll against the whole region's
    return not (old.anchors and new.anchors and old.anchors.isdisjoint(new.anchors))


def _update(story: StoryContext, i: int, old: Quantity, j: int, new: Quantity) -> Divergence:
    stale, later = story.sentences[i], story.sentences[j]
    what = {"dead": "the death toll", "injured": "the number of injured"}.get(
        old.role or "", f"the {old.role}"
    )
    summary = (
        f"Overtaken: {story.labels[stale.source_id]}{when(story.stamps[stale.source_id])} gave "
        f"{what} as {old.text}; later, {story.labels[later.source_id]}: {new.text}."
    )
    facts = _facts(story, (i, j))
    return Divergence(
        kind="superseded",
        summary=summary,
        sides=(
            Side(stale.text, (stale.id,), (stale.source_id,), value=old.text),
            Side(later.text, (later.id,), (later.source_id,), value=new.text),
        ),
        fact_ids=facts,
        score=max((f.centrality for k in (i, j) if (f := story.fact_of[k]) is not None), default=0.0),
    )


def _facts(story: StoryContext, rows: Sequence[int]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(f.id for k in rows if (f := story.fact_of[k]) is not None))
