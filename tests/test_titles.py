"""A story's title is the best headline of its articles (issue 16, item 3)."""

from __future__ import annotations

from dataclasses import replace

from storyweave.render.common import headline
from storyweave.stories.titles import best_title, clean_title

from .builders import make_briefing

#: The six headlines of the example story (fictional outlets).
EXAMPLE_TITLES = [
    "Dockers go back to work as Velmora port strike ends",
    "Velmora port talks collapse as strike enters second week",
    "Ardania port strike ends after overnight talks yield pay deal",
    "Velmora strike ends with pay deal as shipping lines eye 52-ship backlog",
    "Strike bosses pocket pay bonanza after holding Velmora port to ransom",
    "Dockers' strike ends as union and port agree deal after all-night talks",
]


def test_the_headline_that_shares_most_with_the_others_names_the_story() -> None:
    # Not the first one, nor a tabloid's angle: the wire's, which says what most say.
    assert best_title(EXAMPLE_TITLES) == "Ardania port strike ends after overnight talks yield pay deal"
    assert best_title(list(reversed(EXAMPLE_TITLES))) == best_title(EXAMPLE_TITLES)


def test_site_names_section_labels_and_missing_titles_are_skipped() -> None:
    assert clean_title("Velmora strike ends with pay deal | Harbourline") == (
        "Velmora strike ends with pay deal"
    )
    assert clean_title("Well-being - a guide") == "Well-being - a guide"  # too short to cut
    assert best_title([None, "PORT STRIKE", "Velmora port strike ends after talks"]) == (
        "Velmora port strike ends after talks"
    )
    assert best_title(["ECONOMY"]) == "ECONOMY"  # nothing better
    assert best_title([None, " "]) is None


def test_the_briefing_heading_is_the_best_headline() -> None:
    briefing = make_briefing()
    sources = tuple(replace(s, title=t) for s, t in zip(briefing.sources, EXAMPLE_TITLES[2:4]))
    assert headline(replace(briefing, sources=sources)) == EXAMPLE_TITLES[2]
    untitled = replace(briefing, sources=tuple(replace(s, title=None) for s in briefing.sources))
    assert headline(untitled) == "The dockers' strike ended on Sunday after talks."


def test_an_untitled_briefing_is_not_headed_by_a_wire_dateline() -> None:
    # DUC-style wire copy has no titles: the heading falls back to the lead summary line,
    # whose dateline ("TRIPOLI, Libya (AP) —") is where it was filed, not what happened.
    briefing = make_briefing()
    untitled = replace(briefing, sources=tuple(replace(s, title=None) for s in briefing.sources))
    lead = replace(untitled.summary[0], text="VELMORA, Ardania (APA) — The dockers' strike ended.")
    dated = replace(untitled, summary=(lead, *untitled.summary[1:]))
    assert headline(dated) == "The dockers' strike ended."
