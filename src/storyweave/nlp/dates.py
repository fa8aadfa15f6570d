"""Temporal expressions: find them in a sentence and pin them to the calendar.

News text gives time in many shapes: "March 15", "15 March 2026", "Oct. 16",
"2026-03-15", "on Monday, March 2", "on Sunday", "late on Thursday", "yesterday
morning", "earlier this month", "in February", "last year", "in 2029", "two days ago".
:func:`find_times` returns each one as written with an ISO value: a day
(``"2026-03-15"``), a month (``"2026-03"``) or a year (``"2026"``). Relative expressions
are anchored to the report's publication date; a weekday points back to the latest such
day on or before publication in a past-tense clause and forward in a future one ("will",
"could", "is due to"). Without a publication date, weekdays and relative days stay
unanchored (``date=None``) and a month or day without a year takes the cluster's year
when the caller knows it. ISO values sort as strings: "2025" < "2026-03" < "2026-03-02".
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Literal

from .calendar import MONTH_ABBREVIATIONS, MONTH_NUMBER, MONTHS, WEEKDAYS, parse_published
from .tokens import alternation

TimeKind = Literal["date", "weekday", "relative", "month", "year"]

_MONTHS = MONTH_NUMBER
_NUMBERS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
}  # fmt: skip
_SEASON_MONTH = {"spring": 3, "summer": 6, "autumn": 9, "fall": 9, "winter": 12}

# Full names first ("March" before "Mar."), then abbreviations, longest first ("Sept" before "Sep").
_MONTH = (
    "(?P<{g}>"
    + "|".join(month.capitalize() for month in MONTHS)
    + "|"
    + alternation(MONTH_ABBREVIATIONS).title().replace("|", r"\.?|")
    + r"\.?)"
)
_DAY = r"(?P<{g}>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?P<{g}>1[89]\d\d|20\d\d)(?![\d,.]\d)"
_DAYPART = r"(?:\s+(?:morning|afternoon|evening|night))"
_LEAD = r"(?:(?:late|early|later|earlier)\s+)?(?:(?:on|from|since|until|by|before|after)\s+)?"
_WEEKDAY = "(?P<wd>" + "|".join(day.capitalize() for day in WEEKDAYS) + r")(?:['’]s)?"

# One pattern per shape; overlapping matches are resolved longest-first in find_times.
_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "weekday",
        re.compile(
            rf"\b{_LEAD}(?:(?P<wrel>last|next|this)\s+)?{_WEEKDAY}{_DAYPART}?"
            rf"(?:,?\s+(?:{_MONTH.format(g='m1')}\s+{_DAY.format(g='d1')}"
            rf"|{_DAY.format(g='d2')}\s+{_MONTH.format(g='m2')})(?:,?\s+{_YEAR.format(g='y')})?)?"
            r"(?![\w-])",
            re.IGNORECASE,
        ),
    ),
    (
        "date",
        re.compile(
            rf"\b(?:(?:on|from|since|until|by|before|after)\s+)?"
            rf"(?:{_MONTH.format(g='m1')}\s+{_DAY.format(g='d1')}(?!\d|:)"
            rf"|{_DAY.format(g='d2')}\s+(?:of\s+)?{_MONTH.format(g='m2')})"
            rf"(?:,?\s+{_YEAR.format(g='y')})?(?![\w-])"
        ),
    ),
    ("iso", re.compile(r"\b(?P<y>(?:19|20)\d\d)-(?P<m>[01]\d)-(?P<d>[0-3]\d)\b")),
    (
        "month",
        re.compile(
            rf"\b(?:(?P<prep>in|since|until|to|from|between|during|by|before|after|and|of|"
            rf"early|late|mid-|earlier|later)\s+(?:early\s+|late\s+|mid-)?)?"
            rf"{_MONTH.format(g='m1')}(?:\s+{_YEAR.format(g='y')})?(?![\w-])"
        ),
    ),
    (
        "year",
        re.compile(
            rf"\b(?:(?:in|since|until|by|from|before|after|during|of|to|between|and|early|"
            rf"late|mid-)\s+|(?<=the )(?=\d{{4}}\s+[a-z]))(?:early\s+|late\s+|mid-)?{_YEAR.format(g='y')}"
            r"(?![\w-])"
        ),
    ),
    (
        "relative",
        re.compile(
            r"\b(?:(?:early|late|later|earlier)\s+)?(?P<rel>yesterday|today|tonight|tomorrow|"
            r"(?:earlier|later)\s+this\s+(?:week|month|year)|"
            r"(?:this|last|next)\s+(?:morning|afternoon|evening|night|week|weekend|month|year|"
            r"spring|summer|autumn|fall|winter)|"
            r"(?P<n>a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|\d{1,2})"
            r"\s+(?P<unit>day|week|month|year)s?\s+ago)"
            r"(?:\s+(?:morning|afternoon|evening|night))?\b",
            re.IGNORECASE,
        ),
    ),
)

# Any word that can start a temporal expression; sentences without one are skipped.
_TRIGGER = re.compile(
    r"\d|day|night|tonight|tomorrow|morning|afternoon|evening|week|month|year|ago|spring|"
    r"summer|autumn|fall|winter|Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec",
    re.IGNORECASE,
)

_MONTH_TRIGGER = re.compile(r"\b(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)")
# A cheap test per shape before its full pattern runs (the patterns open with optional words).
_KIND_TRIGGER = {
    "weekday": re.compile(r"day\b|day['’]s", re.IGNORECASE),
    "date": _MONTH_TRIGGER,
    "iso": re.compile(r"\d{4}-\d"),
    "month": _MONTH_TRIGGER,
    "year": re.compile(r"\b(?:1[89]|20)\d\d\b"),
    "relative": re.compile(
        r"day|night|tomorrow|week|month|year|ago|morning|afternoon|evening|spring|summer|"
        r"autumn|fall|winter",
        re.IGNORECASE,
    ),
}

# Future or modal wording in the clause before an expression: "will meet on Wednesday",
# "could resume on Sunday", "is due to report in December", "are planned for Thursday".
_FUTURE = re.compile(
    r"\b(?:will|won['’]t|would|could|can|may|might|shall|going to|expected|due|set to|"
    r"scheduled|planned for|plans? (?:to|an?)|to be held|next|upcoming)\b|['’]ll\b",
    re.IGNORECASE,
)
_PAST = re.compile(r"\b(?:was|were|had|did|has been|have been)\b|\b[a-z]{2,}ed\b", re.IGNORECASE)
# Present tense with no other marker: "that ballot is on Thursday", "which meets in September".
_PRESENT = re.compile(
    r"\b(?:is|are|am|meets|opens|starts|begins|ends|reports|closes|resumes|runs|takes place)\b",
    re.IGNORECASE,
)
Tense = Literal["past", "future", "unknown"]
# Where a clause starts: its tense is read only back to here.
_CLAUSE_BREAK = re.compile(r"[,;:(—–]|\b(?:and|but|after|before|when|while|as|because|which)\b")
# "said on Monday", "told reporters on Tuesday": the time of the statement, not the event.
_REPORTED = re.compile(
    r"\b(?:said|says|told\s+\w+|confirmed|added|stated|insisted|warned|announced)"
    r"(?:\s+in\s+a\s+statement|\s+(?:late|early))?\s*$",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class TimeMention:
    """One temporal expression in a sentence, as written, with its calendar value.

    ``date`` is ISO: a day ("2026-03-15"), a month ("2026-03") or a year ("2026");
    ``None`` when it cannot be anchored. ``reported`` marks the time of a statement
    ("said on Monday") rather than of an event.
    """

    text: str
    start: int
    end: int
    date: str | None
    kind: TimeKind
    reported: bool = False


_DATELINE = re.compile(
    rf"^[A-Z][A-Z .'’-]{{1,30}},\s+{_MONTH.format(g='m')}\s+(?P<d>[0-3]?\d)\b(?:,?\s+(?P<y>\d{{4}}))?"
    r"\s*(?:\([^)]{1,40}\)\s*)?[-–—]"
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
    """
    if not _TRIGGER.search(text):
        return ()  # most sentences have no time at all; one cheap search settles it
    found: list[tuple[int, int, str, re.Match[str]]] = []
    for kind, pattern in _PATTERNS:
        if not _KIND_TRIGGER[kind].search(text):
            continue
        for match in pattern.finditer(text):
            found.append((match.start(), match.end(), kind, match))
    # Longest first wins an overlap: "on Monday, March 2" over "March 2".
    found.sort(key=lambda item: (item[0], -(item[1] - item[0])))
    mentions: list[TimeMention] = []
    taken_until = -1
    for start, end, kind, match in found:
        if start < taken_until:
            continue
        try:
            mention = _mention(text, start, end, kind, match, published, year)
        except OverflowError:
            # Anchored to a publication date at the calendar's edge (year 1 or 9999),
            # the day falls outside it: no date rather than a crash of the briefing.
            mention = None
        if mention is not None:
            mentions.append(mention)
            taken_until = end
    return tuple(mentions)


