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

from .tense import Tense, clause_tense

TimeKind = Literal["date", "weekday", "relative", "month", "year", "quarter"]

_MONTHS = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9,
    "sept": 9, "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_NUMBERS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
    "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17,
    "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
    "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
}  # fmt: skip
_SEASONS = {"spring": ("SP", 3), "summer": ("SU", 6), "autumn": ("FA", 9), "fall": ("FA", 9),
            "winter": ("WI", 12)}  # fmt: skip
_QUARTERS = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4,
             "4th": 4}  # fmt: skip

_MONTH = (
    r"(?P<{g}>January|February|March|April|May|June|July|August|September|October|November|"
    r"December|Jan\.?|Feb\.?|Mar\.?|Apr\.?|Jun\.?|Jul\.?|Aug\.?|Sept?\.?|Oct\.?|Nov\.?|Dec\.?)"
)
_DAY = r"(?P<{g}>[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?(?![\d%]|[.,:]\d)"
_SPELLED_YEAR = (
    r"(?i:nineteen[\s-]+(?:hundred(?:\s+and)?[\s-]+)?(?:(?:twenty|thirty|forty|fifty|sixty|"
    r"seventy|eighty|ninety)(?:[\s-]+(?:one|two|three|four|five|six|seven|eight|nine))?|"
    r"ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen))"
)
_YEAR = rf"(?P<{{g}}>1[7-9]\d\d|20\d\d|{_SPELLED_YEAR})(?![\d%]|[,.]\d|-\w)"
_YEAR_REL = r"(?P<yrel>(?i:this|last|next))\s+year\b(?!['’])"
_DAYPART = r"(?:\s+(?i:morning|afternoon|evening|night))"
# Words before an expression that TimeML leaves out of it ("on Monday" is marked "Monday").
_LEAD = (
    r"(?P<lead>(?i:(?:late|early|later|earlier)\s+)?(?i:(?:on|from|since|until|till|by|before|"
    r"after{more})\s+))?"
)
# Lead words a weekday keeps ("on Monday"); a date or month may also follow these.
_MORE_LEADS = r"|of|as\s+of|to|through|in|during|between|and|for|around"
_MODIFIER = (
    r"(?:(?P<mod>(?i:early|late|mid|the\s+(?:end|beginning|middle|start)\s+of))(?:\s+|-))?"
)
_WEEKDAY = r"(?P<wd>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)(?P<poss>['’]s)?"
_SHORT_WEEKDAY = r"(?P<wd>Mon|Tues?|Wed|Thu(?:rs?)?|Fri|Sat|Sun)\.?"
_MONTH_DAY = (
    rf"(?:{_MONTH.format(g='m1')}\s+{_DAY.format(g='d1')}|{_DAY.format(g='d2')}\s+"
    rf"(?:of\s+)?{_MONTH.format(g='m2')})(?:,?\s+{_YEAR.format(g='y')}|\s+{_YEAR_REL})?"
)
_HOLIDAY = (
    r"(?P<h>Christmas(?:\s+(?:Day|Eve))?|Thanksgiving(?:\s+Day)?|Independence\s+Day|Halloween|"
    r"New\s+Year['’]s\s+(?:Day|Eve)|Valentine['’]s\s+Day)"
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
            r"\b(?P<qrel>(?i:this|last|next)\s+year['’]s\s+)?(?:(?P<y>(?:19|20)\d\d)\s+)?"
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

# Any word that can start a temporal expression; sentences without one are skipped.
_TRIGGER = re.compile(
    r"\d|day|night|tonight|tomorrow|morning|afternoon|evening|week|month|year|ago|spring|"
    r"summer|autumn|fall|winter|quarter|nineteen|Christmas|Thanksgiving|Halloween|"
    r"Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec|Mon|Tue|Wed|Thu|Fri|Sat|Sun",
    re.IGNORECASE,
)
_MONTH_TRIGGER = re.compile(r"\b(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)")
# A cheap test per shape before its full pattern runs (the patterns open with optional words).
_KIND_TRIGGER = {
    "weekday": re.compile(r"day\b|day['’]s"),
    "short_weekday": re.compile(r"\b(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)\b"),
    "date": _MONTH_TRIGGER,
    "iso": re.compile(r"\d{4}-\d"),
    "month": _MONTH_TRIGGER,
    "year": re.compile(r"\b(?:1[7-9]|20)\d\d\b|nineteen", re.IGNORECASE),
    "quarter": re.compile(r"quarter", re.IGNORECASE),
    "holiday": re.compile(r"Christmas|Thanksgiving|Independence|Halloween|New Year|Valentine"),
    "relative": re.compile(
        r"day|night|tomorrow|week|month|year|ago|morning|afternoon|evening|spring|summer|"
        r"autumn|fall|winter",
        re.IGNORECASE,
    ),
}

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
    "and or to through when after before as with in on at for but was were is are had has "
    "will would could than that which while until from since by of".split()
)
_SPELLED_UNITS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
                  "seven": 7, "eight": 8, "nine": 9}  # fmt: skip
