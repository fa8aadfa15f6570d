"""The diverge stage: where the sources of one story part ways.

Runs after alignment (:func:`storyweave.align.align`) on one shared
:class:`~.context.StoryContext` and finds four kinds, returned in this order, each sorted by
``score`` (the centrality of the facts concerned):

1. **conflicts** (:mod:`.conflicts`): the same quantity reported with incompatible values
   ("about 40 ships" vs "at least 52 vessels"), or the same event on different weekdays;
2. **superseded**: a casualty figure a later day's reports gave differently
   (:mod:`.updates`), or an early prediction or doubt that later reporting overtook
   (:mod:`.superseded`);
3. **single_source** (:mod:`.coverage`): claims only one outlet makes;
4. **coverage_gap** (:mod:`.coverage`): facts most outlets report that some leave out.

Then every sentence has at most one of these roles: a sentence that is a side of a conflict,
an overtaken claim or one outlet's own claim leaves the fact alignment put it in (it is no
longer "agreed" by the others), and coverage gaps are found among the facts that remain.

Everything is rules over the aligned facts, the sentence similarities and regexes: no model,
deterministic, a few milliseconds for a ten-article story.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import numpy as np

from ..align import facts_of_groups
from ..model import Divergence, Fact, Sentence, Source
from .conflicts import find_conflicts
from .context import StoryContext, story_context
from .coverage import coverage_gaps, single_source
from .superseded import find_superseded
from .updates import find_updates

__all__ = ["find_divergences", "stale_sentence_ids"]


def find_divergences(
    sources: Sequence[Source],
    facts: Sequence[Fact],
    sentences: Sequence[Sentence],
    similarity: np.ndarray,
) -> tuple[tuple[Fact, ...], tuple[Divergence, ...]]:
    """The facts as the divergences leave them, and the conflicts, superseded claims,
    single-source claims and coverage gaps, in that order.

    ``sentences`` are all sentences of all ``sources`` in source order and ``similarity``
    their cosine matrix, as alignment computed it
    (:func:`storyweave.align.similarity_matrix`). The facts returned are ``facts`` with each
    sentence that a divergence shows taken out into a fact of its own (see the module
    docstring); the divergences cite those facts.

    Example::

        facts, divergences = find_divergences(sources, facts, sentences, similarity)
        for d in divergences:
            print(d.kind, d.summary)
    """
    if similarity.shape != (len(sentences), len(sentences)):
        raise ValueError(f"{len(sentences)} sentences but a {similarity.shape} similarity matrix")
    if not sentences:
        return tuple(facts), ()
    story = story_context(sources, facts, sentences, similarity)
    conflicts = find_conflicts(story)
    in_conflict = frozenset(c for d in conflicts for side in d.sides for c in side.citations)
    # Figures that rose or fell from one day's reports to a later day's, then predictions
    # and doubts that later reports overtook; a claim already shown as one side of a
    # dispute is not also shown as overtaken, nor is one claim overtaken twice.
    superseded: list[Divergence] = []
    stale_seen: set[str] = set()
    for d in (*find_updates(story, in_conflict), *find_superseded(story)):
        first = frozenset(d.sides[0].citations)
        if not first & in_conflict and not first & stale_seen:
            superseded.append(d)
            stale_seen |= first
    stale = stale_sentence_ids(superseded)
    # A sentence already shown as a side of a conflict or a superseded claim is one outlet's
    # version of something several report, not a claim of its own.
    shown = frozenset(
        c for d in (*conflicts, *superseded) for side in d.sides for c in side.citations
    )
    single = single_source(story, facts, shown)
    shown_alone = frozenset(
        sentence_id
        for d in (*conflicts, *superseded, *single)
        for side in (d.sides[:1] if d.kind == "superseded" else d.sides)
        for sentence_id in side.citations
    )
    facts = _without(facts, shown_alone, story)
    story = replace(story, fact_of=_fact_of(facts, sentences))
    gaps = coverage_gaps(story, facts, stale)
    found = _ordered(conflicts, story) + _ordered(superseded, story) + single
    return facts, tuple(_cite_facts(d, story) for d in found) + gaps


def stale_sentence_ids(divergences: Sequence[Divergence]) -> frozenset[str]:
    """Sentence ids of superseded claims (the first side of each ``superseded`` divergence),
    so that the summary can leave them out."""
    return frozenset(
        sentence_id
        for d in divergences
        if d.kind == "superseded" and d.sides
        for sentence_id in d.sides[0].citations
    )


def _without(
    facts: Sequence[Fact], alone: frozenset[str], story: StoryContext
) -> tuple[Fact, ...]:
    """``facts`` with every sentence of ``alone`` in a fact of its own, renumbered."""
    if not any(len(fact.sentence_ids) > 1 and alone.intersection(fact.sentence_ids) for fact in facts):
        return tuple(facts)
    groups: list[list[int]] = []
    for fact in facts:
        members = [story.position[sentence_id] for sentence_id in fact.sentence_ids]
        kept = sorted(i for i in members if story.sentences[i].id not in alone)
        groups += [kept] if kept else []
        groups += [[i] for i in sorted(members) if story.sentences[i].id in alone]
    return facts_of_groups(story.sentences, story.similarity, groups, before=facts)


def _fact_of(facts: Sequence[Fact], sentences: Sequence[Sentence]) -> list[Fact | None]:
    by_sentence = {sentence_id: fact for fact in facts for sentence_id in fact.sentence_ids}
    return [by_sentence.get(s.id) for s in sentences]


def _cite_facts(divergence: Divergence, story: StoryContext) -> Divergence:
    """The divergence citing the facts its sentences now belong to."""
    ids = [
        fact.id
        for side in divergence.sides
        for sentence_id in side.citations
        if (fact := story.fact_of[story.position[sentence_id]]) is not None
    ]
    return replace(divergence, fact_ids=tuple(dict.fromkeys(ids)))


def _ordered(divergences: Sequence[Divergence], story: StoryContext) -> tuple[Divergence, ...]:
    """Score descending, ties by the position of the first cited sentence."""

    def key(d: Divergence) -> tuple[float, int]:
        first = min(
            (story.position.get(c, 0) for side in d.sides for c in side.citations), default=0
        )
        return (-d.score, first)

    return tuple(sorted(divergences, key=key))
