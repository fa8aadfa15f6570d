"""Renderers: Markdown, JSON and HTML, all reading the same :class:`~storyweave.model.Briefing`."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Literal

from ..model import Briefing
from .html import render_html, render_html_many
from .json import briefing_from_dict, render_json, schema, to_dict
from .markdown import render_markdown

Format = Literal["md", "json", "html"]
FORMATS: tuple[Format, ...] = ("md", "json", "html")


def render_many(briefings: Sequence[Briefing], fmt: Format = "md") -> str:
    """Several briefings (one per story, see ``Briefer.brief_each_story``) as one output:
    Markdown separated by rules, a JSON array of briefings, or one HTML page."""
    if len(briefings) == 1:
        return render(briefings[0], fmt)
    if fmt == "md":
        return "\n---\n\n".join(render_markdown(b) for b in briefings)
    if fmt == "json":
        return json.dumps([to_dict(b) for b in briefings], indent=2, ensure_ascii=False) + "\n"
    if fmt == "html":
        return render_html_many(briefings)
    raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")


def render(briefing: Briefing, fmt: Format = "md") -> str:
    """The briefing in ``fmt``: ``"md"`` (Markdown), ``"json"`` or ``"html"``."""
    if fmt == "md":
        return render_markdown(briefing)
    if fmt == "json":
        return render_json(briefing)
    if fmt == "html":
        return render_html(briefing)
    raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")


__all__ = [
    "FORMATS",
    "Format",
    "briefing_from_dict",
    "render",
    "render_html",
    "render_json",
    "render_many",
    "render_markdown",
    "schema",
    "to_dict",
]