#: Years either side of the anchor searched for a weekday that matches a written date
#: ("Saturday, May 18"): a day of the year falls on each weekday within any 11 years.
WEEKDAY_YEAR_SPAN = 6


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


@dataclass(frozen=True, slots=True)
class _Anchor:
    """What a sentence's times are anchored to: the publication day, else a known year."""

    day: dt.date | None
    year: int | None

    @property
    def known_year(self) -> int | None:
        return self.day.year if self.day is not None else self.year


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
    iso = _iso_day(chosen, _MONTHS[match["m"].lower().rstrip(".")], int(match["d"]))
    return dt.date.fromisoformat(iso) if iso else None


def dateline_end(text: str) -> int:
    """Where a wire dateline ends (0 when the text has none): times in it are not events."""
    match = _DATELINE.match(text)
    return match.end() if match else 0


def publication_date(published: str | None) -> dt.date | None:
    """The calendar day of an ISO publication date or date-time ("2026-03-15T14:32")."""
    if not published:
        return None
    match = re.match(r"(\d{4})-(\d{2})-(\d{2})", published.strip())
    if not match:
        return None
    try:
        return dt.date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None


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
    >>> [t.date for t in find_times("He was shot on the night of Oct. 23.", dt.date(2026, 5, 5))]
    ['2025-10-23']
    """
    if not _TRIGGER.search(text):
        return ()  # most sentences have no time at all; one cheap search settles it
    found: list[tuple[int, int, int, str, re.Match[str]]] = []
    for kind, pattern in _PATTERNS:
        if not _KIND_TRIGGER[kind].search(text):
            continue
        for match in pattern.finditer(text):
            found.append((match.start(), match.end(), _PRECISION[kind], kind, match))
    # The most precise expression wins an overlap, then the longest: "Oct. 23" over "of
    # Oct.", "on Monday, March 2" over "March 2" and "Monday".
    found.sort(key=lambda item: (-item[2], -(item[1] - item[0]), item[0]))
    anchor = _Anchor(published, year)
    taken: list[tuple[int, int]] = []
    mentions: list[TimeMention] = []
    for start, end, _, kind, match in found:
        if any(start < other_end and other_start < end for other_start, other_end in taken):
            continue
        try:
            mention = _mention(text, start, end, kind, match, anchor)
        except OverflowError:
            # Anchored to a publication date at the calendar's edge (year 1 or 9999),
            # the day falls outside it: no date rather than a crash of the briefing.
            mention = None
        if mention is not None:
            mentions.append(mention)
            taken.append((start, end))
    return tuple(sorted(mentions, key=lambda m: m.start))


def _mention(
    text: str, start: int, end: int, kind: str, match: re.Match[str], anchor: _Anchor
) -> TimeMention | None:
    written = text[start:end]
    groups = match.groupdict()
    lead = " ".join((groups.get("lead") or "").lower().split())
    reported = bool(_REPORTED.search(text[:start]))

    core = match.end("lead") if "lead" in groups and groups["lead"] else start
    relation = " ".join((groups.get("drel") or "").lower().split())

    def tense() -> Tense:
        if relation in ("last", "past", "this past"):
            return "past"
        if relation in ("next", "coming", "this coming"):
            return "future"
        if lead.endswith(("since", "after")) or groups.get("poss") or groups.get("mposs"):
            return "past"  # "since Monday", "Monday's quake" look back whatever the verb
        limit = lead.split()[-1:] in (["until"], ["till"], ["to"], ["through"], ["by"])
        if limit and _MOVED_FORWARD.search(text[:start]):
            return "future"  # "postponed until Tuesday"
        found = clause_tense(text, core, end)
        if limit and found == "past":
            return "unknown"  # "gave them until mid-November", "asked it to reply by Oct. 31"
        return found

    def make(date: str | None, what: TimeKind, value: str | None = None) -> TimeMention:
        return TimeMention(written, start, end, date, what, reported, value or date)

    if kind == "iso":
        return make(_iso_day(int(groups["y"]), int(groups["m"]), int(groups["d"])), "date")
    month_word = groups.get("m1") or groups.get("m2")
    day_text = groups.get("d1") or groups.get("d2")
    if kind in ("weekday", "short_weekday", "date") and month_word and day_text:
        weekday = _weekday_index(groups["wd"]) if groups.get("wd") else None
        date = _month_day(
            _MONTHS[month_word.lower().rstrip(".")],
            int(day_text),
            _year_of(groups, anchor),
            weekday,
            tense,
            anchor,
        )
        return make(date, "date")
    if kind == "weekday":
        return make(_weekday(groups, tense, anchor.day), "weekday")
    if kind in ("date", "short_weekday"):
        return None
    if kind == "month":
        return _month_mention(groups, lead, tense, anchor, make)
    if kind == "year":
        return _year_mention(text, end, groups, lead, make)
    if kind == "quarter":
        return _quarter_mention(groups, anchor, make)
    if kind == "holiday":
        return make(_holiday(groups, tense, anchor), "date")
    date, value = _relative(match, anchor.day)
    return make(date, "relative", value)


def _weekday_index(word: str) -> int:
    return [w[:3] for w in _WEEKDAYS].index(word[:3].lower())


def _year_of(groups: dict[str, str | None], anchor: _Anchor) -> int | None:
    """The year written with a date ("2025", "nineteen ninety-six", "last year"), if any."""
    if groups.get("y"):
        return _year_value(groups["y"] or "")
    relation = (groups.get("yrel") or "").lower()
    if relation and anchor.known_year is not None:
        return anchor.known_year + {"last": -1, "next": 1}.get(relation, 0)
    return None


def _year_value(written: str) -> int | None:
    """A year written in digits or words ("1996", "nineteen ninety-six")."""
    if written.isdigit():
        return int(written)
    words = re.findall(r"[a-z]+", written.lower())
    words = [w for w in words if w not in ("hundred", "and")]
    if not words or words[0] != "nineteen":
        return None
    rest = sum(_NUMBERS.get(w, _SPELLED_UNITS.get(w, 0)) for w in words[1:])
    return 1900 + rest if 10 <= rest <= 99 else None


def _month_mention(groups, lead, tense, anchor, make):  # type: ignore[no-untyped-def]
    month_word = groups["m1"]
    explicit = groups.get("y") or groups.get("yrel")
    relation = " ".join((groups.get("mrel") or "").lower().split())
    context = lead or groups.get("mod") or relation or groups.get("det") or groups.get("mposs")
    if not explicit and not context:
        return None  # a bare month name is too often something else ("March" the verb)
    if month_word == "May" and not explicit and not relation and not groups.get("mod"):
        if lead.split()[-1:] not in (["in"], ["since"], ["until"], ["by"], ["during"]):
            return None  # "May" the name ("Prime Minister May", "told May")
    month = _MONTHS[month_word.lower().rstrip(".")]
    year = _year_of(groups, anchor)
    if year is not None:
        return make(f"{year:04d}-{month:02d}", "month")
    if anchor.day is None:
        known = anchor.known_year
        return make(f"{known:04d}-{month:02d}" if known else None, "month")
    return make(_month_year(month, relation, tense, anchor.day), "month")


def _month_year(month: int, relation: str, tense: object, published: dt.date) -> str:
    """The year of a month written without one, from "last"/"next" or the clause's tense."""
    behind = (published.month - month) % 12  # months back to the latest such month
    ahead = (month - published.month) % 12
    if relation in ("last", "past", "this past"):
        # "last February" written in March is a year back: the month before is "last month".
        back = behind + 12 if behind <= 1 else behind
        return _shift_month(published, -back)
    if relation in ("next", "coming", "this coming"):
        return _shift_month(published, ahead + 12 if ahead <= 1 else ahead)
    if relation == "this":
        return f"{published.year:04d}-{month:02d}"
    chosen: Tense = tense()  # type: ignore[operator]
    if chosen == "past":
        return _shift_month(published, -behind)
    if chosen == "future":
        return _shift_month(published, ahead)
    # No tense (or the plain present): the nearer one, the past one on a tie.
    return _shift_month(published, ahead if ahead < behind else -behind)


