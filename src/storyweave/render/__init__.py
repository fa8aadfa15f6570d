"""Renderers: Markdown, JSON and HTML, all reading the same :class:`~storyweave.model.Briefing`."""

from __future__ import annotations

from typing import Literal

from ..model import Briefing
from .html import render_html
from .json import briefing_from_dict, render_json, schema, to_dict
from .markdown import render_markdown

Format = Literal["md", "json", "html"]
FORMATS: tuple[Format, ...] = ("md", "json", "html")


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
    "render_markdown",
    "schema",
    "to_dict",
]
