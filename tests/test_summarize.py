"""The summary: budgeted, non-redundant, cited, prefers broadly supported content."""

from __future__ import annotations

import numpy as np

from storyweave.model import Fact, Sentence
from storyweave.options import BriefOptions
from storyweave.summarize import summarize

TEXTS = {
    "s1": [
        "Dock workers in Velmora ended their nine-day strike on Sunday after overnight talks.",
        "The union said the new contract raises wages by six percent over two years.",
        "Local cafes near the harbour reported a quiet week with few customers around.",
    ],
    "s2": [
        "Velmora's dock workers ended a nine-day strike on Sunday after talks through the night.",
        "The new contract raises wages by six percent over two years, the union said.",
        "Transport Minister Oskar Brandt thanked both sides for their patience this week.",
    ],
    "s3": [
        "The nine-day strike by Velmora dock workers ended on Sunday after overnight talks.",
        "He declined to comment.",
        "A ferry timetable for the summer season will be published next month online.",
    ],
}


def _cluster() -> tuple[list[Fact], list[Sentence], np.ndarray]:
    sentences = [
        Sentence(id=f"{src}.{i + 1}", source_id=src, index=i, paragraph=i, text=text)
        for src, texts in TEXTS.items()
        for i, text in enumerate(texts)
    ]
    groups = [["s1.1", "s2.1", "s3.1"], ["s1.2", "s2.2"], ["s1.3"], ["s2.3"], ["s3.2"], ["s3.3"]]
    facts = [
        Fact(id=f"f{n + 1}", text=next(s.text for s in sentences if s.id == g[0]),
             representative=g[0], sentence_ids=tuple(g),
             source_ids=tuple(sorted({i.split(".")[0] for i in g})), centrality=1.0 / (n + 1))
        for n, g in enumerate(groups)
    ]
    # One direction per fact: members of a fact are identical, facts are orthogonal.
    index = {sid: n for n, g in enumerate(groups) for sid in g}
    vectors = np.zeros((len(sentences), len(groups)), dtype=np.float32)
    for row, sentence in enumerate(sentences):
        vectors[row, index[sentence.id]] = 1.0
    return facts, sentences, vectors


def test_summary_prefers_broad_support_and_cites_every_outlet() -> None:
    facts, sentences, vectors = _cluster()
    summary = summarize(facts, sentences, vectors, BriefOptions(words=40))
    assert summary[0].fact_id == "f1"
    assert set(summary[0].citations) == {"s1.1", "s2.1", "s3.1"}
    assert summary[0].citations[0] in {"s1.1", "s2.1", "s3.1"}
    assert summary[0].source_ids == ("s1", "s2", "s3")


def test_summary_respects_the_word_budget_and_never_repeats_a_fact() -> None:
    facts, sentences, vectors = _cluster()
    for words in (15, 30, 60, 200):
        summary = summarize(facts, sentences, vectors, BriefOptions(words=words))
        assert summary, "a summary always has at least one line"
        used = sum(len(line.text.split()) for line in summary)
        assert used <= words or len(summary) == 1
        assert len({line.fact_id for line in summary}) == len(summary)


def test_summary_lines_are_verbatim_source_sentences() -> None:
    facts, sentences, vectors = _cluster()
    texts = {s.text for s in sentences}
    summary = summarize(facts, sentences, vectors, BriefOptions(words=200))
    assert all(line.text in texts for line in summary)
    assert "He declined to comment." not in {line.text for line in summary}


def test_sentence_budget() -> None:
    facts, sentences, vectors = _cluster()
    summary = summarize(facts, sentences, vectors, BriefOptions(sentences=2))
    assert len(summary) == 2
    assert {line.fact_id for line in summary} == {"f1", "f2"}


def test_empty_input_gives_empty_summary() -> None:
    assert summarize([], [], np.zeros((0, 4), dtype=np.float32), BriefOptions()) == ()
