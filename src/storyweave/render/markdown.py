"""The briefing as Markdown: readable as plain text in a terminal, renders well anywhere.

Source text is printed with control characters removed and Markdown's active
characters escaped, so a scraped article cannot restyle or forge parts of the briefing.
"""

from __future__ import annotations

import re

from ..model import Briefing, Source
from .common import agreed_facts, headline, labels, marker, plain

_MD_ACTIVE = re.compile(r"([\\`*_\[\]<>#|])")


def md(text: str) -> str:
    """Source text made inert in Markdown."""
    return _MD_ACTIVE.sub(r"\\\1", plain(text))


def render_markdown(briefing: Briefing) -> str:
    """The briefing as a Markdown document."""
    out: list[str] = [f"# {md(headline(briefing))}", ""]
    label = labels(briefing)
    n_sources = len(briefing.sources)
    out.append(
        f"*{n_sources} source{'s' if n_sources != 1 else ''} · "
        f"{len(briefing.facts)} facts · {sum(len(s.sentences) for s in briefing.sources)} "
        "sentences · citations [n] refer to the sources listed below*"
    )
    out.append("")
    for note in briefing.notes:
        out += [f"> **Note:** {md(note)}", ""]

    out += ["## Summary", ""]
    if briefing.summary:
        for line in briefing.summary:
            out.append(f"- {md(line.text)} {marker(line.source_ids)}")
    else:
        out.append("_No sentence could be selected._")
    out.append("")

    agreed = agreed_facts(briefing)
    if agreed:
        out += ["## Agreed facts", ""]
        for i, fact in enumerate(agreed, 1):
            names = ", ".join(md(label[s]) for s in fact.source_ids)
            out.append(
                f"{i}. {md(fact.text)} {marker(fact.source_ids)}  \n"
                f"   *reported by {len(fact.source_ids)} sources: {names}*"
            )
        out.append("")

    if briefing.quotes:
        out += ["## Quotes", ""]
        for quote in briefing.quotes:
            speaker = md(quote.speaker) if quote.speaker else "*unattributed*"
            out.append(f"- **{speaker}:** “{md(quote.text)}” {marker(quote.source_ids)}")
            wordings = {plain(m.text) for m in quote.mentions}
            if len(wordings) > 1:
                for mention in quote.mentions:
                    out.append(f"    - {md(label[mention.source_id])}: “{md(mention.text)}”")
        out.append("")

    out += ["## Sources", ""]
    for source in briefing.sources:
        out.append(f"{marker([source.id])} {_source_line(source, label[source.id])}")
    out.append("")

    if briefing.problems:
        out += ["## Inputs not briefed", ""]
        for problem in briefing.problems:
            out.append(f"- {md(problem.input)}: {md(problem.problem)}")
        out.append("")

    out += ["## Cleaning report", ""]
    for source in briefing.sources:
        out.append(
            f"### {marker([source.id])} {md(label[source.id])}: "
            f"{len(source.removed)} line{'s' if len(source.removed) != 1 else ''} removed"
        )
        out.append("")
        for removed in source.removed:
            out.append(f"- line {removed.line} ({md(removed.reason)}): {md(removed.text)}")
        if source.removed:
            out.append("")
    return "\n".join(out).rstrip() + "\n"


def _source_line(source: Source, label: str) -> str:
    parts = [f"**{md(label)}**"]
    if source.title and source.title != source.label:
        parts.append(f"“{md(source.title)}”")
    if source.byline:
        parts.append(md(source.byline))
    if source.published:
        parts.append(md(source.published))
    if source.kind == "transcript":
        parts.append("transcript")
    parts.append(md(source.origin))
    return " · ".join(parts)
