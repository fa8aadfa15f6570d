"""Temporal expressions: find them in a sentence and pin them to the calendar.

News text gives time in many shapes: "March 15", "15 March 2026", "Oct. 16", "the night
of Oct. 23", "2026-03-15", "on Monday, March 2", "Saturday, May 18", "on Sunday", "late on
Thursday", "yesterday morning", "earlier this month", "in February", "last June",
"February this year", "last year", "in 2029", "the 1996 Olympics", "two weeks ago",
"next week", "the third quarter", "Thanksgiving". :func:`find_times` returns each one as
written with its calendar value: a day (``"2026-03-15"``), a month (``"2026-03"``) or a
year (``"2026"``), and its TimeML value at its own granularity (a week ``"2026-W11"``, a
quarter ``"2026-Q3"``, a season ``"2025-FA"``). ISO values sort as strings: "2025" <
"2026-03" < "2026-03-02".

Anchoring, against the report's publication date:
- a date without a year takes the year its clause's tense points to (a past-tense March is
  the last March, a future one the next; with no tense, the nearer one);
- a weekday that names a date ("Saturday, May 18") must be that weekday: the year is the
  one nearest the anchor in which it is;
- a bare weekday is the latest such day in a past-tense clause, the coming one in a future
  or present-tense one ("will meet on Monday", "they meet Monday"), the day itself when
  the report is published on it;
- relative expressions count from the publication date at their own granularity
  ("yesterday" a day, "last June" a month, "earlier this year" a year).
Without a publication date, weekdays and relative days stay unanchored (``date=None``)
and a month or day without a year takes the cluster's year when the caller knows it.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Literal

from .calendar import (
    MONTH_ABBREVIATIONS,
    MONTH_NUMBER,
    MONTHS,
    SHORT_MONTH_NAMES,
    WEEKDAY_ABBREVIATIONS,
    WEEKDAYS,
    parse_published,
)
from .date_values import ago, holiday, iso_day, month_day, month_of, relative, weekday_of
from .tense import Tense, clause_tense
from .tokens import alternation

TimeKind = Literal["date", "weekday", "relative", "month", "year", "quarter"]

_MONTHS = MONTH_NUMBER
_NUMBERS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
    "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17,
    "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
    "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
}  # fmt: skip
_QUARTERS = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4,
             "4th": 4}  # fmt: skip

# Full names first ("March" before "Mar."), then abbreviations, longest first ("Sept" before "Sep").
_MONTH = (
    "(?P<{g}>"
    + "|".join(month.capitalize() for month in MONTHS)
    + "|"
    + alternation(MONTH_ABBREVIATIONS).title().replace("|", r"\.?|")
    + r"\.?)"
)
_DAY = r"(?P<{g}>[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?(?![\d%]|[.,:]\d)"
_SPELLED_YEAR = (
    r"(?i:nineteen[\s-]+(?:hundred(?:\s+and)?[\s-]+)?(?:(?:twenty|thirty|forty|fifty|sixty|"
    r"seventy|eighty|ninety)(?:[\s-]+(?:one|two|three|four|five|six|seven|eight|nine))?|"
    r"ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen)|"
    r"two\s+thousand(?:\s+and)?(?:[\s-]+(?:one|two|three|four|five|six|seven|eight|nine|ten|"
    r"eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen))?)"
)
_YEAR = rf"(?P<{{g}}>1[7-9]\d\d|20\d\d|{_SPELLED_YEAR})(?![\d%]|[,.]\d|-\w)"
_YEAR_REL = r"(?P<yrel>(?i:this|last|next))\s+year\b(?!['’])"
_DAYPART = r"(?:\s+(?i:morning|afternoon|evening|night))"
# Words before an expression that TimeML leaves out of it ("on Monday" is marked "Monday").
_LEAD = (
    r"(?P<lead>(?i:(?:late|early|later|earlier)\s+(?:(?:on|from|since|until|till|by|before|"
    r"after{more})\s+)?|(?:on|from|since|until|till|by|before|after{more})\s+))?"
)
# Lead words a weekday keeps ("on Monday"); a date or month may also follow these.
_MORE_LEADS = r"|of|as\s+of|to|through|in|during|between|and|for|around"
_MODIFIER = r"(?:(?P<mod>(?i:early|late|mid|the\s+(?:end|beginning|middle|start)\s+of))(?:\s+|-))?"
_WEEKDAY = "(?P<wd>" + "|".join(day.capitalize() for day in WEEKDAYS) + r")(?P<poss>['’]s)?"
_SHORT_WEEKDAY = "(?P<wd>" + alternation(WEEKDAY_ABBREVIATIONS).title() + r")\.?"
_MONTH_DAY = (
    rf"(?:{_MONTH.format(g='m1')}\s+{_DAY.format(g='d1')}|{_DAY.format(g='d2')}\s+"
    rf"(?:of\s+)?{_MONTH.format(g='m2')})(?:,?\s+{_YEAR.format(g='y')}|\s+{_YEAR_REL})?"
)
_HOLIDAY = (
    r"(?P<h>Christmas(?:\s+(?:Day|Eve))?|Thanksgiving(?:\s+Day)?|Independence\s+Day|Halloween|"
    r"New\s+Year['’]s\s+(?:Day|Eve)|Valentine['’]s\s+Day|Election\s+Day)"
)
_COUNT = (
    r"(?P<n>a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|"
    r"thirty|forty|fifty|sixty|\d{1,3}|a\s+few|several|a\s+couple\s+of|some)"
)

# One pattern per shape; overlaps are resolved in find_times, longest core first.
_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "weekday",
        re.compile(
            rf"\b{_LEAD.format(more='')}(?:(?P<wrel>(?i:last|next|this\s+coming|this\s+past|"
            rf"this|coming|past))\s+)?{_WEEKDAY}{_DAYPART}?(?:,?\s+{_MONTH_DAY})?(?![\w-])"
        ),
    ),
    ("short_weekday", re.compile(rf"\b{_SHORT_WEEKDAY},?\s+{_MONTH_DAY}(?![\w-])")),
    (
        "date",
        re.compile(
            rf"\b{_LEAD.format(more=_MORE_LEADS)}(?:(?P<drel>(?i:last|next|this|this\s+past|"
            rf"this\s+coming|past|coming))\s+)?{_MONTH_DAY}(?![\w-])"
        ),
    ),
    ("iso", re.compile(r"\b(?P<y>(?:1[7-9]|20)\d\d)-(?P<m>[01]\d)-(?P<d>[0-3]\d)\b")),
    (
        "month",
        re.compile(
            rf"\b{_LEAD.format(more=_MORE_LEADS)}{_MODIFIER}(?:(?P<mrel>(?i:last|next|this\s+coming|"
            rf"this\s+past|this|coming|past))\s+)?(?P<det>(?i:the)\s+)?{_MONTH.format(g='m1')}"
            rf"(?P<mposs>['’]s)?(?:,?\s+{_YEAR.format(g='y')}|\s+{_YEAR_REL})?(?![\w-])"
        ),
    ),
    (
        "year",
        re.compile(
            rf"(?<![\w$#£€.,-]){_LEAD.format(more=_MORE_LEADS)}{_MODIFIER}"
            rf"(?P<det>(?i:the|fiscal|calendar|that|this|model|the\s+year)\s+)?"
            rf"{_YEAR.format(g='y')}(?P<yposs>['’]s)?(?![\w-])"
        ),
    ),
    (
        "quarter",
        re.compile(
            r"\b(?:(?i:the|its|their|a|an)\s+)?(?P<qrel>(?i:this|last|next)\s+year['’]s\s+)?"
            r"(?:(?P<y>(?:19|20)\d\d)\s+)?"
            r"(?i:fiscal[\s-]+)?(?P<q>(?i:first|second|third|fourth|1st|2nd|3rd|4th))[\s-]+"
            r"(?i:fiscal[\s-]+)?(?i:quarter)(?!s)(?:\s+of\s+(?P<y2>(?:19|20)\d\d))?\b"
        ),
    ),
    (
        "holiday",
        re.compile(
            rf"\b{_LEAD.format(more='')}(?:(?P<hrel>(?i:last|next|this))\s+)?{_HOLIDAY}"
            rf"(?:,?\s+{_YEAR.format(g='y')})?(?![\w-])"
        ),
    ),
    (
        "relative",
        re.compile(
            rf"\b(?P<mod>(?:early|late|later|earlier)\s+)?(?P<rel>yesterday|today|tonight|"
            r"tomorrow|(?:earlier|later)\s+(?:this|in\s+the)\s+(?:week|month|year)|"
            r"(?:this|last|next)\s+(?:morning|afternoon|evening|night|week|weekend|month|year|"
            r"spring|summer|autumn|fall|winter)|"
            rf"(?:(?:about|nearly|almost|more\s+than|over|just|roughly|only|some)\s+)?{_COUNT}"
            r"\s+(?P<unit>day|week|month|year|decade)s?\s+ago)"
            r"(?:\s+(?:morning|afternoon|evening|night))?\b(?!['’]s\s+(?:first|second|third|"
            r"fourth)\s+quarter)",
            re.IGNORECASE,
        ),
    ),
)

# How precise each shape is, to settle overlaps: a day, then a month or period, then a year.
_PRECISION = {"weekday": 3, "short_weekday": 3, "date": 3, "iso": 3, "holiday": 3, "month": 2,
              "relative": 2, "quarter": 2, "year": 1}  # fmt: skip

_MONTH_TRIGGER = re.compile(r"\b(?:" + "|".join(SHORT_MONTH_NAMES) + ")")
_YEAR_TRIGGER = re.compile(r"(?:1[7-9]|20)\d\d")
# Words one of which each shape needs, looked for in the lower-cased sentence before the
# shape's pattern runs (most sentences have no time at all, and a substring test is far
# cheaper than a pattern that opens with optional words).
_KIND_WORDS = {
    "weekday": ("day",),
    "quarter": ("quarter",),
    "holiday": ("christmas", "thanksgiving", "independence", "halloween", "new year", "valentine",
                "election day"),
    "relative": ("day", "night", "tomorrow", "week", "month", "year", "ago", "morning",
                 "afternoon", "evening", "spring", "summer", "autumn", "fall", "winter"),
}  # fmt: skip

# "said on Monday", "told reporters on Tuesday": the time of the statement, not the event.
_REPORTED = re.compile(
    r"\b(?:said|says|told\s+\w+|confirmed|added|stated|insisted|warned|announced)"
    r"(?:\s+in\s+a\s+statement|\s+(?:late|early))?\s*$",
    re.IGNORECASE,
)
# A deadline moved forward: "postponed until Tuesday", "extended its bid to Nov. 6".
_MOVED_FORWARD = re.compile(
    r"\b(?:extend(?:ed|s)?|postpone[ds]?|delay(?:ed|s)?|adjourn(?:ed|s)?|defer(?:red|s)?|"
    r"put\s+off|pushed\s+back|moved|reschedul(?:ed|es)|recess(?:ed|es)?|suspend(?:ed|s)?)"
    r"(?:\s+[\w'’]+){0,6}\s*$",
    re.IGNORECASE,
)
# A bare year ("the 1996 Olympics", "That 1978 resolution", "both 1990 and 1991") is a year
# unless a lower-case word follows that makes it a count ("2000 people").
_AFTER_BARE_YEAR = frozenset(
    {"and", "or", "to", "through", "when", "after", "before", "as", "with", "in", "on", "at",
     "for", "but", "was", "were", "is", "are", "had", "has", "will", "would", "could", "than",
     "that", "which", "while", "until", "from", "since", "by", "of"}
)  # fmt: skip
_OWNER_BEFORE = re.compile(r"(?:\b(?:[Aa]n?|[Ii]ts|[Hh]is|[Hh]er|[Tt]heir|[Oo]ur)|\w['’]s)\s+$")
# A value inside the calendar (years 1-9999): relative counts near its edges fall outside.
_ON_CALENDAR = re.compile(r"(?!0000)\d{4}(?:-\d{2}(?:-\d{2})?)?$")
# Words before "two thousand" that make it a year ("in two thousand", "by two thousand").
_TIME_LEADS = frozenset({"in", "by", "since", "until", "before", "after", "from", "during"})
_SPELLED_UNITS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
                  "seven": 7, "eight": 8, "nine": 9}  # fmt: skip


@dataclass(frozen=True, slots=True)
class TimeMention:
    """One temporal expression in a sentence, as written, with its calendar value.

    ``date`` is ISO: a day ("2026-03-15"), a month ("2026-03") or a year ("2026");
    ``None`` when it cannot be anchored. ``value`` is the TimeML value at the expression's
    own granularity: the same as ``date`` for a day, month or year, a week ("2026-W11"),
    a quarter ("2026-Q3") or a season ("2025-FA") otherwise. ``reported`` marks the time of a
    statement ("said on Monday") rather than of an event.
    """

    text: str
    start: int
    end: int
    date: str | None
    kind: TimeKind
    reported: bool = False
    value: str | None = None


_DATELINE = re.compile(
    rf"^[A-Z][A-Z .'’-]{{1,30}},\s+{_MONTH.format(g='m')}\s+(?P<d>[0-3]?\d)\b(?:,?\s+(?P<y>\d{{4}}))?"
    r"\s*(?:\([^)]{1,40}\)\s*)?[-–—_]"
)


def dateline(text: str, year: int | None = None) -> dt.date | None:
    """The date of a wire dateline ("VELMORA, March 15 (APA) - ..."), using ``year`` when
    the dateline has none."""
    match = _DATELINE.match(text)
    if not match:
        return None
    chosen = int(match["y"]) if match["y"] else year
    if chosen is None:
        return None
    iso = iso_day(chosen, _MONTHS[match["m"].lower().rstrip(".")], int(match["d"]))
    return dt.date.fromisoformat(iso) if iso else None


def dateline_end(text: str) -> int:
    """Where a wire dateline ends (0 when the text has none): times in it are not events."""
    match = _DATELINE.match(text)
    return match.end() if match else 0


def publication_date(published: str | None) -> dt.date | None:
    """The calendar day of an ISO publication date or date-time ("2026-03-15T14:32")."""
    moment = parse_published(published)
    return moment.date() if moment is not None else None


def find_times(
    text: str, published: dt.date | None = None, year: int | None = None
) -> tuple[TimeMention, ...]:
    """Temporal expressions in ``text``, in order, anchored to ``published`` when given.

    ``year`` is used for a month or day written without one when there is no
    publication date (the cluster's year, if any source is dated).

    >>> [(t.text, t.date) for t in find_times("Talks began on Monday, March 2.")]
    [('on Monday, March 2', None)]
    >>> [t.date for t in find_times("Talks began on Monday.", dt.date(2026, 3, 4))]
    ['2026-03-02']
    >>> [(t.text, t.date) for t in find_times("He was shot the night of Oct. 23.", dt.date(2026, 5, 5))]
    [('Oct. 23', '2025-10-23')]
    """
    wanted = _triggered(text)
    if not wanted:
        return ()  # most sentences have no time at all
    found: list[tuple[int, int, int, str, re.Match[str]]] = []
    for kind, pattern in _PATTERNS:
        if kind not in wanted:
            continue
        for match in pattern.finditer(text):
            found.append((match.start(), match.end(), _PRECISION[kind], kind, match))
    # The most precise expression wins an overlap, then the longest: "Oct. 23" over "of
    # Oct.", "on Monday, March 2" over "March 2" and "Monday".
    found.sort(key=lambda item: (-item[2], -(item[1] - item[0]), item[0]))
    taken: list[tuple[int, int]] = []
    mentions: list[TimeMention] = []
    for start, end, _, kind, match in found:
        if any(start < other_end and other_start < end for other_start, other_end in taken):
            continue
        try:
            mention = _Reading(text, kind, match, published, year).mention()
        except (OverflowError, ValueError):
            # Anchored to a publication date at the calendar's edge (year 1 or 9999),
            # the day falls outside it: no date rather than a crash of the briefing.
            mention = None
        if mention is not None:
            mentions.append(mention)
            taken.append((start, end))
    return tuple(sorted(mentions, key=lambda m: m.start))


def _triggered(text: str) -> frozenset[str]:
    """The shapes worth looking for in ``text``: those whose telltale words it has."""
    lowered = text.lower()
    kinds = {kind for kind, words in _KIND_WORDS.items() if any(w in lowered for w in words)}
    if _MONTH_TRIGGER.search(text):
        kinds.update(("date", "month", "short_weekday"))
    if _YEAR_TRIGGER.search(text):
        kinds.update(("year", "iso"))
    elif "nineteen" in lowered or "thousand" in lowered:
        kinds.add("year")
    return frozenset(kinds)


class _Reading:
    """One pattern match read into a :class:`TimeMention` (or rejected)."""

    def __init__(
        self,
        text: str,
        kind: str,
        match: re.Match[str],
        published: dt.date | None,
        year: int | None,
    ) -> None:
        self.text = text
        self.kind = kind
        self.match = match
        self.groups = match.groupdict()
        self.published = published
        self.known_year = published.year if published is not None else year
        self.lead = self._words("lead")
        self.start, self.end = self._shown_span()

    def _words(self, group: str) -> str:
        """A group's words, lower-cased and single-spaced ("" when it did not match)."""
        return " ".join((self.groups.get(group) or "").lower().split())

    def _shown_span(self) -> tuple[int, int]:
        # Words that only told us this is a time stay out of what is shown: "the 1996
        # Olympics" -> "1996", "the night of Oct. 23" -> "Oct. 23", "Monday's" -> "Monday".
        start, end = self.match.span()
        if self._words("det") in ("the", "that", "this") and not self.groups.get("mod"):
            start = self.match.end("det")
        elif self.lead in ("of", "for"):
            start = self.match.end("lead")
        for possessive in ("poss", "mposs", "yposs"):
            if self.groups.get(possessive):
                end = self.match.start(possessive)
        return start, end

    def tense(self) -> Tense:
        """The tense that places this expression: its own words first, then its clause's."""
        relation = self._words("drel")
        if relation in ("last", "past", "this past"):
            return "past"
        if relation in ("next", "coming", "this coming"):
            return "future"
        if self.lead.endswith(("since", "after")) or self.groups.get("poss"):
            return "past"  # "since Monday", "Monday's quake" look back whatever the verb
        if self.groups.get("mposs"):
            return "past"
        before = self.text[: self.match.start()]
        limit = self.lead.split()[-1:] in (["until"], ["till"], ["to"], ["through"], ["by"])
        if limit and _MOVED_FORWARD.search(before):
            return "future"  # "postponed until Tuesday", "extended its bid to Nov. 6"
        core = self.match.end("lead") if self.groups.get("lead") else self.match.start()
        found = clause_tense(self.text, core, self.match.end())
        if limit and found == "past":
            return "unknown"  # "gave them until mid-November", "asked it to reply by Oct. 31"
        return found

    def mention(self) -> TimeMention | None:
        kind, groups = self.kind, self.groups
        if kind == "iso":
            return self._make(iso_day(int(groups["y"]), int(groups["m"]), int(groups["d"])), "date")
        month_word = groups.get("m1") or groups.get("m2")
        day_text = groups.get("d1") or groups.get("d2")
        if kind in ("weekday", "short_weekday", "date") and month_word and day_text:
            weekday = _weekday_index(groups["wd"]) if groups.get("wd") else None
            date = month_day(
                _MONTHS[month_word.lower().rstrip(".")],
                int(day_text),
                self._written_year(),
                weekday,
                self.tense,
                self.published,
                self.known_year,
            )
            return self._make(date, "date")
        if kind == "weekday":
            weekday = _weekday_index(groups["wd"])
            date = weekday_of(weekday, self._words("wrel"), self.tense, self.published)
            return self._make(date, "weekday")
        if kind == "month":
            return self._month()
        if kind == "year":
            return self._year()
        if kind == "quarter":
            return self._quarter()
        if kind == "holiday":
            name = self._words("h").replace("’", "'")
            date = holiday(
                name, self._words("hrel"), self._written_year(), self.tense, self.published,
                self.known_year,
            )  # fmt: skip
            return self._make(date, "date")
        if kind == "relative":
            return self._relative()
        return None  # a shape that needs a day ("date") but lacks one

    def _make(self, date: str | None, kind: TimeKind, value: str | None = None) -> TimeMention:
        reported = bool(_REPORTED.search(self.text[: self.start]))
        written = self.text[self.start : self.end]
        if date is not None and not _ON_CALENDAR.match(date):
            date = value = None  # counted back past year 1 from a publication date near it
        return TimeMention(written, self.start, self.end, date, kind, reported, value or date)

    def _written_year(self) -> int | None:
        """The year written with a date ("2025", "nineteen ninety-six", "last year")."""
        if self.groups.get("y"):
            return _year_value(self.groups["y"] or "")
        relation = self._words("yrel")
        if relation and self.known_year is not None:
            return self.known_year + {"last": -1, "next": 1}.get(relation, 0)
        return None

    def _month(self) -> TimeMention | None:
        groups = self.groups
        month_word = groups["m1"] or ""
        explicit = groups.get("y") or groups.get("yrel")
        relation = self._words("mrel")
        context = self.lead or groups.get("mod") or relation or groups.get("det")
        if not explicit and not context and not groups.get("mposs"):
            return None  # a bare month name is too often something else ("March" the verb)
        may_words = (["in"], ["since"], ["until"], ["by"], ["during"])
        if (
            month_word == "May"
            and not (explicit or relation or groups.get("mod"))
            and self.lead.split()[-1:] not in may_words
        ):
            return None  # "May" the name ("Prime Minister May", "told May")
        month = _MONTHS[month_word.lower().rstrip(".")]
        year = self._written_year()
        if year is not None:
            return self._make(f"{year:04d}-{month:02d}", "month")
        if self.published is None:
            known = self.known_year
            return self._make(f"{known:04d}-{month:02d}" if known else None, "month")
        return self._make(month_of(month, relation, self.tense, self.published), "month")

    def _year(self) -> TimeMention | None:
        written = self.groups["y"] or ""
        year = _year_value(written)
        if year is None:
            return None
        groups = self.groups
        bare = not (self.lead or groups.get("mod") or groups.get("det") or groups.get("yposs"))
        if not written[0].isdigit():
            last_lead = self.lead.split()[-1] if self.lead else ""
            if year >= 2000 and self._words("det") != "the year" and last_lead not in _TIME_LEADS:
                return None  # "two thousand people"; "by the year two thousand" is a year
            bare = False  # "nineteen ninety-six" is a year wherever it stands
        if bare and _OWNER_BEFORE.search(self.text, 0, self.match.start("y")):
            bare = False  # "the company's 1989 results", "a 1996 law"
        if bare:
            following = re.match(r"\s*([\w'’]+)", self.text[self.match.end("y") :])
            word = following.group(1) if following else ""
            if word[:1].islower() and word.lower() not in _AFTER_BARE_YEAR:
                return None  # "2000 people", "1990 votes"
        return self._make(f"{year:04d}", "year")

    def _quarter(self) -> TimeMention:
        quarter = _QUARTERS[self._words("q")]
        written = self.groups.get("y") or self.groups.get("y2")
        year = int(written) if written else self.known_year
        relation = self._words("qrel").split()[:1]
        if year is not None and relation:
            year += {"last": -1, "next": 1}.get(relation[0], 0)
        if year is None:
            return self._make(None, "quarter")
        return self._make(f"{year:04d}", "quarter", f"{year:04d}-Q{quarter}")

    def _relative(self) -> TimeMention:
        if self.published is None:
            return self._make(None, "relative")
        if not self.groups.get("unit"):
            date, value = relative(self._words("rel"), self.published)
            return self._make(date, "relative", value)
        count_word = self._words("n")
        count = _NUMBERS.get(count_word) or (int(count_word) if count_word.isdigit() else None)
        if count is None:
            return self._make(None, "relative")  # "a few years ago": no one day or year
        date, value = ago(count, self._words("unit"), self.published)
        return self._make(date, "relative", value)


def _weekday_index(word: str) -> int:
    return [day[:3] for day in WEEKDAYS].index(word[:3].lower())


def _year_value(written: str) -> int | None:
    """A year written in digits or words ("1996", "nineteen ninety-six", "two thousand")."""
    if written.isdigit():
        return int(written)
    words = [w for w in re.findall(r"[a-z]+", written.lower()) if w not in ("hundred", "and")]
    if words[:2] == ["two", "thousand"]:
        return 2000 + sum(_NUMBERS.get(w, 0) for w in words[2:])
    if not words or words[0] != "nineteen":
        return None
    rest = sum(_NUMBERS.get(w, _SPELLED_UNITS.get(w, 0)) for w in words[1:])
    return 1900 + rest if 10 <= rest <= 99 else None
