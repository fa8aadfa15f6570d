"""Training the loaded-word model of the framing stage on BASIL (dev half only).

Every content word a briefing's framing stage would score (:func:`candidate_words`) becomes
one example, labelled by whether it falls on an annotated lexical-bias span of its
document (in or out of quotes). The model is scikit-learn's logistic regression (L2,
balanced class weights) over :data:`~storyweave.views.framing_model.FEATURES`:

- lexicon features of a training word are computed with its own story's counts left out,
  so the regression learns how far the lexicon carries to *unseen* stories;
- the decision threshold is chosen by grouped inner cross-validation on the training
  stories: the threshold that maximises F0.5 of span recall and word precision there.

Used by ``scripts/train_framing_model.py`` (the shipped model, all dev triplets) and by
``storyweave eval framing`` (one model per cross-validation fold).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..errors import MissingDependency
from ..model import Briefing
from ..views.framing_model import (
    Candidate,
    LoadedWordModel,
    candidate_words,
    lexicon_features,
)
from .basil import Triplet, overlaps, sentence_offsets

#: L2 strength of the regression (scikit-learn's C). Grouped 5-fold CV on BASIL dev:
#: average precision 0.0485 at 0.1, 0.0472 at 1.0; 0.1 kept.
REGULARISATION_C = 0.1
#: A stem never marked enters the lexicon once seen this often. Grouped 5-fold CV on BASIL
#: dev, average precision of the word scores: marked stems only 0.038; seen >= 2: 0.049,
#: >= 3: 0.047 (the lexicon grows from 0.2k to 2.9k stems).
LEXICON_MIN_SEEN = 2
#: Inner folds for choosing the threshold.
THRESHOLD_FOLDS = 4
#: At most this many learned terms per outlet. Grouped 5-fold CV on BASIL dev, best F0.5
#: (span recall, word precision) over thresholds: cap 1: 0.091, cap 2: 0.106, cap 3: 0.098.
MAX_PER_SOURCE = 2
#: The threshold maximises F-beta of span recall and word precision with this beta: under
#: 1 weighs precision more, since a reader acts on every reported term (and the summary
#: drops every sentence that uses one). At beta 1 the CV optimum reports 2.7 words per
#: article at 0.083 precision; at 0.5, 1.1 words at 0.105.
THRESHOLD_BETA = 0.5


@dataclass(frozen=True, slots=True)
class Example:
    """One candidate word of one story, with its label and the non-quote spans it hits."""

    group: str  # story (triplet) id
    source_id: str
    candidate: Candidate
    label: bool  # on a lexical span, in or out of quotes
    hits: tuple[int, ...]  # indices (in the triplet) of non-quote lexical spans it overlaps


def examples_of(triplet: Triplet, briefing: Briefing, vectors: np.ndarray) -> list[Example]:
    """Label every candidate word of a briefed triplet against its lexical spans."""
    sentences = [s for source in briefing.sources for s in source.sentences]
    found = candidate_words(briefing.sources, briefing.facts, sentences, vectors)
    doc_of = dict(zip((s.id for s in briefing.sources), triplet.doc_index))
    offsets = {
        s.id: sentence_offsets(s, triplet.texts[doc_of[s.id]]) for s in briefing.sources
    }
    result = []
    for candidate in found:
        source_id = candidate.sentence.source_id
        at = offsets[source_id].get(candidate.sentence.id)
        if at is None:
            continue
        start, end = at + candidate.start, at + candidate.end
        doc = doc_of[source_id]
        lexical = triplet.lexical(doc)
        hits = tuple(
            i
            for i, span in enumerate(triplet.spans)
            if span in lexical and not span.quote and start < span.end and span.start < end
        )
        result.append(
            Example(triplet.id, source_id, candidate, overlaps(start, end, lexical), hits)
        )
    return result


def build_lexicon(examples: Iterable[Example]) -> tuple[dict[str, tuple[int, int]], float]:
    """Stem -> (times on a lexical span, times seen) for stems marked at least once or seen
    at least :data:`LEXICON_MIN_SEEN` times, and the base rate (share of candidate words
    marked)."""
    seen: Counter[str] = Counter()
    marked: Counter[str] = Counter()
    total = positives = 0
    for example in examples:
        seen[example.candidate.stem] += 1
        marked[example.candidate.stem] += example.label
        total += 1
        positives += example.label
    lexicon = {
        s: (marked[s], seen[s])
        for s in sorted(seen)
        if marked[s] > 0 or seen[s] >= LEXICON_MIN_SEEN
    }
    return lexicon, positives / max(total, 1)


def _matrix(
    examples: Sequence[Example], lexicon: dict[str, tuple[int, int]], base_rate: float,
    leave_own_group_out: bool,
) -> np.ndarray:
    """Feature rows; with ``leave_own_group_out`` a story's own counts leave the lexicon."""
    own: dict[str, Counter[str]] = defaultdict(Counter)
    own_marked: dict[str, Counter[str]] = defaultdict(Counter)
    if leave_own_group_out:
        for e in examples:
            own[e.group][e.candidate.stem] += 1
            own_marked[e.group][e.candidate.stem] += e.label
    rows = []
    for e in examples:
        marked, seen = lexicon.get(e.candidate.stem, (0, 0))
        marked -= own_marked[e.group][e.candidate.stem]
        seen -= own[e.group][e.candidate.stem]
        rows.append(lexicon_features(marked, seen, base_rate) + list(e.candidate.context))
    return np.array(rows, dtype=float)


