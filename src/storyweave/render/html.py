"""The briefing as one self-contained HTML page (no scripts, no external resources).

Every piece of source text goes through :func:`html.escape`; the page carries a
Content-Security-Policy that forbids scripts outright, so even a mistake here could not
run code from an article. Citation markers show the cited sentences on hover and on
keyboard focus (pure CSS) and link to the sentence in its source, highlighted.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from importlib import resources

from ..model import Briefing, BriefingChanges, Source
from .changes import changes_html
from .common import (
    agreed_facts,
    copy_share,
    headline,
    labels,
    quote_variants,
    reported_by,
    source_number,
    story_warning,
)
from .html_analysis import analysis_sections, divergences_section
from .html_base import PALETTE, badge, cites, e
from .html_matrix import MATRIX_CSS, matrix_section
from .html_top import navigation_html, sides_section, top_card_html
from .outline import TopCard, sections, top_card
from .sides import side_tags

#: Scripts are forbidden outright: a page of escaped source text needs none.
CSP_META = (
    '<meta http-equiv="Content-Security-Policy" '
    "content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">"
)


def render_html(
    briefing: Briefing, *, matrix: bool = False, changes: BriefingChanges | None = None
) -> str:
    """The briefing as a complete HTML document; ``matrix`` adds the sources x facts table,
    ``changes`` a living story's "What changed" section."""
    title = e(headline(briefing))
    parts = [
        "<!doctype html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        CSP_META,
        f"<title>{title} · storyweave</title>",
        f"<style>{html_css(matrix=matrix)}</style>",
        "</head><body><main>",
        render_html_body(briefing, matrix=matrix, changes=changes),
        "</main></body></html>",
    ]
    return "\n".join(parts) + "\n"


def render_html_many(briefings: Sequence[Briefing]) -> str:
    """Several briefings (one per story) as one page, each in its own article."""
    title = " · ".join(e(headline(b)) for b in briefings)
    # Sources keep their numbers across the stories, so sentence and source anchors are
    # already unique on the page; section headings get the story's number.
    bodies = "\n".join(
        '<article class="story">'
        + render_html_body(b)
        .replace('id="h-', f'id="story{k}-h-')
        .replace('aria-labelledby="h-', f'aria-labelledby="story{k}-h-')
        .replace('href="#h-', f'href="#story{k}-h-')
        .replace('id="d-', f'id="story{k}-d-')
        .replace('href="#d-', f'href="#story{k}-d-')
        + "</article>"
        for k, b in enumerate(briefings, start=1)
    )
    return "\n".join(
        [
            "<!doctype html>",
            '<html lang="en"><head><meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            CSP_META,
            f"<title>{title} · storyweave</title>",
            f"<style>{html_css()}</style>",
            "</head><body><main>",
            bodies,
            "</main></body></html>",
        ]
    ) + "\n"


def html_css(*, matrix: bool = False) -> str:
    """The stylesheet the briefing body needs (for pages that embed :func:`render_html_body`)."""
    css = resources.files(__package__).joinpath("briefing.css").read_text("utf-8")
    return css + _colour_rules() + (MATRIX_CSS if matrix else "")


def render_html_body(
    briefing: Briefing, *, matrix: bool = False, changes: BriefingChanges | None = None
) -> str:
    """The briefing's sections without the document around them, for embedding in a page
    that supplies :func:`html_css` (the web server's briefing page does).

    The page opens with the one-story warning (when the inputs mix stories), then the top
    card and the section navigation. ``changes`` are what changed in a living story since
    an earlier briefing: a section of their own (heading id ``h-changes``), first.
    """
    # Sources with the same outlet (ten wire stories) get telling labels everywhere below.
    label = labels(briefing)
    card = top_card(briefing)
    briefing = replace(
        briefing, sources=tuple(replace(s, outlet=label[s.id]) for s in briefing.sources)
    )
    title = e(headline(briefing))
    parts = [f'<header><h1>{title}</h1><p class="meta">{_meta(briefing, card)}</p></header>']
    parts.append(_story_warning(briefing))
    parts.append(top_card_html(briefing, card))
    parts.append(navigation_html(sections(briefing, matrix=matrix, changes=changes is not None)))
    parts += [f'<p class="note" role="note">{e(note)}</p>' for note in briefing.notes]
    if changes is not None:
        parts.append(changes_html(changes, briefing))
    parts.append(_summary(briefing))
    parts.append(_facts(briefing))
    parts.append(divergences_section(briefing))
    parts.append(sides_section(briefing))
    if matrix:
        parts.append(matrix_section(briefing))
    parts.append(_quotes(briefing))
    parts += analysis_sections(briefing)
    parts.append(_sources(briefing))
    parts.append(_problems(briefing))
    parts.append(_cleaning(briefing))
    return "\n".join(p for p in parts if p)


