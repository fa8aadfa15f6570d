"""Temporal expressions: what a reader sees as "when" and the calendar day behind it."""

from __future__ import annotations

import datetime as dt

from storyweave.nlp.dates import dateline, find_times, publication_date

FRIDAY = dt.date(2026, 3, 13)
SUNDAY = dt.date(2026, 3, 15)


def _dates(text: str, published: dt.date | None = FRIDAY, year: int | None = None) -> list:
    return [(m.text, m.date) for m in find_times(text, published, year)]


def test_absolute_dates_in_common_shapes() -> None:
    assert _dates("The strike began on March 2.") == [("on March 2", "2026-03-02")]
    assert _dates("It was signed on 15 March 2025.") == [("on 15 March 2025", "2025-03-15")]
    assert _dates("The file is dated 2026-03-15.") == [("2026-03-15", "2026-03-15")]
    assert _dates("Police arrived Oct. 16.", dt.date(1998, 10, 18)) == [("Oct. 16", "1998-10-16")]


def test_weekday_with_date_is_one_expression() -> None:
    assert _dates("The stoppage began on Monday, March 2, and spread.") == [
        ("on Monday, March 2", "2026-03-02")
    ]


def test_weekday_points_back_in_past_tense_and_forward_in_future() -> None:
    assert _dates("Talks collapsed late on Thursday.") == [("late on Thursday", "2026-03-12")]
    assert _dates("Members will vote on Thursday.") == [("on Thursday", "2026-03-19")]
    assert _dates("Funerals are planned for Thursday.") == [("Thursday", "2026-03-19")]
    # A report published on a Sunday means that very Sunday either way.
    assert _dates("A deal was struck on Sunday morning.", SUNDAY) == [
        ("on Sunday morning", "2026-03-15")
    ]
    assert _dates("Rescuers searched after Monday's quake.", SUNDAY)[0][1] == "2026-03-09"


def test_relative_days_months_and_years() -> None:
    assert _dates("The deal was struck early yesterday.", SUNDAY) == [
        ("early yesterday", "2026-03-14")
    ]
    assert _dates("The strike began earlier this month.")[0][1] == "2026-03"
    assert _dates("Relations soured last year.")[0][1] == "2025"
    assert _dates("The plan was published in February.")[0][1] == "2026-02"
    assert _dates("The commission will meet for the first time in September.")[0][1] == "2026-09"
    assert _dates("The area was last hit in 1987.") == [("in 1987", "1987")]
    assert _dates("It happened two days ago.")[0][1] == "2026-03-11"


def test_without_a_publication_date_only_calendar_dates_are_anchored() -> None:
    assert _dates("Talks resumed on Sunday.", None) == [("on Sunday", None)]
    assert _dates("It began on March 2.", None) == [("on March 2", None)]
    assert _dates("It began on March 2.", None, year=2026) == [("on March 2", "2026-03-02")]


def test_words_that_only_look_like_dates_are_ignored() -> None:
    assert _dates("Officials may resign and troops march on.") == []
    assert _dates("The union has 2,960 members and 3,800 dockers.") == []


def test_statement_times_are_marked_as_reported() -> None:
    (said,) = find_times("The ministry said on Tuesday.", FRIDAY)
    assert said.reported
    (event,) = find_times("The quake struck on Monday evening.", FRIDAY)
    assert not event.reported


def test_publication_dates_and_datelines() -> None:
    assert publication_date("2026-03-15T14:32:00+01:00") == SUNDAY
    assert publication_date("March 15") is None
    assert dateline("VELMORA, March 15 (APA) - Dock workers will return.", 2026) == SUNDAY
    assert dateline("Dock workers will return on March 15.", 2026) is None
