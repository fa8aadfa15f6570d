"""Helpers every renderer shares: citation markers, safe text, headline choice."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from ..model import Briefing, Fact, Quote, source_labels

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


#: A headline longer than this many words is cut (a first sentence standing in for a title).
HEADLINE_WORDS = 14


def headline(briefing: Briefing) -> str:
    """A title for the whole briefing: the most common source title, else the first
    summary line, shortened."""
    titles = [s.title for s in briefing.sources if s.title]
    if titles:
        counts = Counter(titles)
        text = plain(max(titles, key=lambda t: (counts[t], -titles.index(t))))
    elif briefing.summary:
        text = plain(briefing.summary[0].text)
    else:
        return "Briefing"
    words = text.split()
    return text if len(words) <= HEADLINE_WORDS else " ".join(words[:HEADLINE_WORDS]) + " …"


def labels(briefing: Briefing) -> dict[str, str]:
    """Source id -> the label that tells the sources apart
    (:func:`~storyweave.model.source_labels`), safe to print."""
    return {source_id: plain(label) for source_id, label in source_labels(briefing.sources).items()}


def agreed_facts(briefing: Briefing) -> list[Fact]:
    """Facts reported by at least two sources, strongest first."""
    return [f for f in briefing.facts if len(f.source_ids) >= 2][:MAX_LISTED_FACTS]


@dataclass(frozen=True, slots=True)
class Variant:
    """One wording of a quote and every outlet that carried it in those words."""

    text: str
    source_ids: tuple[str, ...]
    citations: tuple[str, ...]


def quote_variants(quote: Quote) -> list[Variant]:
    """The distinct wordings of a quote (case, spacing and punctuation ignored), in order."""
    groups: dict[str, list[int]] = {}
    for i, mention in enumerate(quote.mentions):
        key = " ".join(re.findall(r"\w+", mention.text.lower()))
        groups.setdefault(key, []).append(i)
    variants = []
    for members in groups.values():
        mentions = [quote.mentions[i] for i in members]
        sources = sorted({m.source_id for m in mentions}, key=source_number)
        citations = tuple(c for m in mentions for c in m.sentence_ids)
        variants.append(Variant(mentions[0].text, tuple(sources), citations))
    return variants


def fact_index(briefing: Briefing) -> dict[str, Fact]:
    """Fact id -> fact."""
    return {fact.id: fact for fact in briefing.facts}
