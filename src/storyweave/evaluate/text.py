"""Text helpers shared by the baselines, the oracle and the scorer: sentences and word budgets."""

from __future__ import annotations

from collections.abc import Iterable

from ..nlp.sentences import split_sentences as _split


def split_sentences(text: str) -> list[str]:
    """Sentences of one paragraph, by storyweave's own splitter (no downloads)."""
    return [s.strip() for s in _split(text) if s.strip()]


def document_sentences(text: str) -> list[str]:
    """Sentences of one raw document: split into lines (paragraphs) first, then sentences."""
    sentences: list[str] = []
    for line in text.splitlines():
        if line.strip():
            sentences.extend(split_sentences(line.strip()))
    return sentences


def word_count(text: str) -> int:
    """Whitespace-separated words: the unit of every budget (as ROUGE-1.5.5 ``-l`` counts)."""
    return len(text.split())


def truncate_words(text: str, budget: int) -> str:
    """The first ``budget`` words of ``text``, keeping line breaks between sentences."""
    kept: list[str] = []
    left = budget
    for line in text.splitlines():
        if left <= 0:
            break
        words = line.split()
        if not words:
            continue
        kept.append(" ".join(words[:left]))
        left -= min(left, len(words))
    return "\n".join(kept)


def fill_budget(sentences: Iterable[str], budget: int) -> str:
    """Sentences in the given order until ``budget`` words are reached (the last one cut).

    Sentences are joined by newlines, which ROUGE-Lsum uses as sentence boundaries.
    """
    chosen: list[str] = []
    total = 0
    for sentence in sentences:
        if total >= budget:
            break
        chosen.append(sentence)
        total += word_count(sentence)
    return truncate_words("\n".join(chosen), budget)
