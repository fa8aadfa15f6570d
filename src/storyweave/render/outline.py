"""What every format puts first: the top card and the list of sections to jump to.

The top card is the first screen of a briefing: the story in two lines, how many outlets
report it and how much they agree, their coverage by side (with an outlet file), and the
headline divergences, conflicts and overtaken claims first, each pointing into its
section. The Markdown, HTML and JSON renderers all read it from :func:`top_card`, so the
three formats lead with the same things.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..model import Briefing, Divergence, SideCoverage, SummarySentence
from .common import headline, labels, plain, shown_divergences, story_warning

#: The lede is the summary's first line, plus the next while both together stay within
#: this many words: about two lines of the page at desktop width (~20 words a line).
LEDE_WORDS = 45
#: Headline divergences on the card: what a reader takes in at a glance, and what still
#: fits a phone's first screen under the lede.
MAX_HEADLINES = 5
#: A headline divergence is cut to this many words (the full text is one click away).
HEADLINE_WORDS = 28
#: A quoted sentence inside a headline is cut to this many words.
QUOTED_WORDS = 12

#: Divergence kinds in the order the card takes them, with the name each is shown under
#: and its section's title (the Markdown and HTML sub-headings).
KINDS = (
    ("conflict", "Conflict", "Conflicting reports"),
    ("superseded", "Overtaken", "Overtaken by later reports"),
    ("single_source", "One source", "Reported by one source only"),
    ("coverage_gap", "Coverage gap", "Coverage gaps"),
)
KIND_TAG = {kind: tag for kind, tag, _ in KINDS}
KIND_TITLE = {kind: title for kind, _, title in KINDS}


@dataclass(frozen=True, slots=True)
class Headline:
    """One headline divergence of the card."""

    kind: str
    text: str  # one short line, safe to print
    index: int  # position in ``Briefing.divergences``
    position: int  # 1-based position among the shown divergences of its kind

    @property
    def anchor(self) -> str:
        """The HTML id of the divergence in its section (``d-conflict-1``)."""
        return divergence_anchor(self.kind, self.position)


@dataclass(frozen=True, slots=True)
class TopCard:
    """The first screen of a briefing (see the module docstring)."""

    headline: str
    lede: tuple[SummarySentence, ...]
    reports: int  # sources briefed
    outlets: int  # distinct outlets among them
    independent: int  # independent reports among them: sources of one copy group count once
    agreed: int  # facts several outlets report alike
    conflicts: int
    overtaken: int
    single_source: int
    side_key: str | None  # the label of the sides, when an outlet file gave them
    sides: tuple[SideCoverage, ...]
    headlines: tuple[Headline, ...]

    @property
    def disputed(self) -> int:
        """Points the outlets differ on: conflicts and overtaken claims."""
        return self.conflicts + self.overtaken

    @property
    def agreement(self) -> float | None:
        """The share of the points several outlets report on that they report alike
        (``None`` when there is no such point)."""
        total = self.agreed + self.disputed
        return round(self.agreed / total, 3) if total else None

    def agreement_line(self) -> str:
        """``"6 outlets · agree on 24 points, differ on 4 · 17 claims from one outlet only"``."""
        outlets = f"{self.outlets} outlet{'s' if self.outlets != 1 else ''}"
        if self.reports != self.outlets:
            outlets = f"{self.reports} reports from {outlets}"
        if self.independent < self.reports:  # wire copies are one report, not confirmation
            outlets += f", {self.independent} independent"
        parts = [outlets]
        if self.reports > 1:
            differ = []
            if self.conflicts:
                differ.append(f"{self.conflicts} conflicting")
            if self.overtaken:
                differ.append(f"{self.overtaken} overtaken")
            differ_text = f"differ on {self.disputed}" + (f" ({', '.join(differ)})" if differ else "")
            parts.append(f"agree on {self.agreed} point{'s' if self.agreed != 1 else ''}, {differ_text}")
            if self.single_source:
                parts.append(
                    f"{self.single_source} claim{'s' if self.single_source != 1 else ''} "
                    "from one outlet only"
                )
        return " · ".join(parts)

    def sides_line(self) -> str:
        """``"left 1 · centre 3 · right 2"``: outlets of each side that carry the story."""
        return " · ".join(f"{c.side} {len(c.outlets)}" for c in self.sides)


def divergence_anchor(kind: str, position: int) -> str:
    """The HTML id of the ``position``-th shown divergence of ``kind``."""
    return f"d-{kind.replace('_', '-')}-{position}"


def top_card(briefing: Briefing) -> TopCard:
    """The top card of ``briefing`` (every format renders this one)."""
    label = labels(briefing)
    lede: list[SummarySentence] = []
    words = 0
    for line in briefing.summary:
        length = len(line.text.split())
        if lede and words + length > LEDE_WORDS:
            break
        lede.append(line)
        words += length
    disputed_facts = {
        f for d in briefing.divergences if d.kind in ("conflict", "superseded") for f in d.fact_ids
    }
    agreed = sum(
        1
        for fact in briefing.facts
        if fact.claim and briefing.independent(fact.source_ids) >= 2
        and fact.id not in disputed_facts
    )
    count = {kind: sum(1 for d in briefing.divergences if d.kind == kind) for kind, _, _ in KINDS}
    outlets = {_outlet_key(briefing, s.id) for s in briefing.sources}
    sides = briefing.sides
    return TopCard(
        headline=headline(briefing),
        lede=tuple(lede),
        reports=len(briefing.sources),
        outlets=len(outlets),
        independent=briefing.independent([s.id for s in briefing.sources]),
        agreed=agreed,
        conflicts=count["conflict"],
        overtaken=count["superseded"],
        single_source=count["single_source"],
        side_key=sides.key if sides is not None else None,
        sides=sides.coverage if sides is not None else (),
        headlines=tuple(_headlines(briefing, label)),
    )


def _outlet_key(briefing: Briefing, source_id: str) -> str:
    source = briefing.source(source_id)
    if source.profile is not None:
        return source.profile.name
    return plain(source.label).casefold()


def _headlines(briefing: Briefing, label: dict[str, str]) -> list[Headline]:
    index = {id(d): i for i, d in enumerate(briefing.divergences)}
    found: list[Headline] = []
    for kind, _, _ in KINDS:
        shown, _ = shown_divergences(briefing, kind)
        positions = {id(item): n for n, item in enumerate(shown, start=1)}
        if kind == "single_source":
            shown = _broadest_first(briefing, shown)
        for item in shown:
            if len(found) >= MAX_HEADLINES:
                return found
            found.append(
                Headline(kind, _headline_text(item, label), index[id(item)], positions[id(item)])
            )
    return found


def _broadest_first(briefing: Briefing, items: list[Divergence]) -> list[Divergence]:
    """Single-source claims for the top card: none from an article the story check set
    apart (the warning above names it), and one per source before any source's second, so
    that one article's side details do not fill the card (DUC d30042t: three of five lines
    were one article's). The order within each round is the section's."""
    groups = briefing.story_check.groups
    main = set(groups[0].source_ids) if len(groups) > 1 else None
    rounds: dict[str, int] = {}
    ranked = []
    for order, item in enumerate(items):
        source = item.sides[0].source_ids[0] if item.sides and item.sides[0].source_ids else ""
        if main is not None and source not in main:
            continue
        rounds[source] = rounds.get(source, 0) + 1
        ranked.append((rounds[source], order, item))
    return [item for _, _, item in sorted(ranked, key=lambda entry: entry[:2])]


def _headline_text(item: Divergence, label: dict[str, str]) -> str:
    """The divergence in one short line: the disputed values rather than whole sentences."""

    def names(source_ids: tuple[str, ...]) -> str:
        return ", ".join(label.get(s, s) for s in source_ids)

    values = [side.value for side in item.sides if side.value]
    if item.kind == "conflict":
        topic = _TOPIC.match(item.summary)
        if topic and len(values) == len(item.sides) >= 2:
            what = topic.group(1)
            return cut(f"{what[:1].upper()}{what[1:]}: {' vs '.join(values)}", HEADLINE_WORDS)
    elif item.kind == "superseded" and len(item.sides) >= 2:
        old = item.sides[0]
        if len(values) == len(item.sides):
            return cut(
                f"{names(old.source_ids)} gave {old.value}; later reports: "
                + ", then ".join(values[1:]),
                HEADLINE_WORDS,
            )
        return (
            f"{names(old.source_ids)}: “{cut(old.text, QUOTED_WORDS)}” — overtaken by later reports"
        )
    elif item.kind == "single_source" and item.sides:
        return f"Only {names(item.sides[0].source_ids)}: {cut(item.sides[0].text, QUOTED_WORDS + 4)}"
    elif item.kind == "coverage_gap" and item.sides and item.missing_source_ids:
        return (
            f"Left out by {names(item.missing_source_ids)}: "
            f"{cut(item.sides[0].text, QUOTED_WORDS + 2)}"
        )
    return cut(item.summary, HEADLINE_WORDS)


#: The topic of a conflict's summary line ("Sources differ on how long the talks lasted: ...").
_TOPIC = re.compile(r"Sources differ on (.+?)(?::\s|\.?$)")


def cut(text: str, words: int) -> str:
    """``text`` made safe and cut to ``words`` words, with an ellipsis when cut."""
    parts = plain(text).split()
    if len(parts) <= words:
        return " ".join(parts)
    return " ".join(parts[:words]).rstrip(",;:") + " …"


@dataclass(frozen=True, slots=True)
class Section:
    """A section of the briefing that the navigation links to."""

    key: str  # HTML id ``h-<key>``; the JSON names sections by it
    title: str

    @property
    def slug(self) -> str:
        """The anchor Markdown viewers give the section's heading (GitHub's rule)."""
        return slug(self.title)


def slug(title: str) -> str:
    """A heading's anchor as GitHub and most Markdown viewers make it."""
    return re.sub(r"\s", "-", re.sub(r"[^\w\s-]", "", title.strip().lower()))


