"""Incremental story clustering: features, decisions, merges, windows, languages."""

from __future__ import annotations

import zlib
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

from storyweave.stories.clustering import (
    ClusterParams,
    Features,
    StoryIndex,
    cluster_in_memory,
    content_hash,
    detect_language,
    event_time,
    minhash,
    similarity,
    top_entities,
)

DATA = Path(__file__).parent / "data"
DAY = 86400.0


def _vector(*weights: float) -> np.ndarray:
    v = np.zeros(8, dtype=np.float32)
    v[: len(weights)] = weights
    return v / np.linalg.norm(v)


_WORDS = "alder birch cedar elm fir hazel larch maple oak pine rowan spruce willow yew ash".split()


def _features(vector: np.ndarray, *, time: float = 0.0, language: str = "en",
              entities: tuple[str, ...] = (), text: str | None = None) -> Features:
    # Words drawn from a seed of the other fields unless a text is given, so two test
    # articles' signatures do not collide by accident (and every run draws the same).
    rng = np.random.default_rng(zlib.crc32(vector.tobytes() + repr((time, language, entities)).encode()))
    body = text if text is not None else " ".join(rng.choice(_WORDS, size=40))
    return Features(vector, entities, time, language, minhash(body))


def test_content_hash_ignores_spacing_and_case_not_words() -> None:
    assert content_hash("The ferry  ran\naground.") == content_hash("the ferry ran aground")
    assert content_hash("The ferry ran aground.") != content_hash("The ferry sank.")


def test_minhash_estimates_jaccard() -> None:
    text = " ".join(f"word{i}" for i in range(200))
    assert similarity(minhash(text), minhash(text)) == 1.0
    edited = text + " and one more closing clause added by an editor"
    assert similarity(minhash(text), minhash(edited)) >= 0.8
    other = " ".join(f"other{i}" for i in range(200))
    assert similarity(minhash(text), minhash(other)) < 0.1


def test_language_detection() -> None:
    german = (DATA / "monitor" / "skarre-de.txt").read_text(encoding="utf-8")
    english = (DATA / "stories" / "quake-tarsin" / "daily-standard.txt").read_text(encoding="utf-8")
    assert detect_language(german) == "de"
    assert detect_language(english) == "en"
    assert detect_language("Nordvik aground") == "und"


def test_top_entities_counts_names_and_surnames() -> None:
    text = (
        "Captain Helga Brunn said the Nordvik lost steering. Brunn said fog was thick. "
        "The Skarre Harbour Authority and the MAB agreed. In Skarre, Brunn was praised."
    )
    names = top_entities(text)
    assert names[0] == "brunn"
    assert {"captain helga brunn", "skarre", "mab", "nordvik"} <= set(names)
    assert "the" not in names and "in" not in names


def test_event_time_falls_back_for_missing_or_bad_dates() -> None:
    assert event_time("2030-05-14", 5.0) == datetime(2030, 5, 14, tzinfo=timezone.utc).timestamp()
    assert event_time("2030-05-14T09:00:00+02:00", 5.0) == datetime(
        2030, 5, 14, 7, tzinfo=timezone.utc
    ).timestamp()
    assert event_time(None, 5.0) == 5.0
    assert event_time("soon", 5.0) == 5.0


def test_join_new_and_duplicate_decisions() -> None:
    index = StoryIndex(ClusterParams(join_threshold=0.8, entity_weight=0.0))
    assert index.decide(_features(_vector(1, 0))).kind == "new"
    index.add_story(1, 10, _features(_vector(1, 0), text="the ferry ran aground off skarre today"))
    assert index.decide(_features(_vector(1, 0.1))).kind == "join"
    assert index.decide(_features(_vector(0, 1))).kind == "new"
    copy = index.decide(_features(_vector(1, 0.1), text="the ferry ran aground off skarre today"))
    assert (copy.kind, copy.duplicate_of) == ("duplicate", 10)


def test_entity_overlap_can_tip_a_borderline_article_in() -> None:
    params = ClusterParams(join_threshold=0.9, entity_weight=0.2)
    index = StoryIndex(params)
    index.add_story(1, 1, _features(_vector(1, 0), entities=("skarre", "nordvik")))
    borderline = _vector(1, 0.6)  # cosine ~0.86
    assert index.decide(_features(borderline)).kind == "new"
    assert index.decide(_features(borderline, entities=("skarre", "nordvik"))).kind == "join"


def test_time_window_and_language_keep_stories_apart() -> None:
    index = StoryIndex(ClusterParams(join_threshold=0.8, entity_weight=0.0, window_days=7))
    index.add_story(1, 1, _features(_vector(1, 0), time=0.0))
    assert index.decide(_features(_vector(1, 0), time=6 * DAY)).kind == "join"
    assert index.decide(_features(_vector(1, 0), time=30 * DAY)).kind == "new"
    assert index.decide(_features(_vector(1, 0), language="de")).kind == "new"
    assert index.decide(_features(_vector(1, 0), language="und")).kind == "join"


