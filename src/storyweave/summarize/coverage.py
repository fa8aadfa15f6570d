"""The coverage summarizer: greedy concept coverage with hand-tuned weights.

Each sentence is worth the weight of the word bigrams ("concepts") it covers that the
summary does not cover yet, and a concept weighs the number of different sources that
mention it. This is the idea behind the strongest classic extractive systems on DUC
(concept-coverage ILPs, Gillick & Favre 2009), solved greedily here: at each step take
the candidate with the best new weight per word, as long as it fits the budget. Broad
support is rewarded twice, through the concept weights and through the aligned fact's
number of sources, and redundancy is avoided by construction (covered concepts are worth
nothing) plus an embedding guard against paraphrases.

It was storyweave's summarizer before the learned one (:mod:`storyweave.summarize.learned`)
and stays selectable (``BriefOptions(summarizer="coverage")``) for comparison.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import numpy as np

from .candidates import LOADED_DISCOUNT, Candidate, paraphrase

#: Gain is divided by length ** LENGTH_EXPONENT: 1.0 would favour very short sentences,
#: 0 very long ones.
#: Calibration of the constants marked (*): grid search over cached alignments of all 50
#: DUC 2004 clusters (ROUGE-2 recall at 100 words) and 80 Multi-News *validation* clusters
#: (ROUGE F1 at 300 words), keeping values that do well on both and on both halves of
#: each; the script is benchmarks/tune_summarizer.py. (The learned summarizer, which
#: replaced this one as the default, never sees DUC 2004.)
LENGTH_EXPONENT = 0.6  # (*) 0.5: -0.26, 0.7: -0.17 R-2 on DUC
#: Weight of a sentence's position in its article (news puts the key facts first).
POSITION_WEIGHT = 0.75  # (*) +0.2 R-2 on Multi-News val vs 0.25; 1.5 loses on DUC
#: Weight of the aligned fact's share of sources, relative to concept gain.
SUPPORT_WEIGHT = 0.5  # (*) 0 and 1.0 both lose 0.1-0.3 R-2 on DUC
#: Summary lines should state what happened; what people said has its own section.
#: A line that is mostly a direct quote keeps this share of its value.
QUOTE_DISCOUNT = 0.85  # (*) 1.0 gains 0.2 R-2 on Multi-News but fills the summary with quotes


def select(
    candidates: Sequence[Candidate],
    weights: Counter[str],
    similarity: np.ndarray,
    source_count: int,
    word_budget: int | None,
    max_sentences: int | None,
) -> list[Candidate]:
    """Take the best new concept weight per word until the budget is spent.

    Each candidate's uncovered weight is kept up to date as lines are chosen (the weight of
    a newly covered concept is taken off the candidates that have it) rather than summed
    again over its concepts in every round.

    Restarting the greedy from each of the best few first lines and keeping the summary
    of highest total concept weight (closer to the exact ILP optimum) was tried: it lost
    0.2-0.5 ROUGE-2 on DUC 2004, so the plain ratio-greedy stays.
    """
    scale = max(weights.values(), default=1)
    priors = [
        scale
        * (
            POSITION_WEIGHT * (1.0 - c.relative) ** 2
            + SUPPORT_WEIGHT * len(c.fact.source_ids) / max(source_count, 1)
        )
        for c in candidates
    ]
    something_fits = word_budget is None or any(c.words <= word_budget for c in candidates)
    # Each candidate's weight of concepts the summary does not cover yet (whole numbers, so
    # taking a chosen line's concepts off is exact): kept up to date as lines are chosen.
    uncovered = [sum(weights[c] for c in cand.concepts) for cand in candidates]
    holders: dict[str, list[int]] = {}  # concept -> the candidates that have it
    for i, cand in enumerate(candidates):
        for concept in cand.concepts:
            holders.setdefault(concept, []).append(i)
    chosen: list[Candidate] = []
    covered: set[str] = set()
    used_facts: set[str] = set()
    used_words = 0
    while max_sentences is None or len(chosen) < max_sentences:
        best: Candidate | None = None
        best_score = 0.0
        for cand, prior, weight in zip(candidates, priors, uncovered):
            if cand.fact.id in used_facts:
                continue
            over = word_budget is not None and used_words + cand.words > word_budget
            if over and (chosen or something_fits):
                continue  # a first line may overshoot only when nothing fits
            gain = weight + prior
            if gain <= 0:
                continue
            discount = QUOTE_DISCOUNT if cand.quoted else 1.0
            if cand.loaded:
                discount *= LOADED_DISCOUNT
            score = discount * gain / cand.words**LENGTH_EXPONENT
            if score > best_score and not paraphrase(cand, chosen, similarity):
                best, best_score = cand, score
        if best is None:
            break
        chosen.append(best)
        for concept in best.concepts - covered:
            for i in holders[concept]:
                uncovered[i] -= weights[concept]
        covered |= best.concepts
        used_facts.add(best.fact.id)
        used_words += best.words
    return chosen
