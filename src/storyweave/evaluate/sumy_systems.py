"""sumy's classic summarizers (LexRank, TextRank, LSA, SumBasic, Luhn) as baselines.

sumy's own tokenizer needs nltk's punkt data, which is a download; we build sumy's
document objects ourselves from storyweave's sentence splitter and a plain word regex,
and use sumy's snowball stemmer and English stop words (both ship with the packages).
Each document is a paragraph; sentences keep the cluster's order. sumy ranks the
sentences; we keep the best-ranked ones until the word budget is full, in document order.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable, Sequence
from typing import Any

from ..errors import MissingDependency, OptionsError
from .data import EvalCluster
from .text import document_sentences, truncate_words, word_count

_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
SUMY_ALGORITHMS = ("LexRank", "TextRank", "LSA", "SumBasic", "Luhn")


class _WordTokenizer:
    """The two methods sumy's document model calls on a tokenizer; no downloads needed."""

    language = "english"

    def to_words(self, sentence: str) -> tuple[str, ...]:
        return tuple(_WORD.findall(sentence))

    def to_sentences(self, paragraph: str) -> tuple[str, ...]:
        return tuple(document_sentences(paragraph))


class _WordBudget:
    """A sumy "count": keep best-rated sentences until ``budget`` words are reached."""

    def __init__(self, budget: int) -> None:
        self.budget = budget

    def __call__(self, infos: Sequence[Any]) -> Sequence[Any]:
        total = 0
        for index, info in enumerate(infos):
            if total >= self.budget:
                return infos[:index]
            total += word_count(str(info.sentence))
        return infos


class SumySystem:
    """One sumy summarizer, named ``sumy-<Algorithm>``."""

    def __init__(self, algorithm: str) -> None:
        if algorithm not in SUMY_ALGORITHMS:
            raise OptionsError(
                f"unknown sumy algorithm {algorithm!r}; choose from {', '.join(SUMY_ALGORITHMS)}"
            )
        self.algorithm = algorithm
        self.name = f"sumy-{algorithm}"
        self._summarizer: Callable[[Any, Any], Sequence[Any]] | None = None
        self._tokenizer = _WordTokenizer()

    def _build(self) -> Callable[[Any, Any], Sequence[Any]]:
        try:
            from sumy.nlp.stemmers import Stemmer
            from sumy.summarizers.lex_rank import LexRankSummarizer
            from sumy.summarizers.lsa import LsaSummarizer
            from sumy.summarizers.luhn import LuhnSummarizer
            from sumy.summarizers.sum_basic import SumBasicSummarizer
            from sumy.summarizers.text_rank import TextRankSummarizer
            from sumy.utils import get_stop_words
        except ImportError as error:
            raise MissingDependency("sumy", "eval") from error
        classes = {
            "LexRank": LexRankSummarizer,
            "TextRank": TextRankSummarizer,
            "LSA": LsaSummarizer,
            "SumBasic": SumBasicSummarizer,
            "Luhn": LuhnSummarizer,
        }
        summarizer = classes[self.algorithm](Stemmer("english"))
        summarizer.stop_words = get_stop_words("english")
        return summarizer

    def document(self, cluster: EvalCluster) -> Any:
        """The cluster as a sumy ``ObjectDocumentModel`` (one paragraph per document)."""
        from sumy.models.dom import ObjectDocumentModel, Paragraph, Sentence

        paragraphs = []
        for text in cluster.documents:
            sentences = [Sentence(s, self._tokenizer) for s in document_sentences(text)]
            if sentences:
                paragraphs.append(Paragraph(sentences))
        return ObjectDocumentModel(paragraphs)

    def summarize(self, cluster: EvalCluster, budget: int) -> str:
        """sumy's best sentences up to the budget, in document order."""
        if self._summarizer is None:
            self._summarizer = self._build()
        document = self.document(cluster)
        if not document.sentences:
            return ""
        with warnings.catch_warnings():
            # LSA warns when a cluster has fewer distinct words than its SVD wants;
            # the ranking is still valid, so the warning is not an error here.
            warnings.simplefilter("ignore", UserWarning)
            chosen = self._summarizer(document, _WordBudget(budget))
        return truncate_words("\n".join(str(s) for s in chosen), budget)
