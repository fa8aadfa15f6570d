"""Helpers every renderer shares: citation markers, safe text, headline choice."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

from ..model import Briefing, Fact

#: Control characters (ANSI escapes included) that must never reach a terminal or a page.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")

#: The Markdown and HTML views list agreed facts up to this many (JSON has them all).
MAX_LISTED_FACTS = 12


def plain(text: str) -> str:
    """Source text made safe to print: control and bidi-override characters removed,
    whitespace folded to single spaces."""
    return " ".join(_CONTROL.sub("", text).split())


def source_number(source_id: str) -> int:
    """``"s3"`` -> 3."""
    return int(source_id[1:])


def marker(source_ids: Iterable[str]) -> str:
    """``("s1", "s3")`` -> ``"[1,3]"``: the citation style readers know from papers."""
    return "[" + ",".join(str(source_number(s)) for s in source_ids) + "]"


def headline(briefing: Briefing) -> str:
    """A title for the whole briefing: the most central agreed fact's source title, else any."""
    titles = [s.title for s in briefing.sources if s.title]
    if titles:
        counts = Counter(titles)
        return plain(max(titles, key=lambda t: (counts[t], -titles.index(t))))
    if briefing.summary:
        return plain(briefing.summary[0].text)
    return "Briefing"


def agreed_facts(briefing: Briefing) -> list[Fact]:
    """Facts reported by at least two sources, strongest first."""
    return [f for f in briefing.facts if len(f.source_ids) >= 2][:MAX_LISTED_FACTS]
