"""What changed in a developing story: two briefings of it compared.

The monitoring store keeps every briefing it builds for a story. Comparing the current one
with an earlier one tells a reader what is new since they last looked:

- **new articles** and the **outlets that joined** the story;
- **new facts**: facts of the current briefing none of whose sentences the earlier one had
  (those several outlets report, and the single-source claims the briefing lists);
- **new conflicts** and **resolved conflicts**: conflicts whose disputed values appear in
  only one of the two briefings;
- **claims overtaken**: earlier claims that later reports have overtaken since.

Sources are renumbered when a story gains articles, so nothing is compared by id: facts by
the words of their sentences, conflicts by their disputed values, outlets by name.
"""

from __future__ import annotations

import re

from ..model import Briefing, BriefingChanges, Change, Divergence, Source

_WORD = re.compile(r"\w+")


def _norm(text: str) -> str:
    return " ".join(_WORD.findall(text.casefold()))


def _outlet(source: Source) -> str:
    return source.profile.name if source.profile is not None else source.label


def _conflict_key(divergence: Divergence) -> frozenset[str]:
    return frozenset(_norm(side.value or side.text) for side in divergence.sides)


def compare(previous: Briefing, current: Briefing, since: str = "") -> BriefingChanges:
    """What ``current`` adds to (or settles from) ``previous``, both briefings of one story.

    Example::

        changes = compare(stored[-2], stored[-1], since="briefing 2")
        changes.line()   # "2 new articles · 3 new facts · 1 new conflict · joined: Harbourline"
    """
    old_origins = {s.url or s.origin for s in previous.sources}
    old_outlets = {_outlet(s).casefold() for s in previous.sources}
    joined = tuple(dict.fromkeys(
        _outlet(s) for s in current.sources if _outlet(s).casefold() not in old_outlets
    ))
    old_sentences = {_norm(sentence.text) for s in previous.sources for sentence in s.sentences}
    text_of = {sentence.id: sentence.text for s in current.sources for sentence in s.sentences}
    # The facts a reader is shown: those several outlets report, and the claims the
    # briefing lists as one outlet's (not every sentence of every new article).
    listed = {f for d in current.divergences if d.kind == "single_source" for f in d.fact_ids}
    new_facts = [
        fact
        for fact in current.facts
        if fact.claim
        and (len(fact.source_ids) >= 2 or fact.id in listed)
        and not any(_norm(text_of.get(c, "")) in old_sentences for c in fact.sentence_ids)
    ]
    # Widely reported first, then the most central.
    new_facts.sort(key=lambda f: (-len(f.source_ids), -f.centrality))
    old_conflicts = {_conflict_key(d) for d in previous.divergences if d.kind == "conflict"}
    new_conflicts = {_conflict_key(d) for d in current.divergences if d.kind == "conflict"}
    old_overtaken = {_norm(d.sides[0].text) for d in previous.divergences
                     if d.kind == "superseded" and d.sides}
    return BriefingChanges(
        since=since,
        new_articles=sum(1 for s in current.sources if (s.url or s.origin) not in old_origins),
        outlets_joined=joined,
        new_facts=tuple(
            Change(f.text, f.sentence_ids, f.source_ids) for f in new_facts
        ),
        new_conflicts=tuple(
            _change(d) for d in current.divergences
            if d.kind == "conflict" and _conflict_key(d) not in old_conflicts
        ),
        resolved_conflicts=tuple(
            Change(d.summary) for d in previous.divergences
            if d.kind == "conflict" and _conflict_key(d) not in new_conflicts
        ),
        overtaken=tuple(
            _change(d) for d in current.divergences
            if d.kind == "superseded" and d.sides and _norm(d.sides[0].text) not in old_overtaken
        ),
    )


def _change(divergence: Divergence) -> Change:
    citations = tuple(dict.fromkeys(c for side in divergence.sides for c in side.citations))
    sources = tuple(dict.fromkeys(s for side in divergence.sides for s in side.source_ids))
    return Change(divergence.summary, citations, sources)


def first_briefing(current: Briefing) -> BriefingChanges:
    """The changes of a story's first briefing: every article and outlet is new."""
    return BriefingChanges(
        since="",
        new_articles=len(current.sources),
        outlets_joined=tuple(dict.fromkeys(_outlet(s) for s in current.sources)),
    )
