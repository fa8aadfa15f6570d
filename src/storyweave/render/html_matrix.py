"""The sources x facts matrix of the HTML page: who reports what, as a heat map.

One row per fact reported by at least two sources (strongest first), one column per
source. A filled cell, in the source's colour, links to that source's sentence and shows
it on hover or keyboard focus, like a citation marker. The last column shades each fact
by how many sources carry it; the last row counts, per source, how many of the listed
facts it reports. Everything here is static HTML and CSS (no script).
"""

from __future__ import annotations

from ..model import Briefing, Fact
from .common import source_number
from .html_base import PALETTE, e

#: Rows shown. Twenty covers every multi-source fact of a typical ten-article story
#: (the example story has 23) while keeping the table readable on a phone.
MAX_MATRIX_FACTS = 20
#: A row label is cut to this many words; the full wording is in each cell's tooltip.
ROW_LABEL_WORDS = 12
#: Shades of the support column, lightest first (level = share of sources, in quarters).
#: Dark text on the light three, white on the dark two: every pair is >= 4.5:1.
_HEAT = ("#eef4fb", "#cfe1f3", "#9fc3e7", "#2f6db0", "#0b4f8a")

MATRIX_CSS = (
    "table.matrix{width:auto;min-width:100%;font-size:.85rem}"
    "table.matrix th,table.matrix td{border:1px solid var(--line);padding:.2rem .3rem}"
    "table.matrix th[scope=row]{font-weight:400;min-width:12rem}"
    "table.matrix thead th,table.matrix td{text-align:center;vertical-align:middle}"
    "table.matrix thead th{white-space:nowrap}table.matrix thead th:first-child{text-align:left}"
    ".mx-num{display:inline-block;min-width:1.4rem;border-radius:.3rem;background:var(--c);"
    "color:#fff;font-weight:600}"
    ".mx{position:relative;display:block;min-width:1.4rem;line-height:1.5rem;border-radius:.25rem;"
    "background:var(--c);color:#fff;text-decoration:none;font-weight:600}"
    ".mx:focus{outline:3px solid #1b1f24;outline-offset:1px}"
    ".mx .tip{left:auto;right:0}"
    ".mx:hover .tip,.mx:focus .tip{display:block}"
    "td.mx-none{color:var(--muted);background:#f6f8fa}td[class^=heat]{min-width:1.8rem}"
    + "".join(
        f"td.heat{level}{{background:{colour};color:{'#fff' if level >= 3 else '#1b1f24'}}}"
        for level, colour in enumerate(_HEAT)
    )
    + ".mx-legend{font-size:.85rem;color:var(--muted)}"
    ".visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;"
    "clip:rect(0 0 0 0);white-space:nowrap}"
    # Scrolling would clip the tooltips, so the table scrolls only on small screens,
    # where tooltips are fixed to the viewport anyway (briefing.css).
    "@media (max-width:40rem){.mx-wrap{overflow-x:auto}table.matrix th[scope=row]{min-width:8rem}"
    ".mx .tip{left:5vw;right:5vw}}"
)


def matrix_facts(briefing: Briefing) -> list[Fact]:
    """The facts the matrix shows: those at least two sources report, strongest first."""
    return [f for f in briefing.facts if len(f.source_ids) >= 2][:MAX_MATRIX_FACTS]


def matrix_section(briefing: Briefing) -> str:
    """The "Who reports what" section, or ``""`` when there is nothing to cross-check."""
    facts = matrix_facts(briefing)
    if len(briefing.sources) < 2 or not facts:
        return ""
    sources = briefing.sources
    head = "".join(
        f'<th scope="col" class="c{source_number(s.id) % len(PALETTE)}">'
        f'<span class="mx-num" aria-hidden="true">{source_number(s.id)}</span>'
        f'<span class="visually-hidden">{e(s.label)}</span></th>'
        for s in sources
    )
    rows = "".join(_row(briefing, fact) for fact in facts)
    counts = "".join(
        f"<td>{sum(1 for f in facts if s.id in f.source_ids)}</td>" for s in sources
    )
    table = (
        '<div class="mx-wrap"><table class="matrix" id="matrix">'
        f"<caption class=\"mx-legend\">{len(facts)} fact{'s' if len(facts) > 1 else ''} "
        "reported by two or more of the "
        f"{len(sources)} sources; a filled cell links to that source's sentence, "
        "n counts the sources.</caption>"
        f'<thead><tr><th scope="col">fact</th>{head}<th scope="col"><span aria-hidden="true">n</span>'
        '<span class="visually-hidden">number of sources</span></th></tr></thead>'
        f"<tbody>{rows}</tbody>"
        f'<tfoot><tr><th scope="row">facts reported</th>{counts}<td></td></tr></tfoot>'
        "</table></div>"
    )
    return (
        '<section aria-labelledby="h-matrix"><h2 id="h-matrix">Who reports what</h2>'
        f"{table}</section>"
    )


def _row(briefing: Briefing, fact: Fact) -> str:
    by_source = {sid.split(".", 1)[0]: sid for sid in reversed(fact.sentence_ids)}
    cells = []
    for source in briefing.sources:
        n = source_number(source.id)
        sentence_id = by_source.get(source.id)
        if sentence_id is None:
            cells.append(
                f'<td class="mx-none"><span aria-hidden="true">·</span>'
                f'<span class="visually-hidden">{e(source.label)}: not reported</span></td>'
            )
            continue
        text = briefing.sentence(sentence_id).text
        cells.append(
            f'<td><a class="mx c{n % len(PALETTE)}" href="#{e(sentence_id)}" '
            f'aria-label="{e(source.label)} reports this">{n}'
            f'<span class="tip" role="tooltip"><b>{e(source.label)}</b>'
            f'<span class="tip-line">“{e(text)}”</span></span></a></td>'
        )
    level = round((len(_HEAT) - 1) * len(fact.source_ids) / len(briefing.sources))
    words = fact.text.split()
    label = " ".join(words[:ROW_LABEL_WORDS]) + (" …" if len(words) > ROW_LABEL_WORDS else "")
    return (
        f'<tr><th scope="row">{e(label)}</th>{"".join(cells)}'
        f'<td class="heat{level}">{len(fact.source_ids)}</td></tr>'
    )