def _year_mention(text, end, groups, lead, make):  # type: ignore[no-untyped-def]
    year = _year_value(groups["y"])
    if year is None:
        return None
    bare = not (lead or groups.get("mod") or groups.get("det") or groups.get("yposs"))
    if bare and not groups["y"][0].isdigit():
        bare = False  # "nineteen ninety-six" is a year wherever it stands
    if bare:
        following = text[end:].lstrip()
        word = re.match(r"[\w'’]+", following)
        if word and word.group()[0].islower() and word.group().lower() not in _AFTER_BARE_YEAR:
            return None  # "2000 people", "1990 votes"
    return make(f"{year:04d}", "year")


def _quarter_mention(groups, anchor, make):  # type: ignore[no-untyped-def]
    quarter = _QUARTERS[groups["q"].lower()]
    written_year = groups.get("y") or groups.get("y2")
    year = int(written_year) if written_year else anchor.known_year
    if year is not None and groups.get("qrel"):
        year += {"last": -1, "next": 1}.get(groups["qrel"].split()[0].lower(), 0)
    if year is None:
        return make(None, "quarter")
    return make(f"{year:04d}", "quarter", f"{year:04d}-Q{quarter}")


def _holiday(groups, tense, anchor: _Anchor) -> str | None:  # type: ignore[no-untyped-def]
    name = " ".join(groups["h"].lower().replace("’", "'").split())

    def day_in(year: int) -> dt.date:
        if name.startswith("thanksgiving"):
            first = dt.date(year, 11, 1)
            return first + dt.timedelta(days=(3 - first.weekday()) % 7 + 21)
        month, day = {
            "christmas": (12, 25), "christmas day": (12, 25), "christmas eve": (12, 24),
            "independence day": (7, 4), "halloween": (10, 31), "new year's day": (1, 1),
            "new year's eve": (12, 31), "valentine's day": (2, 14),
        }[name]  # fmt: skip
        return dt.date(year, month, day)

    written = _year_of(groups, anchor)
    if written is not None:
        return day_in(written).isoformat()
    if anchor.day is None:
        return day_in(anchor.year).isoformat() if anchor.year else None
    published = anchor.day
    this_year = day_in(published.year)
    relation = (groups.get("hrel") or "").lower()
    if relation == "last" or (not relation and tense() == "past"):
        return (this_year if this_year <= published else day_in(published.year - 1)).isoformat()
    if relation == "next" or (not relation and tense() == "future"):
        return (this_year if this_year >= published else day_in(published.year + 1)).isoformat()
    return this_year.isoformat()


