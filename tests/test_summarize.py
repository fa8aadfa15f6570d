"""The summary: budgeted, non-redundant, cited, prefers broadly supported content."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from storyweave.ingest import load
from storyweave.ingest.datasets import load_dataset
from storyweave.model import Briefing, Fact, Sentence
from storyweave.options import BriefOptions
from storyweave.pipeline import Briefer
from storyweave.summarize import summarize
from storyweave.views.framing import uses_term

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


# --- a summary line never uses a term the same briefing flags as loaded -------------------

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO / ".." / "shared" / "data"
STORIES = sorted(p.parent for p in (REPO / "tests" / "data" / "stories").glob("*/answers.json"))
STORIES.append(REPO / "examples" / "harbour-strike")
#: A few real clusters: (file under shared/data, how many of its first clusters).
REAL = (
    ("real_news/basil_dev.jsonl.gz", 2),
    ("real_news/neus_dev.jsonl.gz", 3),
    ("real_news/allsides_raw_dev.jsonl.gz", 3),
)


@pytest.fixture(scope="module")
def briefer() -> Briefer:
    return Briefer(BriefOptions())


def _flagged_in_summary(briefing: Briefing) -> list[tuple[str, str]]:
    terms = [note.term for view in briefing.outlets for note in view.framing]
    return [(t, line.text) for line in briefing.summary for t in terms if uses_term(line.text, t)]


def test_avoided_sentences_never_reach_the_summary_but_their_fact_can() -> None:
    facts, sentences, vectors = _cluster()
    avoid = frozenset({"s1.1", "s2.1"})  # two wordings of the lead fact use a flagged word
    lines = summarize(facts, sentences, vectors, BriefOptions(words=40), avoid=avoid)
    cited_first = [line.citations[0] for line in lines]
    assert not set(cited_first) & avoid
    assert "s3.1" in cited_first  # the fact itself survives, in the third outlet's wording
    everything = frozenset(s.id for s in sentences)
    assert summarize(facts, sentences, vectors, BriefOptions(words=40), avoid=everything) == ()


def test_a_neutral_wording_of_the_same_fact_wins_over_a_loaded_one() -> None:
    facts, sentences, vectors = _cluster()
    plain = summarize(facts, sentences, vectors, BriefOptions(words=40))
    assert plain[0].citations[0] == "s1.1"  # "... after overnight talks."
    # Were "overnight" a loaded word, the wording "after talks through the night" wins.
    loaded = summarize(
        facts, sentences, vectors, BriefOptions(words=40), loaded_words=frozenset({"overnight"})
    )
    assert loaded[0].citations[0] == "s2.1"


@pytest.mark.timeout(300)
@pytest.mark.parametrize("story", STORIES, ids=[p.name for p in STORIES])
def test_no_summary_line_uses_a_flagged_term_on_the_stories(briefer: Briefer, story: Path) -> None:
    loaded = load([str(story)])
    briefing = briefer.brief(loaded.articles, loaded.problems)
    assert briefing.summary
    assert _flagged_in_summary(briefing) == []


@pytest.mark.timeout(300)
@pytest.mark.parametrize("name,count", REAL, ids=[n.split("/")[-1] for n, _ in REAL])
def test_no_summary_line_uses_a_flagged_term_on_real_clusters(
    briefer: Briefer, name: str, count: int
) -> None:
    path = SHARED / name
    if not path.is_file():
        pytest.skip(f"shared data not found: {name} (expected in ../shared/data)")
    for cluster in load_dataset(path, limit=count):
        briefing = briefer.brief(cluster.articles)
        assert briefing.summary, cluster.id
        assert _flagged_in_summary(briefing) == [], cluster.id
