"""The briefing as Markdown: readable as plain text in a terminal, renders well anywhere.

Source text is printed with control characters removed and Markdown's active
characters escaped, so a scraped article cannot restyle or forge parts of the briefing.
"""

from __future__ import annotations

import re

from ..model import Briefing, Source
from .common import (
    agreed_facts,
    fact_index,
    headline,
    labels,
    marker,
    plain,
    quote_variants,
    shown_divergences,
    story_warning,
)

_MD_ACTIVE = re.compile(r"([\\`*_\[\]<>#|])")
#: A list marker at the start of the text ("- ", "+ ", "1. ", "2) "): after our own "- "
#: it would open a nested list, and on a line of its own a list of its own.
_MD_LEADING_MARKER = re.compile(r"^([-+]+|[0-9]{1,9}[.)])(?=\s|$)")


def md(text: str) -> str:
    """Source text made inert in Markdown."""
    escaped = _MD_ACTIVE.sub(r"\\\1", plain(text))
    return _MD_LEADING_MARKER.sub(lambda m: m.group(1)[:-1] + "\\" + m.group(1)[-1], escaped)


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
    out += _story_warning(briefing)
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

    out += _divergences(briefing, label)

    if briefing.quotes:
        out += ["## Quotes", ""]
        for quote in briefing.quotes:
            speaker = md(quote.speaker) if quote.speaker else "*unattributed*"
            if quote.kind == "indirect":  # the reporter's words: no quotation marks
                out.append(f"- **{speaker}** *(reported)*: {md(quote.text)} {marker(quote.source_ids)}")
            else:
                out.append(f"- **{speaker}:** “{md(quote.text)}” {marker(quote.source_ids)}")
            variants = quote_variants(quote)
            if len(variants) > 1:
                for variant in variants:
                    names = ", ".join(md(label[s]) for s in variant.source_ids)
                    out.append(f"    - {names}: “{md(variant.text)}”")
        out.append("")

    if briefing.entities:
        out += ["## People, organisations and places", ""]
        for entity in briefing.entities:
            roles = f" — {md('; '.join(entity.roles))}" if entity.roles else ""
            out.append(f"- **{md(entity.name)}** ({entity.type}){roles} {marker(entity.source_ids)}")
        out.append("")

    if briefing.timeline:
        out += ["## Timeline", ""]
        for event in briefing.timeline:
            when = md(event.date) if event.date else "date unknown"
            out.append(
                f"- **{when}** ({md(event.when)}): {md(event.text)} {marker(event.source_ids)}"
            )
        out.append("")

    out += _outlets(briefing, label)

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


_DIVERGENCE_HEADINGS = (
    ("conflict", "Conflicting reports"),
    ("superseded", "Overtaken by later reports"),
    ("single_source", "Reported by one source only"),
    ("coverage_gap", "Coverage gaps"),
)


def _divergences(briefing: Briefing, label: dict[str, str]) -> list[str]:
    if not briefing.divergences:
        return []
    out = ["## Where sources differ", ""]
    for kind, heading in _DIVERGENCE_HEADINGS:
        items, more = shown_divergences(briefing, kind)
        if not items:
            continue
        out += [f"### {heading}", ""]
        for item in items:
            out.append(f"- {md(item.summary)}")
            if kind in ("conflict", "superseded"):
                for side in item.sides:
                    value = f"**{md(side.value)}** — " if side.value else ""
                    out.append(f"    - {value}{md(side.text)} {marker(side.source_ids)}")
            elif item.sides:
                out[-1] += f" {marker(item.sides[0].source_ids)}"
        if more:
            out.append(f"- *{more} more in the JSON output (--format json)*")
        out.append("")
    return out


def _outlets(briefing: Briefing, label: dict[str, str]) -> list[str]:
    views = [v for v in briefing.outlets if v.unique or v.missing or v.framing]
    if not views:
        return []
    facts = fact_index(briefing)
    out = ["## By outlet", ""]
    for view in views:
        out += [f"### {marker([view.source_id])} {md(label[view.source_id])}", ""]
        if view.unique:
            out.append("Only this outlet reports:")
            out += [f"- {md(facts[f].text)}" for f in view.unique]
            out.append("")
        if view.missing:
            out.append("Leaves out what most others report:")
            out += [f"- {md(facts[f].text)} {marker(facts[f].source_ids)}" for f in view.missing]
            out.append("")
        if view.framing:
            out.append("Framing:")
            out += [
                f"- *{md(n.term)}* ({n.kind.replace('_', ' ')}): {md(briefing.sentence(n.citation).text)}"
                f" — {md(n.note)}"
                for n in view.framing
            ]
            out.append("")
    return out


def _story_warning(briefing: Briefing) -> list[str]:
    """The block a briefing of several stories starts with."""
    warning = story_warning(briefing)
    if warning is None:
        return []
    out = [f"> **Not one story.** {md(warning.headline)}"]
    if len(warning.stories) > 1:
        out += [f"> - {marker(ids)} “{md(title)}”" for ids, title in warning.stories]
    out += [f"> - off-topic: {marker((sid,))} “{md(title)}”" for sid, title in warning.off_topic]
    return out + [f"> {md(warning.advice)}", ""]
