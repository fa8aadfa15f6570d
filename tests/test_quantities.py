"""Quantities: numbers in digits and words, their unit, hedges read as ranges."""

from __future__ import annotations

import pytest

from storyweave.nlp.quantities import comparable, compatible, quantities


def only(text: str):
    found = quantities(text)
    assert len(found) == 1, [q.text for q in found]
    return found[0]


@pytest.mark.parametrize(
    ("text", "written", "low", "high"),
    [
        ("About 40 ships waited offshore.", "About 40 ships", 36, 44),
        ("At least 52 vessels were at anchor.", "At least 52 vessels", 52, 78),
        ("They recalled 1,200 kettles.", "1,200 kettles", 1200, 1200),
        ("Some forty ships waited.", "Some forty ships", 36, 44),
        ("Dozens of ships waited.", "Dozens of ships", 24, 99),
        ("Police counted fewer than 3,000 votes.", "fewer than 3,000 votes", 2000, 3000),
    ],
)
def test_counts_read_hedges_as_ranges(text: str, written: str, low: float, high: float) -> None:
    quantity = only(text)
    assert quantity.text == written
    assert quantity.kind == "count"
    assert quantity.low == pytest.approx(low, rel=1e-6)
    assert quantity.high == pytest.approx(high, rel=1e-6)


def test_durations_share_one_scale_whatever_the_wording() -> None:
    lunch = only("The lunch lasted two and a half hours.")
    meeting = only("It followed a two-hour meeting.")
    strike = only("It ended a 13-day strike.")
    nearly = only("The strike lasted nearly two weeks.")
    assert (lunch.kind, lunch.low, lunch.high) == ("duration", 2.5, 2.5)
    assert meeting.subject == "meeting" and meeting.low == 2.0
    assert strike.low == 13 * 24
    assert compatible(strike, nearly)  # 13 days is "nearly two weeks"


def test_more_than_two_hours_agrees_with_two_and_a_half() -> None:
    more = only("The lunch lasted more than two hours.")
    exact = only("The lunch lasted two and a half hours.")
    assert compatible(more, exact)


def test_two_hours_conflicts_with_more_than_three() -> None:
    two = only("They met for a two-hour meeting.")
    three = only("They held more than three hours of talks.")
    assert three.subject == "talks"
    assert not compatible(two, three)


def test_about_forty_conflicts_with_at_least_fifty_two() -> None:
    assert not compatible(only("About 40 ships waited."), only("At least 52 ships waited."))


def test_percentages_and_money() -> None:
    found = quantities("Pay rises 4.5% this year and 3 per cent next year, costing $5 million.")
    assert [(q.text, q.kind, q.value) for q in found] == [
        ("4.5%", "percent", 4.5),
        ("3 per cent", "percent", 3.0),
        ("$5 million", "money", 5_000_000.0),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "The plan dates from 2028.",
        "The strike began on March 2.",
        "It was announced at 8 a.m. on the quay.",
        "The quake struck at 21:17 local time.",
        "A six-year-old girl was burned.",
        "Sales of the BrightKettle 2 stopped.",
        "The two ministers met one resident.",
        "The 17th-century tower fell.",
    ],
)
def test_years_dates_times_ages_and_labels_are_not_amounts(text: str) -> None:
    assert quantities(text) == ()


def test_casualty_wordings_share_a_role() -> None:
    killed = quantities("At least 14 people were killed and more than 60 injured.")
    toll = only("The death toll from the quake has risen to 23, officials said.")
    dead = only("The latest figure is 23 dead.")
    assert [q.role for q in killed] == ["dead", "injured"]
    assert toll.role == dead.role == "dead"
    assert comparable(killed[0], toll) and not comparable(killed[1], toll)
    # "at least 14" does not stretch to 23: reporters would not write it for 23 known dead.
    assert not compatible(killed[0], toll)


def test_prison_terms_have_a_role() -> None:
    jailed = quantities("The boss was jailed for five years yesterday.")
    sentenced = quantities("He was sentenced to four years in prison.")
    assert jailed[0].role == sentenced[0].role == "prison term"
    assert not compatible(jailed[0], sentenced[0])


def test_sentences_without_numbers_have_no_quantities() -> None:
    # The fast path: nothing number-like, nothing tokenised.
    assert quantities("The ferry crews went home after the vote.") == ()
    assert [q.text for q in quantities("The ferry crews voted by a margin of one hundred.")] == [
        "one hundred"
    ]


def test_nearly_five_years_agrees_with_five_years() -> None:
    # A real briefing once set these against each other as a conflict.
    assert compatible(only("He was jailed for nearly five years."), only("He was jailed for five years."))
    assert not compatible(only("He was jailed for nearly five years."), only("He was jailed for three years."))


@pytest.mark.parametrize("text", [
    "The storm was 300 miles wide.",
    "It measured 483 kilometers across.",
    "Its winds reached 483 kms inland.",
])
def test_distances_keep_their_unit_before_an_adverb_and_share_one_scale(text: str) -> None:
    distance = only(text)
    assert distance.unit == "mile"
    assert distance.low == pytest.approx(300, rel=0.01)


@pytest.mark.parametrize(("text", "written"), [
    ("Another 12 people were injured.", "12 people"),
    ("The 12 miners were rescued.", "12 miners"),
    ("A 640-kilometer wide hurricane moved west.", "640-kilometer wide hurricane"),
])
def test_a_capitalised_opener_before_a_number_is_no_label(text: str, written: str) -> None:
    assert only(text).text == written


def test_a_capitalised_name_before_a_number_is_still_a_label() -> None:
    assert quantities("Route 66 was closed for the parade.") == ()
