"""A story's title: the best headline among its articles'.

Used wherever a story is named: the briefing's heading (:func:`storyweave.render.common.headline`)
and every listing of the monitoring store (``storyweave stories``, the web's story list).

The best headline is the one that shares the most words with the other headlines (the
medoid of the headlines, by the cosine of their content-word sets): the headline that
says what most outlets say, rather than one outlet's angle. Site names appended to a
headline ("... | Harbourline") are dropped first, and headlines too short to say anything
("PORT STRIKE") are only used when there is nothing else.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

from ..nlp.tokens import content_stems

#: A headline needs this many words to name a story; shorter ones are section labels or
#: outlet names ("ECONOMY", "PORT STRIKE") and are used only when there is nothing else.
MIN_TITLE_WORDS = 4
#: A headline is cut to this many words when it is shown as a title.
MAX_TITLE_WORDS = 14
#: " | Site", " - Site", " — Site" at the end of a headline: the site's name, when short.
_SITE_SUFFIX = re.compile(r"\s+[|\-–—]\s+([^|\-–—]{1,40})$")
#: A wire dateline opening a lead: a city in capitals, maybe a region or date, the agency in
#: brackets and a dash ("TRIPOLI, Libya (AP) — ", "WASHINGTON (AP) _ ").
_WIRE_DATELINE = re.compile(r"^[A-Z][A-Z .'’-]{1,30}(?:,\s*[^()\n]{1,40}?)?\s*\([A-Za-z .&-]{1,20}\)\s*[-–—_]+\s*")
_SITE_WORDS = 4


def clean_title(title: str) -> str:
    """``title`` on one line, without a short site name after a bar or dash."""
    text = " ".join(title.split())
    match = _SITE_SUFFIX.search(text)
    if match and len(match.group(1).split()) <= _SITE_WORDS and len(text[: match.start()].split()) >= 3:
        text = text[: match.start()]
    return text


def best_title(titles: Sequence[str | None]) -> str | None:
    """The best headline of ``titles`` (see the module docstring); ``None`` when none is
    given. Ties go to the earlier headline, so the result is deterministic.

    Example::

        >>> best_title(["Port strike ends | Harbourline", "Velmora port strike ends after talks",
        ...             "Talks end port strike in Velmora"])
        'Velmora port strike ends after talks'
    """
    cleaned = [clean_title(t) for t in titles if t and t.strip()]
    cleaned = [t for t in cleaned if t]
    if not cleaned:
        return None
    long_enough = [t for t in cleaned if len(t.split()) >= MIN_TITLE_WORDS]
    candidates = long_enough or cleaned
    if len(candidates) == 1:
        return candidates[0]
    stems = [set(content_stems(t)) for t in candidates]

    def score(i: int) -> float:
        return sum(
            len(stems[i] & stems[j]) / math.sqrt(len(stems[i]) * len(stems[j]))
            for j in range(len(candidates))
            if j != i and stems[i] and stems[j]
        )

    best = max(range(len(candidates)), key=lambda i: (score(i), -i))
    return candidates[best]


def without_dateline(text: str) -> str:
    """A lead sentence without the wire dateline it opens with, to serve as a title.

    >>> without_dateline("TRIPOLI, Libya (AP) — U.N. Secretary-General Kofi Annan arrived.")
    'U.N. Secretary-General Kofi Annan arrived.'
    >>> without_dateline("WASHINGTON (AP) _ The Senate voted.")
    'The Senate voted.'
    >>> without_dateline("Talks (in Velmora) - a note")
    'Talks (in Velmora) - a note'
    """
    match = _WIRE_DATELINE.match(text)
    rest = text[match.end():] if match else ""
    return rest if rest[:1].isupper() or rest[:1].isdigit() else text


def short_title(text: str, words: int = MAX_TITLE_WORDS) -> str:
    """``text`` cut to ``words`` words, with an ellipsis when cut."""
    parts = text.split()
    return text if len(parts) <= words else " ".join(parts[:words]) + " …"
