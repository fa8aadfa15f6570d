"""The timeline a reader sees: events in calendar order, merged across outlets."""

from __future__ import annotations

import dataclasses

from storyweave.model import Fact
from storyweave.views.timeline import build_timeline
from tests.builders import make_source


def test_events_are_in_calendar_order_not_reading_order() -> None:
    s1 = make_source(
        1,
        [
            "Dockers will vote on the deal on Thursday.",
            "The deal was struck early on Sunday after 14 hours of talks.",
            "The dispute began in February, when the port published its automation plan.",
            "The stoppage began on Monday, March 2.",
        ],
        published="2026-03-15T14:32:00",
    )
    timeline = build_timeline([s1], [])
    assert [(e.when, e.date) for e in timeline] == [
        ("in February", "2026-02"),
        ("on Monday, March 2", "2026-03-02"),
        ("early on Sunday", "2026-03-15"),
        ("on Thursday", "2026-03-19"),
    ]


def test_one_event_per_fact_citing_every_outlet() -> None:
    s1 = make_source(
        1, ["Funerals for the first victims will be held on Thursday."], published="2026-05-05"
    )
    s2 = make_source(
        2, ["Funerals for the first victims are planned for Thursday."], published="2026-05-06"
    )
    fact = Fact("f1", s1.sentences[0].text, "s1.1", ("s1.1", "s2.1"), ("s1", "s2"), 0.5)
    (event,) = build_timeline([s1, s2], [fact])
    assert event.date == "2026-05-07"
    assert event.source_ids == ("s1", "s2")
    assert set(event.citations) == {"s1.1", "s2.1"}


def test_an_undated_outlet_borrows_the_date_through_the_fact() -> None:
    dated = make_source(1, ["Talks broke down on Thursday night."], published="2026-03-13")
    undated = make_source(2, ["Talks collapsed late on Thursday."])
    fact = Fact("f1", dated.sentences[0].text, "s1.1", ("s1.1", "s2.1"), ("s1", "s2"), 0.5)
    (event,) = build_timeline([dated, undated], [fact])
    assert event.date == "2026-03-12"


def test_wire_dateline_anchors_a_source_without_publication_date() -> None:
    s1 = make_source(
        1,
        [
            "VELMORA, March 15 (APA) - The union struck a deal on Sunday.",
            "Members will vote on Thursday.",
        ],
    )
    s2 = make_source(2, ["The talks ran all night."], published="2026-03-16")
    timeline = build_timeline([s1, s2], [])
    assert [(e.when, e.date) for e in timeline] == [
        ("on Sunday", "2026-03-15"),
        ("on Thursday", "2026-03-19"),
    ]


def test_quotes_questions_deal_terms_and_predictions_are_not_dated_events() -> None:
    s1 = make_source(
        1,
        [
            '"Today I just want to see those ships unloaded," the minister said.',
            "Will the members vote on Thursday?",
            "There will be no compulsory redundancies until 2029.",
            "Dockers get a 4.5% pay rise this year and 3% next year.",
            "Talks could resume on Sunday, two people said.",
        ],
        published="2026-03-13",
    )
    timeline = build_timeline([s1], [])
    assert [(e.when, e.date) for e in timeline] == [("on Sunday", None)]


def test_interviewee_turns_in_a_transcript_are_quotes() -> None:
    s1 = make_source(
        1,
        ["Cranes are moving again this morning.", "Today I am ordering bread."],
        kind="transcript",
        published="2026-03-16",
    )
    turns = ("NILS AUREN, HOST", "DALIA FENN")
    s1 = dataclasses.replace(
        s1,
        sentences=tuple(
            dataclasses.replace(s, turn_speaker=label) for s, label in zip(s1.sentences, turns)
        ),
    )
    (event,) = build_timeline([s1], [])
    assert (event.when, event.date, event.citations) == ("this morning", "2026-03-16", ("s1.1",))


def test_statement_time_gives_way_to_the_event_time() -> None:
    s1 = make_source(
        1,
        [
            "At least 14 people were killed on Monday evening, the ministry said on Tuesday.",
        ],
        published="2026-05-05",
    )
    (event,) = build_timeline([s1], [])
    assert (event.when, event.date) == ("on Monday evening", "2026-05-04")


def test_a_dated_weekday_on_an_undated_page_takes_a_year_where_it_is_that_weekday() -> None:
    undated = make_source(1, ["The harbour festival opened on Saturday, May 16."])
    dated = make_source(2, ["Crowds filled the quays."], published="2026-05-18")
    (event,) = build_timeline([undated, dated], [])
    assert (event.when, event.date) == ("on Saturday, May 16", "2026-05-16")


def test_tense_places_months_and_days_and_plans_are_dated_ahead() -> None:
    s1 = make_source(
        1,
        [
            "The ferry sank on the night of Feb. 27.",
            "The old quay closed in November.",
            "The new quay will open in November.",
            "Ministers meet Monday to agree the rescue fund.",
        ],
        published="2026-03-13",
    )
    timeline = build_timeline([s1], [])
    assert [(e.when, e.date) for e in timeline] == [
        ("in November", "2025-11"),
        ("Feb. 27", "2026-02-27"),
        ("Monday", "2026-03-16"),
        ("in November", "2026-11"),
    ]


def test_quarters_and_relative_years_are_too_coarse_for_events() -> None:
    s1 = make_source(
        1,
        [
            "Profit rose in the third quarter.",
            "Sales fell earlier this year.",
            "The yard was sold last June.",
        ],
        published="2026-03-13",
    )
    assert [(e.when, e.date) for e in build_timeline([s1], [])] == [("last June", "2025-06")]