def _regression(c: float) -> Any:
    try:
        from sklearn.linear_model import LogisticRegression
    except ImportError as error:
        raise MissingDependency("scikit-learn", "eval") from error
    return LogisticRegression(C=c, class_weight="balanced", max_iter=5000)


def fit(
    examples: Sequence[Example],
    *,
    c: float = REGULARISATION_C,
    max_per_source: int = MAX_PER_SOURCE,
    info: dict[str, Any] | None = None,
) -> LoadedWordModel:
    """Train a model on ``examples`` (every story in them), threshold by inner grouped CV."""
    lexicon, base_rate = build_lexicon(examples)
    x = _matrix(examples, lexicon, base_rate, leave_own_group_out=True)
    y = np.array([e.label for e in examples], dtype=int)
    regression = _regression(c).fit(x, y)
    threshold = _choose_threshold(examples, c, max_per_source)
    return LoadedWordModel(
        lexicon=lexicon,
        weights=tuple(float(w) for w in regression.coef_[0]),
        bias=float(regression.intercept_[0]),
        threshold=threshold,
        base_rate=base_rate,
        max_per_source=max_per_source,
        info=info or {},
    )


def grouped_folds(groups: Sequence[str], folds: int) -> list[list[str]]:
    """Split story ids into ``folds`` folds deterministically: sorted ids dealt round robin."""
    ordered = sorted(set(groups))
    return [ordered[i::folds] for i in range(folds)]


def out_of_fold(
    examples: Sequence[Example], folds: int, c: float = REGULARISATION_C
) -> np.ndarray:
    """Probability of each example from a model fitted on the other folds' stories."""
    probabilities = np.zeros(len(examples))
    for held_out in grouped_folds([e.group for e in examples], folds):
        held = set(held_out)
        train = [e for e in examples if e.group not in held]
        test_index = [i for i, e in enumerate(examples) if e.group in held]
        if not train or not test_index:
            continue
        lexicon, base_rate = build_lexicon(train)
        x_train = _matrix(train, lexicon, base_rate, leave_own_group_out=True)
        y_train = np.array([e.label for e in train], dtype=int)
        if y_train.min() == y_train.max():
            continue
        regression = _regression(c).fit(x_train, y_train)
        test = [examples[i] for i in test_index]
        x_test = _matrix(test, lexicon, base_rate, leave_own_group_out=False)
        probabilities[test_index] = regression.predict_proba(x_test)[:, 1]
    return probabilities


def word_level_scores(
    examples: Sequence[Example], probabilities: np.ndarray, threshold: float, max_per_source: int
) -> tuple[float, float, int]:
    """(span recall, word precision, words reported) when the words at or over ``threshold``
    that no other outlet uses are reported, at most ``max_per_source`` per outlet (most
    probable first; the briefing also reports each stem once, which this leaves aside)."""
    by_source: dict[tuple[str, str], list[int]] = defaultdict(list)
    for i, e in enumerate(examples):
        if probabilities[i] >= threshold and e.candidate.own_word:
            by_source[(e.group, e.source_id)].append(i)
    chosen = [
        i
        for rows in by_source.values()
        for i in sorted(rows, key=lambda r: -probabilities[r])[:max_per_source]
    ]
    spans = {(e.group, h) for e in examples for h in e.hits}
    found = {(examples[i].group, h) for i in chosen for h in examples[i].hits}
    right = sum(examples[i].label for i in chosen)
    recall = len(found) / len(spans) if spans else 0.0
    precision = right / len(chosen) if chosen else 0.0
    return recall, precision, len(chosen)


def _choose_threshold(examples: Sequence[Example], c: float, max_per_source: int) -> float:
    """The threshold of best F-beta (:data:`THRESHOLD_BETA`; span recall, word precision)
    over inner out-of-fold scores."""
    probabilities = out_of_fold(examples, THRESHOLD_FOLDS, c)
    beta2 = THRESHOLD_BETA**2
    best, best_score = 0.5, -1.0
    for threshold in np.round(np.arange(0.5, 0.999, 0.0025), 4):
        recall, precision, _ = word_level_scores(
            examples, probabilities, float(threshold), max_per_source
        )
        denominator = beta2 * precision + recall
        score = 0.0 if denominator == 0 else (1 + beta2) * precision * recall / denominator
        if score > best_score + 1e-9:
            best, best_score = float(threshold), score
    return best