def sections(briefing: Briefing, *, matrix: bool = False, changes: bool = False) -> list[Section]:
    """The sections ``briefing`` has, in reading order (``matrix``: the page's sources x facts
    table; ``changes``: a "What changed" section of a living story)."""
    from .common import agreed_facts

    found = []
    if changes:
        found.append(Section("changes", "What changed"))
    found.append(Section("summary", "Summary"))
    if agreed_facts(briefing):
        found.append(Section("facts", "Agreed facts"))
    if briefing.divergences:
        found.append(Section("divergences", "Where sources differ"))
    if briefing.sides is not None:
        found.append(Section("sides", "Coverage by side"))
    if matrix and agreed_facts(briefing):
        found.append(Section("matrix", "Who reports what"))
    if briefing.quotes:
        found.append(Section("quotes", "Quotes"))
    if briefing.entities:
        found.append(Section("entities", "People, organisations and places"))
    if briefing.timeline:
        found.append(Section("timeline", "Timeline"))
    if any(v.unique or v.missing or v.framing for v in briefing.outlets):
        found.append(Section("outlets", "By outlet"))
    found.append(Section("sources", "Sources"))
    if briefing.problems:
        found.append(Section("problems", "Inputs not briefed"))
    found.append(Section("cleaning", "Cleaning report"))
    return found


def warns(briefing: Briefing) -> bool:
    """Whether the briefing opens with the one-story warning (it stays above the card)."""
    return story_warning(briefing) is not None