def _mention(
    text: str,
    start: int,
    end: int,
    kind: str,
    match: re.Match[str],
    published: dt.date | None,
    year: int | None,
) -> TimeMention | None:
    written = text[start:end]
    tense = _tense(text[:start])
    reported = bool(_REPORTED.search(text[:start]))
    groups = match.groupdict()
    if kind in ("weekday", "date"):
        month_word = groups.get("m1") or groups.get("m2")
        day_text = groups.get("d1") or groups.get("d2")
        if month_word and day_text:
            date = _month_day(
                _MONTHS[month_word.lower().rstrip(".")],
                int(day_text),
                groups.get("y"),
                published,
                year,
            )
            return TimeMention(written, start, end, date, "date", reported)
        if kind == "date":
            return None
        weekday = WEEKDAYS.index(groups["wd"].lower())
        relation = (groups.get("wrel") or "").lower()
        lead = written.split()[0].lower()
        # "Monday's earthquake", "since Monday", "last Monday" look back whatever the verb.
        if relation == "last" or lead in ("since", "after") or re.search(r"['’]s$", written):
            tense = "past"
        elif relation == "next":
            tense = "future"
        date = _weekday(weekday, tense == "future", published)
        return TimeMention(written, start, end, date, "weekday", reported)
    if kind == "iso":
        date = _iso_day(int(groups["y"]), int(groups["m"]), int(groups["d"]))
        return TimeMention(written, start, end, date, "date", reported)
    if kind == "month":
        month_word = groups["m1"]
        if (
            month_word.lower().startswith("may")
            and not groups.get("y")
            and groups.get("prep")
            not in ("in", "since", "until", "early", "late", "mid-", "by", "during", "between")
        ):
            return None  # "may" the verb
        if not groups.get("prep") and not groups.get("y"):
            return None  # a bare month name is too often something else ("March" the verb)
        month = _MONTHS[month_word.lower().rstrip(".")]
        return TimeMention(
            written, start, end, _month(month, groups.get("y"), tense, published, year),
            "month", reported,
        )  # fmt: skip
    if kind == "year":
        return TimeMention(written, start, end, groups["y"], "year", reported)
    return TimeMention(written, start, end, _relative(match, published), "relative", reported)


