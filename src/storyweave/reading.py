"""Stages 1-2 for each article: clean it, split it into sentences, keep it only if enough
story text is left, and bound its removal report.

:func:`read_articles` reads a run of articles in order; the pipeline gives it all the
articles, or in a large briefing half of them here and the other half in a forked worker
(:mod:`storyweave.pipeline`, :mod:`storyweave.parallel`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import NamedTuple

from . import clean as clean_stage
from .errors import InputError
from .model import Article, InputProblem, RemovedLine, Source, source_metadata
from .nlp import sentences as sentence_stage

#: A source needs this many words of story text after cleaning to count as an article
#: (unless it holds a row of a results table).
MIN_ARTICLE_WORDS = 12
#: The cleaning report keeps this many removed lines per source, each cut to
#: MAX_REMOVED_CHARS: enough to check what the cleaner did, while a page of 900,000
#: "Advertisement" lines no longer makes a briefing of 50 MB (a note gives the count).
MAX_REMOVED_LINES = 200
MAX_REMOVED_CHARS = 300


class Read(NamedTuple):
    """One article read: its source and how many lines the cleaner removed from it."""

    source: Source
    removed: int


def read_articles(
    articles: Sequence[Article],
    cluster_lines: Counter[str],
    first: int,
    checkpoint: Callable[[], None] = lambda: None,
) -> list[Read | InputProblem]:
    """Each article read, or the problem that kept it out, in order. Sources are numbered
    from ``first`` (``s<first>``, then on) counting only the articles kept; ``checkpoint``
    runs before each article (it raises when the caller gave up)."""
    outcomes: list[Read | InputProblem] = []
    number = first
    for article in articles:
        checkpoint()
        outcome = read_article(article, cluster_lines, f"s{number}")
        number += isinstance(outcome, Read)
        outcomes.append(outcome)
    return outcomes


def read_article(article: Article, cluster_lines: Counter[str], source_id: str) -> Read | InputProblem:
    """``article`` cleaned and split into sentences as source ``source_id``, or the problem
    that keeps it out of the briefing (an :class:`InputError` while cleaning, or too few
    words of story text)."""
    try:
        cleaned = clean_stage.clean(article, cluster_lines=cluster_lines)
        sentences = sentence_stage.segment(source_id, cleaned)
        words = sum(len(s.text.split()) for s in sentences)
        # A short results item ("Dunmore City 0 Port Ellis United 3") is briefed:
        # its names are the news. (Only a short article needs the table check.)
        if words < MIN_ARTICLE_WORDS and not clean_stage.table_rows(s.text for s in sentences):
            raise InputError(
                article.origin, f"only {words} words of story text after cleaning; not briefed"
            )
    except InputError as error:
        return InputProblem(error.input, error.problem, stage="clean")
    source = Source(
        id=source_id,
        origin=article.origin,
        url=article.url,
        kind=cleaned.kind,
        sentences=sentences,
        removed=_bounded_report(cleaned.removed),
        **source_metadata(article, cleaned),
    )
    return Read(source, len(cleaned.removed))


def _bounded_report(removed: tuple[RemovedLine, ...]) -> tuple[RemovedLine, ...]:
    """The cleaning report as a briefing keeps it: the first lines, each of bounded length."""
    kept = removed[:MAX_REMOVED_LINES]
    if all(len(line.text) <= MAX_REMOVED_CHARS for line in kept) and len(kept) == len(removed):
        return removed
    return tuple(
        replace(line, text=line.text[: MAX_REMOVED_CHARS - 1] + "…")
        if len(line.text) > MAX_REMOVED_CHARS else line
        for line in kept
    )
