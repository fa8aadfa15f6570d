"""brief(): the whole path on small fictional inputs; bad articles fail alone."""

from __future__ import annotations

from pathlib import Path

import pytest

from storyweave import Article, Briefer, BriefOptions, OptionsError, brief

REPORTS = [
    (
        "Dock workers in Velmora ended their nine-day strike on Sunday after overnight talks "
    "with the port authority. The union said the new contract raises wages by six percent "
    "over two years. Transport Minister Oskar Brandt thanked both sides for their patience."
    ),
    (
        "Velmora's dock workers ended a nine-day strike on Sunday after talks that ran through "
    "the night. The new contract raises wages by six percent over two years, the union said. "
    "About 40 ships were still waiting offshore on Sunday evening."
    ),
    (
        "The nine-day strike by dock workers at the port of Velmora ended on Sunday after "
    "overnight negotiations. Wages will rise by six percent over two years under the deal. "
    "At least 52 vessels were waiting to berth, the harbour master said."
    ),
]


@pytest.fixture(scope="module")
def briefer() -> Briefer:
    return Briefer(BriefOptions(model="lexical"))


def _articles() -> list[Article]:
    return [Article(text=t, origin=f"r{i}.txt") for i, t in enumerate(REPORTS, 1)]


def test_briefing_cites_real_sentences_and_finds_shared_facts(briefer: Briefer) -> None:
    briefing = briefer.brief(_articles())
    ids = {s.id for src in briefing.sources for s in src.sentences}
    assert [s.id for s in briefing.sources] == ["s1", "s2", "s3"]
    assert briefing.summary
    for line in briefing.summary:
        assert set(line.citations) <= ids
        assert line.text == briefing.sentence(line.citations[0]).text
    assert any(len(f.source_ids) == 3 for f in briefing.facts)
    assert sorted(i for f in briefing.facts for i in f.sentence_ids) == sorted(ids)


def test_same_input_gives_the_same_briefing(briefer: Briefer) -> None:
    assert briefer.brief(_articles()) == briefer.brief(_articles())


def test_one_bad_article_fails_alone(briefer: Briefer) -> None:
    articles = _articles() + [Article(text="Home | News | Sport", origin="junk.txt")]
    briefing = briefer.brief(articles)
    assert len(briefing.sources) == 3
    assert [p.input for p in briefing.problems] == ["junk.txt"]
    assert briefing.problems[0].stage == "clean"


def test_a_single_article_is_briefed_with_a_note(briefer: Briefer) -> None:
    briefing = briefer.brief(_articles()[:1])
    assert len(briefing.sources) == 1
    assert briefing.summary
    assert any("cross-checked" in note for note in briefing.notes)


def test_too_many_articles_is_refused_with_the_limit() -> None:
    with pytest.raises(OptionsError, match="limit is 2"):
        Briefer(BriefOptions(model="lexical", max_articles=2)).brief(_articles())


def test_brief_function_uses_the_default_model() -> None:
    briefing = brief(_articles(), BriefOptions(words=40))
    assert briefing.settings["embedder"] != "lexical"
    assert sum(len(line.text.split()) for line in briefing.summary) <= 40


def test_sentence_budget_bounds_a_huge_article_and_says_so(briefer: Briefer) -> None:
    huge = " ".join(
        f"Crane number {i} at the port of Velmora moved {i} containers on Monday." for i in range(400)
    )
    articles = [Article(text=huge, origin="huge.txt"), *_articles()]
    briefing = Briefer(BriefOptions(model="lexical", max_sentences=60)).brief(articles)
    counts = [len(s.sentences) for s in briefing.sources]
    assert sum(counts) <= 60
    assert counts[1:] == [3, 3, 3]  # short sources keep every sentence
    assert any("huge.txt" in note and "60 sentences" in note for note in briefing.notes)


def test_the_story_check_names_the_stories_an_input_mixes() -> None:
    from storyweave import Briefer, BriefOptions
    from storyweave.model import Article

    strike = [
        (
            "Dock workers in Velmora ended their nine-day strike on Sunday after overnight talks "
            "with the port authority. The union said the new contract raises wages by six percent "
            "over two years. About 40 ships were still waiting offshore on Sunday evening."
        ),
        (
            "The Velmora port strike is over: dockers accepted a contract raising wages by six "
            "percent over two years after talks with the port authority ended on Sunday. Dozens "
            "of ships were still waiting offshore, the union said."
        ),
    ]
    quake = [
        (
            "A magnitude 6.1 earthquake struck the mountain town of Tarsin before dawn on Friday, "
            "collapsing two schools and killing at least 14 people, the regional governor said. "
            "Rescue teams searched the rubble through the morning."
        ),
        (
            "At least 14 people died when a 6.1 magnitude quake hit Tarsin early on Friday, "
            "officials said. Two school buildings collapsed and rescuers dug through the rubble "
            "for survivors."
        ),
    ]
    articles = [Article(text, f"r{k}.txt") for k, text in enumerate([strike[0], quake[0], strike[1], quake[1]])]
    briefer = Briefer(BriefOptions(model="lexical"))
    briefing = briefer.brief(articles)
    assert not briefing.story_check.one_story
    assert sorted(g.source_ids for g in briefing.story_check.stories) == [("s1", "s3"), ("s2", "s4")]
    stories = briefer.brief_each_story(articles)
    assert [tuple(s.id for s in b.sources) for b in stories] == [("s1", "s3"), ("s2", "s4")]
    assert all(b.story_check.one_story for b in stories)
    one = briefer.brief([articles[0], articles[2]])
    assert one.story_check.one_story and one.story_check.off_topic == ()