def _tense(before: str) -> Tense:
    """The tense of the clause leading up to an expression: future and modal wording
    first, then past verbs, then the plain present (which in news means "scheduled")."""
    clause = before
    breaks = list(_CLAUSE_BREAK.finditer(before))
    if breaks:
        clause = before[breaks[-1].end() :]
        if not clause.strip():
            # The break is the expression's own opener ("before Tuesday"): read the clause
            # before it.
            previous = breaks[-2].end() if len(breaks) > 1 else 0
            clause = before[previous : breaks[-1].start()]
    if _FUTURE.search(clause):
        return "future"
    if _PAST.search(clause):
        return "past"
    if _PRESENT.search(clause):
        return "future"
    return "unknown"


def _iso_day(year: int, month: int, day: int) -> str | None:
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return None


def _month_day(
    month: int, day: int, year_text: str | None, published: dt.date | None, year: int | None
) -> str | None:
    if year_text:
        return _iso_day(int(year_text), month, day)
    if published is not None:
        # The year that puts the day nearest to publication ("December 28" in January).
        candidates = []
        for candidate_year in (published.year - 1, published.year, published.year + 1):
            iso = _iso_day(candidate_year, month, day)
            if iso:
                distance = abs((dt.date.fromisoformat(iso) - published).days)
                candidates.append((distance, iso))
        return min(candidates)[1] if candidates else None
    return _iso_day(year, month, day) if year else None


