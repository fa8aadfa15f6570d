"""Building blocks of the HTML page: escaping, source colours, badges, citation markers."""

from __future__ import annotations

from html import escape

from ..model import Briefing
from .common import plain, source_number

#: Source colours: Okabe-Ito-like hues darkened for ≥ 4.5:1 contrast on white.
PALETTE = (
    "#0b6bb0",
    "#b35900",
    "#087f5b",
    "#a3305e",
    "#5b4bb7",
    "#8a6d00",
    "#2f7d8c",
    "#c0392b",
    "#4d7c0f",
    "#6b4f3a",
)


def e(text: str | None) -> str:
    """Escape source text for HTML, after removing control characters."""
    return escape(plain(text or ""), quote=True)


def badge(briefing: Briefing, source_id: str) -> str:
    source = briefing.source(source_id)
    n = source_number(source_id)
    return (
        f'<a class="badge c{n % len(PALETTE)}" href="#src-{e(source_id)}" '
        f'title="{e(source.title or source.origin)}">{n} · {e(source.label)}</a>'
    )


def cites(briefing: Briefing, citations: tuple[str, ...]) -> str:
    """One marker per cited source; each shows that source's cited sentences."""
    by_source: dict[str, list[str]] = {}
    for sentence_id in citations:
        by_source.setdefault(sentence_id.split(".", 1)[0], []).append(sentence_id)
    markers = []
    for source_id in sorted(by_source, key=source_number):
        source = briefing.source(source_id)
        n = source_number(source_id)
        quoted = "".join(
            f'<span class="tip-line">“{e(briefing.sentence(sid).text)}”</span>'
            for sid in by_source[source_id]
        )
        markers.append(
            f'<a class="cite c{n % len(PALETTE)}" href="#{e(by_source[source_id][0])}" '
            f'aria-label="source {n}, {e(source.label)}">{n}'
            f'<span class="tip" role="tooltip"><b>{e(source.label)}</b>{quoted}</span></a>'
        )
    return '<span class="cites">' + "".join(markers) + "</span>"
