"""Budgeted, non-redundant, cited extractive summary.

Two summarizers choose the lines (``BriefOptions.summarizer``):

* ``"coverage"`` (default): greedy concept coverage with hand-tuned weights
  (:mod:`storyweave.summarize.coverage`).
* ``"learned"``: a sentence scorer trained on human-written Multi-News summaries, then a
  greedy, budgeted, non-redundant selection (:mod:`storyweave.summarize.learned`). Ahead
  of coverage on Multi-News, far behind it on DUC 2004 newswire: see the README.

Both pick among candidates (:mod:`storyweave.summarize.candidates`): verbatim source
sentences that can stand in a summary, never a claim the caller excluded. Every line
cites itself first, then every other sentence of the same fact (the other outlets that
state it), and lines are ordered as the stories tell them.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..align import similarity_matrix
from ..model import Fact, Sentence, SummarySentence
from ..options import BriefOptions
from . import coverage, learned
from .candidates import (
    LOADED_DISCOUNT,
    concept_weights,
    find_candidates,
    story_wording,
    summary_lines,
)
from .features import story_stats
from .learned import FALLBACK_EMBEDDER, Scorer, SentenceScorer

__all__ = ["Scorer", "SentenceScorer", "summarize"]


def summarize(
    facts: Sequence[Fact],
    sentences: Sequence[Sentence],
    vectors: np.ndarray,
    options: BriefOptions,
    *,
    exclude: frozenset[str] = frozenset(),
    avoid: frozenset[str] = frozenset(),
    loaded_words: frozenset[str] = frozenset(),
    similarity: np.ndarray | None = None,
    scorer: Scorer | None = None,
) -> tuple[SummarySentence, ...]:
    """Choose and order summary lines within ``options.words`` or ``options.sentences``.

    Sentences in ``exclude`` (claims that later reports overtook) are not chosen while
    anything else is left. Sentences in ``avoid`` (they use a term the briefing flags as
    loaded) are never chosen: another sentence of the same fact, in another outlet's
    wording, can still carry the fact into the summary; if none can, the fact is left out.
    Sentences with a word whose stem is in ``loaded_words`` weigh
    :data:`~storyweave.summarize.candidates.LOADED_DISCOUNT`. ``similarity`` is the cosine matrix of
    ``vectors`` when the caller has it (computed here otherwise); ``scorer`` is the
    learned model when the caller keeps one loaded (otherwise the default backend's model
    is loaded here).
    """
    if not sentences:
        return ()
    word_budget = options.words if options.sentences is None else None
    if similarity is None:
        similarity = similarity_matrix(vectors) if len(vectors) else np.zeros((0, 0))
    wording = story_wording(sentences)
    weights = concept_weights(sentences, wording)
    if options.summarizer == "coverage":
        found = find_candidates(
            sentences, facts, exclude=exclude, avoid=avoid, loaded_words=loaded_words,
            wording=wording,
        )
        source_count = len({s.source_id for s in sentences})
        chosen = coverage.select(
            found, weights, similarity, source_count, word_budget, options.sentences
        )
        return summary_lines(chosen)
    found = find_candidates(
        sentences, facts, exclude=exclude, avoid=avoid, loaded_words=loaded_words,
        chained=True, wording=wording,
    )
    scorer = scorer or SentenceScorer.for_embedder(FALLBACK_EMBEDDER)
    stats = story_stats(sentences, weights, wording)
    probabilities = scorer.probabilities(found, sentences, similarity, stats)
    probabilities = probabilities * np.array(
        [LOADED_DISCOUNT if c.loaded else 1.0 for c in found]
    )
    chosen = learned.select(found, probabilities, similarity, word_budget, options.sentences)
    return summary_lines(chosen)