def _month(
    month: int, year_text: str | None, tense: Tense, published: dt.date | None, year: int | None
) -> str | None:
    if year_text:
        return f"{int(year_text):04d}-{month:02d}"
    if published is None:
        return f"{year:04d}-{month:02d}" if year else None
    ahead = published.year if month >= published.month else published.year + 1
    behind = published.year if month <= published.month else published.year - 1
    if tense == "future":
        chosen = ahead
    elif tense == "past":
        chosen = behind
    else:  # no tense to go by: the nearer of the two
        months_ahead = (ahead - published.year) * 12 + month - published.month
        months_behind = (published.year - behind) * 12 + published.month - month
        chosen = ahead if months_ahead < months_behind else behind
    return f"{chosen:04d}-{month:02d}"


def _weekday(weekday: int, future: bool, published: dt.date | None) -> str | None:
    if published is None:
        return None
    # The same weekday as publication is that very day, whatever the tense.
    if future:
        return (published + dt.timedelta(days=(weekday - published.weekday()) % 7)).isoformat()
    return (published - dt.timedelta(days=(published.weekday() - weekday) % 7)).isoformat()


def _shift_month(day: dt.date, months: int) -> str:
    index = day.year * 12 + day.month - 1 + months
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def _relative(match: re.Match[str], published: dt.date | None) -> str | None:
    if published is None:
        return None
    phrase = " ".join(match["rel"].lower().split())
    if match["unit"]:
        count = _NUMBERS.get(match["n"].lower()) or int(match["n"])
        unit = match["unit"].lower()
        if unit == "day":
            return (published - dt.timedelta(days=count)).isoformat()
        if unit == "week":
            return (published - dt.timedelta(days=7 * count)).isoformat()[:7]
        if unit == "month":
            return _shift_month(published, -count)
        return str(published.year - count)
    one_day = dt.timedelta(days=1)
    if phrase in ("yesterday", "last night"):
        return (published - one_day).isoformat()
    if phrase == "tomorrow":
        return (published + one_day).isoformat()
    if (
        phrase in ("today", "tonight")
        or phrase.startswith("this ")
        and phrase.split()[1] in ("morning", "afternoon", "evening", "night")
    ):
        return published.isoformat()
    unit = phrase.split()[-1]
    relation = phrase.split()[0]
    step = {"last": -1, "next": 1}.get(relation, 0)
    if unit in ("week", "weekend"):
        # A week is shown as its month: ISO weeks ("2026-W11") would not sort with days.
        return (published + dt.timedelta(days=7 * step)).isoformat()[:7]
    if unit == "month":
        return _shift_month(published, step)
    if unit == "year":
        return str(published.year + step)
    if unit in _SEASON_MONTH:
        season_year = published.year + step
        return f"{season_year:04d}-{_SEASON_MONTH[unit]:02d}" if step else str(season_year)
    return None
