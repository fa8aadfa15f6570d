"""The typed objects that flow between pipeline stages.

Data flows one way (see :func:`storyweave.pipeline.brief`)::

    Article --clean--> CleanedText --sentences/quotes--> Sentence, Quote
            --embed/align--> Fact --summarize--> SummarySentence --> Briefing

Every object here is a frozen dataclass of plain values, so stages cannot mutate
each other's results and a briefing is deterministic for the same input. Sentence ids
(``"s2.14"``: source ``s2``, sentence 14, both 1-based) are the citation currency:
every fact, quote and summary line cites them, and they are stable within a briefing.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal, TypedDict

SourceKind = Literal["article", "transcript"]
InputFormat = Literal["text", "markdown", "html"]


@dataclass(frozen=True, slots=True)
class Article:
    """One input report, as loaded (raw text, boilerplate and all).

    ``origin`` says where it came from: a file path, a URL, ``"<stdin>"``, or
    ``"dataset.jsonl#cluster/3"`` for the fourth document of a dataset cluster.
    ``published`` is an ISO 8601 date or date-time string when the input shows one.
    """

    text: str
    origin: str
    format: InputFormat = "text"
    title: str | None = None
    outlet: str | None = None
    byline: str | None = None
    published: str | None = None
    url: str | None = None


@dataclass(frozen=True, slots=True)
class RemovedLine:
    """A line the cleaner dropped as boilerplate, with the reason (for the cleaning report)."""

    line: int  # 1-based line number in the text the cleaner saw
    text: str
    reason: str  # short label: "subscription prompt", "photo credit", "related headlines", ...


@dataclass(frozen=True, slots=True)
class CleanedText:
    """The story text of one article after boilerplate removal.

    ``paragraphs`` keep the article's own order. For transcripts, a speaker turn
    keeps its ``NAME:`` / ``NAME, ROLE:`` label at the start of its paragraph; the
    sentence stage turns it into :attr:`Sentence.turn_speaker`.
    """

    paragraphs: tuple[str, ...]
    removed: tuple[RemovedLine, ...]
    kind: SourceKind = "article"
    title: str | None = None  # title or outlet/byline/date found in the text itself
    outlet: str | None = None
    byline: str | None = None
    published: str | None = None


#: Longest title, outlet, byline or date kept, in characters. Real headlines run to about
#: 100 characters and bylines to a few names; a longer value is a whole paragraph or an
#: attack, and every citation on a page repeats its source's label (two 1 MB titles made
#: a 33 MB page).
MAX_METADATA_CHARS = 300


class SourceMetadata(TypedDict):
    """The keyword arguments of :class:`Source` that :func:`source_metadata` fills in."""

    title: str | None
    outlet: str | None
    byline: str | None
    published: str | None


def source_metadata(article: Article, cleaned: CleanedText) -> SourceMetadata:
    """Title, outlet, byline and date of one input: what the input states (dataset fields,
    API fields) wins over what the cleaner read from its header lines. Each is cut to
    :data:`MAX_METADATA_CHARS`."""
    return {
        "title": _capped(article.title or cleaned.title),
        "outlet": _capped(article.outlet or cleaned.outlet),
        "byline": _capped(article.byline or cleaned.byline),
        "published": _capped(article.published or cleaned.published),
    }


def _capped(value: str | None) -> str | None:
    if value is None or len(value) <= MAX_METADATA_CHARS:
        return value
    return value[: MAX_METADATA_CHARS - 1].rstrip() + "…"


@dataclass(frozen=True, slots=True)
class Sentence:
    """One sentence of one source. ``id`` is ``"s<source>.<n>"``, both 1-based."""

    id: str
    source_id: str
    index: int  # 0-based position within its source
    paragraph: int  # 0-based paragraph index within its source
    text: str
    turn_speaker: str | None = None  # the transcript label of the turn it belongs to


#: ``quoted``: words in quotation marks; ``indirect``: a reported clause ("Smith said the
#: plan would fail", quoted words inside it keep their marks); ``transcript``: a turn.
QuoteKind = Literal["quoted", "indirect", "transcript"]


@dataclass(frozen=True, slots=True)
class QuoteMention:
    """One source's quote: quoted words or a reported clause with their attribution, or a
    transcript turn.

    ``speaker_as_written`` is what this source wrote ("Smith", "the minister",
    "JANE SMITH, HOST"), with a pronoun or description replaced by the name it means in
    that source; ``None`` means no attribution was found.
    """

    text: str
    speaker_as_written: str | None
    source_id: str
    sentence_ids: tuple[str, ...]
    kind: QuoteKind = "quoted"


@dataclass(frozen=True, slots=True)
class Quote:
    """One spoken statement, consolidated across every outlet that carried it.

    ``speaker`` is resolved across the whole cluster to one person ("Jane Smith" for
    "Smith", "SMITH:" and "Jane Smith"); ``None`` when no source attributes it to a name.
    ``text`` is the fullest wording (verbatim words before a paraphrase); ``mentions``
    keep each outlet's own wording. ``kind`` is ``indirect`` when every outlet only
    reports the statement, ``quoted`` when one quotes it, ``transcript`` for turns.
    """

    speaker: str | None
    text: str
    sentence_ids: tuple[str, ...]
    source_ids: tuple[str, ...]
    mentions: tuple[QuoteMention, ...]
    kind: QuoteKind = "quoted"


@dataclass(frozen=True, slots=True)
class Fact:
    """A group of sentences from one or more sources that state the same thing.

    ``text`` is the representative sentence's text (always a real source sentence);
    ``sentence_ids`` lists every supporting sentence, ``source_ids`` every outlet.
    ``centrality`` is how central the fact is to the story (higher is more central).
    ``claim`` is false when the fact states nothing a source can be said to report (a
    question, a lead-in, a headline): such a fact is never an agreed fact or a source's own.
    """

    id: str
    text: str
    representative: str  # sentence id whose text is ``text``
    sentence_ids: tuple[str, ...]
    source_ids: tuple[str, ...]
    centrality: float = 0.0
    claim: bool = True


@dataclass(frozen=True, slots=True)
class SummarySentence:
    """One line of the summary: a real source sentence and everything that supports it."""

    text: str
    fact_id: str
    citations: tuple[str, ...]  # sentence ids, the representative first
    source_ids: tuple[str, ...]


DivergenceKind = Literal["conflict", "superseded", "single_source", "coverage_gap"]


@dataclass(frozen=True, slots=True)
class Side:
    """One side of a divergence: what some sources say, with the sentences that say it.

    ``value`` is the disputed value as written ("at least 52 vessels") when there is one.
    """

    text: str
    citations: tuple[str, ...]
    source_ids: tuple[str, ...]
    value: str | None = None


@dataclass(frozen=True, slots=True)
class Divergence:
    """Where sources part ways.

    - ``conflict``: the same fact with incompatible values (numbers, durations, dates,
      names, outcomes); one side per value.
    - ``superseded``: an earlier prediction or doubt (first side) that a later report
      overtook (second side).
    - ``single_source``: a claim only one outlet makes (one side; never called false).
    - ``coverage_gap``: a topic several outlets cover (first side) that others leave out;
      ``missing_source_ids`` names them.
    """

    kind: DivergenceKind
    summary: str  # one readable line
    sides: tuple[Side, ...]
    fact_ids: tuple[str, ...] = ()
    score: float = 0.0  # higher = more central to the story; lists are sorted by it
    missing_source_ids: tuple[str, ...] = ()


EntityType = Literal["person", "organization", "place", "other"]


@dataclass(frozen=True, slots=True)
class Entity:
    """A person or organisation named in the sources, with the roles they are given."""

    name: str  # the fullest form ("Oskar Brandt")
    type: EntityType
    roles: tuple[str, ...]  # as the sources put them ("transport minister")
    source_ids: tuple[str, ...]
    citations: tuple[str, ...]
    aliases: tuple[str, ...] = ()  # other forms seen ("Brandt", "BRANDT")


@dataclass(frozen=True, slots=True)
class TimelineEvent:
    """An event with the time the sources give it."""

    when: str  # as written ("on Sunday", "in February", "March 15")
    date: str | None  # ISO 8601 (date or year-month) when it can be anchored
    text: str  # the sentence that places the event
    citations: tuple[str, ...]
    source_ids: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class FramingNote:
    """A term one outlet uses where the others describe the same thing neutrally."""

    term: str  # as written ("militant union bosses", "so-called", "\"job security\"")
    #: ``label``/``hedge``/``scare_quote``: from the fixed lists; ``loaded``: a word the
    #: learned model of :mod:`storyweave.views.framing_model` scores as loaded wording.
    kind: Literal["label", "hedge", "scare_quote", "loaded"]
    citation: str  # the sentence id where it appears
    note: str  # how the other outlets say it, in one line


@dataclass(frozen=True, slots=True)
class OutletView:
    """One outlet against the rest: what it alone reports, what it leaves out, its framing."""

    source_id: str
    unique: tuple[str, ...]  # fact ids only this source reports, most central first
    missing: tuple[str, ...]  # fact ids most other sources report and this one does not
    framing: tuple[FramingNote, ...]


@dataclass(frozen=True, slots=True)
class OutletProfile:
    """What the user's outlet file says about one outlet (see :mod:`storyweave.views.profiles`).

    ``labels`` keep the file's order: ``("lean", "left")``, ``("country", "Ardania")``,
    ``("owner", "...")`` or any key the user chooses. storyweave bundles no ratings: every
    label comes from the user's file.
    """

    name: str
    domains: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    labels: tuple[tuple[str, str], ...] = ()

    def label(self, key: str) -> str | None:
        """The value of label ``key`` (``None`` when the file gives none)."""
        for name, value in self.labels:
            if name == key:
                return value
        return None


@dataclass(frozen=True, slots=True)
class OutletDirectory:
    """The outlet file as loaded: every profile, and the label that says which side an
    outlet is on (``side_key``, ``"lean"`` unless the file names another)."""

    profiles: tuple[OutletProfile, ...]
    side_key: str = "lean"
    origin: str = ""  # the file it was read from, for messages and the briefing's settings


@dataclass(frozen=True, slots=True)
class Source:
    """One input as the briefing shows it: its metadata, sentences and cleaning report.

    ``profile`` is the outlet's entry in the user's outlet file, when one matched."""

    id: str  # "s1", "s2", ... in input order
    origin: str
    title: str | None
    outlet: str | None
    byline: str | None
    published: str | None
    url: str | None
    kind: SourceKind
    sentences: tuple[Sentence, ...]
    removed: tuple[RemovedLine, ...]
    profile: OutletProfile | None = None

    @property
    def label(self) -> str:
        """A short human name: the outlet, else the title, else where it came from (a file's
        name, a URL's host). Two sources may share it; :func:`source_labels` tells them apart."""
        return self.outlet or self.title or short_origin(self.origin)


def short_origin(origin: str) -> str:
    """A file's name (never its folders, with either kind of slash), a URL's host, a
    dataset document's ``cluster/index``."""
    if origin.startswith(("http://", "https://")):
        return origin.split("/")[2]
    dataset_file, _, document = origin.rpartition("#")
    if dataset_file and "/" in document:  # "file.jsonl#cluster/index" (ingest.datasets)
        return document
    return origin.replace("\\", "/").rstrip("/").rsplit("/", 1)[-1] or origin


def source_labels(sources: Sequence[Source]) -> dict[str, str]:
    """Source id -> a label that tells the sources apart, for every line that names them.

    The source's :attr:`~Source.label` alone when it is unique; else with the publication
    date; else with the source number too (ten wire stories from one agency are common).
    """
    base = {s.id: s.label for s in sources}
    counts = Counter(base.values())
    result = {}
    for source in sources:
        label = base[source.id]
        if counts[label] > 1 and source.published:
            label = f"{label} ({source.published[:10]})"
        result[source.id] = label
    counts = Counter(result.values())
    for source in sources:
        if counts[result[source.id]] > 1:
            result[source.id] = f"{result[source.id]} #{source.id.lstrip('s')}"
    return result


@dataclass(frozen=True, slots=True)
class CopyLink:
    """One source that carries the text of another: ``shared`` of its ``sentences`` (those
    long enough to compare) are near-identical to sentences of ``of``."""

    source_id: str  # the copy: the source whose share is counted
    of: str  # the source it shares the text with
    shared: int
    sentences: int


@dataclass(frozen=True, slots=True)
class CopyGroup:
    """Sources that carry the same text (wire copies, versions of one story): one report,
    not independent confirmation (:func:`storyweave.align.copy_groups`)."""

    source_ids: tuple[str, ...]  # in source-number order
    links: tuple[CopyLink, ...]  # the pairs that joined them


def independent_reports(source_ids: Sequence[str], copies: Sequence[CopyGroup]) -> int:
    """How many independent reports ``source_ids`` are: sources of one copy group count once."""
    group_of = {s: group.source_ids[0] for group in copies for s in group.source_ids}
    return len({group_of.get(s, s) for s in source_ids})


@dataclass(frozen=True, slots=True)
class StoryGroup:
    """Articles of a briefing that tell one story, and a title to name it by."""

    source_ids: tuple[str, ...]
    title: str


@dataclass(frozen=True, slots=True)
class StoryCheck:
    """Whether a briefing's inputs tell one story: their groups, largest first.

    One group (or none, for an empty briefing) is one story. Otherwise the groups of two or
    more articles are the stories the inputs mix, and an article alone next to them is
    off-topic; when every article is alone, the inputs are unrelated.
    """

    groups: tuple[StoryGroup, ...] = ()

    @property
    def one_story(self) -> bool:
        return len(self.groups) <= 1

    @property
    def stories(self) -> tuple[StoryGroup, ...]:
        """The groups that are stories: those of two or more articles (or every group, when
        no article shares a story with another)."""
        several = tuple(g for g in self.groups if len(g.source_ids) > 1)
        return several or self.groups

    @property
    def off_topic(self) -> tuple[str, ...]:
        """Articles that share nothing with the others, next to a story of several."""
        if all(len(g.source_ids) == 1 for g in self.groups):
            return ()
        return tuple(g.source_ids[0] for g in self.groups if len(g.source_ids) == 1)


@dataclass(frozen=True, slots=True)
class SideCoverage:
    """The outlets of one side (a value of the side label, e.g. ``left``) that carry the story."""

    side: str
    outlets: tuple[str, ...]  # outlet names from the profiles, each once
    source_ids: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class SideClaim:
    """An agreed fact (``kind="fact"``) or a single-source claim, with the sides that carry it.

    ``blindspot_of`` names the other sides of the briefing when only one side carries the
    claim and every outlet that carries it has a side: the claim is a blindspot of theirs.
    ``divergence`` is the claim's index in :attr:`Briefing.divergences` (single-source ones).
    """

    kind: Literal["fact", "single_source"]
    text: str
    citations: tuple[str, ...]
    source_ids: tuple[str, ...]
    sides: tuple[str, ...]
    blindspot_of: tuple[str, ...] = ()
    fact_id: str | None = None
    divergence: int | None = None


@dataclass(frozen=True, slots=True)
class SideView:
    """Coverage by side (``key`` is the label that defines sides, e.g. ``lean``) and which
    sides carry each agreed fact and single-source claim (:mod:`storyweave.views.sides`)."""

    key: str
    coverage: tuple[SideCoverage, ...]
    unlabelled: tuple[str, ...]  # source ids whose outlet has no side in the file
    claims: tuple[SideClaim, ...]

    @property
    def blindspots(self) -> tuple[SideClaim, ...]:
        """The claims only one side carries, while other sides cover the story."""
        return tuple(claim for claim in self.claims if claim.blindspot_of)


@dataclass(frozen=True, slots=True)
class Change:
    """One thing that changed between two briefings of a developing story.

    ``citations`` and ``source_ids`` point into the *current* briefing; a change that only
    the earlier briefing shows (a conflict since resolved) has none.
    """

    text: str
    citations: tuple[str, ...] = ()
    source_ids: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class BriefingChanges:
    """What changed in a story since an earlier briefing (:mod:`storyweave.stories.changes`)."""

    since: str  # which briefing it is compared with ("briefing 2 of 2026-03-15 10:02")
    new_articles: int
    outlets_joined: tuple[str, ...]
    new_facts: tuple[Change, ...] = ()
    new_conflicts: tuple[Change, ...] = ()
    resolved_conflicts: tuple[Change, ...] = ()
    overtaken: tuple[Change, ...] = ()

    @property
    def empty(self) -> bool:
        """Nothing changed that a reader would notice."""
        return not (self.new_articles or self.outlets_joined or self.new_facts
                    or self.new_conflicts or self.resolved_conflicts or self.overtaken)

    def line(self) -> str:
        """One line: ``"2 new articles · 3 new facts · 1 new conflict · joined: Harbourline"``."""

        def count(n: int, what: str, plural: str | None = None) -> str:
            return f"{n} {what if n == 1 else plural or what + 's'}"

        parts = []
        if self.new_articles:
            parts.append(count(self.new_articles, "new article"))
        if self.new_facts:
            parts.append(count(len(self.new_facts), "new fact"))
        if self.new_conflicts:
            parts.append(count(len(self.new_conflicts), "new conflict"))
        if self.resolved_conflicts:
            parts.append(count(len(self.resolved_conflicts), "conflict resolved", "conflicts resolved"))
        if self.overtaken:
            parts.append(count(len(self.overtaken), "claim overtaken", "claims overtaken"))
        if self.outlets_joined:
            parts.append("joined: " + ", ".join(self.outlets_joined))
        return " · ".join(parts) or "no change a reader would notice"


@dataclass(frozen=True, slots=True)
class InputProblem:
    """An input that could not be briefed, with a one-line reason."""

    input: str
    problem: str
    stage: str = "load"


@dataclass(frozen=True, slots=True)
class Briefing:
    """The whole result of :func:`storyweave.brief`; every renderer reads only this."""

    sources: tuple[Source, ...]
    summary: tuple[SummarySentence, ...]
    facts: tuple[Fact, ...]
    quotes: tuple[Quote, ...]
    problems: tuple[InputProblem, ...] = ()
    notes: tuple[str, ...] = ()
    settings: dict[str, object] = field(default_factory=dict)
    divergences: tuple[Divergence, ...] = ()
    entities: tuple[Entity, ...] = ()
    timeline: tuple[TimelineEvent, ...] = ()
    outlets: tuple[OutletView, ...] = ()
    story_check: StoryCheck = field(default_factory=StoryCheck)
    sides: SideView | None = None  # with an outlet file whose outlets have sides
    copies: tuple[CopyGroup, ...] = ()  # sources that carry the same text

    def independent(self, source_ids: Sequence[str]) -> int:
        """How many independent reports ``source_ids`` are (copies of one text count once)."""
        return independent_reports(source_ids, self.copies)

    def sentence(self, sentence_id: str) -> Sentence:
        """Look a sentence up by id (raises ``KeyError`` for an unknown id)."""
        source_id = sentence_id.split(".", 1)[0]
        for source in self.sources:
            if source.id == source_id:
                for sentence in source.sentences:
                    if sentence.id == sentence_id:
                        return sentence
        raise KeyError(sentence_id)

    def source(self, source_id: str) -> Source:
        """Look a source up by id (raises ``KeyError`` for an unknown id)."""
        for source in self.sources:
            if source.id == source_id:
                return source
        raise KeyError(source_id)
