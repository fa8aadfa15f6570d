"""BASIL triplets (HuffPost / NYT / Fox News, annotated bias spans) and the briefing's
sentences and framing terms mapped back onto their character offsets.

The record format is the shared one (``documents``, ``annotations.spans`` with ``doc``,
``bias``, ``in``, ``start``/``end``, ``quote``). A briefing's sentences are verbatim pieces
of the cleaned documents, so each is found in its document's text in order; a sentence
the cleaner rewrote (rare) is looked up with flexible whitespace, and skipped when it
still cannot be found.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import DatasetError
from ..ingest.datasets import load_dataset
from ..model import Article, Briefing, FramingNote, Source


@dataclass(frozen=True, slots=True)
class Span:
    """One annotated span: ``where`` is ``"text"`` or ``"title"`` of document ``doc``."""

    doc: int
    where: str
    start: int
    end: int
    bias: str  # "lexical" | "informational"
    quote: bool


@dataclass(frozen=True, slots=True)
class Triplet:
    """One BASIL cluster: its articles (document order) and annotated spans."""

    id: str
    articles: tuple[Article, ...]
    doc_index: tuple[int, ...]  # document index of each article (empty documents skipped)
    texts: tuple[str, ...]  # document texts, by document index
    titles: tuple[str, ...]
    spans: tuple[Span, ...]

    def lexical(self, doc: int, where: str = "text") -> list[Span]:
        """Lexical-bias spans of one document's text or title."""
        return [s for s in self.spans if s.doc == doc and s.where == where and s.bias == "lexical"]


def read_triplets(path: str | Path, limit: int | None = None) -> Iterator[Triplet]:
    """The BASIL records of a dataset file, in file order."""
    for item in load_dataset(path, limit=limit):
        annotations = item.extra.get("annotations")
        if not isinstance(annotations, dict) or "spans" not in annotations:
            raise DatasetError(str(path), f"cluster {item.id}: no annotations.spans (not BASIL?)")
        indices = tuple(_doc_index(a.origin, i) for i, a in enumerate(item.articles))
        count = max(indices, default=-1) + 1
        texts = [""] * count
        titles = [""] * count
        for article, index in zip(item.articles, indices):
            texts[index] = article.text
            titles[index] = article.title or ""
        spans = tuple(_span(raw) for raw in annotations["spans"])
        yield Triplet(item.id, item.articles, indices, tuple(texts), tuple(titles), spans)


def _doc_index(origin: str, fallback: int) -> int:
    """The document index a dataset article's origin names ("file#cluster/2" -> 2)."""
    tail = origin.rsplit("/", 1)[-1]
    return int(tail) if tail.isdigit() else fallback


def _span(raw: dict[str, Any]) -> Span:
    return Span(
        doc=int(raw["doc"]),
        where=str(raw.get("in", "text")),
        start=int(raw["start"]),
        end=int(raw["end"]),
        bias=str(raw["bias"]),
        quote=bool(raw.get("quote")),
    )


def sentence_offsets(source: Source, text: str) -> dict[str, int]:
    """Where each sentence of ``source`` starts in ``text`` (sentences not found are left out)."""
    offsets: dict[str, int] = {}
    cursor = 0
    for sentence in source.sentences:
        at = text.find(sentence.text, cursor)
        if at < 0:
            at = text.find(sentence.text)
        if at < 0:
            pattern = r"\s+".join(re.escape(w) for w in sentence.text.split())
            match = re.compile(pattern).search(text, cursor) if pattern else None
            at = match.start() if match else -1
        if at >= 0:
            offsets[sentence.id] = at
            cursor = at + len(sentence.text)
    return offsets


@dataclass(frozen=True, slots=True)
class PlacedTerm:
    """A reported framing term at its character offsets in a document's text or title."""

    note: FramingNote
    where: str
    start: int
    end: int


def placed_terms(
    briefing: Briefing, source: Source, text: str, title: str
) -> tuple[list[PlacedTerm], int]:
    """The framing terms reported for ``source`` at their offsets, and how many could not
    be placed (a term whose words are not in its cited sentence or headline)."""
    offsets = sentence_offsets(source, text)
    view = next((v for v in briefing.outlets if v.source_id == source.id), None)
    placed: list[PlacedTerm] = []
    lost = 0
    for note in view.framing if view else ():
        if note.note.startswith("In the headline"):
            at = title.find(note.term)
            if at >= 0:
                placed.append(PlacedTerm(note, "title", at, at + len(note.term)))
            else:
                lost += 1
            continue
        sentence = briefing.sentence(note.citation).text
        inner = sentence.find(note.term)
        if inner < 0 or note.citation not in offsets:
            lost += 1
            continue
        start = offsets[note.citation] + inner
        placed.append(PlacedTerm(note, "text", start, start + len(note.term)))
    return placed, lost


def overlaps(start: int, end: int, spans: Sequence[Span]) -> bool:
    """Whether ``[start, end)`` shares a character with any of ``spans``."""
    return any(start < s.end and s.start < end for s in spans)
