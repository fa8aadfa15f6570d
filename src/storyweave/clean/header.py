"""Header reading for the cleaning stage: dates, time zones, menus and outlet names.

A text scrape opens with a header: the outlet's name, menus and breadcrumbs, a section
label, the headline, the byline and a timestamp, in no fixed order or format. The line
cleaner (:mod:`storyweave.clean`) walks those lines; the helpers here answer its
questions about one line at a time ("is this a timestamp, and for when?", "is this a
menu?") with signals that hold across sites, never one site's strings.

On a real page scrape the header is far from the top; once the learned classifier has
found the story, the byline, date and outlet are read around its start
(:func:`read_byline_and_date`, :func:`read_outlet`: a copyright line's name checked
against the page's address), and a transcript's reporter from its speaker labels
(:func:`reporter_in_turns`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

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
    if len(line) > MENU_ITEM_CHARS and not _MENU_SPLIT.search(line, 0, MENU_ITEM_CHARS + 2):
        # No separator starts within the first item's length limit, so that item is
        # already too long (the common case: a line of prose, not searched to its end).
        return False
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


# -- the header of a page scrape, once the story is found (see clean.learned) --------------
#: Byline and date are looked for from this many lines above the title ...
META_ABOVE_TITLE = 4
#: ... down to this many lines below the first story line.
META_BELOW_STORY = 2
#: Lines longer than this are not a byline or a timestamp.
META_MAX_WORDS = 16


_POSTED_BY = re.compile(
    r"^(?:posted|written|published|reported)\s+by\s+(.+?)(?:\s+(?:on|at)\s+(.*))?$", re.IGNORECASE
)
_BY_ONLY = re.compile(r"^(?:by|von|por|par|di)$", re.IGNORECASE)
_NAME = re.compile(r"^(?:[A-Z][\w.'’\-]*\.?)(?:\s+(?:[A-Z][\w.'’\-]*\.?|de|van|von|da|del|la|le)){1,3}$")
#: "JamesStaff Writer": a name glued to the role after it.
_GLUED = re.compile(r"(?<=[a-z])(?=(?:Staff|Senior|Special|Contributing|Associate|Chief|Reporter|Writer|Editor|Correspondent|Columnist)\b)")
_ROLE_TAIL = re.compile(
    r",?\s*(?:staff|senior|special|contributing|associate|chief)?\s*"
    r"(?:reporter|writer|editor|correspondent|columnist|contributor)s?\b.*$",
    re.IGNORECASE,
)
_COPYRIGHT = re.compile(
    r"(?:©|\(c\)|ⓒ|copyright)\s*(?:©\s*)?(?:copyright\s*)?(?:\d{4}(?:\s*[-–—]\s*\d{4})?[.,]?\s*)?"
    r"(?:by\s+)?([^|•.;,©]{2,60}?)\s*(?:,?\s*\d{4})?(?:[.,|•;]|\s+all rights|\s+unless|$)",
    re.IGNORECASE,
)
_LEGAL = re.compile(
    r"[,\s]+(?:inc|llc|ltd|limited|gmbh|corp|corporation|co|company|plc|s\.?a|ag)\.?\s*$", re.IGNORECASE
)



@dataclass(frozen=True)
class Header:
    """What the header reading found; ``None`` where nothing was found."""

    title: str | None = None
    title_line: int | None = None  # index among the non-blank lines
    outlet: str | None = None
    byline: str | None = None
    published: str | None = None



def read_byline_and_date(
    lines: Sequence[str], date_re: re.Pattern[str], title: int | None, first_story: int
) -> tuple[str | None, str | None]:
    """The byline and publication date between the title and the story's start."""
    start = max((title if title is not None else first_story) - META_ABOVE_TITLE, 0)
    stop = min(first_story + META_BELOW_STORY + 1, len(lines))
    byline: str | None = None
    published: str | None = None
    named: str | None = None  # a line under the title that is only a name, by a dated line
    for i in range(start, stop):
        line = lines[i]
        if i == title or len(line.split()) > META_MAX_WORDS:
            continue
        found_by, found_date = _byline_in(line, lines[i + 1] if i + 1 < len(lines) else "")
        byline = byline or found_by
        if published is None:
            published = _date_in(found_date or line, date_re)
        near = [*lines[max(i - 2, 0) : i], *lines[i + 1 : i + 3]]
        below_title = title is None or i > title
        if named is None and below_title and _NAME.match(line) and any(date_re.search(n) for n in near):
            named = line
    return byline or named, published


