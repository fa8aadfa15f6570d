"""The cleaning stage: raw article -> story paragraphs + a report of what was removed.

HTML goes through trafilatura first (body text and metadata); then every input runs
through the same line-level cleaner, which decides line by line with signals that
generalise across sites:

1. unmistakable furniture (stage directions, photo credits, copyright, crawl notices,
   cookie notices, social-embed residue) by anchored patterns;
2. title, outlet, byline and timestamp lines at the top, kept as metadata (menus,
   kickers and pitches passed over; dates, times and zones read by
   :mod:`storyweave.clean.header`);
3. chrome vocabulary (subscribe, share, app...) on short or reader-addressing lines;
4. "Related"/"Most read" headers and the headline lists under them; author bios;
   lines repeated inside the article or across the cluster;
5. non-prose lines above the first and below the last story line (top/bottom zones), except
   the rows of a results or price table (names with numbers);

Each removed line is reported as a :class:`~storyweave.model.RemovedLine` with a short
reason. Dropping a story sentence is the worse error, so every rule that is not
anchored is gated on the line not reading as prose.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from ..errors import InputUnreadable
from ..model import Article, CleanedText, RemovedLine, SourceKind
from . import header as M
from . import rules as R
from .formats import FALLBACK_HTML, check_readable, extract_html, strip_markdown
from .header import Meta
from .learned import NEARLY_EMPTY_WORDS, apply_model, prose_words
from .model import LineModel
from .rules import LineShape, Rules, normalise, shape, shared_rules

#: Metadata is looked for only this many non-blank lines from the top. Scrapes in
#: tests/data/clean and Multi-News put title, outlet, byline and date in the first 6.
TOP_SCAN_LINES = 10
#: A line this short that is not prose can be chrome vocabulary ("Sign in", "Share").
SHORT_LINE_WORDS = 8
#: Reader-addressing chrome ("Sign up for our newsletter to get...") is rarely longer.
PROMPT_MAX_WORDS = 40
#: Chrome in the imperative ("Unlock unlimited access to ... Cancel anytime.") is short:
#: the longest in tests/data/stories has 15 words; a 27-word lead that opened with
#: "Enter" was the first story text this caught on the HTML benchmark.
IMPERATIVE_MAX_WORDS = 20
#: Author bios are looked for only in the last third of the lines: in the middle of a
#: story "X is a reporter for..." is usually news about a journalist.
BIO_ZONE = 2 / 3
#: Speaker-labelled lines needed to call a text a transcript: one "WASHINGTON:" dateline
#: or "UPDATE:" line is not a transcript; both transcripts in tests/data/clean have 6+.
TRANSCRIPT_TURNS = 3
#: A related-headlines list ends after this many lines even if nothing prose-like follows.
MAX_RELATED_ITEMS = 15
_READER = re.compile(r"\b(?:you|your|you're|you’re|our|us)\b", re.IGNORECASE)
_SENTENCE_BREAK = re.compile(r"[a-z0-9]{2}[.!?] [A-Z]")
_QUOTE_MARK = re.compile(r"[\"“”]")
_INLINE_STAGE = re.compile(
    r"\s*\((?:SOUNDBITE OF [^)]*|[A-Z][A-Z ,'’\-]{4,}|(?i:laughter|applause|crosstalk|"
    r"inaudible|music|sighs?|laughs?))\)"
)


def cluster_line_counts(articles: Sequence[Article]) -> Counter[str]:
    """Normalised line -> number of distinct articles in the cluster containing it.

    Used by :func:`clean` to spot chrome that every page of one site (or aggregator)
    carries. HTML inputs are skipped: their raw lines are markup, not text.
    """
    counts: Counter[str] = Counter()
    for article in articles:
        if article.format == "html":
            continue
        counts.update({key for line in article.text.splitlines() if (key := normalise(line))})
    return counts


def clean(
    article: Article,
    *,
    cluster_lines: Counter[str] | None = None,
    line_model: LineModel | None = None,
    learned: bool = True,
) -> CleanedText:
    """Remove boilerplate from ``article`` and return its story paragraphs.

    Example::

        >>> cleaned = clean(Article(text=raw, origin="ledger.txt"))
        >>> cleaned.paragraphs[0], [r.reason for r in cleaned.removed]

    Text and markdown go through the rules and then the learned line classifier
    (:mod:`storyweave.clean.model`): ``line_model``, else the one shipped with the package.
    ``learned=False`` gives the rules alone.

    Raises :class:`~storyweave.errors.InputUnreadable` for binary junk, an empty input,
    or an input with no story text left once the chrome is removed.
    """
    check_readable(article)
    meta = Meta(
        title=article.title,
        outlet=article.outlet,
        byline=article.byline,
        published=article.published,
    )
    text = article.text
    if article.format == "html":
        text = extract_html(article, meta)
    removed: list[RemovedLine] = []
    originals = [line.strip() for line in text.splitlines()]
    lines = originals
    if article.format == "markdown":
        lines = strip_markdown(originals, removed)
    if learned and article.format != "html" and line_model is None:
        line_model = LineModel.shipped()
    cleaner = _LineCleaner(
        lines,
        shared_rules(),
        cluster_lines or Counter(),
        meta,
        originals=originals,
        title_from_text=article.format != "html",
        zones=article.format != "html",
        model=line_model if learned and article.format != "html" else None,
        url=article.url,
    )
    paragraphs, kind = cleaner.run()
    removed.extend(cleaner.removed())
    if article.format == "html" and prose_words(paragraphs) < NEARLY_EMPTY_WORDS < prose_words(originals):
        # The rules would leave almost nothing of what trafilatura found: keep its text
        # (all but the title line, which is metadata).
        title = normalise(meta.title or "")
        paragraphs = [line for line in originals if line and normalise(line) != title]
        removed = [RemovedLine(1, FALLBACK_HTML, R.FALLBACK)]
    # A results table with a line of text is a story too (its names are the news).
    gone = {r.line for r in removed if r.reason != R.FALLBACK}  # a fallback note removes nothing
    kept = [line for number, line in enumerate(lines, 1) if line and number not in gone]
    if not any(shape(p).sentence_like for p in paragraphs) and not table_rows(kept):
        raise InputUnreadable(
            article.origin, "no story text left after removing boilerplate (only site chrome)"
        )
    return CleanedText(
        paragraphs=tuple(paragraphs),
        removed=tuple(sorted(removed, key=lambda r: r.line)),
        kind=kind,
        title=meta.found_title,
        outlet=meta.found_outlet,
        byline=meta.found_byline,
        published=meta.found_published,
    )


def table_rows(lines: Iterable[str]) -> int:
    """How many of ``lines`` are rows of a results or price table ("Kestrel Rovers 2
    Hallam Athletic 1"): names with numbers, which make a short item worth briefing."""
    return sum(shape(line.strip()).data_row for line in lines)


def rule_kinds(lines: Sequence[str]) -> list[str | None]:
    """The rule cleaner's reason for each of ``lines`` (``None`` where no rule fired).

    The learned line classifier (:mod:`storyweave.clean.model`) takes these as features;
    its training script reads them through this function.
    """
    stripped = [line.strip() for line in lines]
    cleaner = _LineCleaner(stripped, shared_rules(), Counter(), Meta(), originals=stripped)
    cleaner.apply_rules()
    return [cleaner.reasons.get(i) for i in range(len(stripped))]


@dataclass
class _LineCleaner:
    """Decides keep/remove for every line of one article, then builds paragraphs."""

    lines: list[str]
    rules: Rules
    cluster: Counter[str]
    meta: Meta
    originals: list[str]  # the lines as the input wrote them, for the report
    title_from_text: bool = True
    zones: bool = True  # off for HTML: trafilatura has already cut the page's zones
    model: LineModel | None = None  # the learned classifier; None: the rules alone
    url: str | None = None  # the page's address, for the outlet
    fallback: str | None = None  # why the learned cleaner's decision was relaxed, if it was
    reasons: dict[int, str] = field(default_factory=dict)  # 0-based index -> reason
    inline: list[RemovedLine] = field(default_factory=list)
    published_from_update: bool = False

    def __post_init__(self) -> None:
        self.shapes: list[LineShape] = [shape(line) for line in self.lines]
        self.nonblank = [i for i, line in enumerate(self.lines) if line]
        self.turns = [i for i in self.nonblank if self.rules.turn_re.match(self.lines[i])]

    # -- the sequence -------------------------------------------------------------
    def run(self) -> tuple[list[str], SourceKind]:
        """Apply the rules in order; return the paragraphs and the source kind."""
        transcript = self.apply_rules()
        if self.model is not None:
            self.fallback = apply_model(
                self.model,
                self.lines,
                self.nonblank,
                self.shapes,
                self.reasons,
                self.meta,
                turns=self.turns if transcript else (),
                date_re=self.rules.date_re,
                url=self.url,
            )
        if transcript:
            if not self.meta.found_byline:
                turn_lines = [self.lines[i] for i in self.turns]
                self.meta.found_byline = M.reporter_in_turns(turn_lines, self.rules.turn_re)
            return self._turn_paragraphs(), "transcript"
        return self._paragraphs(), "article"

    def apply_rules(self) -> bool:
        """Run every rule in order (filling :attr:`reasons`); return whether it is a transcript."""
        transcript = len(self.turns) >= TRANSCRIPT_TURNS
        self._strong()
        self._metadata()
        self._weak()
        self._related_lists()
        self._bios()
        self._repeats()
        if self.zones:
            self._zones(transcript)
        return transcript

    def removed(self) -> list[RemovedLine]:
        """The removal report, 1-based line numbers."""
        report = [RemovedLine(i + 1, self.originals[i], why) for i, why in self.reasons.items()]
        if self.fallback:
            report.append(RemovedLine(1, self.fallback, R.FALLBACK))
        return report + self.inline

    # -- rules ----------------------------------------------------------------------
    def _open(self) -> list[int]:
        """Non-blank lines no rule has removed yet."""
        return [i for i in self.nonblank if i not in self.reasons]

    def _strong(self) -> None:
        patterns = self.rules.strong_patterns
        for i in self.nonblank:
            line = self.lines[i]
            # Only the patterns whose literal text the line holds, in the same order.
            for k in self.rules.strong_screen.candidates(line):
                pattern, reason = patterns[k]
                match = pattern.search(line)
                if match:
                    # A credit at the end of a longer line makes the line a caption.
                    if reason == R.PHOTO and match.start() > 0:
                        reason = R.CAPTION
                    self.reasons[i] = reason
                    break

    def _metadata(self) -> None:
        """Title, outlet, byline and timestamp lines at the top of the text."""
        known_title = normalise(self.meta.title) if self.meta.title else None
        candidates: list[int] = []  # headline-like lines; the title is picked among them
        for rank, i in enumerate(self._open()[:TOP_SCAN_LINES]):
            line, s = self.lines[i], self.shapes[i]
            if i in self.turns and len(self.turns) >= TRANSCRIPT_TURNS:
                break  # a transcript's first speaker turn starts the story
            key = normalise(line)
            if known_title and key == known_title:
                self.reasons[i] = R.TITLE
                self.meta.found_title = self.meta.found_title or line
                continue
            byline = self.rules.byline_re.match(line)
            if byline and s.words <= 14:
                self.reasons[i] = R.BYLINE
                self.meta.found_byline = self.meta.found_byline or byline[1].strip(" ,")
                self._date_in(byline[2] or "")
                continue
            if self._is_timestamp(line, s):
                self.reasons[i] = R.DATELINE
                continue
            if self._is_outlet(line, s, rank):
                self.reasons[i] = R.OUTLET
                self.meta.found_outlet = self.meta.found_outlet or M.tidy_outlet(line)
                continue
            if M.is_menu(line) or self._weak_reason(i):
                continue  # navigation or a pitch: not the title, nor the story's start
            if self.title_from_text and self.meta.found_title is None and self._is_title(i, s):
                candidates.append(i)
                continue
            if s.sentence_like:
                break  # the story has started
        if candidates:
            self._pick_title(candidates)

    def _pick_title(self, candidates: list[int]) -> None:
        """The headline is the first headline-like line of the header that is no label.

        Skipped: a short kicker in capitals above another candidate ("PORT STRIKE"),
        and a run of capitalised words with no glue ("Markets Companies Economy"), which
        is a menu unless nothing else qualifies. The first line becomes the outlet
        instead when it reads as a name ("The Kelmark Patriot") and header furniture
        (a menu, a timestamp, a pitch) follows it. (Taking the longest candidate instead
        picked captions and highlight bullets on Multi-News headers.)
        """
        first = candidates[0]
        if (
            self.meta.found_outlet is None
            and len(candidates) > 1
            and first == self.nonblank[0]
            and M.looks_like_name(self.shapes[first])
            and self._furniture_follows(first)
        ):
            self.reasons[first] = R.OUTLET
            self.meta.found_outlet = M.tidy_outlet(self.lines[first])
            candidates = candidates[1:]
        kicker_words = 3  # "PORT STRIKE", "WORLD NEWS": section labels are 1-3 words
        usable = [
            i
            for n, i in enumerate(candidates)
            if not M.reads_like_menu(self.shapes[i])
            and not (
                self.shapes[i].upper
                and self.shapes[i].words <= kicker_words
                and n + 1 < len(candidates)
            )
        ]
        best = (usable or candidates)[0]
        self.reasons[best] = R.TITLE
        self.meta.found_title = self.lines[best]

    def _furniture_follows(self, i: int) -> bool:
        """The next non-blank line is header furniture: removed already, a menu or a pitch."""
        position = self.nonblank.index(i)
        if position + 1 >= len(self.nonblank):
            return False
        following = self.nonblank[position + 1]
        return (
            following in self.reasons
            or M.is_menu(self.lines[following])
            or self._weak_reason(following) is not None
        )

    def _date_in(self, text: str) -> bool:
        """Record the date in ``text``; a publication date beats an "Updated" one."""
        match = self.rules.date_re.search(text)
        if not match:
            return False
        iso = M.iso_date(match)
        if iso:
            updated = text.lower().startswith(("updated", "last updated", "modified"))
            if self.meta.found_published is None or (self.published_from_update and not updated):
                self.meta.found_published = iso
                self.published_from_update = updated
        return True

    def _is_timestamp(self, line: str, s: LineShape) -> bool:
        if s.words > 14:  # tested first: the date pattern is slow on a long paragraph
            return False
        if not self.rules.date_re.search(line):
            return False
        # The date must be the point of the line, not a date inside a sentence: besides
        # dates, times, zones and words like "Updated ... ago", at most a few words.
        rest = M.words_besides_dates(line, self.rules.date_re)
        prefixed = bool(self.rules.date_prefix_re.match(line))
        if not prefixed and (len(rest) > 3 or (rest and s.sentence_like)):
            return False
        self._date_in(line)
        return True

    def _is_outlet(self, line: str, s: LineShape, rank: int) -> bool:
        if rank > 2 or s.terminal or not 1 <= s.words <= 6 or s.title_share < 0.8:
            return False
        if s.upper and rank == 0 and s.words <= 5 and self._title_follows(line):
            return True  # a banner in capitals above a headline: a programme or outlet name
        words = [w.lower().strip(".,'’") for w in line.split()]
        if self.meta.outlet and normalise(self.meta.outlet) == normalise(line):
            return True
        return words[-1] in R.OUTLET_WORDS or (s.upper and any(w in R.OUTLET_WORDS for w in words))

    def _title_follows(self, line: str) -> bool:
        """The next open line after ``line`` looks like a headline."""
        rest = [i for i in self._open() if self.lines[i] != line]
        following = next((i for i in rest if i > self.lines.index(line)), None)
        if following is None:
            return False
        s = self.shapes[following]
        return not s.terminal and 3 <= s.words <= 25 and not s.upper

    def _is_title(self, i: int, s: LineShape) -> bool:
        line = self.lines[i]
        if not 2 <= s.words <= 25 or line.endswith((".", '."', ".”", ",", ";", ":")):
            return False
        if not (line[:1].isupper() or line[:1].isdigit() or line[:1] in "\"“‘'"):
            return False  # headlines start with a capital; "text size", "/ Source: ..." don't
        if _SENTENCE_BREAK.search(line) or i >= self._open()[-1]:
            return False  # two sentences, or nothing after it: story text, not a headline
        if s.sentence_like and s.words > 15:
            return False  # a long line of prose is a lead sentence that lost its full stop
        if s.words <= SHORT_LINE_WORDS and self._weak_reason(i):
            return False
        following = i + 1
        if following >= len(self.lines) or not self.lines[following]:
            return True
        nxt = self.lines[following]
        if nxt[:1].islower():
            return False  # a hard-wrapped first sentence, not a headline
        # In a hard-wrapped text a title stands in its own block; in a one-line-per-
        # paragraph scrape the next line is a finished line of its own.
        return self.shapes[following].terminal or not self.shapes[following].sentence_like

    def _weak_reason(self, i: int) -> str | None:
        line, s = self.lines[i], self.shapes[i]
        short = s.words <= SHORT_LINE_WORDS and not s.sentence_like
        ordering = s.words <= IMPERATIVE_MAX_WORDS and bool(self.rules.imperative_re.match(line))
        prompt = (
            s.words <= PROMPT_MAX_WORDS
            and bool(ordering or _READER.search(line))
            and not _QUOTE_MARK.search(line)
        )
        if not (short or prompt):
            return None
        for pattern, reason in self.rules.weak_patterns:
            if pattern.search(line):
                return reason
        return None

    def _weak(self) -> None:
        for i in self._open():
            reason = self._weak_reason(i)
            if reason:
                self.reasons[i] = reason

    def _related_lists(self) -> None:
        for i in self._open():
            if i in self.reasons or not self.rules.related_re.match(self.lines[i]):
                continue
            self.reasons[i] = R.RELATED
            taken = 0
            for j in self.nonblank:
                if j <= i or taken >= MAX_RELATED_ITEMS:
                    continue
                s = self.shapes[j]
                # The list ends at the first finished sentence: headlines carry no full stop.
                if self.lines[j].rstrip('"”’)').endswith(".") and s.words >= 5:
                    break
                if j not in self.reasons:
                    self.reasons[j] = R.RELATED
                taken += 1

    def _bios(self) -> None:
        start = int(len(self.lines) * BIO_ZONE)
        for i in self._open():
            if (
                i >= start
                and self.shapes[i].words <= PROMPT_MAX_WORDS
                and self.rules.bio_re.match(self.lines[i])
            ):
                self.reasons[i] = R.BIO

    def _repeats(self) -> None:
        seen: dict[str, int] = {}
        keys = Counter(normalise(self.lines[i]) for i in self.nonblank)
        for i in self.nonblank:
            key = normalise(self.lines[i])
            s = self.shapes[i]
            if (
                i not in self.reasons
                and self.cluster.get(key, 0) >= 2
                and (not s.sentence_like or s.words <= 4)
            ):
                self.reasons[i] = R.REPEATED
            # A caption shows up twice; a line repeated more often is the page's own
            # structure (an interview's recurring question, a section heading).
            if s.words < 3 or keys[key] != 2:
                continue
            if key in seen and i not in self.reasons:
                first = seen[key]
                self.reasons[i] = R.DUPLICATE
                # The first copy of a repeated line next to a photo credit is a caption.
                if first not in self.reasons and self._next_to_credit(first):
                    self.reasons[first] = R.CAPTION
            seen.setdefault(key, i)

    def _next_to_credit(self, i: int) -> bool:
        position = self.nonblank.index(i)
        neighbours = self.nonblank[max(position - 1, 0) : position + 2]
        return any(self.reasons.get(j) in (R.PHOTO, R.CAPTION) for j in neighbours if j != i)

    def _is_story(self, s: LineShape) -> bool:
        return s.sentence_like and (s.words >= 8 or (s.terminal and s.words >= 6))

    def _zones(self, transcript: bool) -> None:
        """Non-prose lines above the first and below the last story line are chrome."""
        open_lines = self._open()
        # In hard-wrapped text a line is judged by its whole block (its paragraph).
        shapes = self._block_shapes(open_lines) if self._looks_wrapped() else self.shapes
        story = [
            i for i in open_lines if (transcript and i in self.turns) or self._is_story(shapes[i])
        ]
        if not story:
            return
        first, last = story[0], story[-1]
        for i in open_lines:
            if shapes[i].sentence_like or self.shapes[i].data_row or self.lines[i].startswith("|"):
                continue
            if i < first:
                self.reasons[i] = R.TOP
            elif i > last:
                self.reasons[i] = R.BOTTOM

    def _block_shapes(self, open_lines: list[int]) -> list[LineShape]:
        """For each line, the shape of the open lines of its blank-separated block."""
        shapes = list(self.shapes)
        blocks: list[list[int]] = []
        for i in open_lines:
            if blocks and "" not in self.lines[blocks[-1][-1] + 1 : i]:
                blocks[-1].append(i)
            else:
                blocks.append([i])
        for block in blocks:
            joined = shape(" ".join(self.lines[j] for j in block))
            for j in block:
                shapes[j] = joined
        return shapes

    # -- paragraphs -----------------------------------------------------------------
    def _paragraphs(self) -> list[str]:
        """Blank lines separate paragraphs; hard-wrapped lines are joined."""
        wrapped = self._looks_wrapped()
        paragraphs: list[list[str]] = []
        previous_blank = True
        last_kept = -1
        for i, line in enumerate(self.lines):
            if not line:
                previous_blank = True
                continue
            if i in self.reasons:
                continue
            unfinished = last_kept >= 0 and not self.shapes[last_kept].terminal
            joins = (
                bool(paragraphs)
                and not previous_blank
                and (wrapped or (unfinished and line[:1].islower()))
            )
            if joins:
                paragraphs[-1].append(line)
            else:
                paragraphs.append([line])
            previous_blank = False
            last_kept = i
        return [" ".join(p) for p in paragraphs]

    def _looks_wrapped(self) -> bool:
        """Hard-wrapped text: many lines stop mid-sentence and continue on the next."""
        # Only lines of 6+ words count: menus and labels are short and unfinished too.
        long_lines = [i for i in self._open() if self.shapes[i].words >= 6]
        if len(long_lines) < 4:
            return False
        # A line breaks a sentence when it stops on a lower-case word or a comma; a list
        # item or a label stops on a capitalised word ("... Raleigh, NC", "Real Estate").
        broken = sum(
            1
            for i in long_lines
            if not self.shapes[i].terminal
            and i + 1 < len(self.lines)
            and self.lines[i + 1]
            and (self.lines[i].split()[-1][:1].islower() or self.lines[i].endswith(","))
        )
        # Calibrated on tests/data/clean: the wrapped scrape has 80 % such lines, the
        # one-line-per-paragraph scrapes at most 15 % (title and standfirst).
        return broken / len(long_lines) > 0.4

    def _turn_paragraphs(self) -> list[str]:
        """One paragraph per speaker turn, label first; unlabelled lines join the turn."""
        paragraphs: list[str] = []
        in_turn = False
        for i in self.nonblank:
            if i in self.reasons:
                continue
            line = self._strip_inline_stage(i)
            if not line:
                continue
            if i in self.turns:
                paragraphs.append(line)
                in_turn = True
            elif in_turn:
                paragraphs[-1] = f"{paragraphs[-1]} {line}"
            else:
                paragraphs.append(line)
        return paragraphs

    def _strip_inline_stage(self, i: int) -> str:
        line = self.lines[i]
        for match in _INLINE_STAGE.finditer(line):
            self.inline.append(RemovedLine(i + 1, match.group().strip(), R.STAGE))
        return " ".join(_INLINE_STAGE.sub("", line).split())
