"""ROUGE through rouge-score (Porter stemming on), with the two settings the field uses.

* **Multi-News**: F1 of ROUGE-1, ROUGE-2 and ROUGE-Lsum (summary-level LCS, sentences on
  separate lines), every system's output cut to the same word budget (default 300 words,
  the budget the literature uses for extractive systems).
* **DUC 2004**: recall, every output cut to its first 100 words (ROUGE-1.5.5 ``-l 100``,
  which cuts the references too), against all 4 references.

Several references are combined as ROUGE-1.5.5 does by default (``-f A``): matched
n-grams and reference n-grams are summed over the references before dividing ("pooled").
``jackknife`` (the mean of the pooled score over the leave-one-reference-out subsets,
what ROUGE-1.5.5 reports when it jackknifes), ``max`` (rouge-score's ``score_multi``
picks the best reference) and ``mean`` are available for comparison.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any, Literal

from ..errors import MissingDependency, OptionsError
from .text import split_sentences, truncate_words

Measure = Literal["f1", "recall"]
Aggregate = Literal["pooled", "jackknife", "max", "mean"]
ROUGE_TYPES = ("rouge1", "rouge2", "rougeLsum")

#: The Multi-News budget: the 300 tokens used for extractive systems in the literature.
MULTI_NEWS_BUDGET = 300
#: DUC 2004 Task 2: summaries are scored on their first 100 words.
DUC_BUDGET = 100


@dataclass(frozen=True, slots=True)
class RougeSettings:
    """How summaries are scored; recorded verbatim in every result."""

    measure: Measure
    budget: int
    aggregate: Aggregate = "pooled"
    stemming: bool = True
    truncate_references: bool = False

    def __post_init__(self) -> None:
        if self.budget < 1:
            raise OptionsError(f"budget must be at least 1 word, got {self.budget}")

    def describe(self) -> dict[str, Any]:
        """The settings as plain values, with the fixed choices spelled out."""
        return asdict(self) | {
            "implementation": "rouge-score 0.1.2 (Porter stemmer, no stopword removal)",
            "truncation": f"every system's output cut to its first {self.budget} "
            "whitespace words before scoring"
            + (
                "; references cut the same way (ROUGE-1.5.5 -l)" if self.truncate_references else ""
            ),
            "rougeLsum": "summary-level LCS; sentences = lines of the output, each split "
            "with storyweave's sentence splitter",
            "multi_reference": {
                "pooled": "hits and reference counts summed over references (ROUGE-1.5.5 -f A)",
                "jackknife": "mean of pooled scores over leave-one-reference-out subsets",
                "max": "best single reference by F1 (rouge-score score_multi)",
                "mean": "mean of per-reference scores",
            }[self.aggregate],
        }


def multi_news_settings(budget: int = MULTI_NEWS_BUDGET) -> RougeSettings:
    """F1 at a common word budget."""
    return RougeSettings(measure="f1", budget=budget)


def duc_settings(budget: int = DUC_BUDGET, aggregate: Aggregate = "pooled") -> RougeSettings:
    """Recall at 100 words against all references, references cut to 100 words as well.

    ROUGE-1.5.5 applies ``-l`` to the references too; cutting them reproduces the
    published SumRepo figures within 0.1 ROUGE-2 (see the evaluation README).
    """
    return RougeSettings(
        measure="recall", budget=budget, aggregate=aggregate, truncate_references=True
    )


def as_lines(text: str) -> str:
    """One sentence per line (what ROUGE-Lsum needs), keeping existing line breaks."""
    lines: list[str] = []
    for line in text.splitlines():
        if line.strip():
            lines.extend(split_sentences(line.strip()))
    return "\n".join(lines)


class _CachingTokenizer:
    """rouge-score's tokenizer with a memo: references are scored against every system,
    and Porter stemming dominates scoring time. The memo lives and dies with the scorer."""

    def __init__(self, inner: Any) -> None:
        self._inner = inner
        self._memo: dict[str, list[str]] = {}

    def tokenize(self, text: str) -> list[str]:
        tokens = self._memo.get(text)
        if tokens is None:
            tokens = self._memo[text] = list(self._inner.tokenize(text))
        return list(tokens)


@dataclass(frozen=True, slots=True)
class _Match:
    """One (output, reference) comparison for one ROUGE type, as counts."""

    hits: float
    reference_units: int
    output_units: int


def _f1(precision: float, recall: float) -> float:
    return 0.0 if precision + recall == 0 else 2 * precision * recall / (precision + recall)


def _pooled(matches: Sequence[_Match]) -> tuple[float, float]:
    """(precision, recall) with counts summed over references."""
    hits = sum(m.hits for m in matches)
    ref_units = sum(m.reference_units for m in matches)
    out_units = sum(m.output_units for m in matches)
    recall = hits / ref_units if ref_units else 0.0
    precision = hits / out_units if out_units else 0.0
    return precision, recall


class RougeScorer:
    """Scores one output against a cluster's references under fixed settings.

    Example::

        scorer = RougeScorer(duc_settings())
        scorer.score("Hun Sen formed a coalition ...", references)["rouge2"]  # percent
    """

    def __init__(self, settings: RougeSettings) -> None:
        try:
            from rouge_score import rouge_scorer, tokenizers
        except ImportError as error:
            raise MissingDependency("rouge-score", "eval") from error
        self.settings = settings
        self._tokenizer = _CachingTokenizer(
            tokenizers.DefaultTokenizer(use_stemmer=settings.stemming)
        )
        self._scorer = rouge_scorer.RougeScorer(list(ROUGE_TYPES), tokenizer=self._tokenizer)

    def _units(self, text: str, rouge_type: str) -> int:
        """How many n-grams (or, for Lsum, tokens) ``text`` has under rouge-score's tokenizer."""
        if rouge_type == "rougeLsum":
            return sum(len(self._tokenizer.tokenize(s)) for s in text.split("\n") if s)
        n = int(rouge_type[5:])
        return max(0, len(self._tokenizer.tokenize(text)) - n + 1)

    def score(self, output: str, references: Sequence[str]) -> dict[str, float]:
        """ROUGE-1, ROUGE-2 and ROUGE-Lsum in percent (recall or F1, per the settings)."""
        if not references:
            raise OptionsError("at least one reference is needed to score a summary")
        output = as_lines(truncate_words(output, self.settings.budget))
        limit = self.settings.budget if self.settings.truncate_references else None
        refs = [as_lines(truncate_words(r, limit) if limit else r) for r in references]
        per_ref: dict[str, list[_Match]] = {t: [] for t in ROUGE_TYPES}
        per_ref_f1: dict[str, list[tuple[float, float, float]]] = {t: [] for t in ROUGE_TYPES}
        out_units = {t: self._units(output, t) for t in ROUGE_TYPES}
        for ref in refs:
            scores = self._scorer.score(ref, output)
            for rouge_type in ROUGE_TYPES:
                s = scores[rouge_type]
                ref_units = self._units(ref, rouge_type)
                per_ref[rouge_type].append(
                    _Match(round(s.recall * ref_units), ref_units, out_units[rouge_type])
                )
                per_ref_f1[rouge_type].append((s.precision, s.recall, s.fmeasure))
        result: dict[str, float] = {}
        for rouge_type in ROUGE_TYPES:
            precision, recall = self._aggregate(per_ref[rouge_type], per_ref_f1[rouge_type])
            value = recall if self.settings.measure == "recall" else _f1(precision, recall)
            result[rouge_type] = 100.0 * value
        return result

    def _aggregate(
        self, matches: list[_Match], prf: list[tuple[float, float, float]]
    ) -> tuple[float, float]:
        mode = self.settings.aggregate
        if mode == "pooled" or len(matches) == 1:
            return _pooled(matches)
        if mode == "jackknife":
            subsets = [matches[:i] + matches[i + 1 :] for i in range(len(matches))]
            pairs = [_pooled(s) for s in subsets]
            return (
                sum(p for p, _ in pairs) / len(pairs),
                sum(r for _, r in pairs) / len(pairs),
            )
        if mode == "max":
            best = max(prf, key=lambda item: item[2])
            return best[0], best[1]
        return sum(p for p, _, _ in prf) / len(prf), sum(r for _, r, _ in prf) / len(prf)
