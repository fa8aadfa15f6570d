"""A living story's "What changed" section, in Markdown, HTML and JSON (the comparison
itself is :func:`storyweave.stories.changes.compare`)."""

from __future__ import annotations

from typing import Any

from ..model import Briefing, BriefingChanges, Change
from .common import marker, md, source_number
from .html_base import cites, e

#: New facts listed in the Markdown and HTML views, most widely reported first (the JSON
#: has every one): what a returning reader scans.
MAX_NEW_FACTS = 8

_GROUPS = (
    ("new_facts", "New facts"),
    ("new_conflicts", "New conflicts"),
    ("resolved_conflicts", "Conflicts no longer reported"),
    ("overtaken", "Claims overtaken"),
)


def _groups(changes: BriefingChanges) -> list[tuple[str, tuple[Change, ...], int]]:
    found = []
    for key, title in _GROUPS:
        items: tuple[Change, ...] = getattr(changes, key)
        shown = items[:MAX_NEW_FACTS] if key == "new_facts" else items
        if shown:
            found.append((title, shown, len(items) - len(shown)))
    return found


def _heading(changes: BriefingChanges) -> str:
    return f"since {changes.since}" if changes.since else "first briefing of this story"


def changes_markdown(changes: BriefingChanges) -> list[str]:
    """The section's Markdown lines."""
    out = ["## What changed", "", f"*{md(_heading(changes))}: {md(changes.line())}*", ""]
    for title, items, more in _groups(changes):
        out += [f"### {title}", ""]
        for item in items:
            ordered = sorted(item.source_ids, key=source_number)
            cited = f" {marker(ordered)}" if ordered else ""
            out.append(f"- {md(item.text)}{cited}")
        if more:
            out.append(f"- *{more} more in the JSON output (--format json)*")
        out.append("")
    return out


def changes_html(changes: BriefingChanges, briefing: Briefing) -> str:
    """The section, for the page of a living story (heading id ``h-changes``)."""
    parts = [
        '<section class="changes" aria-labelledby="h-changes"><h2 id="h-changes">What changed</h2>',
        f'<p class="changes-line"><b>{e(_heading(changes))}:</b> {e(changes.line())}</p>',
    ]
    for title, items, more in _groups(changes):
        rows = "".join(
            f"<li>{e(item.text)}"
            + (f" {cites(briefing, item.citations)}" if item.citations else "")
            + "</li>"
            for item in items
        )
        if more:
            rows += f'<li class="more">{more} more in the JSON of this story</li>'
        parts.append(f"<h3>{title}</h3><ul>{rows}</ul>")
    parts.append("</section>")
    return "".join(parts)


def changes_dict(changes: BriefingChanges) -> dict[str, Any]:
    """The changes as JSON-ready values (``stories`` API, ``brief --story --since``)."""

    def items(values: tuple[Change, ...]) -> list[dict[str, Any]]:
        return [
            {"text": c.text, "citations": list(c.citations), "sources": list(c.source_ids)}
            for c in values
        ]

    return {
        "since": changes.since,
        "line": changes.line(),
        "new_articles": changes.new_articles,
        "outlets_joined": list(changes.outlets_joined),
        "new_facts": items(changes.new_facts),
        "new_conflicts": items(changes.new_conflicts),
        "resolved_conflicts": items(changes.resolved_conflicts),
        "overtaken": items(changes.overtaken),
    }