def _iso_day(year: int, month: int, day: int) -> str | None:
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return None


def _month_day(
    month: int,
    day: int,
    year: int | None,
    weekday: int | None,
    tense,  # type: ignore[no-untyped-def]
    anchor: _Anchor,
) -> str | None:
    """The calendar day of "March 2" (with its year, weekday and tense if given)."""
    if year is not None:
        return _iso_day(year, month, day)
    around = anchor.known_year
    if around is None:
        return None
    if weekday is not None:
        # "Saturday, May 18": the year, nearest the anchor, in which May 18 is a Saturday.
        target = anchor.day or dt.date(around, 7, 1)
        matching = []
        for offset in range(-WEEKDAY_YEAR_SPAN, WEEKDAY_YEAR_SPAN + 1):
            iso = _iso_day(around + offset, month, day)
            if iso and dt.date.fromisoformat(iso).weekday() == weekday:
                distance = abs((dt.date.fromisoformat(iso) - target).days)
                matching.append((distance, iso))
        if matching:
            return min(matching)[1]
    if anchor.day is None:
        return _iso_day(around, month, day)
    published = anchor.day
    candidates = []
    for candidate_year in (published.year - 1, published.year, published.year + 1):
        iso = _iso_day(candidate_year, month, day)
        if iso:
            candidates.append((dt.date.fromisoformat(iso) - published).days)
    if not candidates:
        return None
    chosen: Tense = tense()
    past = [d for d in candidates if d <= 0]
    future = [d for d in candidates if d >= 0]
    if chosen == "past" and past:
        offset = max(past)
    elif chosen == "future" and future:
        offset = min(future)
    else:  # the day nearest to publication ("December 28" in January)
        offset = min(candidates, key=lambda d: (abs(d), d > 0))
    return (published + dt.timedelta(days=offset)).isoformat()


