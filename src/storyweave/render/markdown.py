"""The briefing as Markdown: readable as plain text in a terminal, renders well anywhere.

Source text is printed with control characters removed and Markdown's active
characters escaped, so a scraped article cannot restyle or forge parts of the briefing.
"""

from __future__ import annotations

from ..model import Briefing, BriefingChanges, Source
from .common import (
    agreed_facts,
    copy_share,
    fact_index,
    labels,
    marker,
    md,
    quote_variants,
    reported_by,
    shown_divergences,
    story_warning,
)
from .outline import KIND_TAG, KIND_TITLE, Section, TopCard, sections, slug, top_card
from .sides import blindspots_by_side, side_tags


def render_markdown(briefing: Briefing, changes: BriefingChanges | None = None) -> str:
    """The briefing as a Markdown document: the one-story warning (when the inputs mix
    stories), the top card, a line of links to the sections, then the sections; a living
    story's ``changes`` come first among them ("What changed")."""
    card = top_card(briefing)
    out: list[str] = [f"# {md(card.headline)}", ""]
    label = labels(briefing)
    out += _story_warning(briefing)
    out += _top_card(card)
    n_sources = len(briefing.sources)
    out.append(
        f"*{n_sources} source{'s' if n_sources != 1 else ''} · "
        f"{len(briefing.facts)} facts · {sum(len(s.sentences) for s in briefing.sources)} "
        "sentences · citations [n] refer to the sources listed below*"
    )
    out.append("")
    out += [navigation(sections(briefing, changes=changes is not None)), ""]
    for note in briefing.notes:
        out += [f"> **Note:** {md(note)}", ""]
    if changes is not None:
        from .changes import changes_markdown

        out += changes_markdown(changes)

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
        tags = side_tags(briefing)
        for i, fact in enumerate(agreed, 1):
            names = ", ".join(md(label[s]) for s in fact.source_ids)
            sides = tags.get(fact.id)
            out.append(
                f"{i}. {md(fact.text)} {marker(fact.source_ids)}  \n"
                f"   *reported by {reported_by(briefing, fact.source_ids)}: {names}"
                + (f" — {md(sides)}*" if sides else "*")
            )
        out.append("")

    out += _divergences(briefing, label)
    out += _sides(briefing, label)

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
    out += _copies(briefing, label)

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


def _copies(briefing: Briefing, label: dict[str, str]) -> list[str]:
    """Under the sources: which of them carry the same text (one report, not two)."""
    out = []
    for group in briefing.copies:
        for link in group.links:
            out.append(
                f"- {marker([link.source_id])} {md(label[link.source_id])} carries the same text "
                f"as {marker([link.of])} {md(label[link.of])} ({copy_share(link)})"
            )
    if out:
        out = ["Same text (wire copies or versions of one story; counted as one report):", "", *out, ""]
    return out


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


def _divergences(briefing: Briefing, label: dict[str, str]) -> list[str]:
    if not briefing.divergences:
        return []
    out = ["## Where sources differ", ""]
    tags = side_tags(briefing)
    for kind, heading in KIND_TITLE.items():
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
                tag = tags.get(item.fact_ids[0]) if kind == "single_source" and item.fact_ids else None
                if tag:
                    out[-1] += f" *({md(tag)})*"
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


def _top_card(card: TopCard) -> list[str]:
    """The card every briefing opens with (after the one-story warning)."""
    out = []
    if card.lede:
        text = " ".join(f"{md(line.text)} {marker(line.source_ids)}" for line in card.lede)
        out += [f"> **In short:** {text}", ">"]
    first, _, rest = md(card.agreement_line()).partition(" · ")
    out.append(f"> **{first}**" + (f" · {rest}" if rest else "") + ("  " if card.sides else ""))
    if card.sides:
        out.append(f"> **By {md(card.side_key or 'side')}:** {md(card.sides_line())}")
    if card.headlines:
        out += [">", "> **Where they differ:**"]
        out += [
            f"> - **{KIND_TAG[h.kind]}:** [{md(h.text)}](#{slug(KIND_TITLE[h.kind])})"
            for h in card.headlines
        ]
    return out + [""]


def navigation(found: list[Section]) -> str:
    """One line of links to the sections (each heading's Markdown anchor)."""
    return "**Sections:** " + " · ".join(f"[{s.title}](#{s.slug})" for s in found)


def _sides(briefing: Briefing, label: dict[str, str]) -> list[str]:
    """Coverage by side and each side's blindspots (with an outlet file)."""
    view = briefing.sides
    if view is None:
        return []
    key = md(view.key)
    out = ["## Coverage by side", ""]
    if not view.coverage:
        out += [f"_No outlet of this briefing has a {key} in the outlet file._", ""]
        return out
    out += [f"Sides are the outlets' *{key}* in the outlet file. Outlets carrying the story:", ""]
    for coverage in view.coverage:
        n = len(coverage.outlets)
        out.append(
            f"- **{md(coverage.side)}** ({n} outlet{'s' if n != 1 else ''}): "
            f"{', '.join(md(o) for o in coverage.outlets)} {marker(coverage.source_ids)}"
        )
    if view.unlabelled:
        names = ", ".join(md(label[s]) for s in view.unlabelled)
        out.append(f"- *no {key} in the outlet file:* {names} {marker(view.unlabelled)}")
    out.append("")
    groups = blindspots_by_side(view)
    if groups:
        out += [
            "### Blindspots",
            "",
            "Claims only one side carries while the other sides cover the story.",
            "",
        ]
        for side, others, claims, more in groups:
            out += [f"**Only {md(side)} outlets carry** (a blindspot for {md(', '.join(others))}):", ""]
            out += [f"- {md(c.text)} {marker(c.source_ids)}" for c in claims]
            if more:
                out.append(f"- *{more} more in the JSON output (--format json)*")
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
