"""Renderers: schema-valid JSON, escaped HTML, inert Markdown, all from one Briefing."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from html.parser import HTMLParser

import jsonschema
import pytest

from storyweave.render import render, render_html, render_json, render_markdown, schema

from .builders import make_briefing, make_source

HOSTILE = '<script>alert(1)</script><img src=x onerror="alert(2)">\x1b[31m'


def test_json_follows_the_schema_and_citations_resolve() -> None:
    briefing = make_briefing()
    data = json.loads(render_json(briefing))
    jsonschema.validate(data, schema())
    ids = {s["id"] for src in data["sources"] for s in src["sentences"]}
    cited = {c for line in data["summary"] for c in line["citations"]}
    cited |= {c for fact in data["facts"] for c in fact["citations"]}
    assert cited <= ids
    assert data["summary"][0]["sources"] == ["s1", "s2"]
    assert data["sources"][0]["removed"][0]["reason"] == "newsletter prompt"


def test_json_is_deterministic() -> None:
    assert render_json(make_briefing()) == render_json(make_briefing())


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.attrs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attrs += [name for name, _ in attrs]


def test_html_escapes_every_piece_of_source_text() -> None:
    page = render_html(make_briefing(HOSTILE))
    parser = _Collector()
    parser.feed(page)
    assert "script" not in parser.tags
    assert "img" not in parser.tags
    assert not any(a.startswith("on") for a in parser.attrs)
    assert "\x1b" not in page
    assert "&lt;script&gt;" in page
    assert "script-src" not in page and "default-src 'none'" in page


def test_html_citation_shows_the_cited_sentence_and_links_to_it() -> None:
    page = render_html(make_briefing())
    marker = re.search(r'<a class="cite c1" href="#s1\.1"[^>]*>1<span class="tip"', page)
    assert marker, "summary cites source 1 with a tooltip"
    assert 'id="s1.1"' in page  # the link target exists
    assert "Overnight talks" not in page  # (sanity: nothing invented)
    assert "Velmora&#x27;s dock strike ended on Sunday after overnight talks." in page


def test_markdown_cites_sources_and_reports_cleaning() -> None:
    text = render_markdown(make_briefing())
    assert "## Summary" in text
    assert "The dockers' strike ended on Sunday after talks. [1,2]" in text
    assert "## Cleaning report" in text and "newsletter prompt" in text
    assert "## Inputs not briefed" in text


def test_markdown_makes_source_text_inert() -> None:
    text = render_markdown(make_briefing(HOSTILE + " # [link](http://x) | *x*"))
    assert "\x1b" not in text
    assert "<script>" not in text
    assert "\\[link\\](http://x)" in text


def test_newswire_quotes_and_dashes_show_as_typography_but_json_keeps_the_source() -> None:
    wire = " ``We held,'' she said _ twice."
    briefing = make_briefing(wire)
    shown = "\u201cWe held,\u201d she said \u2014 twice."
    assert shown in render_markdown(briefing)
    assert shown in render_html(briefing)
    assert "\\`" not in render_markdown(briefing)
    assert wire.strip() in json.loads(render_json(briefing))["summary"][0]["text"]


def test_a_long_list_of_sources_folds_so_the_first_screen_shows_the_story() -> None:
    few = make_briefing()
    assert '<details class="badges">' not in render_html(few)
    many = replace(few, sources=few.sources + tuple(
        make_source(n, [f"Report {n} on the strike."], outlet=f"Outlet {n % 5}") for n in range(3, 16)
    ))
    page = render_html(many)
    header = page[page.index("<header>"):page.index("</header>")]
    assert '<details class="badges"><summary>15 sources from 7 outlets</summary>' in header
    assert header.count('class="badge') >= 15  # every source still listed, folded
    one_outlet = replace(many, sources=tuple(replace(s, outlet="Wire") for s in many.sources))
    assert "15 sources from 1 outlet</summary>" in render_html(one_outlet)


def test_the_warning_speaks_of_several_off_topic_articles_in_the_plural() -> None:
    from storyweave.model import StoryCheck, StoryGroup
    from storyweave.render.common import story_warning

    base = make_briefing()
    sources = base.sources + tuple(make_source(n, [f"Report {n}."]) for n in range(3, 7))
    main = StoryGroup(source_ids=("s1", "s2", "s3", "s4"), title="Strike ends")
    lone = tuple(StoryGroup(source_ids=(f"s{n}",), title=f"Other {n}") for n in (5, 6))
    two = replace(base, sources=sources, story_check=StoryCheck(groups=(main, *lone)))
    warning = story_warning(two)
    assert warning is not None and warning.headline.startswith("2 of these 6 articles share nothing")
    assert warning.advice.startswith("They are still in the briefing below")
    one = replace(two, story_check=StoryCheck(groups=(main, lone[0])))
    assert story_warning(one).advice.startswith("It is still")  # type: ignore[union-attr]


def test_render_rejects_unknown_format() -> None:
    with pytest.raises(ValueError, match="unknown format"):
        render(make_briefing(), "pdf")  # type: ignore[arg-type]


def test_cross_source_sections_in_all_three_formats() -> None:
    briefing = make_briefing()
    text = render_markdown(briefing)
    for heading in ("## Where sources differ", "### Conflicting reports", "## People, organisations and places",
                    "## Timeline", "## By outlet"):
        assert heading in text
    assert "**about 40** — About 40 ships [2]" in text
    page = render_html(briefing)
    for section in ("h-divergences", "h-entities", "h-timeline", "h-outlets"):
        assert f'id="{section}"' in page
    data = json.loads(render_json(briefing))
    assert data["divergences"][0]["kind"] == "conflict"
    assert data["divergences"][0]["sides"][1]["value"] == "at least 52"
    assert data["outlets"][0]["unique"][0]["fact"] == "f4"
    assert data["timeline"][0]["date"] == "2026-03-15"
    assert data["quotes"][0]["variants"][0]["sources"] == ["s1"]


def test_indirect_quotes_round_trip_and_render_without_quote_marks() -> None:
    from dataclasses import replace

    from storyweave.model import Quote, QuoteMention
    from storyweave.render import to_dict
    from storyweave.render.json import briefing_from_dict

    reported = Quote(
        speaker="Marta Ilves",
        text="the strike fund would last until June",
        sentence_ids=("s1.2",),
        source_ids=("s1",),
        mentions=(QuoteMention("the strike fund would last until June", "Ilves", "s1",
                               ("s1.2",), kind="indirect"),),
        kind="indirect",
    )
    briefing = replace(make_briefing(), quotes=(*make_briefing().quotes, reported))
    data = json.loads(render_json(briefing))
    jsonschema.validate(data, schema())
    assert [q["kind"] for q in data["quotes"]] == ["quoted", "indirect"]
    rebuilt = briefing_from_dict(json.loads(json.dumps(to_dict(briefing))))
    assert rebuilt.quotes == briefing.quotes
    markdown = render_markdown(briefing)
    assert "**Marta Ilves** *(reported)*: the strike fund would last until June" in markdown
    assert "“the strike fund" not in markdown and "“the strike fund" not in render_html(briefing)
    # A briefing stored before quotes had a kind reads as verbatim quotes.
    del data["quotes"][0]["kind"]
    jsonschema.validate(data, schema())
    assert briefing_from_dict(data).quotes[0].kind == "quoted"
