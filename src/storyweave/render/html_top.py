"""The first screen of the HTML page: the top card, the section navigation, and the
coverage-by-side section (see :mod:`.outline` for what the card holds)."""

from __future__ import annotations

from ..model import Briefing
from .html_base import badge, cites, e
from .outline import KIND_TAG, Section, TopCard
from .sides import blindspots_by_side


def top_card_html(briefing: Briefing, card: TopCard) -> str:
    """The card: the story in two lines, outlets and agreement, sides, headline divergences."""
    parts = ['<section class="top-card" aria-labelledby="h-top">',
             '<h2 id="h-top" class="visually-hidden">At a glance</h2>']
    if card.lede:
        parts.append(
            '<p class="lede">'
            + " ".join(f"{e(line.text)} {cites(briefing, line.citations)}" for line in card.lede)
            + "</p>"
        )
    parts.append(f'<p class="glance">{_glance(card)}</p>')
    if card.reports > 1 and card.agreed + card.disputed + card.single_source:
        parts.append(_agreement_bar(card))
    if card.sides:
        chips = " ".join(
            f'<span class="side-chip">{e(c.side)} <b>{len(c.outlets)}</b></span>' for c in card.sides
        )
        parts.append(
            f'<p class="glance sides"><a href="#h-sides">By {e(card.side_key or "side")}</a>: {chips}</p>'
        )
    if card.headlines:
        items = "".join(
            f'<li><a href="#{h.anchor}"><span class="tag tag-{h.kind}">{KIND_TAG[h.kind]}</span>'
            f"{e(h.text)}</a></li>"
            for h in card.headlines
        )
        parts.append(
            '<h3 class="differ">Where they differ</h3>'
            f'<ul class="headlines">{items}</ul>'
        )
    parts.append("</section>")
    return "".join(parts)


def _glance(card: TopCard) -> str:
    first, _, rest = card.agreement_line().partition(" · ")
    return f"<b>{e(first)}</b>" + (f" · {e(rest)}" if rest else "")


def _agreement_bar(card: TopCard) -> str:
    """A bar in three parts: points agreed, points disputed, claims of one outlet."""
    segments = [
        ("agreed", card.agreed, "agreed"),
        ("disputed", card.disputed, "disputed"),
        ("single", card.single_source, "from one outlet"),
    ]
    label = ", ".join(f"{n} {what}" for _, n, what in segments)
    spans = "".join(
        f'<span class="{cls}" style="flex-grow:{n}"></span>' for cls, n, _ in segments if n
    )
    legend = "".join(
        f'<span><i class="sw {cls}"></i>{what}</span>' for cls, n, what in segments if n
    )
    return (
        f'<div class="agree-row"><div class="agree-bar" role="img" aria-label="{e(label)}">'
        f'{spans}</div><span class="legend" aria-hidden="true">{legend}</span></div>'
    )


def navigation_html(found: list[Section]) -> str:
    """Links to every section: sticky at the top on a desktop, one scrolling row on a phone."""
    items = "".join(f'<li><a href="#h-{s.key}">{e(s.title)}</a></li>' for s in found)
    return f'<nav class="toc" aria-label="Sections of this briefing"><ol>{items}</ol></nav>'


def sides_section(briefing: Briefing) -> str:
    """Coverage by side and each side's blindspots (only with an outlet file)."""
    view = briefing.sides
    if view is None:
        return ""
    key = e(view.key)
    if not view.coverage:
        body = f"<p>No outlet of this briefing has a {key} in the outlet file.</p>"
    else:
        rows = "".join(
            f'<li><span class="side-chip">{e(c.side)} <b>{len(c.outlets)}</b></span> '
            + " ".join(badge(briefing, s) for s in c.source_ids)
            + "</li>"
            for c in view.coverage
        )
        if view.unlabelled:
            rows += (
                f"<li><i>no {key} in the outlet file:</i> "
                + " ".join(badge(briefing, s) for s in view.unlabelled)
                + "</li>"
            )
        body = (
            f"<p>Sides are the outlets' <i>{key}</i> in the outlet file. Outlets carrying "
            f'the story:</p><ul class="coverage">{rows}</ul>'
        )
        groups = blindspots_by_side(view)
        if groups:
            body += (
                '<h3>Blindspots</h3><p class="meta">Claims only one side carries while the '
                "other sides cover the story.</p>"
            )
            for side, others, claims, more in groups:
                items = "".join(
                    f"<li>{e(c.text)} {cites(briefing, c.citations)}</li>" for c in claims
                )
                if more:
                    items += f'<li class="more">{more} more in the JSON of this briefing</li>'
                body += (
                    f'<div class="blindspot"><p><b>Only {e(side)} outlets carry</b> '
                    f"(a blindspot for {e(', '.join(others))}):</p><ul>{items}</ul></div>"
                )
    return (
        '<section aria-labelledby="h-sides"><h2 id="h-sides">Coverage by side</h2>'
        f"{body}</section>"
    )
