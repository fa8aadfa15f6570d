"""Header reading for the cleaning stage: dates, time zones, menus and outlet names.

A text scrape opens with a header: the outlet's name, menus and breadcrumbs, a section
label, the headline, the byline and a timestamp, in no fixed order or format. The line
cleaner (:mod:`storyweave.clean`) walks those lines; the helpers here answer its
questions about one line at a time ("is this a timestamp, and for when?", "is this a
menu?") with signals that hold across sites, never one site's strings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..nlp.calendar import WEEKDAY_ABBREVIATIONS, WEEKDAYS
from . import rules as R
from .rules import FUNCTION_WORDS, LineShape

#: UTC offsets of the zone abbreviations news sites print after a time. Ambiguous ones
#: (IST: India, Ireland or Israel; CST: China or US Central) are left out on purpose:
#: no offset is better than a wrong one.
TIMEZONE_OFFSETS = {
    "UTC": "+00:00",
    "GMT": "+00:00",
    "Z": "+00:00",
    "WET": "+00:00",
    "BST": "+01:00",
    "WEST": "+01:00",
    "CET": "+01:00",
    "CEST": "+02:00",
    "EET": "+02:00",
    "EEST": "+03:00",
    "MSK": "+03:00",
    "EST": "-05:00",
    "EDT": "-04:00",
    "CDT": "-05:00",
    "MST": "-07:00",
    "MDT": "-06:00",
    "PST": "-08:00",
    "PDT": "-07:00",
    "JST": "+09:00",
    "AEST": "+10:00",
    "AEDT": "+11:00",
}
#: "GMT+1", "UTC-05:00", "GMT +2".
_NUMERIC_ZONE = re.compile(r"(?:GMT|UTC)\s?([+-])\s?(\d{1,2})(?::?(\d{2}))?$")

#: Words a timestamp line may carry besides the date itself ("Updated 3 hours ago",
#: "Sun 15 Mar 2026 14.32 CET | Updated ...").
_DATE_WORDS = frozenset(
    {
        *("published", "updated", "posted", "modified", "last", "first", "on", "at"),
        *("ago", "just", "now", "hours", "hour", "minutes", "minute", "mins", "min"),
        *("days", "day", "am", "pm", "a.m.", "p.m."),
        *WEEKDAY_ABBREVIATIONS,
        *WEEKDAYS,
    }
)
_ZONE_WORD = re.compile(r"^(?:[A-Z]{1,5}|(?:GMT|UTC)[+-]\d{1,2}(?::?\d{2})?)$")

#: Separators between the items of a menu or breadcrumb: runs of spaces (items laid
#: out side by side), bars, bullets and breadcrumb arrows.
_MENU_SPLIT = re.compile(r"\s{2,}|\s*[|•·>›»]\s*")
_MENU_ITEM = re.compile(r"[A-Z0-9][\w&'’()\-]*(?: [\w&'’()\-]+){0,2}")
#: A menu item is a label of at most this many characters; measured on the menus in
#: tests/data/stories and examples (longest item "Port & Business", 15 chars).
MENU_ITEM_CHARS = 25
#: A trailing "(ONA)"-style abbreviation after an outlet's name.
_OUTLET_ABBREVIATION = re.compile(r"\s*\(([A-Z][A-Za-z]{1,6})\)$")
_NAME_CHARS = re.compile(r"^[^\W\d_][\w&'’.\- ]*$")


#: What htmldate is asked for; :func:`tidy_htmldate` turns it into our ISO form.
HTMLDATE_FORMAT = "%Y-%m-%dT%H:%M:%S%z"
_HTMLDATE = re.compile(r"(\d{4}-\d{2}-\d{2})(?:T(\d{2}:\d{2}):\d{2}(?:([+-]\d{2})(\d{2}))?)?$")


@dataclass
class Meta:
    """Metadata known from the loader or the HTML, plus what the text itself shows."""

    title: str | None = None
    outlet: str | None = None
    byline: str | None = None
    published: str | None = None
    found_title: str | None = None
    found_outlet: str | None = None
    found_byline: str | None = None
    found_published: str | None = None


def zone_offset(zone: str | None) -> str:
    """``"+01:00"`` for ``"CET"`` or ``"GMT+1"``; ``""`` when unknown or ambiguous."""
    if not zone:
        return ""
    zone = " ".join(zone.split())
    numeric = _NUMERIC_ZONE.match(zone)
    if numeric:
        sign, hours, minutes = numeric.groups()
        if int(hours) > 14:
            return ""
        return f"{sign}{int(hours):02d}:{minutes or '00'}"
    return TIMEZONE_OFFSETS.get(zone.upper(), "")


def iso_date(match: re.Match[str]) -> str | None:
    """An ISO 8601 date or date-time from a :attr:`Rules.date_re` match.

    A time becomes ``THH:MM``, with the UTC offset when the line names a known zone
    ("14.32 CET" -> ``T14:32+01:00``).
    """
    if match["iso"]:
        day_part = match["iso"]
    elif match["num1"]:
        # Month first (the common web form) unless the first number cannot be a month.
        first, second = int(match["num1"]), int(match["num2"])
        number, day = (second, first) if first > 12 else (first, second)
        if number > 12 or not 1 <= day <= 31:
            return None
        day_part = f"{int(match['numyear']):04d}-{number:02d}-{day:02d}"
    else:
        month = R.month_number(match["month"] or match["month2"])
        day = int(match["day"] or match["day2"])
        year = int(match["year"] or match["year2"])
        if month is None or not 1 <= day <= 31:
            return None
        day_part = f"{year:04d}-{month:02d}-{day:02d}"
    # The time may come after the date ("March 15, 2026 9:47 AM") or before it
    # ("00:01, 16 March 2026").
    if match["hour"] is not None:
        hour, minute, ampm = int(match["hour"]), int(match["minute"]), match["ampm"]
    elif match["hour0"] is not None:
        hour, minute, ampm = int(match["hour0"]), int(match["minute0"]), match["ampm0"]
    else:
        return day_part
    ampm = (ampm or "").lower().replace(".", "")
    if ampm == "pm" and hour < 12:
        hour += 12
    elif ampm == "am" and hour == 12:
        hour = 0
    if hour > 23 or minute > 59:
        return day_part
    return f"{day_part}T{hour:02d}:{minute:02d}{zone_offset(match['zone'])}"


def words_besides_dates(line: str, date_re: re.Pattern[str]) -> list[str]:
    """The words of ``line`` that are not part of a date, a time or timestamp wording."""
    rest = date_re.sub(" ", line)
    words = []
    for raw in rest.split():
        word = raw.strip(",|–—-:·•()[]")
        if not word or word.isdigit() or word.lower() in _DATE_WORDS or _ZONE_WORD.match(word):
            continue
        words.append(word)
    return words


def is_menu(line: str) -> bool:
    """Navigation laid out as items: "World   Business   Markets", "Companies > Retail".

    Every item is a short capitalised label with no sentence punctuation, and there are
    at least two of them, set apart by runs of spaces, bars, bullets or arrows.
    """
    items = [item for item in _MENU_SPLIT.split(line) if item]
    if len(items) < 2:
        return False
    return all(len(item) <= MENU_ITEM_CHARS and _MENU_ITEM.fullmatch(item) for item in items)


def reads_like_menu(s: LineShape) -> bool:
    """Capitalised words and nothing else, in one run: "Markets Companies Economy Politics".

    Weaker than :func:`is_menu`: a Title Case headline without a single glue word
    ("Velmora Council Approves Harbour Budget") reads the same, so this only demotes a
    line when a better title candidate exists.
    """
    words = s.text.split()
    return (
        len(words) >= 4
        and not s.upper
        and all(w[:1].isupper() and w.isalpha() for w in words)
        and not any(w.lower() in FUNCTION_WORDS for w in words)
    )


def looks_like_name(s: LineShape) -> bool:
    """A short capitalised line with no digits or sentence punctuation, like "The Kelmark Patriot"."""
    return (
        1 <= s.words <= 5
        and not s.terminal
        and (s.upper or s.title_share >= 0.8)
        and bool(_NAME_CHARS.match(s.text))
    )


def tidy_outlet(name: str) -> str:
    """The outlet's name without a trailing abbreviation: "Ostrevia News Agency (ONA)" -> name."""
    return _OUTLET_ABBREVIATION.sub("", name).strip() or name


def tidy_htmldate(value: str | None) -> str | None:
    """``2026-06-10T16:40:00+0200`` -> ``2026-06-10T16:40+02:00``, as text dates are written.

    A midnight without a zone is what htmldate reports for a page that shows only the
    day (a date in the URL, say), so it is given as the day alone.
    """
    match = _HTMLDATE.match(value or "")
    if not match:
        return value
    day, time, zone_hours, zone_minutes = match.groups()
    if time is None or (time == "00:00" and zone_hours is None):
        return day
    zone = f"{zone_hours}:{zone_minutes}" if zone_hours else ""
    return f"{day}T{time}{zone}"
