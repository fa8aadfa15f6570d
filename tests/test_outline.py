"""The top card and the section navigation, the same in Markdown, HTML and JSON (issue 16)."""

from __future__ import annotations

import json
import re
from dataclasses import replace

import jsonschema

from storyweave.model import Divergence, Side, StoryCheck, StoryGroup
from storyweave.render import render_html, render_json, render_markdown, schema
from storyweave.render.html import render_html_many
from storyweave.render.outline import MAX_HEADLINES, sections, slug, top_card

from .builders import make_briefing


def _with_overtaken(briefing):  # type: ignore[no-untyped-def]
    overtaken = Divergence(
        kind="superseded",
        summary="Overtaken: Velmora Ledger reported talks would fail; later, Coast Radio: a deal",
        sides=(Side("The dockers' strike ended on Sunday after talks.", ("s1.1",), ("s1",)),
               Side("Velmora's dock strike ended on Sunday after overnight talks.", ("s2.1",), ("s2",))),
        fact_ids=("f1",),
    )
    # single-source first in the tuple: the card must still lead with conflicts and overtaken.
    return replace(briefing, divergences=(briefing.divergences[1], overtaken, briefing.divergences[0]))


def test_card_leads_with_the_story_outlets_agreement_and_conflicts_first() -> None:
    card = top_card(_with_overtaken(make_briefing()))
    assert card.lede[0].text == "The dockers' strike ended on Sunday after talks."
    assert (card.reports, card.outlets) == (2, 2)
    assert (card.conflicts, card.overtaken, card.single_source) == (1, 1, 1)
    # f1 is reported by both outlets but disputed by the overtaken claim: not "agreed".
    assert card.agreed == 0 and card.agreement == 0.0
    assert [h.kind for h in card.headlines] == ["conflict", "superseded", "single_source"]
    assert card.headlines[0].text == "Ships offshore: about 40 vs at least 52"
    assert card.headlines[0].anchor == "d-conflict-1"
    assert len(card.headlines) <= MAX_HEADLINES


def test_two_reports_of_one_outlet_count_as_one_outlet() -> None:
    briefing = make_briefing()
    same = replace(briefing, sources=(briefing.sources[0],
                                      replace(briefing.sources[1], outlet=briefing.sources[0].outlet)))
    card = top_card(same)
    assert (card.reports, card.outlets) == (2, 1)
    assert card.agreement_line().startswith("2 reports from 1 outlet")


def test_markdown_card_comes_first_and_links_each_divergence_to_its_section() -> None:
    text = render_markdown(_with_overtaken(make_briefing()))
    card_at = text.index("> **In short:**")
    assert card_at < text.index("## Summary")
    assert "> - **Conflict:** [Ships offshore: about 40 vs at least 52](#conflicting-reports)" in text
    assert "(#overtaken-by-later-reports)" in text
    # Every link of the card and of the navigation points at a heading that exists.
    headings = {slug(h) for h in re.findall(r"^#{2,3} (.+)$", text, flags=re.MULTILINE)}
    anchors = set(re.findall(r"\]\(#([\w-]+)\)", text))
    assert anchors and anchors <= headings, anchors - headings
    assert text.index("**Sections:**") < text.index("## Summary")
    # Divergences before quotes.
    assert text.index("## Where sources differ") < text.index("## Quotes")


def test_html_card_links_into_items_and_the_navigation_into_sections() -> None:
    page = render_html(_with_overtaken(make_briefing()), matrix=True)
    card = page[page.index('class="top-card"') : page.index("</section>", page.index('class="top-card"'))]
    targets = re.findall(r'href="#(d-[\w-]+)"', card)
    assert targets == ["d-conflict-1", "d-superseded-1", "d-single-source-1"]
    for target in targets:
        assert f'id="{target}"' in page
    nav = page[page.index('<nav class="toc"') : page.index("</nav>", page.index('<nav class="toc"'))]
    keys = re.findall(r'href="#h-([\w-]+)"', nav)
    assert keys[:3] == ["summary", "facts", "divergences"]
    for key in keys:
        assert f'id="h-{key}"' in page
    # Order on the page: card, navigation, summary, divergences before the quotes.
    order = [page.index(x) for x in ('class="top-card"', 'class="toc"', 'id="h-summary"',
                                     'id="h-divergences"', 'id="h-quotes"')]
    assert order == sorted(order)
    assert "position:sticky" in page  # the navigation stays on screen on a desktop


def test_json_top_card_follows_the_schema_and_points_at_divergences() -> None:
    briefing = _with_overtaken(make_briefing())
    data = json.loads(render_json(briefing))
    jsonschema.validate(data, schema())
    assert data["schema_version"] == "1.5"
    top = data["top"]
    assert top["lede"][0]["citations"] == ["s1.1", "s2.1"]
    assert top["agreement"] == {"agreed": 0, "conflicts": 1, "overtaken": 1, "single_source": 1,
                                "share": 0.0}
    kinds = [data["divergences"][d["divergence"]]["kind"] for d in top["divergences"]]
    assert kinds == ["conflict", "superseded", "single_source"]
    assert [s["key"] for s in data["sections"]] == [s.key for s in sections(briefing)]
    assert data["sides"] is None


def test_the_one_story_warning_stays_above_the_card() -> None:
    briefing = replace(
        make_briefing(),
        story_check=StoryCheck(groups=(StoryGroup(("s1",), "Strike ends"),
                                       StoryGroup(("s2",), "Harbour master resigns"))),
    )
    text = render_markdown(briefing)
    assert text.index("> **Not one story.**") < text.index("> **In short:**")
    page = render_html(briefing)
    assert page.index('class="story-check"') < page.index('class="top-card"')


def test_several_stories_on_one_page_keep_their_links_apart() -> None:
    page = render_html_many([make_briefing(), make_briefing()])
    ids = re.findall(r'id="([^"]+)"', page)
    assert "story1-d-conflict-1" in ids and "story2-d-conflict-1" in ids
    for target in re.findall(r'href="#(story\d-[\w-]+)"', page):
        assert target in ids


def test_card_single_source_lines_go_round_the_sources_and_skip_the_off_topic() -> None:
    # DUC d30042t: three of the card's five lines were one article's side details, and one
    # came from the article the warning above the card calls off-topic.
    briefing = make_briefing()
    s1, s2 = briefing.sources
    s3 = replace(s2, id="s3", outlet="Inland Post",
                 sentences=tuple(replace(s, id=f"s3.{n}", source_id="s3")
                                 for n, s in enumerate(s2.sentences, start=1)))

    def only(source: str, n: int) -> Divergence:
        return Divergence(kind="single_source", summary=f"only {source}",
                          sides=(Side(f"Claim {n} of {source}.", (f"{source}.{n}",), (source,)),),
                          fact_ids=("f4",))

    items = (only("s1", 1), only("s1", 2), only("s1", 3), only("s3", 1), only("s2", 1))
    check = StoryCheck(groups=(StoryGroup(("s1", "s2"), "Strike ends"), StoryGroup(("s3",), "")))
    card = top_card(replace(briefing, sources=(s1, s2, s3), divergences=items, story_check=check))
    texts = [h.text for h in card.headlines]
    assert len(texts) == 4 and not any("s3" in t for t in texts)
    assert texts[0].endswith("Claim 1 of s1.") and texts[1].endswith("Claim 1 of s2.")
    # The anchors still point at each item's place in the section.
    assert [h.anchor for h in card.headlines] == [
        "d-single-source-1", "d-single-source-5", "d-single-source-2", "d-single-source-3"
    ]