def _story_warning(briefing: Briefing) -> str:
    """The alert a briefing of several stories starts with."""
    warning = story_warning(briefing)
    if warning is None:
        return ""
    items = []
    if len(warning.stories) > 1:
        items += [
            f"<li>“{e(title)}” — " + _badges(briefing, ids, f"{len(ids)} articles") + "</li>"
            for ids, title in warning.stories
        ]
    items += [
        f"<li>off-topic: {badge(briefing, sid)} “{e(title)}”</li>" for sid, title in warning.off_topic
    ]
    return (
        '<div class="story-check" role="alert"><p><strong>Not one story.</strong> '
        f"{e(warning.headline)}</p><ul>{''.join(items)}</ul><p>{e(warning.advice)}</p></div>"
    )


#: Source badges shown as they are; longer lists fold into a <details> so that the first
#: screen of a 95-source briefing shows the story, not 95 badges.
MAX_OPEN_BADGES = 12


def _badges(briefing: Briefing, source_ids: Sequence[str], what: str) -> str:
    """The badges of ``source_ids``, folded under ``what`` when there are many."""
    badges = " ".join(badge(briefing, s) for s in source_ids)
    if len(source_ids) <= MAX_OPEN_BADGES:
        return f"{e(what)}: {badges}"
    return f'<details class="badges"><summary>{e(what)}</summary>{badges}</details>'


def _meta(briefing: Briefing, card: TopCard) -> str:
    outlets = f"{card.outlets} outlet{'s' if card.outlets != 1 else ''}"
    what = f"{card.reports} sources" + (f" from {outlets}" if card.outlets != card.reports else "")
    return _badges(briefing, [s.id for s in briefing.sources], what)


def _summary(briefing: Briefing) -> str:
    items = "".join(
        f"<li>{e(line.text)} {cites(briefing, line.citations)}</li>" for line in briefing.summary
    )
    body = f'<ul class="summary">{items}</ul>' if items else "<p>No sentence could be selected.</p>"
    return f'<section aria-labelledby="h-summary"><h2 id="h-summary">Summary</h2>{body}</section>'


def _facts(briefing: Briefing) -> str:
    agreed = agreed_facts(briefing)
    if not agreed:
        return ""
    tags = side_tags(briefing)
    items = "".join(
        f"<li>{e(f.text)} {cites(briefing, f.sentence_ids)}"
        f'<div class="badges">reported by {e(reported_by(briefing, f.source_ids, noun=False))}: '
        + " ".join(badge(briefing, s) for s in f.source_ids)
        + (f' <span class="side-tag">{e(tags[f.id])}</span>' if f.id in tags else "")
        + "</div></li>"
        for f in agreed
    )
    return (
        '<section aria-labelledby="h-facts"><h2 id="h-facts">Agreed facts</h2>'
        f'<ol class="facts">{items}</ol></section>'
    )


def _quotes(briefing: Briefing) -> str:
    if not briefing.quotes:
        return ""
    items = []
    for quote in briefing.quotes:
        speaker = e(quote.speaker) if quote.speaker else "<i>unattributed</i>"
        variants = ""
        wordings = quote_variants(quote)
        if len(wordings) > 1:
            variants = (
                '<ul class="variants">'
                + "".join(
                    "<li>" + " ".join(badge(briefing, s) for s in v.source_ids)
                    + f" “{e(v.text)}”</li>"
                    for v in wordings
                )
                + "</ul>"
            )
        # A reported statement is the reporter's words: no quotation marks around it.
        said = (
            f" <i>(reported)</i>: {e(quote.text)} " if quote.kind == "indirect"
            else f": “{e(quote.text)}” "
        )
        items.append(
            f"<li><b>{speaker}</b>{said}"
            f"{cites(briefing, quote.sentence_ids)}{variants}</li>"
        )
    return (
        '<section aria-labelledby="h-quotes"><h2 id="h-quotes">Quotes</h2>'
        f'<ul class="quotes">{"".join(items)}</ul></section>'
    )


