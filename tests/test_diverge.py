"""Divergences: conflicts, superseded claims, single-source claims, coverage gaps."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import numpy as np
import pytest

from storyweave.align import align, similarity_matrix
from storyweave.diverge import claims, find_divergences, stale_sentence_ids
from storyweave.diverge.claims import FEATURES, ClaimModel, load_model
from storyweave.diverge.conflicts import _match_class, _same_role
from storyweave.diverge.context import story_context
from storyweave.diverge.coverage import single_source
from storyweave.diverge.updates import is_historical, is_partial
from storyweave.embed import Embedder, load_embedder
from storyweave.model import Divergence, Source
from storyweave.nlp.quantities import quantities

from .builders import make_source

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def embedder() -> Embedder:
    """The default backend: the thresholds of :mod:`storyweave.diverge` are calibrated on it."""
    return load_embedder("minilm")


def run(sources: list[Source], embedder: Embedder) -> tuple[Divergence, ...]:
    """Align and find divergences the way the pipeline does."""
    sentences = [s for source in sources for s in source.sentences]
    vectors = embedder.encode([s.text for s in sentences])
    facts = align(sentences, similarity_matrix(vectors), threshold=embedder.default_threshold)
    return find_divergences(sources, facts, sentences, similarity_matrix(vectors))[1]


def kinds(divergences: tuple[Divergence, ...], kind: str) -> list[Divergence]:
    return [d for d in divergences if d.kind == kind]


def test_conflicting_counts_become_one_conflict_with_a_side_per_value(embedder: Embedder) -> None:
    sources = [
        make_source(
            1, ["About 40 ships were waiting at anchor off the coast on Sunday."], outlet="Courier"
        ),
        make_source(
            2,
            ["At least 52 ships were waiting at anchor off the coast on Sunday."],
            outlet="Bulletin",
        ),
        make_source(
            3, ["Around 40 ships were waiting at anchor off the coast on Sunday."], outlet="Wire"
        ),
    ]
    [conflict] = kinds(run(sources, embedder), "conflict")
    assert [side.value for side in conflict.sides] == ["About 40 ships", "At least 52 ships"]
    assert [side.source_ids for side in conflict.sides] == [("s1", "s3"), ("s2",)]
    assert conflict.summary == (
        "Sources differ on the number of ships: About 40 ships (Courier, Wire) "
        "vs At least 52 ships (Bulletin)."
    )


def test_compatible_hedges_are_not_flagged(embedder: Embedder) -> None:
    sources = [
        make_source(1, ["The ministers held a working lunch lasting more than two hours."]),
        make_source(2, ["The ministers held a working lunch that lasted two and a half hours."]),
    ]
    assert kinds(run(sources, embedder), "conflict") == []


def test_other_figures_in_a_related_sentence_are_not_a_conflict(embedder: Embedder) -> None:
    sources = [
        make_source(
            1, ["Under the deal dockers get a pay rise of 4.5% this year and 3% next year."]
        ),
        make_source(
            2, ["Under the deal dockers get a pay rise of 4.5% this year, the union said."]
        ),
    ]
    assert kinds(run(sources, embedder), "conflict") == []


def test_prediction_overtaken_by_a_later_report_is_superseded(embedder: Embedder) -> None:
    sources = [
        make_source(
            1,
            [
                "A deal between the union and the port is unlikely before next week, an official said."
            ],
            outlet="Ledger",
            published="2026-03-13T06:10",
        ),
        make_source(
            2,
            ["The union and the port struck a deal on Sunday after talks through the night."],
            outlet="Courier",
            published="2026-03-15T14:32",
        ),
    ]
    divergences = run(sources, embedder)
    [stale] = kinds(divergences, "superseded")
    assert stale.sides[0].citations == ("s1.1",)
    assert stale.sides[1].citations == ("s2.1",)
    assert stale.summary.startswith("Overtaken: Ledger (13 Mar, 06:10) reported")
    assert stale_sentence_ids(divergences) == frozenset({"s1.1"})


def test_a_prediction_published_after_the_report_is_not_superseded(embedder: Embedder) -> None:
    sources = [
        make_source(
            1,
            [
                "A deal between the union and the port is unlikely before next week, an official said."
            ],
            published="2026-03-16T06:10",
        ),
        make_source(
            2,
            ["The union and the port struck a deal on Sunday after talks through the night."],
            published="2026-03-15T14:32",
        ),
    ]
    assert kinds(run(sources, embedder), "superseded") == []


def _early_and_late(early: list[str], late: list[str]) -> list[Source]:
    """An early report (Monday morning) and a later one (Wednesday), both fictional."""
    return [
        make_source(1, early, outlet="Gazette", published="2031-05-12T08:00"),
        make_source(2, late, outlet="Courier", published="2031-05-14T09:00"),
    ]


def test_a_modal_in_an_opinion_clause_is_not_a_prediction_of_the_event(
    embedder: Embedder,
) -> None:
    sources = _early_and_late(
        [
            (
                "Ferry bosses who shut the crossing for a week have won a fat pay award - and "
                "passengers could yet end up footing the bill."
            )
        ],
        ["The ferry company and the crews' union struck a deal to end the stoppage on Tuesday."],
    )
    assert kinds(run(sources, embedder), "superseded") == []


def test_a_number_revised_later_is_an_update_not_a_superseded_prediction(
    embedder: Embedder,
) -> None:
    # Two days later the casualty count is an update: the early figure is overtaken by the
    # later one. The modal ("could take") is about clearing the wreck, which the later
    # sentence does not report, so it is no overtaken prediction.
    sources = _early_and_late(
        [
            (
                "About 30 people were injured in the pile-up on the coast road, and police "
                "warned that clearing the wreckage could take three days."
            )
        ],
        ["At least 45 people were injured in the pile-up on the coast road, police said."],
    )
    divergences = run(sources, embedder)
    assert kinds(divergences, "conflict") == []
    [update] = kinds(divergences, "superseded")
    assert [side.value for side in update.sides] == ["About 30 people", "At least 45 people"]
    assert "gave the number of injured as About 30 people" in update.summary


def test_a_part_of_a_toll_is_not_overtaken_by_the_whole(embedder: Embedder) -> None:
    # "32 more people died" adds to a toll told before; a later total is no update of it.
    sources = _early_and_late(
        ["At least 32 more people died in the flooding in Nicaragua, officials said."],
        ["Around 2,000 people died in the flooding in Nicaragua, officials said."],
    )
    assert kinds(run(sources, embedder), "superseded") == []


def test_a_toll_of_a_past_period_is_not_overtaken(embedder: Embedder) -> None:
    # Two restatements of a regime's victims (seen on DUC 2004 d30003t, Pinochet): a later
    # round figure does not overtake an official count of a past period.
    sources = _early_and_late(
        ["A government report said 4,299 opponents died or disappeared during the general's term."],
        ["The warrant could cover some 3,000 people who were killed during his 17-year rule."],
    )
    assert kinds(run(sources, embedder), "superseded") == []
    assert is_historical("the abuses of his 17-year rule, in which 4,299 people were killed")
    assert not is_historical("At least 32 people died during the storm on Friday.")


@pytest.mark.parametrize(("text", "partial"), [
    ("At least 32 more people died on Friday.", True),
    ("An additional 40 people were injured.", True),
    ("A further 12 people were injured on Friday.", True),
    ("Eight others died in Nicaragua in flooding.", False),  # Nicaragua's whole toll
    ("At least 32 people died on Friday.", False),
    ("The storm killed 357 people, and more were missing.", False),
])
def test_partial_counts_are_told_from_tolls(text: str, partial: bool) -> None:
    [quantity] = quantities(text)
    assert is_partial(text, quantity) is partial


def test_two_measures_of_one_storm_in_one_fact_are_no_dispute() -> None:
    # Aligned sentences with distances of different things (the storm's width, the reach
    # of its winds) share a unit, not what they measure: d30002t set "560-kilometer"
    # against "175 miles". Measures of one fact need a context word in common.
    [width] = quantities("A 640-kilometer wide hurricane moved west.")
    reach = quantities("Tropical storm-force winds stretched 175 miles.")[0]
    assert width.unit == reach.unit == "mile"
    assert not _same_role(width, reach, True, 0.8)
    again = quantities("The 480-kilometer wide hurricane moved west.")[0]
    assert _same_role(width, again, True, 0.8)


def test_other_counts_from_different_days_are_neither_disputed_nor_overtaken(
    embedder: Embedder,
) -> None:
    # A queue that grew between two days' reports: no dispute, and not a casualty figure
    # whose successive values a reader follows (on real clusters such pairs were mostly
    # two different counts).
    sources = _early_and_late(
        ["About 30 lorries were queuing at the ferry terminal, hauliers said."],
        ["At least 45 lorries were stuck at the ferry terminal on Tuesday, hauliers said."],
    )
    divergences = run(sources, embedder)
    assert kinds(divergences, "conflict") == []
    assert kinds(divergences, "superseded") == []


def test_a_modal_inside_an_indirect_question_is_not_a_prediction(embedder: Embedder) -> None:
    sources = _early_and_late(
        ["Talks collapsed on Sunday, and neither side would say when they might meet again."],
        ["The talks collapsed on Sunday after a row over night shifts, the union said."],
    )
    assert kinds(run(sources, embedder), "superseded") == []


def test_a_guess_at_a_figure_is_left_to_the_conflict_finder(embedder: Embedder) -> None:
    sources = _early_and_late(
        ["Two people died in the flood, but officials fear the death toll could be much higher."],
        ["The death toll from the flood has risen to nine, higher than officials had feared."],
    )
    # The toll that rose is an update of the figure, not an overtaken prediction.
    [update] = kinds(run(sources, embedder), "superseded")
    assert all(side.value for side in update.sides) and "death toll" in update.summary


def test_an_event_dated_before_the_prediction_cannot_overtake_it(embedder: Embedder) -> None:
    sources = [
        make_source(
            1,
            ["The two mayors are scheduled to meet May 20 to sign the bridge plan."],
            published="2031-05-16",
        ),
        make_source(
            2,
            ["The two mayors met May 13 and agreed to draw up a bridge plan."],
            published="2031-05-24",
        ),
    ]
    assert kinds(run(sources, embedder), "superseded") == []


def test_the_earliest_direct_statement_overtakes_first(embedder: Embedder) -> None:
    sources = [
        make_source(
            1,
            ["A settlement is unlikely before next week, a senior city official said."],
            outlet="Ledger",
            published="2031-05-10T06:00",
        ),
        make_source(
            2,
            [
                (
                    "Bus services in Orvik resumed on Monday after drivers and the city council "
                    "reached an agreement on Sunday following 12 hours of talks."
                )
            ],
            outlet="Wire",
            published="2031-05-12T09:00",
        ),
        make_source(
            3,
            [
                "Drivers went back to their depots across the city this morning.",
                "Commuters welcomed the return of the buses.",
                (
                    "The settlement was signed early yesterday after talks that ran through the "
                    "night, and the council said it would cost about 2 million crowns."
                ),
            ],
            outlet="Evening Post",
            published="2031-05-13T18:00",
        ),
    ]
    [stale] = kinds(run(sources, embedder), "superseded")
    assert stale.sides[0].citations == ("s1.1",)
    # The Wire's lead said it first and says it most directly; the later report follows.
    assert [side.citations for side in stale.sides[1:]] == [("s2.1",), ("s3.3",)]


def test_single_source_claims_and_coverage_gaps(embedder: Embedder) -> None:
    shared = "Dock workers at the port of Velmora ended their strike on Sunday after a deal."
    sources = [
        make_source(
            1,
            [shared, "Two container lines diverted nine ships to the port of Kessing in Norlund."],
            outlet="Harbourline",
        ),
        make_source(2, [shared.replace("ended", "called off")], outlet="Courier"),
        make_source(3, [shared.replace("Dock workers", "Dockers")], outlet="Wire"),
        make_source(
            4, ["Ferry passengers faced long queues at the terminal in the rain."], outlet="Radio"
        ),
    ]
    divergences = run(sources, embedder)
    single = kinds(divergences, "single_source")
    assert [d.summary for d in single][:1] == [
        (
            "Reported only by Harbourline: Two container lines diverted nine ships to the port "
            "of Kessing in Norlund."
        )
    ]
    [gap] = kinds(divergences, "coverage_gap")
    assert gap.missing_source_ids == ("s4",)
    assert gap.summary.startswith("Covered by 3 of 4 sources; not by Radio:")
    order = [d.kind for d in divergences]
    assert order == sorted(
        order, key=["conflict", "superseded", "single_source", "coverage_gap"].index
    )


def test_a_detail_grouped_with_a_loose_neighbour_is_still_single_source(
    embedder: Embedder,
) -> None:
    # Alignment groups these three (cosine 0.77), but only the first gives the count, the
    # place and the day: it is Harbourline's claim alone. The shipped threshold was chosen
    # on real stories; in a three-sentence story the claim sits just below it, so the
    # listing is checked with every candidate shown: the detail far ahead, the plan behind.
    claim = "About 300 cyclists protested against the new bridge toll in Kessing on Tuesday."
    plan = "Cycling groups plan a protest against the new bridge toll."
    sources = [
        make_source(1, [claim], outlet="Harbourline"),
        make_source(2, [plan], outlet="Courier"),
        make_source(3, [plan], outlet="Wire"),
    ]
    sentences = [s for source in sources for s in source.sentences]
    similarity = similarity_matrix(embedder.encode([s.text for s in sentences]))
    facts = align(sentences, similarity, threshold=embedder.default_threshold)
    story = story_context(sources, facts, sentences, similarity)
    model = load_model()
    every = ClaimModel(**{**model.__dict__, "threshold": 0.0})
    single = single_source(story, facts, frozenset(), model=every)
    assert single[0].sides[0].citations == ("s1.1",)
    assert single[0].summary == f"Reported only by Harbourline: {claim}"
    assert all(d.score < single[0].score / 10 for d in single[1:])


def test_a_side_of_a_conflict_or_a_quoted_statement_is_not_single_source(
    embedder: Embedder,
) -> None:
    sources = [
        make_source(
            1,
            [
                "About 40 ferries were waiting off the coast of Orvik on Sunday, the port said.",
                (
                    "Mayor Tove Brink told hundreds of cheering residents at the old harbour on "
                    'Sunday evening: "We will rebuild every single quay in Orvik."'
                ),
            ],
        ),
        make_source(
            2, ["At least 52 ferries were waiting off the coast of Orvik on Sunday, the port said."]
        ),
    ]
    divergences = run(sources, embedder)
    assert len(kinds(divergences, "conflict")) == 1
    assert kinds(divergences, "single_source") == []


def test_the_shipped_single_source_model_matches_its_features() -> None:
    model = load_model()
    assert model.features == FEATURES
    assert model.weights.shape == model.mean.shape == model.scale.shape == (len(FEATURES),)
    assert 0 < model.threshold < 1 and model.per_outlet >= 1
    assert ClaimModel.from_dict(model.as_dict()).as_dict() == model.as_dict()


def test_single_source_claims_are_capped_per_outlet(embedder: Embedder) -> None:
    sentences = [
        f"About {n}00 cyclists protested against the new bridge toll in Kessing on day {n}."
        for n in range(2, 7)
    ]
    sources = [
        make_source(1, sentences, outlet="Harbourline"),
        make_source(2, ["The harbour reopened after the storm on Tuesday morning."]),
    ]
    model = load_model()
    every = ClaimModel(**{**model.__dict__, "threshold": 0.0, "per_outlet": 2})
    vectors = embedder.encode([s.text for src in sources for s in src.sentences])
    sentences_all = [s for src in sources for s in src.sentences]
    similarity = similarity_matrix(vectors)
    facts = align(sentences_all, similarity, threshold=embedder.default_threshold)
    story = story_context(sources, facts, sentences_all, similarity)
    listed = single_source(story, facts, frozenset(), model=every)
    per_outlet = [d.sides[0].source_ids[0] for d in listed]
    assert per_outlet.count("s1") == 2 and per_outlet.count("s2") <= 2
    assert [d.score for d in listed] == sorted((d.score for d in listed), reverse=True)


def test_no_sentences_no_divergences() -> None:
    assert find_divergences([], (), [], np.zeros((0, 0), dtype=np.float32)) == ((), ())


# ---------------------------------------------------------------- the answer keys

STORIES = ["examples/harbour-strike"] + [
    f"tests/data/stories/{name}"
    for name in (
        "election-kelmark",
        "quake-tarsin",
        "recall-brightkettle",
        "summit-orlen",
        "verdict-morrow-bridge",
    )
]


def _norm(text: str) -> str:
    text = text.replace("“", '"').replace("”", '"').replace("’", "'").replace("‘", "'")
    return re.sub(r"\s+", " ", text).strip()


@pytest.fixture(scope="module")
def briefings() -> dict[str, tuple[object, tuple[Divergence, ...]]]:
    from storyweave import Briefer, BriefOptions, load

    briefer = Briefer(BriefOptions())
    result = {}
    for story in STORIES:
        briefing = briefer.brief(load([str(ROOT / story)]).articles)
        sentences = [s for source in briefing.sources for s in source.sentences]
        similarity = similarity_matrix(briefer.embedder.encode([s.text for s in sentences]))
        facts = align(sentences, similarity, threshold=briefer.embedder.default_threshold)
        started = time.perf_counter()
        _, divergences = find_divergences(briefing.sources, facts, sentences, similarity)
        assert time.perf_counter() - started < 0.5
        assert divergences == briefing.divergences  # what the pipeline does, no more
        result[story] = (sentences, divergences)
    return result


@pytest.mark.parametrize("story", STORIES)
def test_planted_conflicts_are_found_and_compatible_values_are_not(story: str, briefings) -> None:
    sentences, divergences = briefings[story]
    key = json.loads((ROOT / story / "answers.json").read_text(encoding="utf-8"))
    text = {s.id: _norm(s.text) for s in sentences}

    def ids(sentence: str) -> set[str]:
        return {i for i, t in text.items() if _norm(sentence) in t}

    conflicts = kinds(divergences, "conflict")
    for planted in key["conflicts"]:
        cited = [ids(side["sentence"]) for side in planted["sides"]]
        assert any(
            len(
                {
                    k
                    for k, side in enumerate(c.sides)
                    for ids_ in cited
                    if ids_ & set(side.citations)
                }
            )
            >= 2
            for c in conflicts
        ), planted["what"]
    for agreeing in key["compatible"]:
        cited = set().union(*(ids(side["sentence"]) for side in agreeing["sides"]))
        for conflict in conflicts:
            flagged = {c for side in conflict.sides for c in side.citations}
            assert len(flagged & cited) < 2, (agreeing["what"], conflict.summary)


def test_lower_cased_claim_patterns_find_what_case_insensitive_ones_find() -> None:
    # claims.py searches a lower-cased copy of the text with case-sensitive patterns (faster)
    # unless the text holds a character that matches an ASCII letter only case-insensitively.
    texts = [
        "Police ALLEGEDLY fired on Monday, Dec. 20, 2012 (AP PHOTO), previously unseen.",
        "Two hundred and Forty-Two ships, 1,200.5 tonnes, a DOZEN boats, in 1998.",
        "The \u212aelvin-scaled ſhows the ſcene: \u0130n 1998 it \u0131s alleged, TWELVE times.",
        "Nothing here at all.",
    ]
    for text in texts:
        lower = claims._lowered(text)
        for pattern in (claims._HEDGE, claims._CAPTION, claims._BACKGROUND, claims._NUMBER):
            assert claims._search(pattern, text, lower) == bool(pattern[0].search(text))
        assert claims.figures(text) == frozenset(
            m.group().lower().rstrip(".,") for m in claims._NUMBER[0].finditer(text)
        )
    assert claims._lowered(texts[2]) is None and claims._lowered(texts[0]) is not None


def test_numbers_of_different_match_classes_never_count_the_same_thing() -> None:
    # number_conflicts compares only numbers of one match class: that must lose nothing.
    files = [*(ROOT / "examples" / "harbour-strike").glob("*.txt")]
    files += [*(ROOT / "tests" / "data" / "stories").glob("*/*.txt")]
    found = [
        q
        for path in files
        for line in path.read_text(encoding="utf-8").splitlines()
        for q in quantities(line)
    ]
    assert len(found) > 50
    for a in found:
        for b in found:
            if _match_class(a) is not None and _match_class(a) == _match_class(b):
                continue
            for same_fact, cosine in ((True, 1.0), (False, 1.0), (False, 0.45), (False, 0.3)):
                assert not _same_role(a, b, same_fact, cosine), (a.text, b.text)
