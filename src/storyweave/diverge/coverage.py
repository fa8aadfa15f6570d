"""Single-source claims and coverage gaps: what one outlet alone says, what some leave out.

Run after conflicts and superseded claims:

- **single_source**: claims only one outlet makes that a reader would want flagged. Every
  sentence that can be its outlet's own claim (:func:`.claims.candidates`: a statement, not
  a question, lead-in, headline or quotation, not already a side of a conflict or superseded
  claim) is scored by the learned model of :mod:`.claims` (logistic regression over how close
  the other outlets come to it, the figures, names and rare words only it gives, its fact,
  its place in the article, hedges and opinion cues, and whether later reports cover its
  topic without it). Those above the model's threshold are listed, most probable first, at
  most the model's number per outlet; the renderers show a few of them per outlet.
- **coverage_gap**: facts at least half the outlets report that others leave out.

Deterministic and fast: the model is a dot product over features the story context holds.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..model import Divergence, Fact, Side
from ..nlp.calendar import could_have_reported
from .claims import ClaimModel, candidates, claim_features, load_model
from .context import StoryContext

MAX_COVERAGE_GAPS = 10
#: A source "covers the fact" (so it is not missing it) when one of its sentences is this
#: close. Calibrated on the fictional answer keys: paraphrases that alignment split sit at
#: 0.65+, topic neighbours at 0.35-0.55.
COVERED_COSINE = 0.65
#: Coverage gaps only make sense with a majority to compare against.
MIN_SOURCES_FOR_GAPS = 3


def single_source(
    story: StoryContext,
    facts: Sequence[Fact],
    excluded: frozenset[str],
    model: ClaimModel | None = None,
) -> tuple[Divergence, ...]:
    """Claims only one outlet makes, the most probable first. Never called false: the label
    says who reports it, nothing more.

    ``excluded`` are sentence ids already shown as a side of a conflict or superseded claim;
    ``model`` defaults to the shipped one (:func:`.claims.load_model`).
    """
    if len(story.source_ids) < 2:
        return ()
    model = model or load_model()
    found = candidates(story, facts, excluded)
    probability = model.probabilities(claim_features(story, found))
    listed: dict[str, int] = {}
    result = []
    for i in np.argsort(-probability, kind="stable").tolist():
        if probability[i] < model.threshold:
            break
        sentence = story.sentences[found[i].index]
        listed[sentence.source_id] = listed.get(sentence.source_id, 0) + 1
        if listed[sentence.source_id] > model.per_outlet:
            continue
        label = story.labels[sentence.source_id]
        result.append(
            Divergence(
                kind="single_source",
                summary=f"Reported only by {label}: {sentence.text}",
                sides=(
                    Side(
                        text=sentence.text,
                        citations=(sentence.id,),
                        source_ids=(sentence.source_id,),
                    ),
                ),
                fact_ids=(found[i].fact.id,),
                score=round(float(probability[i]), 6),
            )
        )
    return tuple(result)


def coverage_gaps(
    story: StoryContext, facts: Sequence[Fact], stale: frozenset[str]
) -> tuple[Divergence, ...]:
    """Facts at least half the sources (and two or more) report that others leave out,
    the most central first."""
    n = len(story.source_ids)
    if n < MIN_SOURCES_FOR_GAPS:
        return ()
    needed = max(2, (n + 1) // 2)
    result = []
    for fact in facts:
        if len(fact.source_ids) < needed or len(fact.source_ids) == n:
            continue
        if fact.representative in stale:
            continue
        members = [story.position[s] for s in fact.sentence_ids]
        near = np.flatnonzero(story.similarity[members].max(axis=0) >= COVERED_COSINE)
        near_sources = {story.sentences[j].source_id for j in near.tolist()}
        reporters = [story.stamps.get(s) for s in fact.source_ids]
        missing = tuple(
            s
            for s in story.source_ids
            if s not in fact.source_ids
            and s not in near_sources
            and could_have_reported(reporters, story.stamps.get(s))
        )
        if not missing:
            continue
        names = ", ".join(story.labels[s] for s in missing)
        result.append(
            Divergence(
                kind="coverage_gap",
                summary=(
                    f"Covered by {len(fact.source_ids)} of {n} sources; not by {names}: {fact.text}"
                ),
                sides=(
                    Side(text=fact.text, citations=fact.sentence_ids, source_ids=fact.source_ids),
                ),
                fact_ids=(fact.id,),
                score=fact.centrality,
                missing_source_ids=missing,
            )
        )
    first = {fact.id: min(story.position[s] for s in fact.sentence_ids) for fact in facts}
    result.sort(key=lambda d: (-d.score, first[d.fact_ids[0]]))
    return tuple(result[:MAX_COVERAGE_GAPS])
