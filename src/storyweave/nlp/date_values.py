"""Calendar values for the time expressions :mod:`storyweave.nlp.dates` finds.

Each function takes what was written (a month, a day, a weekday, "last"/"next", a year
if any) and the publication day, and returns an ISO value: a day ("2026-03-15"), a month
("2026-03") or a year ("2026"). The tense of the clause is passed as a function so it is
read only when the choice depends on it (most dates carry their year).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from .tense import Tense

TenseOf = Callable[[], Tense]

#: Years either side of the anchor searched for a weekday that matches a written date
#: ("Saturday, May 18"): a day of the year falls on each weekday within any 11 years.
WEEKDAY_YEAR_SPAN = 6
#: A day written without a year is placed by its clause's tense, unless that puts it more
#: than FAR_DAYS from publication while the other side has it within NEAR_DAYS: tense is
#: read from the nearest verb, which is often not the one the date belongs to ("he
#: subpoenaed the boy to testify on Feb. 10"), and a writer leaves the year out of a date
#: close at hand. Set from the errors of TBAQ: of its 607 dates the rule puts 4 right and 1
#: wrong.
FAR_DAYS = 300
NEAR_DAYS = 60

_BACK = ("last", "past", "this past")
_AHEAD = ("next", "coming", "this coming")
_SEASONS = {"spring": ("SP", 3), "summer": ("SU", 6), "autumn": ("FA", 9), "fall": ("FA", 9),
            "winter": ("WI", 12)}  # fmt: skip
_FIXED_HOLIDAYS = {
    "christmas": (12, 25), "christmas day": (12, 25), "christmas eve": (12, 24),
    "independence day": (7, 4), "halloween": (10, 31), "new year's day": (1, 1),
    "new year's eve": (12, 31), "valentine's day": (2, 14),
}  # fmt: skip
_DAYPARTS = ("morning", "afternoon", "evening", "night")


def iso_day(year: int, month: int, day: int) -> str | None:
    """``YYYY-MM-DD``, or ``None`` for a day the calendar does not have (February 30)."""
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return None


def shift_month(day: dt.date, months: int) -> str:
    """``YYYY-MM`` of the month ``months`` away from ``day``'s."""
    index = day.year * 12 + day.month - 1 + months
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def iso_week(day: dt.date) -> str:
    """The TimeML value of the week holding ``day`` ("2026-W11")."""
    year, week, _ = day.isocalendar()
    return f"{year:04d}-W{week:02d}"


def month_day(
    month: int,
    day: int,
    year: int | None,
    weekday: int | None,
    tense: TenseOf,
    published: dt.date | None,
    known_year: int | None,
) -> str | None:
    """The day of "March 2", "Saturday, May 18" or "May 18, 2024".

    Without a year, a named weekday decides it (the nearest year in which the day is that
    weekday), else the tense: the latest such day in a past clause, the coming one in a
    future clause, the nearest with no tense.
    """
    if year is not None:
        return iso_day(year, month, day)
    around = published.year if published is not None else known_year
    if around is None:
        return None
    if weekday is not None:
        target = published or dt.date(around, 7, 1)
        matching = []
        for offset in range(-WEEKDAY_YEAR_SPAN, WEEKDAY_YEAR_SPAN + 1):
            iso = iso_day(around + offset, month, day)
            if iso and dt.date.fromisoformat(iso).weekday() == weekday:
                matching.append((abs((dt.date.fromisoformat(iso) - target).days), iso))
        if matching:
            return min(matching)[1]
    if published is None:
        return iso_day(around, month, day)
    offsets = []
    for candidate_year in (published.year - 1, published.year, published.year + 1):
        iso = iso_day(candidate_year, month, day)
        if iso:
            offsets.append((dt.date.fromisoformat(iso) - published).days)
    if not offsets:
        return None
    nearest = min(offsets, key=lambda d: (abs(d), d > 0))  # "December 28" in January
    chosen = tense()
    offset = nearest
    if chosen == "past" and any(d <= 0 for d in offsets):
        offset = max(d for d in offsets if d <= 0)
    elif chosen == "future" and any(d >= 0 for d in offsets):
        offset = min(d for d in offsets if d >= 0)
    if abs(offset) > FAR_DAYS and abs(nearest) <= NEAR_DAYS:
        offset = nearest  # "subpoenaed him to testify on Feb. 10" written in January
    return (published + dt.timedelta(days=offset)).isoformat()


