"""The cross-source sections of the HTML page: divergences, people, timeline, outlets."""

from __future__ import annotations

from ..model import Briefing, Divergence
from .common import fact_index, shown_divergences
from .html_base import badge, cites, e
from .outline import KIND_TITLE, divergence_anchor
from .sides import side_tags


def analysis_sections(briefing: Briefing) -> list[str]:
    """The HTML of the non-empty sections after the quotes, in reading order (the
    divergences come before the quotes: :func:`divergences_section`)."""
    return [
        html
        for html in (
            _entities(briefing),
            _timeline(briefing),
            _outlets(briefing),
        )
        if html
    ]


def _section(key: str, title: str, body: str) -> str:
    return (
        f'<section aria-labelledby="h-{key}"><h2 id="h-{key}">{title}</h2>{body}</section>'
    )


def divergences_section(briefing: Briefing) -> str:
    """"Where sources differ", each divergence in an item the top card can link to."""
    if not briefing.divergences:
        return ""
    blocks = []
    tags = side_tags(briefing)
    for kind, heading in KIND_TITLE.items():
        items, more = shown_divergences(briefing, kind)
        if items:
            rows = "".join(
                _divergence(briefing, d, divergence_anchor(kind, i), tags)
                for i, d in enumerate(items, start=1)
            )
            if more:
                rows += f'<li class="more">{more} more in the JSON of this briefing</li>'
            blocks.append(f'<h3>{heading}</h3><ul class="div div-{kind}">{rows}</ul>')
    return _section("divergences", "Where sources differ", "".join(blocks))


def _divergence(
    briefing: Briefing, divergence: Divergence, anchor: str, tags: dict[str, str]
) -> str:
    sides = ""
    if divergence.kind in ("conflict", "superseded"):
        sides = '<ul class="sides">' + "".join(
            "<li>"
            + (f'<b class="value">{e(side.value)}</b> ' if side.value else "")
            + f"{e(side.text)} {cites(briefing, side.citations)}</li>"
            for side in divergence.sides
        ) + "</ul>"
    elif divergence.sides:
        sides = " " + cites(briefing, divergence.sides[0].citations)
        side = tags.get(divergence.fact_ids[0]) if divergence.fact_ids else None
        if divergence.kind == "single_source" and side:
            sides += f' <span class="side-tag">{e(side)}</span>'
    missing = ""
    if divergence.missing_source_ids:
        missing = '<div class="badges">not in: ' + " ".join(
            badge(briefing, s) for s in divergence.missing_source_ids
        ) + "</div>"
    return f'<li id="{anchor}">{e(divergence.summary)}{sides}{missing}</li>'


def _entities(briefing: Briefing) -> str:
    if not briefing.entities:
        return ""
    rows = "".join(
        f"<tr><th scope=\"row\">{e(entity.name)}</th><td>{e(entity.type)}</td>"
        f"<td>{e('; '.join(entity.roles))}</td>"
        f"<td>{' '.join(badge(briefing, s) for s in entity.source_ids)}</td></tr>"
        for entity in briefing.entities
    )
    table = (
        '<table class="entities"><thead><tr><th scope="col">name</th><th scope="col">type</th>'
        '<th scope="col">roles</th><th scope="col">mentioned by</th></tr></thead>'
        f"<tbody>{rows}</tbody></table>"
    )
    return _section("entities", "People, organisations and places", table)


def _timeline(briefing: Briefing) -> str:
    if not briefing.timeline:
        return ""
    rows = "".join(
        f'<li><b class="when">{e(event.date or "date unknown")}</b> '
        f'<span class="as-written">({e(event.when)})</span> {e(event.text)} '
        f"{cites(briefing, event.citations)}</li>"
        for event in briefing.timeline
    )
    return _section("timeline", "Timeline", f'<ol class="timeline">{rows}</ol>')


def _fact_list(briefing: Briefing, heading: str, fact_ids: tuple[str, ...]) -> str:
    facts = fact_index(briefing)
    items = "".join(
        f"<li>{e(facts[f].text)} {cites(briefing, facts[f].sentence_ids)}</li>" for f in fact_ids
    )
    return f"<p>{heading}</p><ul>{items}</ul>"


def _outlets(briefing: Briefing) -> str:
    views = [v for v in briefing.outlets if v.unique or v.missing or v.framing]
    if not views:
        return ""
    blocks = []
    for view in views:
        parts = [f"<h3>{badge(briefing, view.source_id)}</h3>"]
        if view.unique:
            parts.append(_fact_list(briefing, "Only this outlet reports:", view.unique))
        if view.missing:
            parts.append(_fact_list(briefing, "Leaves out what most others report:", view.missing))
        if view.framing:
            parts.append(
                "<p>Framing:</p><ul>"
                + "".join(
                    f'<li><mark class="term">{e(n.term)}</mark> '
                    f'<span class="kind">({e(n.kind.replace("_", " "))})</span> '
                    f"{e(briefing.sentence(n.citation).text)} "
                    f"{cites(briefing, (n.citation,))}<div class=\"note\">{e(n.note)}</div></li>"
                    for n in view.framing
                )
                + "</ul>"
            )
        blocks.append(f'<div class="outlet">{"".join(parts)}</div>')
    return _section("outlets", "By outlet", "".join(blocks))