def _sources(briefing: Briefing) -> str:
    blocks = [_source_block(source) for source in briefing.sources]
    return (
        '<section aria-labelledby="h-sources"><h2 id="h-sources">Sources</h2>'
        + _copies(briefing)
        + "".join(blocks)
        + "</section>"
    )


def _copies(briefing: Briefing) -> str:
    """Which sources carry the same text (one report, not independent confirmation)."""
    items = "".join(
        f"<li>{badge(briefing, link.source_id)} carries the same text as "
        f"{badge(briefing, link.of)} ({e(copy_share(link))})</li>"
        for group in briefing.copies
        for link in group.links
    )
    if not items:
        return ""
    return (
        '<p class="copies-note">Same text (wire copies or versions of one story; counted as '
        f'one report):</p><ul class="copies">{items}</ul>'
    )


def _source_block(source: Source) -> str:
    n = source_number(source.id)
    meta = " · ".join(
        e(x)
        for x in (
            source.byline,
            source.published,
            source.kind if source.kind != "article" else None,
        )
        if x
    )
    origin = e(source.origin)
    if source.url and source.url.startswith(("http://", "https://")):
        origin = f'<a href="{e(source.url)}" rel="noopener noreferrer nofollow">{e(source.url)}</a>'
    paragraphs: dict[int, list[str]] = {}
    for sentence in source.sentences:
        speaker = (
            f'<b class="speaker">{e(sentence.turn_speaker)}:</b> '
            if (
                sentence.turn_speaker
                and (sentence.index == 0 or _turn_starts(source, sentence.index))
            )
            else ""
        )
        paragraphs.setdefault(sentence.paragraph, []).append(
            f'{speaker}<span class="sent" id="{e(sentence.id)}">{e(sentence.text)}</span>'
        )
    body = "".join(f"<p>{' '.join(p)}</p>" for _, p in sorted(paragraphs.items()))
    return (
        f'<article class="source c{n % len(PALETTE)}" id="src-{e(source.id)}">'
        f'<h3><span class="num">{n}</span> {e(source.label)}</h3>'
        + (
            f'<p class="title">{e(source.title)}</p>'
            if source.title and source.title != source.label
            else ""
        )
        + f'<p class="meta">{meta}{" · " if meta else ""}{origin}</p>'
        f'<div class="text">{body}</div>'
        "</article>"
    )


def _turn_starts(source: Source, index: int) -> bool:
    return source.sentences[index - 1].turn_speaker != source.sentences[index].turn_speaker or (
        source.sentences[index - 1].paragraph != source.sentences[index].paragraph
    )


def _problems(briefing: Briefing) -> str:
    if not briefing.problems:
        return ""
    items = "".join(
        f"<li><code>{e(p.input)}</code>: {e(p.problem)}</li>" for p in briefing.problems
    )
    return (
        '<section aria-labelledby="h-problems"><h2 id="h-problems">Inputs not briefed</h2>'
        f"<ul>{items}</ul></section>"
    )


def _cleaning(briefing: Briefing) -> str:
    blocks = []
    for source in briefing.sources:
        rows = "".join(
            f"<tr><td>{r.line}</td><td>{e(r.reason)}</td><td>{e(r.text)}</td></tr>"
            for r in source.removed
        )
        table = (
            f"<table><thead><tr><th>line</th><th>reason</th><th>text</th></tr></thead>"
            f"<tbody>{rows}</tbody></table>"
            if rows
            else "<p>Nothing removed.</p>"
        )
        blocks.append(
            f"<h3>{_badge_plain(source)}: {len(source.removed)} lines removed</h3>{table}"
        )
    return (
        '<section aria-labelledby="h-cleaning"><details><summary><h2 id="h-cleaning">'
        "Cleaning report</h2></summary>" + "".join(blocks) + "</details></section>"
    )


def _badge_plain(source: Source) -> str:
    return f"{source_number(source.id)} · {e(source.label)}"


def _colour_rules() -> str:
    return "".join(f".c{i}{{--c:{colour}}}" for i, colour in enumerate(PALETTE))