def test_the_story_check_keeps_the_example_story_whole_with_every_model_kind() -> None:
    """TF-IDF cosines run far below neural ones: the lexical model has its own settings."""
    from storyweave import Briefer, BriefOptions
    from storyweave.ingest import load
    from storyweave.stories.check import LEXICAL, MINILM, NEURAL, STATIC_LEARNED, params_for

    assert params_for("lexical") is LEXICAL and params_for("minilm-int8-onnx") is MINILM
    assert params_for("static-minilm-256d-225a7710") is NEURAL  # no common component
    static_learned = Briefer(BriefOptions(model="static-learned"))
    assert params_for(static_learned.embedder.name) is STATIC_LEARNED
    example = Path(__file__).resolve().parents[1] / "examples" / "harbour-strike"
    paths = sorted(str(p) for p in example.iterdir() if p.suffix in (".txt", ".html"))
    for briefer in (Briefer(BriefOptions(model="lexical")), static_learned):
        briefing = briefer.brief(load(paths).articles)
        assert briefing.story_check.one_story, briefing.story_check


@pytest.mark.parametrize("model", ["lexical", "static-learned"])
def test_a_short_lead_stays_in_the_story_its_headline_names(model: str) -> None:
    """A one-sentence lead shares few words with the longer reports; its headline names the
    event, and counts as one more of its sentences when articles are compared."""
    from storyweave import Briefer, BriefOptions
    from storyweave.model import Article

    reports = [
        Article(
            "Dock workers in Velmora ended their nine-day strike on Sunday after overnight "
            "talks with the port authority. The union said the new contract raises wages by "
            "six percent over two years. About 40 ships were still waiting offshore on Sunday.",
            "a.txt", title="Velmora dock strike ends",
        ),
        Article(
            "The Velmora port strike is over: dockers accepted a contract raising wages by six "
            "percent over two years after talks with the port authority ended on Sunday. "
            "Dozens of ships were still waiting offshore, the union said.",
            "b.txt", title="Port strike over in Velmora",
        ),
    ]
    lead = ("Cranes along the quays swung back into motion on Monday morning as the first "
            "freighters queued to unload their cargo.")
    briefer = Briefer(BriefOptions(model=model))
    untitled = briefer.brief([*reports, Article(lead, "c.txt")]).story_check
    assert untitled.off_topic == ("s3",)
    titled = Article(lead, "c.txt", title="Velmora dockers end nine-day port strike after pay deal")
    assert briefer.brief([*reports, titled]).story_check.one_story


def test_a_one_line_results_item_is_briefed_and_yields_its_names(briefer: Briefer) -> None:
    """Issue 12: a short results item is not dropped for having under 12 words."""
    item = Article(text="Dunmore City 0 Port Ellis United 3\n", origin="result.txt")
    briefing = briefer.brief([*_articles(), item])
    assert not briefing.problems
    names = {e.name: e for e in briefing.entities}
    assert names["Port Ellis United"].source_ids == ("s4",)
    assert names["Velmora"].type == "place"


POLISH = (
    "Robotnicy portowi w Velmorze zakończyli w niedzielę strajk, który trwał dziewięć dni. "
    "Związek powiedział, że nowa umowa podnosi płace o sześć procent w ciągu dwóch lat. "
    "Na redzie wciąż czekało na wejście do portu około czterdziestu statków."
)


def test_an_article_in_another_language_is_set_aside_with_a_reason(briefer: Briefer) -> None:
    articles = _articles()
    articles.insert(1, Article(text=POLISH, origin="pl.txt"))
    briefing = briefer.brief(articles)
    assert [s.origin for s in briefing.sources] == ["r1.txt", "r2.txt", "r3.txt"]
    assert [s.id for s in briefing.sources] == ["s1", "s2", "s3"]  # numbered without a gap
    assert {s.source_id for src in briefing.sources for s in src.sentences} == {"s1", "s2", "s3"}
    assert all(s.id.startswith(f"{s.source_id}.") for src in briefing.sources for s in src.sentences)
    [problem] = briefing.problems
    assert problem.input == "pl.txt" and problem.stage == "language"
    assert problem.problem.startswith("written in Polish while 3 of the 4 articles are in English")
    assert briefing.story_check.one_story


def test_articles_all_in_one_other_language_are_briefed() -> None:
    briefing = Briefer(BriefOptions(model="lexical")).brief(
        [Article(text=POLISH, origin="a.txt"), Article(text=POLISH.replace("około", "ponad"), origin="b.txt")]
    )
    assert len(briefing.sources) == 2 and not briefing.problems