def _weekday(groups, tense, published: dt.date | None) -> str | None:  # type: ignore[no-untyped-def]
    if published is None:
        return None
    weekday = _weekday_index(groups["wd"])
    relation = " ".join((groups.get("wrel") or "").lower().split())
    back = (published.weekday() - weekday) % 7
    ahead = (weekday - published.weekday()) % 7
    if relation in ("last", "past", "this past"):
        back = back or 7  # "last Friday" written on a Friday is a week ago
        return (published - dt.timedelta(days=back)).isoformat()
    if relation in ("next", "coming", "this coming"):
        ahead = ahead or 7
        return (published + dt.timedelta(days=ahead)).isoformat()
    # The same weekday as publication is that very day, whatever the tense.
    if tense() in ("future", "present"):
        return (published + dt.timedelta(days=ahead)).isoformat()
    return (published - dt.timedelta(days=back)).isoformat()


def _shift_month(day: dt.date, months: int) -> str:
    index = day.year * 12 + day.month - 1 + months
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def _week(day: dt.date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year:04d}-W{week:02d}"


def _relative(match: re.Match[str], published: dt.date | None) -> tuple[str | None, str | None]:
    """(calendar date, TimeML value) of "yesterday", "last week", "two years ago"..."""
    if published is None:
        return None, None
    phrase = " ".join(match["rel"].lower().split())
    if match["unit"]:
        count = _NUMBERS.get(match["n"].lower()) or (
            int(match["n"]) if match["n"].isdigit() else None
        )
        if count is None:
            return None, None  # "a few years ago": no one day, month or year
        unit = match["unit"].lower()
        if unit == "day":
            day = (published - dt.timedelta(days=count)).isoformat()
            return day, day
        if unit == "week":
            then = published - dt.timedelta(days=7 * count)
            return then.isoformat()[:7], _week(then)
        if unit == "month":
            month = _shift_month(published, -count)
            return month, month
        years = count * (10 if unit == "decade" else 1)
        return str(published.year - years), str(published.year - years)
    one_day = dt.timedelta(days=1)
    if phrase in ("yesterday", "last night"):
        return (published - one_day).isoformat(), (published - one_day).isoformat()
    if phrase == "tomorrow":
        return (published + one_day).isoformat(), (published + one_day).isoformat()
    if phrase in ("today", "tonight") or phrase.split()[-1] in (
        "morning", "afternoon", "evening", "night"
    ):  # fmt: skip
        return published.isoformat(), published.isoformat()
    unit = phrase.split()[-1]
    step = {"last": -1, "next": 1}.get(phrase.split()[0], 0)
    if unit in ("week", "weekend"):
        # The calendar date of a week is its month: ISO weeks would not sort with days.
        then = published + dt.timedelta(days=7 * step)
        return then.isoformat()[:7], _week(then) + ("-WE" if unit == "weekend" else "")
    if unit == "month":
        month = _shift_month(published, step)
        return month, month
    if unit == "year":
        return str(published.year + step), str(published.year + step)
    if unit in _SEASONS:
        code, first_month = _SEASONS[unit]
        season_year = published.year + step
        if step == 0:
            return str(season_year), f"{season_year:04d}-{code}"
        return f"{season_year:04d}-{first_month:02d}", f"{season_year:04d}-{code}"
    return None, None
