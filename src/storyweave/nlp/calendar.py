"""Calendar words and publication times, said once for every stage.

Month and weekday names (full and abbreviated, lower-case) are what the cleaner, the date
reader, the name spotter, the quantity reader and the story clustering all need to tell a
date from a name or a number; :func:`parse_published` is the one reader of the ISO 8601
``published`` field that articles and sources carry.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timezone

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
#: Abbreviations seen on web pages' date lines ("Tue, 12 Mar").
WEEKDAY_ABBREVIATIONS = ("mon", "tue", "tues", "wed", "thu", "thur", "thurs", "fri", "sat", "sun")
#: Month names; ``MONTHS.index(name) + 1`` is the month number.
MONTHS = (
    "january", "february", "march", "april", "may", "june", "july", "august", "september",
    "october", "november", "december",
)  # fmt: skip
#: Abbreviated month names and their numbers ("may" is only ever written in full).
MONTH_ABBREVIATIONS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9,
    "sept": 9, "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
#: Every month word, full or abbreviated -> its number.
MONTH_NUMBER = {name: number for number, name in enumerate(MONTHS, start=1)} | MONTH_ABBREVIATIONS
#: "Mar": month names as the briefing writes them in dates such as "13 Mar, 06:10". Spelt
#: out here because ``strftime("%b")`` follows the machine's locale.
SHORT_MONTH_NAMES = tuple(month[:3].capitalize() for month in MONTHS)


def parse_published(published: str | None) -> datetime | None:
    """The moment of an ISO 8601 publication date or date-time; ``None`` when absent or
    unreadable. A date alone gives midnight; the wall-clock time is kept as written (with
    its zone when one is given, ``Z`` included).

    >>> parse_published("2026-03-15T06:10:00Z").hour
    6
    >>> parse_published("15 March") is None
    True
    """
    if not published:
        return None
    try:
        return datetime.fromisoformat(published.strip().replace("Z", "+00:00"))
    except ValueError:
        return None


def has_time_of_day(published: str) -> bool:
    """Whether an ISO 8601 ``published`` value gives a time of day, not only a date."""
    return len(published.strip()) > len("2026-03-15")


def epoch_seconds(published: str | None, fallback: float) -> float:
    """Seconds since the epoch of ``published`` (UTC when it names no zone), else ``fallback``."""
    moment = parse_published(published)
    if moment is None:
        return fallback
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.timestamp()


#: A stamp is (ISO date, minutes after midnight or None when only the date is known).
Stamp = tuple[str, int | None]


def parse_stamp(published: str | None) -> Stamp | None:
    """(date, minutes) from an ISO 8601 date or date-time; ``None`` when absent or unreadable."""
    moment = parse_published(published)
    if published is None or moment is None:
        return None
    if not has_time_of_day(published):
        return (moment.date().isoformat(), None)
    # Local wall-clock time: outlets of one story mostly share a zone, and mixing naive
    # and aware stamps would otherwise make "later" undecidable.
    return (moment.date().isoformat(), moment.hour * 60 + moment.minute)


def is_later(first: Stamp | None, second: Stamp | None) -> bool | None:
    """Whether ``second`` was published after ``first``; ``None`` when the stamps cannot tell."""
    if first is None or second is None:
        return None
    if first[0] != second[0]:
        return second[0] > first[0]
    if first[1] is None or second[1] is None:
        return None
    return second[1] > first[1]


def could_have_reported(reporters: Iterable[Stamp | None], stamp: Stamp | None) -> bool:
    """Whether an outlet published at ``stamp`` could have reported what sources published at
    ``reporters`` did: some of them came out no later than it (or the stamps cannot tell).
    An outlet that published before anyone reported an event did not "leave it out".
    """
    return any(is_later(reporter, stamp) is not False for reporter in reporters)
