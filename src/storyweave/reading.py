"""Stages 1-2 for each article: clean it, split it into sentences, keep it only if enough
story text is left, and bound its removal report; then the guards on the articles read
(one language, a bounded number of sentences, text that can be written).

:func:`read_articles` reads a run of articles in order; the pipeline gives it all the
articles, or in a large briefing half of them here and the other half in a forked worker
(:mod:`storyweave.pipeline`, :mod:`storyweave.parallel`), each half with
:func:`read_share`, which can also encode (stage 3) the sentences of the half it read.
"""

from __future__ import annotations

import re
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import NamedTuple

import numpy as np

from . import clean as clean_stage
from .embed import Embedder
from .errors import InputError
from .model import Article, InputProblem, RemovedLine, Source, source_metadata
from .nlp import sentences as sentence_stage
from .stories.check import other_languages
from .stories.clustering import LANGUAGE_NAMES, detect_language

#: A source needs this many words of story text after cleaning to count as an article
#: (unless it holds a row of a results table).
MIN_ARTICLE_WORDS = 12
#: The cleaning report keeps this many removed lines per source, each cut to
#: MAX_REMOVED_CHARS: enough to check what the cleaner did, while a page of 900,000
#: "Advertisement" lines no longer makes a briefing of 50 MB (a note gives the count).
MAX_REMOVED_LINES = 200
MAX_REMOVED_CHARS = 300
#: A lone UTF-16 surrogate: a JSON "\\ud800" escape or an undecodable file name gives one,
#: and no renderer, terminal or store can write it as UTF-8.
_SURROGATE = re.compile(r"[\ud800-\udfff]")


class Read(NamedTuple):
    """One article read: its source, how many lines the cleaner removed from it and the
    language its sentences are written in (``"und"`` when too short to tell)."""

    source: Source
    removed: int
    language: str


class Share(NamedTuple):
    """A run of articles read by one process and, when it was given an encoder, the
    vectors of their distinct sentence texts (one row per text; none otherwise)."""

    outcomes: list[Read | InputProblem]
    texts: tuple[str, ...]
    vectors: np.ndarray | None
    seconds: dict[str, float]  # "clean+segment", and "embed" with an encoder


def read_share(
    articles: Sequence[Article],
    cluster_lines: Counter[str],
    first: int,
    encoder: Embedder | None,
    checkpoint: Callable[[], None] = lambda: None,
    before: Sequence[Read | InputProblem] = (),
) -> Share:
    """:func:`read_articles`, after the outcomes of articles read ``before`` (they are part
    of the share), then with ``encoder`` the vectors of the distinct sentence texts read. In a large briefing each process reads (and with a static model encodes)
    one half of the articles: the encoder must be one whose rows depend on each text alone
    (:func:`storyweave.embed.base.encodes_alone`), so the rows are the ones one process
    encoding every sentence would give."""
    started = time.perf_counter()
    outcomes = [*before, *read_articles(articles, cluster_lines, first, checkpoint)]
    read = time.perf_counter()
    seconds = {"clean+segment": read - started}
    if encoder is None:
        return Share(outcomes, (), None, seconds)
    texts = tuple(dict.fromkeys(
        s.text for o in outcomes if isinstance(o, Read) for s in o.source.sentences
    ))
    vectors = encoder.encode(texts) if texts else None
    seconds["embed"] = time.perf_counter() - read
    return Share(outcomes, texts if vectors is not None else (), vectors, seconds)


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
    # Detected here, article by article, so that a split reading detects in both processes.
    language = detect_language("\n".join(s.text for s in sentences))
    return Read(source, len(cleaned.removed), language)


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


def writable(text: str) -> str:
    """``text`` with every lone surrogate replaced by U+FFFD."""
    return _SURROGATE.sub("\ufffd", text)


def well_formed(article: Article) -> Article:
    """``article`` with every lone surrogate replaced by U+FFFD, so its text can be written."""
    fields = {
        name: writable(value)
        for name in ("text", "origin", "title", "outlet", "byline", "published", "url")
        if isinstance(value := getattr(article, name), str) and _SURROGATE.search(value)
    }
    return replace(article, **fields) if fields else article  # type: ignore[arg-type]


def in_one_language(read: list[Read]) -> tuple[list[Source], list[InputProblem]]:
    """The sources of ``read`` in the language most of them are written in, numbered again
    from s1, and a problem for each source set aside. Every stage after this one compares
    sentences, names and words of one language (the bundled models read English); a
    feed that mixes in another language's reports of the event would otherwise be
    briefed as a second story."""
    sources = [r.source for r in read]
    majority, others = other_languages({r.source.id: r.language for r in read})
    if not others:
        return sources, []
    kept = [s for s in sources if s.id not in others]
    language = LANGUAGE_NAMES.get(majority, "one language")
    problems = [
        InputProblem(
            source.origin,
            f"written in {LANGUAGE_NAMES.get(others[source.id], 'another language')} while "
            f"{len(kept)} of the {len(sources)} articles are in {language}: a briefing "
            "compares articles in one language, so brief these on their own",
            stage="language",
        )
        for source in sources if source.id in others
    ]
    return [numbered(source, n) for n, source in enumerate(kept, start=1)], problems


def numbered(source: Source, number: int) -> Source:
    """``source`` as the ``number``-th source (its id and its sentences' ids)."""
    source_id = f"s{number}"
    if source.id == source_id:
        return source
    sentences = tuple(
        replace(s, id=f"{source_id}.{s.id.rpartition('.')[2]}", source_id=source_id)
        for s in source.sentences
    )
    return replace(source, id=source_id, sentences=sentences)


def within_sentence_budget(sources: list[Source], budget: int) -> tuple[list[Source], str]:
    """Cut the longest sources so that the whole briefing has at most ``budget`` sentences.

    Alignment compares every sentence with every other, so memory grows with the square of
    the sentence count; the cap bounds it whatever the size of the inputs. Every source
    keeps the same number of leading sentences (as many as fit), short sources keep all.
    Returns the sources and a note for the reader ("" when nothing was cut).
    """
    lengths = sorted(len(s.sentences) for s in sources)
    if sum(lengths) <= budget:
        return sources, ""
    # The largest per-source cap k with sum(min(length, k)) <= budget.
    keep, left = 0, budget
    for i, length in enumerate(lengths):
        share = left // (len(lengths) - i)
        if length > share:
            keep = share
            break
        left -= length
    cut = [s for s in sources if len(s.sentences) > keep]
    result = [
        replace(s, sentences=s.sentences[:keep]) if len(s.sentences) > keep else s
        for s in sources
    ]
    names = ", ".join(s.label for s in cut[:3]) + (f" and {len(cut) - 3} more" if len(cut) > 3 else "")
    note = (
        f"Only the first {keep} sentences of {names} were used: a briefing reads at most "
        f"{budget} sentences (raise max_sentences to read more)."
    )
    return result, note
