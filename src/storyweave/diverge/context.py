"""The story as every divergence finder reads it, built once per briefing.

:class:`StoryContext` holds the sentences in source order, the sentence-similarity matrix
alignment computed, each sentence's fact, source labels, publication stamps and content
stems; the finders of :mod:`.conflicts`, :mod:`.superseded` and :mod:`.coverage` read it and
never recompute any of it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from ..model import Fact, Sentence, Source, source_labels
from ..nlp.calendar import Stamp, parse_stamp
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
    return StoryContext(
        sentences=sentences,
        similarity=similarity,
        fact_of=[fact_by_sentence.get(s.id) for s in sentences],
        position={s.id: i for i, s in enumerate(sentences)},
        labels=source_labels(sources),
        stamps={s.id: parse_stamp(s.published) for s in sources},
        source_ids=tuple(s.id for s in sources),
        kinds={s.id: s.kind for s in sources},
        stems=_content_stems(sentences),
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