def test_two_stories_merge_when_they_turn_out_to_be_one() -> None:
    index = StoryIndex(ClusterParams(join_threshold=0.95, entity_weight=0.0, merge_threshold=0.9))
    index.add_story(1, 1, _features(_vector(1, 0)))
    index.add_story(2, 2, _features(_vector(0.8, 0.6)))  # cosine 0.8: kept apart at first
    assert index.merge_candidate(1) is None
    # An article on story 1's exact topic joins story 2 and pulls its centroid over.
    index.add_article(2, 3, _features(_vector(1, 0)))
    assert index.merge_candidate(2) == (2, 1)  # the bigger story keeps its id
    merged = index.merge(2, 1)
    assert merged.size == 3 and set(index.stories) == {2}
    assert sorted(a for a, _ in merged.members) == [1, 2, 3]


def test_cluster_in_memory_is_deterministic_and_follows_merges() -> None:
    items = [_features(_vector(1, 0)), _features(_vector(0, 1)), _features(_vector(1, 0.05)),
             _features(_vector(0.05, 1))]
    labels = cluster_in_memory(items, ClusterParams(join_threshold=0.9, entity_weight=0.0))
    assert labels == cluster_in_memory(items, ClusterParams(join_threshold=0.9, entity_weight=0.0))
    assert labels[0] == labels[2] and labels[1] == labels[3] and labels[0] != labels[1]


def test_the_story_checks_mean_is_ndarray_mean_bit_for_bit() -> None:
    # The average-linkage merge averages score blocks with check._mean; a change of summation
    # order could move a last digit and with it a tie between two groups.
    from storyweave.stories.check import _mean

    rng = np.random.default_rng(7)
    for rows, columns in [(1, 1), (1, 7), (3, 5), (2, 64), (13, 17), (40, 61)]:
        block = rng.random((rows, columns)) * 1.7 - 0.3
        assert _mean(block) == float(block.mean())


def test_term_vectors_weigh_rare_shared_words_over_common_ones() -> None:
    """Two reports naming the same (invented) places share more than two of one topic."""
    from storyweave.stories.terms import DIMENSIONS, content_words, term_vector

    storm_a = "The storm flooded Quelmarsh and Dovrenna overnight; rescuers reached Quelmarsh."
    storm_a2 = "Rescuers in Dovrenna and Quelmarsh counted the homes the storm flooded."
    storm_b = "The storm flooded homes overnight in Vetterby; rescuers reached the coast."
    a, a2, b = (term_vector(t) for t in (storm_a, storm_a2, storm_b))
    assert a.shape == (DIMENSIONS,) and abs(float(np.linalg.norm(a)) - 1.0) < 1e-5
    assert float(a @ a2) > float(a @ b)
    assert "the" not in content_words(storm_a) and content_words(storm_a)["quelmarsh"] == 2
    assert np.array_equal(term_vector(storm_a), a)  # deterministic


def test_article_features_put_lead_and_terms_side_by_side_with_the_share() -> None:
    """cosine of combined vectors = (1 - share) x lead cosine + share x term cosine."""
    from storyweave.clean import clean
    from storyweave.embed import load_embedder
    from storyweave.model import Article
    from storyweave.stories.clustering import article_features
    from storyweave.stories.terms import term_vector

    embedder = load_embedder("lexical")
    texts = ["Ferry Morrow sank off Quelmarsh harbour on Monday. All crew were saved by boats.",
             "Crew of the ferry Morrow were saved after it sank off Quelmarsh on Monday."]
    articles = [Article(text=t, origin=f"t{i}.txt") for i, t in enumerate(texts)]
    lead = [article_features(a, clean(a), embedder, 0.0) for a in articles]
    both = [article_features(a, clean(a), embedder, 0.0, ClusterParams(term_share=0.7))
            for a in articles]
    assert lead[0].vector.shape[0] == both[0].vector.shape[0] - 1024
    terms = [term_vector(f"{a.title or clean(a).title or ''}\n" + "\n\n".join(clean(a).paragraphs))
             for a in articles]
    expected = 0.3 * float(lead[0].vector @ lead[1].vector) + 0.7 * float(terms[0] @ terms[1])
    assert abs(float(both[0].vector @ both[1].vector) - expected) < 1e-4
    assert ClusterParams().story_vectors == "lead" and both[0].entities == lead[0].entities


def test_an_article_with_nothing_to_embed_gets_a_zero_vector_not_nan() -> None:
    # A static model that knows no piece of the lead gives a zero vector; with no content
    # word either, the combined vector must stay zero (a NaN would poison the store's index).
    from storyweave.clean import clean
    from storyweave.model import Article
    from storyweave.stories.clustering import article_features

    class KnowsNothing:
        name = "none"

        def encode(self, texts: list[str]) -> np.ndarray:
            return np.zeros((len(texts), 4), dtype=np.float32)

    article = Article(text="Oy oy oy, ah ah ah, eh eh eh. Oy ah eh oy ah eh oy ah eh.", origin="x")
    features = article_features(
        article, clean(article), KnowsNothing(), 0.0, ClusterParams(term_share=0.9)  # type: ignore[arg-type]
    )
    assert not np.isnan(features.vector).any() and not features.vector.any()
