"""Helpers every renderer shares: citation markers, safe text, headline choice."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ..model import Briefing, CopyLink, Divergence, Fact, Quote, source_labels
from ..stories.titles import MAX_TITLE_WORDS, best_title, short_title, without_dateline

#: Control characters (ANSI escapes included) that must never reach a terminal or a page.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")

#: The Markdown and HTML views list agreed facts up to this many (JSON has them all).
MAX_LISTED_FACTS = 12


#: Newswire typewriter conventions (AP, NYT wire copy as in DUC): ``quoted'' and " _ " for a
#: dash. Shown as the typography they stand for; the JSON keeps the source text as it was.
_NEWSWIRE = (("``", "\u201c"), ("''", "\u201d"), (" _ ", " \u2014 "))


def plain(text: str) -> str:
    """Source text made safe and readable to print: control and bidi-override characters
    removed, whitespace folded to single spaces, newswire ``quotes'' and " _ " dashes shown
    as the curly quotes and dashes they stand for."""
    folded = " ".join(_CONTROL.sub("", text).split())
    for typed, shown in _NEWSWIRE:
        folded = folded.replace(typed, shown)
    return folded


def source_number(source_id: str) -> int:
    """``"s3"`` -> 3."""
    return int(source_id[1:])


def marker(source_ids: Iterable[str]) -> str:
    """``("s1", "s3")`` -> ``"[1,3]"``: the citation style readers know from papers."""
    return "[" + ",".join(str(source_number(s)) for s in source_ids) + "]"


#: A headline longer than this many words is cut (a first sentence standing in for a title).
HEADLINE_WORDS = MAX_TITLE_WORDS


def headline(briefing: Briefing) -> str:
    """A title for the whole briefing: the best headline of its sources
    (:func:`~storyweave.stories.titles.best_title`, the one that shares most with the
    others), else the first summary line without its wire dateline, shortened."""
    # The largest story's titles: an off-topic article must not name the briefing.
    main = set(briefing.story_check.groups[0].source_ids) if briefing.story_check.groups else None
    titles = [plain(s.title) for s in briefing.sources if s.title and (main is None or s.id in main)]
    text = best_title(titles)
    if text is None and briefing.summary:  # a lead sentence: its wire dateline is no title
        text = without_dateline(plain(briefing.summary[0].text))
    if not text:
        return "Briefing"
    return short_title(text, HEADLINE_WORDS)


def labels(briefing: Briefing) -> dict[str, str]:
    """Source id -> the label that tells the sources apart
    (:func:`~storyweave.model.source_labels`), safe to print."""
    return {source_id: plain(label) for source_id, label in source_labels(briefing.sources).items()}


@dataclass(frozen=True, slots=True)
class StoryWarning:
    """What the top of a briefing says when its inputs do not tell one story."""

    headline: str  # "These 5 articles tell 2 different stories."
    stories: list[tuple[tuple[str, ...], str]]  # (source ids, title) of each story
    off_topic: list[tuple[str, str]]  # (source id, title) of each off-topic article
    advice: str


#: A group's title in the warning is cut to this many words.
GROUP_TITLE_WORDS = 16


def story_warning(briefing: Briefing) -> StoryWarning | None:
    """The warning a briefing of several stories (or of off-topic articles) leads with;
    ``None`` when its inputs tell one story."""
    check = briefing.story_check
    if check.one_story:
        return None
    n = len(briefing.sources)
    stories = [(g.source_ids, _short(g.title)) for g in check.stories]
    off_topic = [(g.source_ids[0], _short(g.title)) for g in check.groups
                 if g.source_ids[0] in check.off_topic]
    if len(check.stories) == len(check.groups) and all(len(g.source_ids) == 1 for g in check.groups):
        headline = f"These {n} articles share no story: each tells its own."
    elif len(stories) > 1:
        headline = f"These {n} articles tell {len(stories)} different stories."
    else:
        count = len(off_topic)
        headline = (
            f"{count} of these {n} articles share{'s' if count == 1 else ''} nothing with the "
            "others (off-topic)."
        )
    if len(stories) > 1 or not off_topic:
        advice = (
            "The briefing below mixes them: agreement, gaps and single-source claims across "
            "stories mean little. Brief each story on its own (command line: --split)."
        )
    else:
        advice = (
            "It is still in the briefing below, where it counts as leaving out what the "
            "others report; --split briefs it apart."
            if len(off_topic) == 1
            else "They are still in the briefing below, where they count as leaving out what "
            "the others report; --split briefs them apart."
        )
    return StoryWarning(headline, stories, off_topic, advice)


def _short(title: str) -> str:
    words = plain(title).split()
    return " ".join(words[:GROUP_TITLE_WORDS]) + (" …" if len(words) > GROUP_TITLE_WORDS else "")


#: The Markdown and HTML views list at most this many single-source claims per outlet, the
#: most telling first (the JSON has every one): a reader scans a handful.
SINGLE_SOURCE_PER_OUTLET = 3


def shown_divergences(briefing: Briefing, kind: str) -> tuple[list[Divergence], int]:
    """The divergences of ``kind`` the Markdown and HTML views list, and how many more the
    JSON holds."""
    items = [d for d in briefing.divergences if d.kind == kind]
    if kind != "single_source":
        return items, 0
    per_outlet: Counter[str] = Counter()
    shown = []
    for item in items:
        outlet = item.sides[0].source_ids[0] if item.sides and item.sides[0].source_ids else ""
        per_outlet[outlet] += 1
        if per_outlet[outlet] <= SINGLE_SOURCE_PER_OUTLET:
            shown.append(item)
    return shown, len(items) - len(shown)


def agreed_facts(briefing: Briefing) -> list[Fact]:
    """Facts that at least two independent reports state (copies of one text count once,
    :attr:`~storyweave.model.Briefing.copies`), those with more independent reports first."""
    agreed = [f for f in briefing.facts if f.claim and briefing.independent(f.source_ids) >= 2]
    agreed.sort(key=lambda f: -briefing.independent(f.source_ids))  # stable: fact order next
    return agreed[:MAX_LISTED_FACTS]


def reported_by(briefing: Briefing, source_ids: Sequence[str], *, noun: bool = True) -> str:
    """``"4 sources"``, or ``"4 sources, 3 independent"`` when some of them carry the same
    text (:attr:`~storyweave.model.Briefing.copies`); without the ``noun``, ``"4"`` and
    ``"4, 3 independent"``."""
    count, independent = len(source_ids), briefing.independent(source_ids)
    said = f"{count} source{'s' if count != 1 else ''}" if noun else str(count)
    return said if independent == count else f"{said}, {independent} independent"


def copy_share(link: CopyLink) -> str:
    """``"11 of 11 sentences"``: how much of a copy's text the other source carries."""
    return f"{link.shared} of {link.sentences} sentence{'s' if link.sentences != 1 else ''}"


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


_MD_ACTIVE = re.compile(r"([\\`*_\[\]<>#|])")
#: A list marker at the start of the text ("- ", "+ ", "1. ", "2) "): after our own "- "
#: it would open a nested list, and on a line of its own a list of its own.
_MD_LEADING_MARKER = re.compile(r"^([-+]+|[0-9]{1,9}[.)])(?=\s|$)")


def md(text: str) -> str:
    """Source text made inert in Markdown."""
    escaped = _MD_ACTIVE.sub(r"\\\1", plain(text))
    return _MD_LEADING_MARKER.sub(lambda m: m.group(1)[:-1] + "\\" + m.group(1)[-1], escaped)
