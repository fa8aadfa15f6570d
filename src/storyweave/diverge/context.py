"""The story as every divergence finder reads it, built once per briefing.

:class:`StoryContext` holds the sentences in source order, the sentence-similarity matrix
alignment computed, each sentence's fact, source labels, publication stamps, content
stems and the quantities each sentence states (parsed once, read by the conflict and the
update finders); the finders of :mod:`.conflicts`, :mod:`.updates`, :mod:`.superseded` and
:mod:`.coverage` read it and never recompute any of it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from ..model import Fact, Sentence, Source, source_labels
from ..nlp.calendar import Stamp, parse_stamp
from ..nlp.quantities import Quantity, quantities
from ..nlp.sentences import is_claim
from ..nlp.tokens import STOPWORDS, stem, words


@dataclass(frozen=True, slots=True)
class StoryContext:
    """What every finder reads: sentences, their facts, similarities and source labels."""

    sentences: Sequence[Sentence]
    similarity: np.ndarray
    fact_of: Sequence[Fact | None]
    position: Mapping[str, int]
    labels: Mapping[str, str]
    stamps: Mapping[str, Stamp | None]
    source_ids: tuple[str, ...]
    kinds: Mapping[str, str]
    stems: Sequence[frozenset[str]]  # content-word stems of each sentence
    #: The quantities each sentence states about the story now (:func:`current_quantities`).
    quantities: Sequence[tuple[Quantity, ...]]


def story_context(
    sources: Sequence[Source],
    facts: Sequence[Fact],
    sentences: Sequence[Sentence],
    similarity: np.ndarray,
) -> StoryContext:
    """The context of one story: ``sentences`` are all sentences of all ``sources`` in
    source order and ``similarity`` their cosine matrix
    (:func:`storyweave.align.similarity_matrix`)."""
    fact_by_sentence = {sid: fact for fact in facts for sid in fact.sentence_ids}
    stamps = {s.id: parse_stamp(s.published) for s in sources}
    return StoryContext(
        sentences=sentences,
        similarity=similarity,
        fact_of=[fact_by_sentence.get(s.id) for s in sentences],
        position={s.id: i for i, s in enumerate(sentences)},
        labels=source_labels(sources),
        stamps=stamps,
        source_ids=tuple(s.id for s in sources),
        kinds={s.id: s.kind for s in sources},
        stems=_content_stems(sentences),
        quantities=[current_quantities(s, stamps.get(s.source_id)) for s in sentences],
    )


_PAST_YEAR = re.compile(r"\b((?:19|20)\d\d)\b(?!\s*(?:%|percent|people|dead|ships))")


def current_quantities(sentence: Sentence, stamp: Stamp | None) -> tuple[Quantity, ...]:
    """The quantities a sentence states about the story now: none from a question, a
    headline or a lead-in, and none tied to a year before ``stamp``, its source's
    publication ("the 1978 fire killed 35")."""
    if not is_claim(sentence.text):
        return ()
    year = int(stamp[0][:4]) if stamp is not None else None
    if year is not None and any(int(y) < year for y in _PAST_YEAR.findall(sentence.text)):
        return ()  # "Hurricane Fifi killed at least 2,000 people in 1974": history
    return tuple(
        q
        for q in quantities(sentence.text)
        if not any(a.isdigit() and (year is None or int(a) < year) for a in q.anchors)
    )


def _content_stems(sentences: Sequence[Sentence]) -> list[frozenset[str]]:
    """Content stems per sentence, stemming each distinct word once (a story repeats most)."""
    memo: dict[str, str] = {}
    result = []
    for sentence in sentences:
        found = set()
        for word in words(sentence.text):
            if word not in STOPWORDS:
                if word not in memo:
                    memo[word] = stem(word)
                found.add(memo[word])
        result.append(frozenset(found))
    return result
