"""Alignment: sentences of different outlets that state the same fact end up together."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest

from storyweave.align import align, facts_of_groups, similarity_matrix
from storyweave.embed import load_embedder
from storyweave.model import Fact, Sentence


def make_sentences(sources: dict[str, list[str]]) -> list[Sentence]:
    """Sentences with pipeline-style ids from ``{"s1": [text, ...], ...}``."""
    return [
        Sentence(id=f"{source}.{n}", source_id=source, index=n - 1, paragraph=0, text=text)
        for source, texts in sources.items()
        for n, text in enumerate(texts, start=1)
    ]


def vectors_with(similarities: list[list[float]]) -> np.ndarray:
    """Unit vectors whose pairwise cosines are exactly ``similarities`` (a PSD matrix)."""
    gram = np.array(similarities, dtype=np.float64)
    values, basis = np.linalg.eigh(gram)
    return (basis * np.sqrt(np.clip(values, 0, None))).astype(np.float32)


def check_invariants(facts: tuple[Fact, ...], sentences: list[Sentence]) -> None:
    text_of = {s.id: s.text for s in sentences}
    source_of = {s.id: s.source_id for s in sentences}
    placed = Counter(sid for fact in facts for sid in fact.sentence_ids)
    assert placed == Counter(list(text_of)), "every sentence belongs to exactly one fact"
    assert [f.id for f in facts] == [f"f{n}" for n in range(1, len(facts) + 1)]
    for fact in facts:
        sources = [source_of[sid] for sid in fact.sentence_ids]
        assert len(sources) == len(set(sources)), "at most one sentence per source"
        assert fact.sentence_ids[0] == fact.representative
        assert fact.text == text_of[fact.representative]
        assert set(fact.source_ids) == set(sources)
        assert list(fact.source_ids) == sorted(fact.source_ids, key=lambda s: int(s[1:]))
    supports = [len(f.source_ids) for f in facts]
    assert supports == sorted(supports, reverse=True)


@pytest.fixture(scope="module")
def minilm():  # type: ignore[no-untyped-def]
    return load_embedder("minilm")


STORY = {
    "s1": [
        "A passenger ferry capsized on Lake Varn on Tuesday, killing at least 52 people.",
        "The captain of the ferry has been arrested, police said.",
        "Strong winds hampered the search for survivors on Wednesday.",
        "He said so.",
    ],
    "s2": [
        "About 40 people were killed when a ferry overturned on Lake Varn on Tuesday.",
        "Police have detained the ferry's captain for questioning.",
        "The ferry's owner, Brekka Lines, said the boat had passed a safety check in March.",
        "He said so.",
    ],
    "s3": [
        "The transport minister promised an inquiry into ferry safety on the lake.",
        "Police arrested the captain of the capsized ferry on Wednesday.",
        "Rescuers said the capsizing on Lake Varn killed 47 passengers.",
    ],
}


def test_three_outlets_obvious_groups(minilm) -> None:  # type: ignore[no-untyped-def]
    sentences = make_sentences(STORY)
    vectors = minilm.encode([s.text for s in sentences])
    facts = align(sentences, similarity_matrix(vectors), threshold=minilm.default_threshold)
    check_invariants(facts, sentences)
    groups = {frozenset(f.sentence_ids) for f in facts}
    # The death toll with three different numbers is one fact (divergence needs it aligned).
    assert frozenset({"s1.1", "s2.1", "s3.3"}) in groups
    assert frozenset({"s1.2", "s2.2", "s3.2"}) in groups
    # Single-source facts stay single.
    assert frozenset({"s2.3"}) in groups and frozenset({"s3.1"}) in groups
    # Under five words never links, even when identical.
    assert frozenset({"s1.4"}) in groups and frozenset({"s2.4"}) in groups
    assert [len(f.source_ids) for f in facts[:2]] == [3, 3]


def test_same_input_gives_same_facts(minilm) -> None:  # type: ignore[no-untyped-def]
    sentences = make_sentences(STORY)
    vectors = minilm.encode([s.text for s in sentences])
    similarity = similarity_matrix(vectors)
    assert align(sentences, similarity, threshold=0.6) == align(sentences, similarity, threshold=0.6)


def test_lexical_vectors_align_shared_wording() -> None:
    sentences = make_sentences(
        {
            "s1": [
                "Dock workers in Harwick began a strike over pay on Monday.",
                "Supermarkets warned of fruit shortages across the region.",
            ],
            "s2": [
                "The strike by Harwick dock workers over pay began on Monday.",
                "A mediator will meet both sides of the dispute on Thursday.",
            ],
        }
    )
    embedder = load_embedder("lexical")
    facts = align(
        sentences,
        similarity_matrix(embedder.encode([s.text for s in sentences])),
        threshold=embedder.default_threshold,
    )
    check_invariants(facts, sentences)
    assert facts[0].sentence_ids == ("s1.1", "s2.1")
    assert len(facts) == 3


def test_average_linkage_does_not_chain_different_facts() -> None:
    # A ~ B and B ~ C, but A and C are unrelated: C must not join A and B.
    sentences = make_sentences({"s1": ["a " * 6], "s2": ["b " * 6], "s3": ["c " * 6]})
    vectors = vectors_with([[1, 0.8, 0.3], [0.8, 1, 0.7], [0.3, 0.7, 1]])
    facts = align(sentences, similarity_matrix(vectors), threshold=0.6)
    assert [f.sentence_ids for f in facts] == [("s1.1", "s2.1"), ("s3.1",)]


def test_one_sentence_per_source_keeps_the_closest() -> None:
    sentences = make_sentences(
        {
            "s1": ["the first wording of it", "a near copy of the first"],
            "s2": ["a third wording of it"],
        }
    )
    vectors = vectors_with([[1, 0.9, 0.7], [0.9, 1, 0.8], [0.7, 0.8, 1]])
    facts = align(sentences, similarity_matrix(vectors), threshold=0.6)
    check_invariants(facts, sentences)
    assert facts[0].sentence_ids in {("s1.2", "s2.1"), ("s2.1", "s1.2")}


def test_ties_pick_the_earliest_source_and_sources_sort_numerically() -> None:
    texts = {f"s{n}": [f"outlet {n} reports the same event today"] for n in range(1, 12)}
    sentences = make_sentences(texts)
    vectors = np.ones((11, 4), dtype=np.float32) / 2.0  # all identical: every score ties
    facts = align(sentences, similarity_matrix(vectors), threshold=0.6)
    assert len(facts) == 1
    assert facts[0].representative == "s1.1"
    assert facts[0].source_ids == tuple(f"s{n}" for n in range(1, 12))
    assert facts[0].sentence_ids[1:3] == ("s2.1", "s3.1")


def test_fact_order_support_then_centrality() -> None:
    sentences = make_sentences(
        {
            "s1": ["a long enough first sentence", "an aside nobody else mentions"],
            "s2": ["the same first sentence again", "another aside, central this time"],
        }
    )
    vectors = vectors_with(
        [[1, 0.1, 0.9, 0.2], [0.1, 1, 0.1, 0.1], [0.9, 0.1, 1, 0.2], [0.2, 0.1, 0.2, 1]]
    )
    facts = align(sentences, similarity_matrix(vectors), threshold=0.6)
    assert [f.sentence_ids for f in facts] == [("s1.1", "s2.1"), ("s2.2",), ("s1.2",)]
    assert facts[1].centrality > facts[2].centrality


@pytest.mark.parametrize("seed", range(5))
def test_invariants_on_random_clusters(seed: int) -> None:
    rng = np.random.default_rng(seed)
    sources = {
        f"s{n}": [f"sentence {k} of outlet {n} with words" for k in range(rng.integers(1, 12))]
        for n in range(1, int(rng.integers(2, 12)))
    }
    sentences = make_sentences(sources)
    # Few topic directions, so many pairs clear the threshold and groups compete.
    topics = rng.normal(size=(6, 16))
    vectors = topics[rng.integers(0, 6, len(sentences))] + 0.5 * rng.normal(
        size=(len(sentences), 16)
    )
    vectors = (vectors / np.linalg.norm(vectors, axis=1, keepdims=True)).astype(np.float32)
    similarity = similarity_matrix(vectors)
    facts = align(sentences, similarity, threshold=0.5)
    check_invariants(facts, sentences)
    assert facts == align(sentences, similarity, threshold=0.5)
    # Facts made again with one sentence taken out of each group (as the divergence stage
    # does) are the same whether the unchanged groups' figures are reused or recomputed.
    row = {s.id: i for i, s in enumerate(sentences)}
    groups = []
    for fact in facts:
        members = [row[i] for i in fact.sentence_ids]
        groups += [members[:-1], members[-1:]] if len(members) > 1 and fact.id != "f1" else [members]
    assert facts_of_groups(sentences, similarity, groups, before=facts) == facts_of_groups(
        sentences, similarity, groups
    )


def test_empty_and_mismatched_input() -> None:
    assert align([], similarity_matrix(np.zeros((0, 8), dtype=np.float32)), threshold=0.5) == ()
    sentences = make_sentences({"s1": ["one sentence with five words"]})
    with pytest.raises(ValueError):
        align(sentences, similarity_matrix(np.zeros((2, 8), dtype=np.float32)), threshold=0.5)