def _byline_in(line: str, following: str) -> tuple[str | None, str | None]:
    """A byline in ``line`` (and the date text after it), from its usual forms."""
    line = _GLUED.sub(" ", line)
    posted = _POSTED_BY.match(line)
    if posted:
        return _tidy_name(posted[1]), posted[2]
    by = re.match(r"^(?:by|von|por|par|di)\s+(.+)$", line, re.IGNORECASE)
    if by:
        parts = re.split(r"\s*(?:[|•·–—]|\s-\s)\s*", by[1], maxsplit=1)
        return _tidy_name(parts[0]), parts[1] if len(parts) > 1 else None
    if _BY_ONLY.match(line) and _NAME.match(following.strip()):
        return _tidy_name(following), None
    parts = re.split(r"\s+[|•·–—-]\s+", line, maxsplit=1)
    if len(parts) == 2 and _NAME.match(parts[0].strip()) and re.search(r"\d", parts[1]):
        return _tidy_name(parts[0]), parts[1]
    return None, None


def _tidy_name(name: str) -> str | None:
    name = _ROLE_TAIL.sub("", name).strip(" ,;:|-–—")
    name = re.split(r"\s+(?:on|at|in|for|updated|published)\s+", name, maxsplit=1)[0]
    words = name.split()
    if not 1 <= len(words) <= 8 or not name[:1].isupper():
        return None
    return name


def _date_in(text: str, date_re: re.Pattern[str]) -> str | None:
    match = date_re.search(text)
    return iso_date(match) if match else None


def read_outlet(lines: Sequence[str], url: str | None, header_outlet: str | None) -> str | None:
    """The outlet's name: a copyright line's, or the header's, checked against ``url``."""
    names = [name for line in lines if (name := copyright_name(line))]
    if header_outlet:
        names.insert(0, header_outlet)
    if url:
        domain = (urlsplit(url).hostname or "").removeprefix("www.")
        stem = _compact(domain.split(".")[0]) if domain else ""
        for name in names:
            found = _compact(name)
            if stem and (found == stem or found == _compact(domain) or stem in found):
                return name
        return domain or (names[0] if names else None)
    return names[0] if names else None


def copyright_name(line: str) -> str | None:
    """The holder's name in a copyright line ("© 2019 Billboard. All Rights Reserved.")."""
    if len(line.split()) > 30 or not re.search(r"©|ⓒ|\(c\)|\bcopyright\b", line, re.IGNORECASE):
        return None
    match = _COPYRIGHT.search(line)
    if not match:
        return None
    name = _LEGAL.sub("", match[1].strip(" -–—,")).strip()
    if not name or not name[:1].isalnum() or name.lower() in ("all rights reserved", "policy"):
        return None
    if len(name.split()) > 6 or re.search(r"\d{4}", name):
        return None
    return name


def _compact(text: str) -> str:
    return "".join(ch for ch in text.lower() if ch.isalnum())


def reporter_in_turns(turns: Sequence[str], turn_re: re.Pattern[str]) -> str | None:
    """A transcript's byline: the speaker its labels call "BYLINE" (the reporter:
    "PETRA LUND, BYLINE: ..."), in title case when the label is in capitals."""
    for line in turns:
        label = turn_re.match(line)
        name, _, role = (label[1] if label else "").partition(",")
        if role.strip().upper() == "BYLINE" and name.strip():
            name = name.strip()
            return name.title() if name.isupper() else name
    return None
