"""The summary: budgeted, non-redundant, cited, prefers broadly supported content.

The general cases run for both summarizers (concept coverage, the default, and learned);
the learned one's candidates, features, selection and shipped model have their own cases.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from storyweave.errors import ModelError, OptionsError
from storyweave.ingest import load
from storyweave.ingest.datasets import load_dataset
from storyweave.model import Briefing, Fact, Sentence
from storyweave.options import BriefOptions
from storyweave.pipeline import Briefer
from storyweave.summarize import SentenceScorer, features, learned, summarize, trees
from storyweave.summarize import candidates as cands
from storyweave.views.framing import uses_term

SUMMARIZERS = ("learned", "coverage")
LEARNED40 = BriefOptions(words=40, summarizer="learned")

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


@pytest.mark.parametrize("summarizer", SUMMARIZERS)
def test_summary_prefers_broad_support_and_cites_every_outlet(summarizer: str) -> None:
    facts, sentences, vectors = _cluster()
    summary = summarize(facts, sentences, vectors, BriefOptions(words=40, summarizer=summarizer))
    assert summary[0].fact_id == "f1"
    assert set(summary[0].citations) == {"s1.1", "s2.1", "s3.1"}
    assert summary[0].citations[0] in {"s1.1", "s2.1", "s3.1"}
    assert summary[0].source_ids == ("s1", "s2", "s3")


@pytest.mark.parametrize("summarizer", SUMMARIZERS)
def test_summary_respects_the_word_budget_and_never_repeats_a_fact(summarizer: str) -> None:
    facts, sentences, vectors = _cluster()
    for words in (15, 30, 60, 200):
        options = BriefOptions(words=words, summarizer=summarizer)
        summary = summarize(facts, sentences, vectors, options)
        assert summary, "a summary always has at least one line"
        used = sum(len(line.text.split()) for line in summary)
        assert used <= words or len(summary) == 1
        assert len({line.fact_id for line in summary}) == len(summary)


@pytest.mark.parametrize("summarizer", SUMMARIZERS)
def test_summary_lines_are_verbatim_source_sentences(summarizer: str) -> None:
    facts, sentences, vectors = _cluster()
    texts = {s.text for s in sentences}
    summary = summarize(facts, sentences, vectors, BriefOptions(words=200, summarizer=summarizer))
    assert all(line.text in texts for line in summary)
    assert "He declined to comment." not in {line.text for line in summary}


@pytest.mark.parametrize("summarizer", SUMMARIZERS)
def test_sentence_budget(summarizer: str) -> None:
    facts, sentences, vectors = _cluster()
    summary = summarize(facts, sentences, vectors, BriefOptions(sentences=2, summarizer=summarizer))
    assert len(summary) == 2
    assert "f1" in {line.fact_id for line in summary}
    if summarizer == "coverage":  # concept weights count outlets: the two-source fact next
        assert {line.fact_id for line in summary} == {"f1", "f2"}


@pytest.mark.parametrize("summarizer", SUMMARIZERS)
def test_empty_input_gives_empty_summary(summarizer: str) -> None:
    options = BriefOptions(summarizer=summarizer)
    assert summarize([], [], np.zeros((0, 4), dtype=np.float32), options) == ()


@pytest.mark.parametrize("summarizer", SUMMARIZERS)
def test_excluded_claims_are_never_chosen(summarizer: str) -> None:
    facts, sentences, vectors = _cluster()
    options = BriefOptions(words=200, summarizer=summarizer)
    summary = summarize(facts, sentences, vectors, options, exclude=frozenset({"s1.2", "s2.2"}))
    assert "f2" not in {line.fact_id for line in summary}
    assert not {"s1.2", "s2.2"} & {line.citations[0] for line in summary}


def test_the_summarizer_option_is_validated() -> None:
    assert BriefOptions().summarizer == "coverage"
    with pytest.raises(OptionsError, match="summarizer must be one of learned, coverage"):
        BriefOptions(summarizer="abstractive")


# --- the learned summarizer ---------------------------------------------------------------

STORY = {
    "s1": [
        "Firefighters in Carrowmere contained a blaze at the old flour mill late on Tuesday.",
        "She said the crews had worked through the night to stop it spreading.",
        "The mill's owner, Dana Whitlock, thanked the volunteers who brought water pumps.",
        "A bakery across the river will reopen on Friday after smoke damage is cleaned.",
    ],
    "s2": [
        "A fire at Carrowmere's old flour mill was contained late on Tuesday, officials said.",
        "Fire chief Mara Olsen said no one was hurt in the blaze at the mill.",
        "She said the crews had worked through the night to keep it from spreading further.",
        "Investigators will examine the wiring of the mill's grain dryer next week.",
    ],
}


def _story() -> tuple[list[Fact], list[Sentence], np.ndarray]:
    """Two invented reports; each sentence its own fact except the two openings."""
    sentences = [
        Sentence(id=f"{src}.{i + 1}", source_id=src, index=i, paragraph=i, text=text)
        for src, texts in STORY.items()
        for i, text in enumerate(texts)
    ]
    groups = [["s1.1", "s2.1"]] + [[s.id] for s in sentences if s.id not in ("s1.1", "s2.1")]
    facts = [
        Fact(id=f"f{n + 1}", text=next(s.text for s in sentences if s.id == g[0]),
             representative=g[0], sentence_ids=tuple(g),
             source_ids=tuple(sorted({i.split(".")[0] for i in g})), centrality=0.5)
        for n, g in enumerate(groups)
    ]
    vectors = np.zeros((len(sentences), len(groups)), dtype=np.float32)
    for row, sentence in enumerate(sentences):
        vectors[row, next(n for n, g in enumerate(groups) if sentence.id in g)] = 1.0
    return facts, sentences, vectors


class _Fixed:
    """A scorer that gives each sentence id a fixed probability."""

    def __init__(self, probabilities: dict[str, float]) -> None:
        self.table = probabilities

    def probabilities(self, found, sentences, similarity, stats):  # type: ignore[no-untyped-def]
        return np.array([self.table.get(c.sentence.id, 0.1) for c in found])


def test_a_pronoun_line_comes_only_with_the_sentence_that_names_its_subject() -> None:
    facts, sentences, vectors = _story()
    found = cands.find_candidates(sentences, facts, chained=True)
    follower = next(c for c in found if c.sentence.id == "s2.3")
    assert follower.follows == "s2.2"
    assert next(c for c in found if c.sentence.id == "s1.2").follows == "s1.1"
    # The pronoun line is the best single sentence, its antecedent weak: taken as a pair.
    scorer = _Fixed({"s2.3": 0.9, "s2.2": 0.5, "s1.1": 0.4})
    summary = summarize(facts, sentences, vectors, LEARNED40, scorer=scorer)
    ids = [line.citations[0] for line in summary]
    assert ids.index("s2.3") == ids.index("s2.2") + 1
    # Too little room for the pair: the pronoun line never appears without its antecedent.
    summary = summarize(facts, sentences, vectors, BriefOptions(words=16, summarizer="learned"), scorer=scorer)
    assert "s2.3" not in {line.citations[0] for line in summary}


def test_the_coverage_summarizer_still_leaves_dangling_openings_out() -> None:
    facts, sentences, vectors = _story()
    found = cands.find_candidates(sentences, facts)
    assert not {"s1.2", "s2.3"} & {c.sentence.id for c in found}
    options = BriefOptions(words=200, summarizer="coverage")
    assert "s2.3" not in {line.citations[0] for line in summarize(facts, sentences, vectors, options)}


def test_a_line_that_mostly_repeats_the_summary_is_skipped() -> None:
    sentences = [
        Sentence("s1.1", "s1", 0, 0, "Members will vote on the new contract in a ballot on Thursday."),
        Sentence("s2.1", "s2", 0, 0, "Dockers will vote on the new contract on Thursday."),
        Sentence("s3.1", "s3", 0, 0, "Ferry services to the northern islands resume at dawn."),
    ]
    facts = [
        Fact(f"f{i}", s.text, s.id, (s.id,), (s.source_id,)) for i, s in enumerate(sentences, 1)
    ]
    vectors = np.eye(3, dtype=np.float32)  # no two are paraphrases by cosine
    scorer = _Fixed({"s1.1": 0.9, "s2.1": 0.8, "s3.1": 0.2})
    summary = summarize(facts, sentences, vectors, BriefOptions(words=100, summarizer="learned"), scorer=scorer)
    assert [line.citations[0] for line in summary] == ["s1.1", "s3.1"]


def test_features_ignore_letter_case() -> None:
    facts, sentences, vectors = _story()
    lowered = [replace(s, text=s.text[0] + s.text[1:].lower()) for s in sentences]
    similarity = vectors @ vectors.T
    tables = []
    for sents in (sentences, lowered):
        found = cands.find_candidates(sents, facts, chained=True)
        wording = cands.story_wording(sents)
        stats = features.story_stats(sents, cands.concept_weights(sents, wording), wording)
        tables.append(features.feature_matrix(found, sents, similarity, stats))
    assert tables[0].shape == (len(tables[0]), len(features.FEATURE_NAMES))
    np.testing.assert_allclose(tables[0], tables[1])


def test_rank_features_are_the_same_for_any_monotone_rescaling_of_the_cosines() -> None:
    facts, sentences, vectors = _story()
    rng = np.random.default_rng(7)
    noisy = vectors + 0.3 * rng.random(vectors.shape).astype(np.float32)
    noisy /= np.linalg.norm(noisy, axis=1, keepdims=True)
    found = cands.find_candidates(sentences, facts, chained=True)
    wording = cands.story_wording(sentences)
    stats = features.story_stats(sentences, cands.concept_weights(sentences, wording), wording)
    similarity = noisy @ noisy.T
    a = features.feature_matrix(found, sentences, similarity, stats)
    b = features.feature_matrix(found, sentences, similarity * 0.5 + 0.1, stats)
    ranks = [i for i, name in enumerate(features.FEATURE_NAMES) if name.endswith("_rank")]
    np.testing.assert_allclose(a[:, ranks], b[:, ranks])


def _tiny_model() -> dict[str, object]:
    # Tree 1: x0 <= 2 ? (x1 <= 0.5 ? 1.0 : 2.0) : 3.0 ; tree 2: a lone leaf of 0.25.
    return {
        "format": trees.FORMAT,
        "features": ["a", "b"],
        "base": 0.5,
        "trees": [
            {"feature": [0, 1], "threshold": [2.0, 0.5], "left": [1, -1], "right": [-3, -2],
             "leaf": [1.0, 2.0, 3.0]},
            {"feature": [], "threshold": [], "left": [], "right": [], "leaf": [0.25]},
        ],
    }


def test_the_numpy_tree_evaluator_follows_every_branch() -> None:
    ensemble = trees.from_dict(_tiny_model())
    table = np.array([[1.0, 0.0], [2.0, 0.5], [2.0, 0.7], [2.5, 0.0], [9.0, 9.0]])
    expected = 0.5 + 0.25 + np.array([1.0, 1.0, 2.0, 3.0, 3.0])
    np.testing.assert_allclose(ensemble.predict(table), expected)
    many = np.repeat(table, 300, axis=0)  # more rows than one block
    np.testing.assert_allclose(ensemble.predict(many), np.repeat(expected, 300))
    assert ensemble.predict(np.zeros((0, 2))).shape == (0,)


def test_exported_lightgbm_trees_score_exactly_as_lightgbm() -> None:
    lightgbm = pytest.importorskip("lightgbm")
    rng = np.random.default_rng(3)
    table = rng.normal(size=(400, 3))
    labels = (table[:, 0] + table[:, 1] ** 2 > 1).astype(float)
    params = {"objective": "binary", "num_leaves": 7, "verbose": -1, "num_threads": 1}
    booster = lightgbm.train(params, lightgbm.Dataset(table, labels), num_boost_round=20)
    exported = trees.export_lightgbm(booster, ["a", "b", "c"])
    ensemble = trees.from_dict(json.loads(json.dumps(exported)))
    np.testing.assert_allclose(ensemble.predict(table), booster.predict(table, raw_score=True))


def test_the_shipped_model_loads_and_describes_its_training() -> None:
    scorer = SentenceScorer.for_embedder("minilm-int8-onnx")
    meta = scorer.ensemble.meta
    assert meta["embedder"] == "minilm-int8-onnx"
    assert meta["trained_on"]["validation_fulltext_clusters"] == 250
    assert "duc" not in json.dumps(meta).lower()  # DUC 2004 is kept for testing only
    assert meta["cross_validation"]["rouge_f1_at_300_words"]["rouge2"] > 15
    # A backend nobody trained a model for gets the default backend's.
    other = SentenceScorer.for_embedder("st:some-user-model")
    assert other.ensemble.meta["embedder"] == learned.FALLBACK_EMBEDDER


def test_a_broken_model_file_is_a_clear_error(tmp_path) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "model.json"
    bad.write_text("{}", encoding="utf-8")
    with pytest.raises(ModelError, match="not a storyweave-trees/1 model file"):
        SentenceScorer.load(bad)
    bad.write_text(json.dumps(_tiny_model()), encoding="utf-8")
    with pytest.raises(ValueError, match="retrain it with scripts/train_summarizer.py"):
        SentenceScorer.load(bad)


def test_the_learned_summary_is_deterministic_and_cites_real_sentences() -> None:
    facts, sentences, vectors = _story()
    ids = {s.id for s in sentences}
    first = summarize(facts, sentences, vectors, BriefOptions(words=60, summarizer="learned"))
    assert first == summarize(facts, sentences, vectors, BriefOptions(words=60, summarizer="learned"))
    assert all(set(line.citations) <= ids for line in first)


def test_the_shipped_model_ranks_the_same_way_whatever_the_candidate_order() -> None:
    facts, sentences, vectors = _cluster()
    similarity = vectors @ vectors.T
    found = cands.find_candidates(sentences, facts, chained=True)
    wording = cands.story_wording(sentences)
    stats = features.story_stats(sentences, cands.concept_weights(sentences, wording), wording)
    scorer = SentenceScorer.for_embedder("minilm-int8-onnx")
    first = scorer.probabilities(found, sentences, similarity, stats)
    assert np.all((first > 0) & (first < 1))
    np.testing.assert_array_equal(first, scorer.probabilities(found, sentences, similarity, stats))
    backwards = scorer.probabilities(found[::-1], sentences, similarity, stats)
    np.testing.assert_allclose(backwards[::-1], first)


def test_learned_lines_follow_the_story_order_and_cite_their_whole_fact() -> None:
    facts, sentences, vectors = _cluster()
    # The most probable line sits late in its article; it is still printed after the lead.
    scorer = _Fixed({"s2.3": 0.9, "s1.2": 0.7, "s3.1": 0.6})
    summary = summarize(facts, sentences, vectors, LEARNED40, scorer=scorer)
    assert [line.citations[0] for line in summary] == ["s3.1", "s1.2", "s2.3"]
    fact_of = {sid: fact for fact in facts for sid in fact.sentence_ids}
    for line in summary:
        fact = fact_of[line.citations[0]]
        assert line.fact_id == fact.id
        assert set(line.citations) == set(fact.sentence_ids)
        assert line.source_ids == fact.source_ids


def test_learned_selection_takes_no_second_wording_of_a_fact_and_no_paraphrase() -> None:
    facts, sentences, vectors = _cluster()
    # All three wordings of the lead fact score highest; one of them is enough.
    scorer = _Fixed({"s1.1": 0.95, "s2.1": 0.94, "s3.1": 0.93, "s1.2": 0.5})
    summary = summarize(facts, sentences, vectors, BriefOptions(words=200, summarizer="learned"), scorer=scorer)
    assert [line.fact_id for line in summary].count("f1") == 1
    # Two different facts whose vectors are the same are paraphrases: only one is taken.
    twins = vectors.copy()
    twins[sentences.index(next(s for s in sentences if s.id == "s2.3"))] = twins[0]
    summary = summarize(facts, sentences, twins, BriefOptions(words=200, summarizer="learned"), scorer=scorer)
    assert "f4" not in {line.fact_id for line in summary}


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


@pytest.mark.parametrize("summarizer", SUMMARIZERS)
def test_avoided_sentences_never_reach_the_summary_but_their_fact_can(summarizer: str) -> None:
    facts, sentences, vectors = _cluster()
    options = BriefOptions(words=40, summarizer=summarizer)
    avoid = frozenset({"s1.1", "s2.1"})  # two wordings of the lead fact use a flagged word
    lines = summarize(facts, sentences, vectors, options, avoid=avoid)
    cited_first = [line.citations[0] for line in lines]
    assert not set(cited_first) & avoid
    assert "s3.1" in cited_first  # the fact itself survives, in the third outlet's wording
    everything = frozenset(s.id for s in sentences)
    assert summarize(facts, sentences, vectors, options, avoid=everything) == ()


def test_a_neutral_wording_of_the_same_fact_wins_over_a_loaded_one() -> None:
    facts, sentences, vectors = _cluster()
    options = BriefOptions(words=40, summarizer="coverage")
    plain = summarize(facts, sentences, vectors, options)
    assert plain[0].citations[0] == "s1.1"  # "... after overnight talks."
    # Were "overnight" a loaded word, the wording "after talks through the night" wins.
    loaded = summarize(
        facts, sentences, vectors, options, loaded_words=frozenset({"overnight"})
    )
    assert loaded[0].citations[0] == "s2.1"


def test_the_learned_summarizer_discounts_loaded_wording_too() -> None:
    facts, sentences, vectors = _cluster()
    scorer = _Fixed({"s1.1": 0.6, "s2.1": 0.55, "s3.1": 0.5})
    options = LEARNED40
    plain = summarize(facts, sentences, vectors, options, scorer=scorer)
    assert plain[0].citations[0] == "s1.1"
    loaded = summarize(
        facts, sentences, vectors, options, loaded_words=frozenset({"overnight"}), scorer=scorer
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
