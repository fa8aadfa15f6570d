"""The learned summarizer: a sentence scorer trained on human summaries, then a budgeted,
non-redundant greedy selection.

The scorer estimates, for each candidate, the chance that it belongs to the extractive
oracle of a human-written summary of the story (the sentences that, taken together, best
match the reference by ROUGE-1 + ROUGE-2). It is a small gradient-boosted tree ensemble
over the features of :mod:`storyweave.summarize.features`, trained by
``scripts/train_summarizer.py`` on Multi-News clusters (never on DUC 2004, which is kept
for testing) and shipped as JSON (:mod:`storyweave.summarize.trees`), evaluated with
numpy alone.

Selection takes the most probable candidate, its probability lowered the closer it is to
a line already chosen (:data:`MMR_LAMBDA`), that still fits the budget, is not a second
sentence of a fact already in the summary and is not a paraphrase of a chosen line (the
same guard as the coverage summarizer), until nothing fits.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

import numpy as np

from ..model import Sentence
from .candidates import Candidate, paraphrase
from .features import FEATURE_NAMES, StoryStats, feature_matrix
from .trees import TreeEnsemble, load_trees

#: The shipped models, one per embedding backend (``<embedder name>.json``), each trained
#: by ``python scripts/train_summarizer.py --model <backend>``: the similarity features
#: are cosines, whose scale differs between backends.
MODELS = Path(__file__).with_name("models")
#: A candidate whose word bigrams (concepts) are at least this share already in the
#: summary says nothing new ("Dockers will vote on Thursday" after "Members will vote on
#: the deal on Thursday"), even when alignment and the paraphrase cosine keep them apart.
#: Cross-validated on the validation clusters: 0.4 scored 46.26/16.91 ROUGE-1/2 against
#: 46.16/16.85 without the guard, 0.5: 46.24/16.91, 0.6: 46.20/16.88.
REDUNDANT_SHARE = 0.4
#: Selection weighs a unit's probability by (1 - MMR_LAMBDA x its highest cosine to a
#: chosen line), maximal marginal relevance (Carbonell & Goldstein 1998).
#: Cross-validated on the validation clusters (5 folds, ROUGE-1/2 F1 at 300 words): with
#: the candidate features 0.2 scored 46.43/17.03 against 46.39/17.00 without; with the
#: sentence features alone 0.2: 46.25/16.89, 0.4: 46.28/16.81, 0: 46.16/16.78. Within
#: noise, but both runs agree on 0.2. Dividing a unit's worth by its length in words to
#: the power 0.2 was also tried: 46.37/16.95 in the training script's cross-validation
#: (46.43/17.12 in a run with the features in another column order): noise, left out.
MMR_LAMBDA = 0.2
#: The model for backends nobody trained one for (user models): the default backend's.
FALLBACK_EMBEDDER = "minilm-int8-onnx"


def model_file(embedder: str) -> Path:
    """Where the model trained for the backend named ``embedder`` is (or would be) kept."""
    return MODELS / (re.sub(r"[^A-Za-z0-9_.-]+", "-", embedder).strip("-.") + ".json")


class Scorer(Protocol):
    """What selection needs from a model: a probability per candidate."""

    def probabilities(
        self,
        found: Sequence[Candidate],
        sentences: Sequence[Sentence],
        similarity: np.ndarray,
        stats: StoryStats,
    ) -> np.ndarray:
        """For each candidate, the modelled chance that it belongs in the summary."""
        ...


class SentenceScorer:
    """The trained model behind the learned summarizer; load once, score many stories.

    Example::

        scorer = SentenceScorer.for_embedder("minilm-int8-onnx")
        chosen = select(found, scorer.probabilities(found, sentences, similarity, stats), ...)
    """

    def __init__(self, ensemble: TreeEnsemble) -> None:
        if tuple(ensemble.features) != FEATURE_NAMES:
            raise ValueError(
                "the summarizer model was trained on other features; retrain it with "
                "scripts/train_summarizer.py"
            )
        self.ensemble = ensemble

    @classmethod
    def load(cls, path: str | Path) -> SentenceScorer:
        """The model in ``path``."""
        return cls(load_trees(path))

    @classmethod
    def for_embedder(cls, embedder: str) -> SentenceScorer:
        """The shipped model trained with the backend named ``embedder``, else the default
        backend's (a slightly weaker fit: its cosine features are on another scale)."""
        path = model_file(embedder)
        return cls.load(path if path.is_file() else model_file(FALLBACK_EMBEDDER))

    def probabilities(
        self,
        found: Sequence[Candidate],
        sentences: Sequence[Sentence],
        similarity: np.ndarray,
        stats: StoryStats,
    ) -> np.ndarray:
        """For each candidate, the modelled chance that it belongs in the summary
        (``stats``: :func:`~storyweave.summarize.features.story_stats` of the story)."""
        raw = self.ensemble.predict(feature_matrix(found, sentences, similarity, stats))
        return 1.0 / (1.0 + np.exp(-raw))