def month_of(month: int, relation: str, tense: TenseOf, published: dt.date) -> str:
    """``YYYY-MM`` of a month written without a year ("in March", "last June")."""
    behind = (published.month - month) % 12  # months back to the latest such month
    ahead = (month - published.month) % 12
    if relation in _BACK:
        # "last February" written in March is a year back: the month before is "last month".
        return shift_month(published, -(behind + 12 if behind <= 1 else behind))
    if relation in _AHEAD:
        return shift_month(published, ahead + 12 if ahead <= 1 else ahead)
    if relation == "this":
        return f"{published.year:04d}-{month:02d}"
    chosen = tense()
    if chosen == "past":
        return shift_month(published, -behind)
    if chosen == "future":
        return shift_month(published, ahead)
    # No tense (or the plain present): the nearer one, the past one on a tie.
    return shift_month(published, ahead if ahead < behind else -behind)


def weekday_of(
    weekday: int, relation: str, tense: TenseOf, published: dt.date | None
) -> str | None:
    """The day a weekday names: back in a past clause, ahead in a future or present one."""
    if published is None:
        return None
    back = (published.weekday() - weekday) % 7
    ahead = (weekday - published.weekday()) % 7
    if relation in _BACK:
        back = back or 7  # "last Friday" written on a Friday is a week ago
        return (published - dt.timedelta(days=back)).isoformat()
    if relation in _AHEAD:
        return (published + dt.timedelta(days=ahead or 7)).isoformat()
    # The same weekday as publication is that very day, whatever the tense.
    if tense() in ("future", "present"):
        return (published + dt.timedelta(days=ahead)).isoformat()
    return (published - dt.timedelta(days=back)).isoformat()


def holiday(
    name: str,
    relation: str,
    year: int | None,
    tense: TenseOf,
    published: dt.date | None,
    known_year: int | None,
) -> str | None:
    """The day of a holiday ("Christmas Eve", "last Thanksgiving"), US dates."""

    def day_in(when: int) -> dt.date:
        first = dt.date(when, 11, 1)
        if name.startswith("thanksgiving"):  # the fourth Thursday of November
            return first + dt.timedelta(days=(3 - first.weekday()) % 7 + 21)
        if name == "election day":  # the Tuesday after the first Monday of November
            return first + dt.timedelta(days=(0 - first.weekday()) % 7 + 1)
        month, day = _FIXED_HOLIDAYS[name]
        return dt.date(when, month, day)

    if year is not None:
        return day_in(year).isoformat()
    if published is None:
        return day_in(known_year).isoformat() if known_year else None
    this_year = day_in(published.year)
    if relation == "last" or (not relation and tense() == "past"):
        return (this_year if this_year <= published else day_in(published.year - 1)).isoformat()
    if relation == "next" or (not relation and tense() == "future"):
        return (this_year if this_year >= published else day_in(published.year + 1)).isoformat()
    return this_year.isoformat()


def ago(count: int, unit: str, published: dt.date) -> tuple[str, str]:
    """(calendar date, TimeML value) of "two days ago", "three weeks ago", "a decade ago"."""
    if unit == "day":
        day = (published - dt.timedelta(days=count)).isoformat()
        return day, day
    if unit == "week":
        then = published - dt.timedelta(days=7 * count)
        return then.isoformat()[:7], iso_week(then)
    if unit == "month":
        month = shift_month(published, -count)
        return month, month
    year = f"{published.year - count * (10 if unit == 'decade' else 1):04d}"
    return year, year


def relative(phrase: str, published: dt.date) -> tuple[str | None, str | None]:
    """(calendar date, TimeML value) of "yesterday", "last week", "earlier this year"...

    A week's calendar date is its month (ISO weeks would not sort with days); its value is
    the week ("2026-W11").
    """
    one_day = dt.timedelta(days=1)
    if phrase in ("yesterday", "last night"):
        return (published - one_day).isoformat(), (published - one_day).isoformat()
    if phrase == "tomorrow":
        return (published + one_day).isoformat(), (published + one_day).isoformat()
    words = phrase.split()
    if phrase in ("today", "tonight") or words[-1] in _DAYPARTS:
        return published.isoformat(), published.isoformat()
    unit = words[-1]
    step = {"last": -1, "next": 1}.get(words[0], 0)
    if unit in ("week", "weekend"):
        then = published + dt.timedelta(days=7 * step)
        return then.isoformat()[:7], iso_week(then) + ("-WE" if unit == "weekend" else "")
    if unit == "month":
        month = shift_month(published, step)
        return month, month
    if unit == "year":
        return f"{published.year + step:04d}", f"{published.year + step:04d}"
    if unit in _SEASONS:
        code, first_month = _SEASONS[unit]
        season_year = published.year + step
        if step == 0:
            return f"{season_year:04d}", f"{season_year:04d}-{code}"
        return f"{season_year:04d}-{first_month:02d}", f"{season_year:04d}-{code}"
    return None, None
