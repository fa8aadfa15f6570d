"""The greedy extractive oracle: the ceiling for any sentence-extracting summarizer.

It reads the references (no real system can) and adds, one at a time, the source sentence
that most raises ROUGE-1 + ROUGE-2 (recall or F1, as the run scores), pooled over all
references, until the budget is full or (for F1) no sentence helps any more. Tokens are
rouge-score's own (lower-cased, Porter-stemmed), so the oracle optimises what is scored.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from ..errors import MissingDependency
from .data import EvalCluster
from .rouge import Measure
from .text import document_sentences, truncate_words, word_count


@dataclass(frozen=True, slots=True)
class Pick:
    """One sentence the oracle chose: where it sits in its document and how long it is."""

    document: int  # 0-based document index in the cluster
    position: int  # 0-based sentence index within the document
    sentences_in_document: int
    words: int
    text: str


def _ngrams(tokens: list[str], n: int) -> Counter[tuple[str, ...]]:
    return Counter(tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1))


class OracleSystem:
    """Greedy ROUGE-1 + ROUGE-2 oracle (see the module docstring)."""

    name = "oracle"

    def __init__(self, measure: Measure = "f1") -> None:
        try:
            from rouge_score import tokenizers
        except ImportError as error:
            raise MissingDependency("rouge-score", "eval") from error
        self.measure = measure
        self._tokenizer = tokenizers.DefaultTokenizer(use_stemmer=True)

    def _objective(self, hits: list[int], ref_totals: list[int], out_total: list[int]) -> float:
        """Sum over n = 1, 2 of recall or F1, pooled over references."""
        value = 0.0
        for n in range(2):
            recall = hits[n] / ref_totals[n] if ref_totals[n] else 0.0
            if self.measure == "recall":
                value += recall
                continue
            precision = hits[n] / out_total[n] if out_total[n] else 0.0
            value += (
                0.0 if precision + recall == 0 else 2 * precision * recall / (precision + recall)
            )
        return value

    def select(self, cluster: EvalCluster, budget: int) -> list[Pick]:
        """The sentences the oracle picks, in the order it picked them."""
        refs = [self._tokenizer.tokenize(r) for r in cluster.references]
        ref_grams = [[_ngrams(tokens, n) for tokens in refs] for n in (1, 2)]
        ref_totals = [sum(sum(c.values()) for c in ref_grams[n]) for n in range(2)]
        candidates: list[tuple[Pick, list[Counter[tuple[str, ...]]]]] = []
        seen: set[str] = set()
        for d, text in enumerate(cluster.documents):
            sentences = document_sentences(text)
            for i, sentence in enumerate(sentences):
                if sentence in seen:
                    continue
                seen.add(sentence)
                tokens = self._tokenizer.tokenize(sentence)
                if not tokens:
                    continue
                pick = Pick(d, i, len(sentences), word_count(sentence), sentence)
                candidates.append((pick, [_ngrams(tokens, 1), _ngrams(tokens, 2)]))
        chosen: list[Pick] = []
        current: list[Counter[tuple[str, ...]]] = [Counter(), Counter()]
        hits = [0, 0]
        words = 0
        best_value = 0.0
        cut_cache: dict[tuple[int, int], list[Counter[tuple[str, ...]]]] = {}

        def grams_within(index: int, left: int) -> list[Counter[tuple[str, ...]]]:
            # A sentence longer than the words left is scored as the scorer will see it: cut.
            pick, grams = candidates[index]
            if pick.words <= left:
                return grams
            key = (id(pick), left)
            if key not in cut_cache:
                tokens = self._tokenizer.tokenize(truncate_words(pick.text, left))
                cut_cache[key] = [_ngrams(tokens, 1), _ngrams(tokens, 2)]
            return cut_cache[key]

        while words < budget and candidates:
            best: tuple[float, int, list[int]] | None = None
            for index in range(len(candidates)):
                grams = grams_within(index, budget - words)
                new_hits = [
                    hits[n] + clipped_gain(current[n], grams[n], ref_grams[n]) for n in range(2)
                ]
                out_total = [
                    len(refs) * (sum(current[n].values()) + sum(grams[n].values()))
                    for n in range(2)
                ]
                value = self._objective(new_hits, ref_totals, out_total)
                if best is None or value > best[0]:
                    best = (value, index, new_hits)
            if best is None or best[0] <= best_value:
                break
            best_value, index, hits = best
            grams = grams_within(index, budget - words)
            pick, _ = candidates.pop(index)
            for n in range(2):
                current[n].update(grams[n])
            chosen.append(pick)
            words += pick.words
        return chosen

    def summarize(self, cluster: EvalCluster, budget: int) -> str:
        """The picked sentences in pick order (so the cut falls on the weakest), to the budget."""
        picks = self.select(cluster, budget)
        return truncate_words("\n".join(p.text for p in picks), budget)


def clipped_gain(
    current: Counter[tuple[str, ...]],
    added: Counter[tuple[str, ...]],
    references: list[Counter[tuple[str, ...]]],
) -> int:
    """Extra clipped n-gram matches, summed over ``references``, from adding ``added`` to
    ``current`` (the oracle's step; the summarizer's training labels use it too)."""
    gain = 0
    for ref in references:
        for gram, count in added.items():
            limit = ref.get(gram, 0)
            if limit:
                have = current.get(gram, 0)
                gain += min(have + count, limit) - min(have, limit)
    return gain