def select(
    found: Sequence[Candidate],
    probabilities: np.ndarray,
    similarity: np.ndarray,
    word_budget: int | None,
    max_sentences: int | None,
) -> list[Candidate]:
    """Greedy selection by modelled probability, within the budget.

    The units are single candidates, worth their probability, and, for a candidate that
    reads only after the sentence before it (``follows``), that sentence and it together,
    worth their probability weighted by length; at each step a unit's worth is lowered by
    :data:`MMR_LAMBDA` times the highest cosine of its new lines to a chosen line. The
    best unit that fits is taken if none
    of its lines repeats a fact already in the summary, paraphrases a chosen line or has
    :data:`REDUNDANT_SHARE` of its concepts covered; a following line on its own needs
    its antecedent chosen first.
    """
    index_of = {c.sentence.id: i for i, c in enumerate(found)}
    units: list[tuple[float, tuple[int, ...]]] = []
    for i, cand in enumerate(found):
        units.append((float(probabilities[i]), (i,)))
        j = index_of.get(cand.follows) if cand.follows else None
        if j is not None:
            w_j, w_i = found[j].words, cand.words
            value = (probabilities[j] * w_j + probabilities[i] * w_i) / (w_j + w_i)
            units.append((float(value), (j, i)))
    pending = list(range(len(units)))
    something_fits = word_budget is None or any(c.words <= word_budget for c in found)

    chosen: list[Candidate] = []
    summary = _Summary()
    taken: set[int] = set()
    while pending:
        # Best first; equal values keep input order, so the result never depends on sort
        # luck. A unit close to a chosen line is worth less (maximal marginal relevance).
        closeness = _closeness(found, units, pending, chosen, taken, similarity)
        order = sorted(
            pending, key=lambda k: (-units[k][0] * (1.0 - MMR_LAMBDA * closeness[k]), k)
        )
        pick: list[int] | None = None
        alive = []
        for k in order:
            members = units[k][1]
            if pick is not None:
                alive.append(k)
                continue
            new = [m for m in members if m not in taken]
            verdict = _verdict([found[m] for m in new], similarity, chosen, summary, word_budget)
            if verdict == "dead" or (
                verdict == "over" and (chosen or something_fits or len(new) > 1)
            ):
                continue
            if max_sentences is not None and len(chosen) + len(new) > max_sentences:
                continue
            if verdict == "waits":
                alive.append(k)
                continue
            pick = new
        pending = sorted(alive)
        if pick is None:
            break
        for m in pick:
            chosen.append(found[m])
            summary.add(found[m])
            taken.add(m)
    return chosen


def _closeness(
    found: Sequence[Candidate],
    units: Sequence[tuple[float, tuple[int, ...]]],
    pending: Sequence[int],
    chosen: Sequence[Candidate],
    taken: set[int],
    similarity: np.ndarray,
) -> dict[int, float]:
    """For each pending unit, the highest cosine (clipped at 0) of its lines not yet
    chosen to a chosen line; all zero before anything is chosen or without a similarity
    matrix."""
    if not chosen or not MMR_LAMBDA or len(similarity) == 0:
        return dict.fromkeys(pending, 0.0)
    rows = [c.row for c in chosen]
    best = np.clip(np.asarray(similarity)[:, rows].max(axis=1), 0.0, None)
    return {
        k: max((float(best[found[m].row]) for m in units[k][1] if m not in taken), default=0.0)
        for k in pending
    }


class _Summary:
    """What the chosen lines already hold: sentence ids, facts, concepts and words."""

    def __init__(self) -> None:
        self.ids: set[str] = set()
        self.facts: set[str] = set()
        self.concepts: set[str] = set()
        self.words = 0

    def add(self, cand: Candidate) -> None:
        self.ids.add(cand.sentence.id)
        self.facts.add(cand.fact.id)
        self.concepts |= cand.concepts
        self.words += cand.words


def _verdict(
    lines: list[Candidate],
    similarity: np.ndarray,
    chosen: list[Candidate],
    summary: _Summary,
    word_budget: int | None,
) -> str:
    """Whether ``lines`` can join the summary now: "ok", "waits" (an antecedent is not in
    yet), "over" (too long for what is left) or "dead" (never: nothing new, a repeated
    fact, a paraphrase or mostly covered words). The summary only grows, so "over" and
    "dead" stay true."""
    if not lines:
        return "dead"
    unit_facts = [c.fact.id for c in lines]
    if len(set(unit_facts)) < len(unit_facts) or summary.facts.intersection(unit_facts):
        return "dead"
    unit_ids = {c.sentence.id for c in lines}
    if any(c.follows is not None and c.follows not in summary.ids | unit_ids for c in lines):
        return "waits"
    if word_budget is not None and summary.words + sum(c.words for c in lines) > word_budget:
        return "over"
    so_far = list(chosen)
    covered = set(summary.concepts)
    for cand in lines:
        if paraphrase(cand, so_far, similarity):
            return "dead"
        if cand.concepts and len(cand.concepts & covered) >= REDUNDANT_SHARE * len(cand.concepts):
            return "dead"
        so_far.append(cand)
        covered |= cand.concepts
    return "ok"
