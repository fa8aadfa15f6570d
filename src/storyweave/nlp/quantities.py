"""Quantities in a sentence: numbers in digits or words, their unit, their hedge as a range.

"at least 52 vessels", "a two-hour meeting", "two and a half hours", "about 3,000 votes",
"4.5%", "nearly two weeks", "dozens of ships": each becomes a :class:`Quantity` with an
interval ``[low, high]`` on one scale per kind (durations in hours), so that two reports
of the same quantity *conflict* exactly when their intervals do not overlap
(:func:`compatible`). "more than two hours" and "two and a half hours" overlap; "about 40"
and "at least 52" do not.

What is deliberately *not* a quantity: years ("in 2029"), dates ("March 2", "2 March"),
times of day ("8 a.m.", "23:00"), ages ("a six-year-old", "aged 45"), ordinals ("17th"),
model numbers ("BrightKettle 2") and "one" used as a pronoun. Those differ between
sentences about different things far more often than they signal a dispute.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from .calendar import MONTH_NUMBER, WEEKDAYS
from .tokens import STOPWORDS, literal_prefixes, may_match_ignoring_case, stem, wordset

QuantityKind = Literal["count", "percent", "money", "duration"]

#: Hedge words -> how the interval is built from the stated number ``n``.
#: "about 40" is read as +/-10% (a reporter rounding to the nearest 5 or 10).
ABOUT_SPREAD = 0.1
#: "at least 52" / "more than 200" are open-ended in logic, but a reporter who knew of 80
#: would not write "at least 52": we cap the range at ``n * LOWER_BOUND_REACH``.
#: Calibrated on the answer keys: 1.5 keeps "more than 200" ~ "about 240", "more than a
#: dozen" ~ 17 and "more than six weeks" ~ "seven weeks" compatible while "at least 14
#: killed" vs "23 dead" stays a conflict (1.64x).
LOWER_BOUND_REACH = 1.5
#: "nearly/almost two weeks" = at least 80% of the number (11.2..14 days for two weeks).
NEARLY_FLOOR = 0.8

_HEDGES: dict[str, str] = {
    "about": "about",
    "around": "about",
    "roughly": "about",
    "approximately": "about",
    "some": "about",
    "an estimated": "about",
    "estimated": "about",
    "almost": "nearly",
    "nearly": "nearly",
    "close to": "nearly",
    "just under": "nearly",
    "at least": "above",
    "more than": "above",
    "over": "above",
    "just over": "above",
    "well over": "above",
    "upwards of": "above",
    "in excess of": "above",
    "fewer than": "below",
    "less than": "below",
    "under": "below",
    "up to": "below",
    "at most": "below",
    "no more than": "below",
    "as many as": "below",
}
_HEDGE_WORDS = {tuple(h.split()): kind for h, kind in _HEDGES.items()}
_MAX_HEDGE_LEN = max(len(h) for h in _HEDGE_WORDS)

_UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90,
}  # fmt: skip
_MULTIPLIERS = {"hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1e9}
#: Vague amounts: a wide range rather than a number.
_VAGUE = {
    "dozens": (24.0, 99.0),
    "scores": (40.0, 99.0),
    "hundreds": (200.0, 999.0),
    "thousands": (2_000.0, 9_999.0),
    "millions": (2e6, 9.99e8),
}
#: Duration units, in hours: every duration is compared on this one scale.
DURATION_HOURS = {
    "second": 1 / 3600, "minute": 1 / 60, "hour": 1.0, "day": 24.0, "week": 168.0,
    "fortnight": 336.0, "month": 730.0, "year": 8760.0, "decade": 87600.0,
}  # fmt: skip
#: Units of measure: a number of miles is never a number of anything else.
MEASURES = wordset("""mph kph km kms kilometer kilometre mile meter metre foot feet inch centimeter
    centimetre millimeter millimetre ton tonne kg kilogram gram pound ounce gallon
    litre liter barrel acre hectare degree knot watt megawatt volt""")
_CURRENCY_SIGNS = {"$": "dollar", "£": "pound", "€": "euro", "¥": "yen"}
_CURRENCIES = wordset(
    "dollar euro pound crown krona krone franc yen yuan rupee peso rouble ruble cent"
)
_PERCENT_WORDS = {("percent",), ("per", "cent"), ("percentage", "points"), ("points",)}
_MONTHS = frozenset(MONTH_NUMBER)
#: Words after which a number is a label, a date part or an age, not an amount.
_LABEL_BEFORE = wordset("aged age no number page route room flight platform chapter")
#: After "the"/"both"/... a small word number refers back ("the two ministers").
_DEFINITE = wordset("the both these those its their his her our")
#: Past tenses that end a noun phrase but not in "-ed" ("a magnitude 6.1 quake struck").
_IRREGULAR_VERBS = wordset("""were was are is struck heard said told met made took left went came began fell
    rose won lost held found gave saw set put hit cut ran got kept sent spent built
    paid sold brought thought stood led broke shut fled swept tore""")
#: Time adverbs end a noun phrase: "five years yesterday" counts years.
_TIME_WORDS = wordset("yesterday today tomorrow tonight ago earlier later now") | set(WEEKDAYS)
_CALENDAR_DAYS = frozenset(WEEKDAYS)
#: "60 miles north of Des Moines" measures miles; the direction (or "ahead", "away") is not
#: part of the noun.
_DIRECTIONS = wordset(
    "north south east west northeast northwest southeast southwest offshore ahead away apart"
)
#: Distances on one scale (miles): "50 kilometres" and "31 miles" are one distance.
DISTANCE_MILES = {
    "mile": 1.0, "km": 0.621371, "kms": 0.621371, "kilometer": 0.621371, "kilometre": 0.621371
}
NAUTICAL_MILE = 1.150779
#: A prison term is worded as "jailed for", "sentenced to", "years in prison".
_PRISON_WORDS = wordset("jailed jail sentenced sentence prison imprisonment imprisoned")
#: Casualty wording differs more than any other count ("14 killed", "death toll of 14",
#: "14 dead", "14 deaths"); a few words map them onto one role so they can be compared.
_DEAD_WORDS = wordset("dead killed died deaths death lives fatalities toll")
_INJURED_WORDS = wordset("injured wounded hurt injuries")

_TOKEN = re.compile(
    r"[$£€¥]|(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:-[A-Za-z]+)*%?|[A-Za-z]+(?:['’-][A-Za-z]+)*|\S"
)
#: A text without a digit nor one of these words has no number (checked apart: the digit
#: test alone is a fast scan, and most sentences with a number have a digit).
_DIGIT = re.compile(r"\d")
_NUMBER_WORDS = "|".join([*_UNITS, *_VAGUE, "dozen", "half"])
_NUMBER_WORD = re.compile(r"\b(?:" + _NUMBER_WORDS + r")(?:\b|-)", re.IGNORECASE)
#: The words as substrings: a text without any cannot match ``_NUMBER_WORD`` (a few
#: substring tests rule out most texts faster than the case-blind search).
_NUMBER_WORD_KEYS = literal_prefixes([_NUMBER_WORDS])
#: Words a number can start with (digits aside): every other token is skipped unparsed.
_STARTERS = frozenset([*_UNITS, *_VAGUE, "dozen", "a", "half"])
_DIGITS = re.compile(r"^((?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?)((?:-[A-Za-z]+)*)(%?)$")


@dataclass(frozen=True, slots=True)
class Quantity:
    """One amount in a sentence, with its hedge read as an interval.

    ``low``/``high`` are on the kind's scale (hours for durations); ``unit`` is the
    singular head noun ("vessel", "percent", "hour", "dollar") or ``None``;
    ``role`` is what is counted when it is a casualty figure ("dead", "injured");
    ``subject`` is what a duration measures, as written ("talks" in "14 hours of talks");
    ``context`` holds content-word stems near the number (what the number is about);
    ``names`` the capitalised words near it (where or whose: "Honduras", "El Salvador");
    ``anchors`` the times it is tied to ("monday", "yesterday", "1978").
    """

    text: str
    value: float
    low: float
    high: float
    kind: QuantityKind
    unit: str | None
    start: int
    end: int
    context: frozenset[str]
    role: str | None = None
    subject: str | None = None
    phrase: frozenset[str] = frozenset()  # the other words of the noun phrase ("electric")
    names: frozenset[str] = frozenset()
    anchors: frozenset[str] = frozenset()


@dataclass(slots=True)  # not frozen: built for every word of every sentence with a number
class _Token:
    text: str
    lower: str
    start: int
    end: int


def quantities(text: str) -> tuple[Quantity, ...]:
    """The quantities stated in ``text``, in order.

    Example::

        >>> [q.text for q in quantities("At least 52 vessels waited for nearly two weeks.")]
        ['At least 52 vessels', 'nearly two weeks']
    """
    if not _DIGIT.search(text) and not (
        may_match_ignoring_case(text, _NUMBER_WORD_KEYS) and _NUMBER_WORD.search(text)
    ):
        return ()  # most sentences have no number: skip tokenising them (the diverge budget)
    tokens = [
        _Token(word, word.lower(), m.start(), m.end())
        for m in _TOKEN.finditer(text)
        if (word := m.group())  # always true: a token is never empty
    ]
    found: list[Quantity] = []
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if not token.text[0].isdigit() and token.lower.partition("-")[0] not in _STARTERS:
            i += 1
            continue
        parsed = _number_at(tokens, i)
        if parsed is None:
            i += 1
            continue
        value, vague, end, unit_hint = parsed
        quantity = _build(text, tokens, i, end, value, vague, unit_hint)
        if quantity is not None:
            found.append(quantity)
        i = max(end, i + 1)
    return tuple(found)


#: Two figures this close are one figure rounded differently ("$5.9 million" and "$6
#: million" in two reports of one real story).
ROUNDING = 0.025


def compatible(a: Quantity, b: Quantity) -> bool:
    """Whether two readings of one quantity can both be true (their intervals overlap, give
    or take rounding)."""
    return a.low <= b.high * (1 + ROUNDING) and b.low <= a.high * (1 + ROUNDING)


def comparable(a: Quantity, b: Quantity) -> bool:
    """Whether ``a`` and ``b`` measure the same kind of thing (same kind and unit or role)."""
    if a.kind != b.kind:
        return False
    if a.kind == "duration" or a.kind == "percent":
        return True
    if a.role or b.role:
        return a.role == b.role
    return a.unit == b.unit


def _number_at(
    tokens: list[_Token], i: int
) -> tuple[float, tuple[float, float] | None, int, str | None] | None:
    """Parse a number starting at token ``i``: (value, vague range, end index, hyphen unit)."""
    token = tokens[i]
    match = _DIGITS.match(token.text)
    if match:
        digits, suffix, percent = match.groups()
        value = float(digits.replace(",", ""))
        end = i + 1
        if not suffix and not percent and end < len(tokens) and tokens[end].lower in _MULTIPLIERS:
            value *= _MULTIPLIERS[tokens[end].lower]
            end += 1
        hint = "percent" if percent else (suffix[1:].lower() if suffix else None)
        return value, None, end, hint
    lower = token.lower
    if lower in _VAGUE:
        return _VAGUE[lower][0], _VAGUE[lower], i + 1, None
    if lower in ("dozen", "a") and _dozen(tokens, i):
        return _dozen(tokens, i)
    if lower == "half" and _word(tokens, i + 1) == "a" and _word(tokens, i + 2) == "dozen":
        return 6.0, None, i + 3, None
    return _word_number(tokens, i)


def _dozen(tokens: list[_Token], i: int) -> tuple[float, None, int, None] | None:
    """ "a dozen" / "dozen" -> 12."""
    if tokens[i].lower == "a" and _word(tokens, i + 1) == "dozen":
        return 12.0, None, i + 2, None
    if tokens[i].lower == "dozen":
        return 12.0, None, i + 1, None
    return None


def _word_number(tokens: list[_Token], i: int) -> tuple[float, None, int, str | None] | None:
    """ "forty-two", "two hundred", "two and a half", "two-hour" (with hyphen unit)."""
    head, _, hyphen_unit = tokens[i].lower.partition("-")
    value = _small_number(head, hyphen_unit)
    if value is None:
        return None
    if value is not None and hyphen_unit and _small_number(hyphen_unit, "") is not None:
        # "forty-two"
        value += _small_number(hyphen_unit, "") or 0
        hyphen_unit = ""
    elif hyphen_unit:
        return value, None, i + 1, hyphen_unit
    end = i + 1
    while end < len(tokens) and tokens[end].lower in _MULTIPLIERS:
        value *= _MULTIPLIERS[tokens[end].lower]
        end += 1
    if (
        _word(tokens, end) == "and"
        and _word(tokens, end + 1) == "a"
        and (_word(tokens, end + 2) == "half")
    ):
        value += 0.5
        end += 3
    return value, None, end, None


def _small_number(word: str, rest: str) -> float | None:
    if word in _UNITS:
        return float(_UNITS[word])
    if word == "a" and rest == "half":
        return 0.5
    return None


def _word(tokens: list[_Token], i: int) -> str:
    return tokens[i].lower if 0 <= i < len(tokens) else ""


#: Capitalised words before a number that open a sentence rather than name a label:
#: "Another 12 people were injured", "A 640-kilometer wide hurricane".
_SENTENCE_OPENERS = wordset("a an the another all some only its their his her our these those")


def _build(
    text: str,
    tokens: list[_Token],
    first: int,
    end: int,
    value: float,
    vague: tuple[float, float] | None,
    hint: str | None,
) -> Quantity | None:
    """Turn a parsed number into a :class:`Quantity`, or ``None`` when it is not an amount."""
    before = _word(tokens, first - 1)
    after = _word(tokens, end)
    number_text = tokens[first].text
    is_word = not number_text[0].isdigit()
    # Not amounts: years, dates, times of day, ages, ordinals, labels and model numbers.
    if hint and (hint.endswith("old") or hint in ("th", "st", "nd", "rd", "year-old")):
        return None
    if hint and "year-old" in tokens[first].lower:
        return None
    if not is_word and after.split("-")[0] in ("st", "nd", "rd", "th"):
        return None  # an ordinal: "the 17th-century tower", "the 3rd round"
    if after in (":", "am", "pm", "o'clock", "gmt", "utc") or before == ":":
        return None  # a time of day
    if after in ("a", "p") and _word(tokens, end + 1) == "." and _word(tokens, end + 2) == "m":
        return None  # "8 a.m."
    if after in _MONTHS or before in _MONTHS:
        return None  # a date
    if before in _LABEL_BEFORE or (after == "-" and _word(tokens, end + 1) == "year"):
        return None
    if not is_word and not hint and re.fullmatch(r"1[89]\d\d|20\d\d", number_text):
        return None  # a year
    if first > 0 and tokens[first - 1].text[:1].isupper() and not is_word:
        prev = tokens[first - 1].lower
        if (
            prev not in _HEDGE_WORDS and (prev,) not in _HEDGE_WORDS
            and prev not in _CURRENCY_SIGNS and prev not in _SENTENCE_OPENERS
        ):
            return None  # "BrightKettle 2", "Route 66", "Category 4"
    if _word(tokens, end) in ("year", "years") and _word(tokens, end + 1) == "old":
        return None
    if is_word and value == 1 and not hint and _word(tokens, end) not in DURATION_HOURS:
        return None  # "one of the", "one resident": a pronoun far more often than a count
    if is_word and value < 10 and before in _DEFINITE and not hint:
        return None  # "the two ministers" refers back; it is not a reported figure

    # The unit: a hyphenated one ("two-hour"), a sign, "percent", or the head noun after.
    kind: QuantityKind = "count"
    unit: str | None = None
    subject: str | None = None
    last = end  # one past the last token of the quantity as written
    phrase: frozenset[str] = frozenset()
    if first > 0 and tokens[first - 1].text in _CURRENCY_SIGNS:
        kind, unit = "money", _CURRENCY_SIGNS[tokens[first - 1].text]
    if hint == "percent":
        kind, unit = "percent", "percent"
    elif hint:
        unit = _singular(hint.split("-")[0])
        run = _noun_run(tokens, end)
        if run:
            subject = tokens[run[-1]].lower
            last = run[-1] + 1
    elif kind != "money":
        two = (_word(tokens, end), _word(tokens, end + 1))
        if two in _PERCENT_WORDS:
            kind, unit, last = "percent", "percent", end + 2
        elif two[:1] in _PERCENT_WORDS:
            kind, unit, last = "percent", "percent", end + 1
        else:
            run = _noun_run(tokens, end)
            if not run and after == "of":
                run = _noun_run(tokens, end + 1)  # "dozens of ships"
            if run and _singular(tokens[run[0]].lower) in MEASURES:
                run = run[:1]  # "640 kilometers across", "30 miles offshore": the measure
            if run:
                unit = _singular(tokens[run[-1]].lower)
                last = run[-1] + 1
                phrase = frozenset(tokens[k].lower for k in run[:-1] if tokens[k].lower.isalpha())
    if kind == "count" and unit in _CURRENCIES:
        kind = "money"
    if kind == "count" and unit in DURATION_HOURS:
        kind = "duration"
        if subject is None and _word(tokens, last) == "of":
            run = _noun_run(tokens, last + 1)  # "14 hours of talks"
            if run:
                subject = tokens[run[-1]].lower

    hedge, hedge_start = _hedge(tokens, first)
    low, high = _interval(value, vague, hedge)
    if kind == "duration" and unit is not None:
        scale = DURATION_HOURS[unit]
        low, high, value = low * scale, high * scale, value * scale
    elif unit in DISTANCE_MILES:
        # One scale for distances: "19 nautical miles" and "22 miles" are one distance.
        scale = DISTANCE_MILES[unit] * (NAUTICAL_MILE if "nautical" in phrase else 1.0)
        low, high, value, unit = low * scale, high * scale, value * scale, "mile"
    role = _role(tokens, first, last, unit)
    start_token = hedge_start if hedge_start is not None else first
    if start_token > 0 and tokens[start_token - 1].text in _CURRENCY_SIGNS:
        start_token -= 1
    start, stop = tokens[start_token].start, tokens[last - 1].end
    context = _context(tokens, start_token, last)
    names = _names(tokens, start_token, last)
    anchors = _anchors(tokens, start_token, last)
    return Quantity(
        text=text[start:stop],
        value=value,
        low=low,
        high=high,
        kind=kind,
        unit=unit,
        start=start,
        end=stop,
        context=context,
        role=role,
        subject=subject,
        phrase=phrase,
        names=names,
        anchors=anchors,
    )


def _noun_run(tokens: list[_Token], i: int) -> list[int]:
    """Indices of the noun phrase after a number: up to four words, stopping at function
    words, punctuation and (after the first word) verb-looking words."""
    run: list[int] = []
    j = i
    while j < len(tokens) and len(run) < 4:
        token = tokens[j]
        lower = token.lower
        if (
            lower in STOPWORDS
            or lower in _TIME_WORDS
            or lower in _HEDGE_WORDS
            or lower in _DIRECTIONS
            or not (lower[0].isalpha() or (run and lower.isdigit()))
        ):
            break
        if (
            run
            and not token.text[0].isupper()
            and (lower.endswith(("ed", "ing")) or lower in _IRREGULAR_VERBS)
        ):
            break
        run.append(j)
        j += 1
    while run and tokens[run[-1]].lower.isdigit():
        run.pop()
    return run


def _hedge(tokens: list[_Token], first: int) -> tuple[str | None, int | None]:
    """The hedge right before the number ("at least", "about"), with its first token."""
    for length in range(_MAX_HEDGE_LEN, 0, -1):
        start = first - length
        if start < 0:
            continue
        words = tuple(t.lower for t in tokens[start:first])
        if words in _HEDGE_WORDS:
            return _HEDGE_WORDS[words], start
    return None, None


def _interval(
    value: float, vague: tuple[float, float] | None, hedge: str | None
) -> tuple[float, float]:
    """The range of values a hedged number allows."""
    if vague is not None:
        low, high = vague
    else:
        low = high = value
    if hedge == "about":
        return low * (1 - ABOUT_SPREAD), high * (1 + ABOUT_SPREAD)
    if hedge == "nearly":
        # Inclusive, as for "above": readers take "nearly five years" and "five years" for
        # one claim (a real briefing flagged them as a conflict when the number was excluded).
        return low * NEARLY_FLOOR, high
    if hedge == "above":
        # Inclusive: "more than three months" and "a three-month deadlock" are read as one
        # claim by readers, not as a dispute over a day.
        return low, high * LOWER_BOUND_REACH
    if hedge == "below":
        return low / LOWER_BOUND_REACH, high  # inclusive, as for "above"
    return low, high


def _role(tokens: list[_Token], first: int, last: int, unit: str | None) -> str | None:
    """ "dead"/"injured" when the number counts casualties, however it is worded."""
    if unit in _DEAD_WORDS or unit == "death":
        return "dead"
    if unit in _INJURED_WORDS:
        return "injured"
    following = [t.lower for t in tokens[last : last + 3]]
    for word in following:
        if word in ("killed", "died", "dead"):
            return "dead"
        if word in _INJURED_WORDS:
            return "injured"
        if word in (",", ".", "and", ";"):
            break
    preceding = [t.lower for t in tokens[max(0, first - 12) : first]]
    if unit is None and "toll" in preceding:
        return "dead"
    if unit in ("year", "month") and _PRISON_WORDS.intersection(
        t.lower for t in tokens[max(0, first - 6) : last + 3]
    ):
        return "prison term"
    return None


def _context(tokens: list[_Token], first: int, last: int) -> frozenset[str]:
    """Content-word stems within six words either side: what the number is about.
    Six rather than four: it reaches "agreement ... after 14 hours of talks"."""
    window = tokens[max(0, first - 6) : first] + tokens[last : last + 6]
    return frozenset(
        stem(t.lower) for t in window if t.lower[0].isalpha() and t.lower not in STOPWORDS
    )


#: A place named this near a number ("died in Honduras") is where the number counts.
NAME_WINDOW = 8
#: Words after which a capitalised run names a place.
_LOCATIVE = wordset("in across throughout from near at inside outside around")


def _names(tokens: list[_Token], first: int, last: int) -> frozenset[str]:
    """Lower-cased words of the places named near the number: capitalised runs after a
    locative preposition ("in Central America", "from Honduras"), calendar words left out."""
    found: set[str] = set()
    start = max(1, first - NAME_WINDOW)
    stop = min(len(tokens), last + NAME_WINDOW)
    for k in range(start, stop):
        if tokens[k - 1].lower not in _LOCATIVE or first <= k < last:
            continue
        while k < stop and tokens[k].text[:1].isupper() and tokens[k].lower not in _MONTHS:
            if tokens[k].lower not in _CALENDAR_DAYS and tokens[k].lower not in STOPWORDS:
                found.add(tokens[k].lower)
            k += 1
    return frozenset(found)


#: Words that tie a number to a day: "Monday's toll", "yesterday", "the 1978 fire".
_DAY_WORDS = frozenset(WEEKDAYS) | wordset("yesterday today tonight")
_YEAR = re.compile(r"^(?:19|20)\d\d$")


def _anchors(tokens: list[_Token], first: int, last: int) -> frozenset[str]:
    """The day words and years within six words of the number (not the number itself)."""
    window = tokens[max(0, first - 6) : first] + tokens[last : last + 6]
    found = set()
    for token in window:
        word = token.lower.removesuffix("'s").removesuffix("’s")
        if word in _DAY_WORDS or _YEAR.match(word):
            found.add(word)
    return frozenset(found)


def _singular(word: str) -> str:
    """A light singular: "vessels" -> "vessel", "fishermen" -> "fisherman", "hours" -> "hour"."""
    if word.endswith("men"):
        return word[:-3] + "man"
    if word in ("people", "series", "news"):
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("ches", "shes", "sses", "xes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith("ss") and len(word) > 3:
        return word[:-1]
    return word
