"""Line features for the learned line classifier (:mod:`storyweave.clean.model`).

Every feature is meant to hold across sites, since real users' pages come from sites no
model has seen: a line's shape (length, punctuation, sentence form, capitals, digits),
its vocabulary (a short list of furniture words, in a few languages), the rule kind of
:mod:`storyweave.clean.rules` that fired on it, repetition within the page, and where it
lies: relative to the page's densest run of prose, to header marks (byline, timestamp)
and to end-of-story marks (related headlines, share bars, tags, comments).

The second pass adds what the first pass thinks of the lines around each line: their
story probabilities, how much end-of-story furniture separates the line from the
nearest story lines, how many of its words the story lines use, and the shape of the
run of doubtful lines it belongs to (a list inside a story against a menu or a footer).

Nothing here is one site's string; the only word list is :data:`CHROME_WORDS`.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from . import header as M
from . import rules as R
from .literals import Needles, lowered_text
from .rules import LineShape, normalise, shape

#: Single words typical of site furniture (menus, widgets, prompts, footers), in the
#: languages most common in the labelled scrapes. A line's share of them is a feature;
#: the model learns how much it counts.
CHROME_WORDS = frozenset(
    ["subscribe", "subscription", "subscriber", "subscribers", "newsletter", "newsletters", "sign", "login", "logout", "register", "account", "share", "shares", "shared", "sharing", "tweet", "email", "e-mail", "print", "comments", "comment", "facebook", "twitter", "instagram", "youtube", "linkedin", "pinterest", "whatsapp", "reddit", "tumblr", "rss", "flipboard", "follow", "advertisement", "advertise", "advertising", "ad", "ads", "sponsored", "promoted", "privacy", "policy", "terms", "cookies", "cookie", "rights", "reserved", "copyright", "contact", "menu", "search", "home", "sections", "section", "related", "popular", "trending", "latest", "recommended", "watch", "video", "videos", "photo", "photos", "gallery", "image", "images", "credit", "credits", "click", "download", "app", "apps", "podcast", "podcasts", "jobs", "careers", "store", "shop", "events", "topics", "tags", "tag", "previous", "next", "close", "skip", "content", "navigation", "loading", "published", "updated", "posted", "ago", "min", "read", "edition", "weather", "sitemap", "feedback", "help", "faq", "about", "signup", "premium", "offer", "deals", "coupons", "back", "top", "more", "view", "all", "inscreva", "compartilhe", "publicidade", "comentários", "leia", "mais", "notícias", "teilen", "werbung", "anmelden", "abonnieren", "kommentare", "mehr", "compartir", "publicidad", "suscríbete", "comentarios", "más", "partager", "publicité", "abonnez", "commentaires"]
)

#: Rule kinds (the report's reasons) that become one-hot features: each kind is worth
#: what its precision on the labelled scrapes says, which the weights learn.
RULE_KINDS: tuple[str, ...] = (
    R.TITLE,
    R.OUTLET,
    R.BYLINE,
    R.DATELINE,
    R.STAGE,
    R.PHOTO,
    R.CAPTION,
    R.DUPLICATE,
    R.COPYRIGHT,
    R.CREDITS,
    R.BIO,
    R.COOKIE,
    R.SOCIAL,
    R.SUBSCRIBE,
    R.SHARE,
    R.AD,
    R.RELATED,
    R.TOP,
    R.BOTTOM,
    R.CALLOUT,
)

#: A line counts as running prose when it is sentence-like and at least this long:
#: on the labelled scrapes the median story line has 33 words, the median chrome line 3,
#: and captions and teasers mostly fewer than 10.
PROSE_WORDS = 10
#: What a non-prose line costs the page's main block (a prose line gains 1): 0.3 lets a
#: block run through a caption or an advertisement between paragraphs, not a menu.
BLOCK_GAP_COST = 0.3
#: The same cost for the block weighed by words of prose (a prose line gains its word
#: count): a story's long paragraphs then outweigh a list of teasers or short comments.
BLOCK_GAP_WORDS = 10.0
#: Distances in lines are capped here before their log is taken: past 40 lines a mark
#: says nothing more about a line.
FAR = 40.0
#: A first-pass story probability at or above this makes a line a "confident" story line
#: for the second pass's context features (the decision threshold's neighbourhood).
CONFIDENT = 0.5

_SENTENCE_BREAK = re.compile(r"\w[.!?][\"”’)]?\s+[\"“‘(]?[A-Z]")
_TIME = re.compile(r"\b\d{1,2}[:.]\d{2}\s*(?:[ap]\.?m\.?)?\b", re.IGNORECASE)
_URLISH = re.compile(r"https?://|www\.|\.com\b|\.org\b|\.net\b|@\w")
_BYLINE_START = re.compile(r"^(?:by|von|por|par|di)\s+\S", re.IGNORECASE)
_BULLET = re.compile(r"^[•·\-–—*>»|]\s*")
_DIGIT = re.compile(r"\d")
_PUNCT = re.compile(r"[^\w\s]")
_WORDS = re.compile(r"[^\W_]+")
#: A comment thread's "name says:" / "wrote:" line.
_SAYS = re.compile(r"\b(?:says|said|wrote|writes|replied|commented)\s*:?\s*$", re.IGNORECASE)
_SAYS_LONGEST = len("commented")  # the longest verb of _SAYS
#: A photo credit or caption marker: "(AP)", "Credit: ...", "Getty Images", "file photo".
_CREDIT = re.compile(
    r"\((?:[A-Z][\w.&' -]{1,40}|AP|AFP|Reuters)\)\s*$|\bcredits?\s*:|\b(?:getty images|shutterstock|"
    r"associated press|file photo|via ap|ap photo|afp photo|reuters photo)\b|^(?:photo|image|pictured)\b"
    r"|,\s*(?:left|right|center|centre)\s*,",
    re.IGNORECASE,
)
_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+\.[\w.]+\b")
_CONTRIBUTED = re.compile(
    r"\bcontributed (?:reporting|to this (?:report|story|article))\b|^write to\b|"
    r"\b(?:is|was) an? (?:\w+ ){0,3}(?:reporter|writer|editor|correspondent|columnist)\b",
    re.IGNORECASE,
)
#: An in-body link to another story: "SEE MORE:", "[Related: ...]", "Also on site.com".
_LINK_PREFIX = re.compile(
    r"^(?:\[|(?:see|read) (?:more|also)\b|related\b|also (?:on|read|see)\b|more:|watch:|listen:|"
    r"on [\w.-]+\.(?:com|org|net|co\.uk):|[A-Z][A-Z ]{2,20}:)",
    re.IGNORECASE,
)
#: A date or a clock time: a comment thread stamps every post with one.
_STAMP = re.compile(
    r"\b\d{1,2}[:.]\d{2}\s*(?:[ap]\.?m\.?)?\b|\b(?:19|20)\d{2}\b|\b\d{1,2}/\d{1,2}/\d{2,4}\b"
    r"|\b\d+\s*(?:minutes?|hours?|days?|weeks?|months?|years?)\s+ago\b",
    re.IGNORECASE,
)
#: The same searches, skipped on a line without the literal text every match holds.
_URLISH_NEEDLES = Needles.of(_URLISH)
_CREDIT_NEEDLES = Needles.of(_CREDIT)
_EMAIL_NEEDLES = Needles.of(_EMAIL)
_CONTRIBUTED_NEEDLES = Needles.of(_CONTRIBUTED)
#: End-of-story marks: the rule kinds that open or fill the furniture after a story.
_END_KINDS = frozenset({R.RELATED, R.SHARE, R.BIO, R.COPYRIGHT, R.SUBSCRIBE, R.SOCIAL, R.CREDITS})
#: Header marks: the lines that sit between a headline and its story.
_HEAD_KINDS = frozenset({R.BYLINE, R.DATELINE, R.TITLE})
_END_WORDS = re.compile(
    r"^(?:tags?|topics?|filed under|related|more (?:from|on|stories)|read (?:more|next)|"
    r"comments?|share|leave a (?:comment|reply)|about the author|recommended|"
    r"you (?:may|might) (?:also )?like|most (?:read|popular|viewed))\b",
    re.IGNORECASE,
)

OWN_NAMES: tuple[str, ...] = (
    "log_words",
    "log_chars",
    "terminal",
    "full_stop",
    "colon_end",
    "question_end",
    "prose_share",
    "lower_share",
    "title_share",
    "upper",
    "sentence_like",
    "prose",
    "digit_share",
    "punct_share",
    "commas_per_word",
    "sentence_breaks",
    "quote_mark",
    "starts_lower",
    "starts_digit",
    "bullet",
    "bar_or_slash",
    "copyright_sign",
    "urlish",
    "time",
    "by_start",
    "bracket_start",
    "says_colon",
    "credit",
    "email",
    "contributed",
    "link_prefix",
    "stamp",
    "chrome_word_share",
    "short_chrome_word",
    "menu",
)
#: Own features whose neighbourhood means are features too.
_WINDOWED = (
    "terminal",
    "stamp",
    "says_colon",
    "title_share",
    "lower_share",
    "digit_share",
    "chrome_word_share",
    "menu",
    "upper",
)
CONTEXT_NAMES: tuple[str, ...] = (
    "end_mark",
    "head_mark",
    "log_index",
    "log_index_from_end",
    "log_page_lines",
    "log_repeats",
    "first_copy",
    "in_main_block",
    "log_lines_before_block",
    "log_lines_after_block",
    "in_word_block",
    "log_lines_before_word_block",
    "log_lines_after_word_block",
    "word_block_share",
    "log_prose_above",
    "log_prose_below",
    "log_end_marks_above",
    "log_to_end_mark",
    "log_from_end_mark",
    "log_from_head_mark",
    "log_to_head_mark",
    "prev_log_words",
    "next_log_words",
    "prev_prose",
    "next_prose",
    "prose_within_2",
    "prose_within_5",
    "prose_within_12",
    "log_words_within_2",
    "log_words_within_5",
    "log_words_within_12",
    *(f"{name}_within_{radius}" for name in _WINDOWED for radius in (1, 4)),
)
RULE_NAMES: tuple[str, ...] = tuple(f"rule={kind}" for kind in RULE_KINDS)
#: The first pass's columns, in order.
FIRST_NAMES: tuple[str, ...] = (*OWN_NAMES, *CONTEXT_NAMES, *RULE_NAMES)
#: The columns the second pass adds, in order.
NEIGHBOUR_NAMES: tuple[str, ...] = (
    "pass1_logit",
    "prev_story",
    "next_story",
    "prev2_story",
    "next2_story",
    "story_within_3",
    "story_within_8",
    "story_lines_before",
    "story_lines_after",
    "log_lines_from_story_above",
    "log_lines_to_story_below",
    "log_end_marks_since_story_above",
    "log_end_marks_until_story_below",
    "topic_overlap",
    "in_run",
    "log_run_lines",
    "run_story_before",
    "run_story_after",
    "run_after_colon",
    "run_menu_share",
    "run_chrome_share",
    "run_end_mark_share",
)
_COLUMN = {name: k for k, name in enumerate(FIRST_NAMES)}


@dataclass(frozen=True, slots=True)
class _Line:
    """One line's own measurements, computed once and shared by every feature."""

    text: str
    shape: LineShape
    key: str
    prose: bool


def _measure(text: str, s: LineShape | None = None) -> _Line:
    s = s or shape(text)
    return _Line(
        text=text,
        shape=s,
        key=normalise(text),
        prose=s.sentence_like and s.words >= PROSE_WORDS,
    )


def _own_features(line: _Line) -> list[float]:
    """Features of one line by itself, in :data:`OWN_NAMES` order."""
    text, s = line.text, line.shape
    lowered = lowered_text(text)
    # An ASCII line lower-cased has the same word boundaries (not so every Unicode text:
    # "İ" lower-cased is "i" and a combining dot).
    tokens = (
        _WORDS.findall(lowered)
        if lowered is not None and text.isascii()
        else [w.lower() for w in _WORDS.findall(text)]
    )
    chrome = sum(map(CHROME_WORDS.__contains__, tokens))
    chars = max(len(text), 1)
    digits = len(_DIGIT.findall(text))  # _TIME and _STAMP need a digit
    return [
        math.log1p(s.words),
        math.log1p(len(text)),
        float(s.terminal),
        float(text.rstrip("\"”’)'").endswith(".")),
        float(text.endswith(":")),
        float(text.endswith("?")),
        s.prose_share,
        s.lower_share,
        s.title_share,
        float(s.upper),
        float(s.sentence_like),
        float(line.prose),
        digits / chars,
        len(_PUNCT.findall(text)) / chars,
        text.count(",") / max(s.words, 1),
        float(min(len(_SENTENCE_BREAK.findall(text)), 5)),
        float(any(q in text for q in "\"“”")),
        float(text[:1].islower()),
        float(text[:1].isdigit()),
        float(bool(_BULLET.match(text))),
        float("|" in text or ("/" in text and s.words <= 12)),
        float("©" in text),
        float(bool(_URLISH_NEEDLES.search(text, lowered))),
        float(digits > 0 and bool(_TIME.search(text))),
        float(bool(_BYLINE_START.match(text))),
        float(text.startswith(("(", "["))),
        float(bool(_says_at_end(text))),
        float(bool(_CREDIT_NEEDLES.search(text, lowered))),
        float(bool(_EMAIL_NEEDLES.search(text, lowered))),
        float(bool(_CONTRIBUTED_NEEDLES.search(text, lowered))),
        float(bool(_LINK_PREFIX.match(text))),
        float(s.words <= 12 and digits > 0 and bool(_STAMP.search(text))),
        chrome / max(len(tokens), 1),
        float(chrome > 0 and s.words <= 6),
        float(M.is_menu(text)),
    ]


def _says_at_end(text: str) -> re.Match[str] | None:
    """``_SAYS.search(text)``, searched only where a match can start: its verb ends the
    line but for white space and one colon, so it starts within the longest verb's
    length of that end."""
    end = text.rstrip()
    if end.endswith(":"):
        end = end[:-1].rstrip()
    return _SAYS.search(text, max(len(end) - _SAYS_LONGEST, 0))


def _best_run(gains: np.ndarray) -> tuple[int, int]:
    """The run of lines with the largest sum of ``gains`` (maximum-sum subarray)."""
    best, best_span = -math.inf, (0, len(gains) - 1)
    running, start = 0.0, 0
    for i, gain in enumerate(gains.tolist()):
        if running <= 0:
            running, start = gain, i
        else:
            running += gain
        if running > best:
            best, best_span = running, (start, i)
    return best_span


def _window_mean(values: np.ndarray, radius: int) -> np.ndarray:
    """Mean of ``values`` over [i - radius, i + radius] without i itself, clipped at the ends.

    ``values`` may be a matrix: each column is averaged on its own (the same sums, in
    the same order, as one column at a time).
    """
    n = len(values)
    padded = np.concatenate([np.zeros((1, *values.shape[1:])), np.cumsum(values, axis=0)])
    idx = np.arange(n)
    lo, hi = np.maximum(idx - radius, 0), np.minimum(idx + radius + 1, n)
    total = padded[hi] - padded[lo] - values
    count = np.maximum(hi - lo - 1, 1)
    return np.asarray(total / (count if values.ndim == 1 else count[:, None]))


def _shift(values: np.ndarray, by: int) -> np.ndarray:
    """``values`` moved ``by`` places (positive: the previous line's value at i), 0 filled."""
    out = np.zeros_like(values)
    if by > 0:
        out[by:] = values[:-by]
    elif by < 0:
        out[:by] = values[-by:]
    return out


def _distance_below(marks: np.ndarray) -> np.ndarray:
    """Lines from each line down to the next marked line (0 on a marked line), capped."""
    n = len(marks)
    out = np.full(n, FAR)
    following = math.inf
    for i in range(n - 1, -1, -1):
        if marks[i]:
            following = i
        out[i] = min(following - i, FAR)
    return out


def _distance_above(marks: np.ndarray) -> np.ndarray:
    """Lines from the previous marked line down to each line (0 on a marked line), capped."""
    return np.asarray(_distance_below(marks[::-1])[::-1])


def _block_position(gains: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Inside flag and log distances before/after the best run of ``gains``."""
    start, end = _best_run(gains)
    idx = np.arange(len(gains), dtype=float)
    inside = ((idx >= start) & (idx <= end)).astype(float)
    return inside, np.log1p(np.maximum(start - idx, 0)), np.log1p(np.maximum(idx - end, 0))


def _context_features(
    measured: Sequence[_Line], own: np.ndarray, rule_kinds: Sequence[str | None]
) -> np.ndarray:
    """Position, page-level and neighbourhood features, in :data:`CONTEXT_NAMES` order."""
    n = len(measured)
    idx = np.arange(n, dtype=float)
    words = np.exp(own[:, OWN_NAMES.index("log_words")]) - 1
    log_words = own[:, OWN_NAMES.index("log_words")]
    prose = np.array([m.prose for m in measured], dtype=float)
    keys = Counter(m.key for m in measured)
    repeats = np.array([keys[m.key] for m in measured], dtype=float)
    seen: set[str] = set()
    first = np.zeros(n)
    for i, m in enumerate(measured):
        if m.key not in seen:
            seen.add(m.key)
            first[i] = 1.0
    inside, before, after = _block_position(np.where(prose > 0, 1.0, -BLOCK_GAP_COST))
    w_inside, w_before, w_after = _block_position(np.where(prose > 0, words, -BLOCK_GAP_WORDS))
    prose_words = np.where(prose > 0, words, 0.0)
    w_share = float((prose_words * w_inside).sum() / max(prose_words.sum(), 1.0))
    prose_above = np.concatenate([[0.0], np.cumsum(prose)[:-1]])
    prose_below = prose.sum() - prose_above - prose
    end_marks = np.array(
        [k in _END_KINDS or bool(_END_WORDS.match(m.text)) for m, k in zip(measured, rule_kinds)],
        dtype=float,
    )
    head_marks = np.array(
        [k in _HEAD_KINDS or bool(_BYLINE_START.match(m.text)) for m, k in zip(measured, rule_kinds)],
        dtype=float,
    )
    end_above = np.concatenate([[0.0], np.cumsum(end_marks)[:-1]])
    columns = [
        end_marks,
        head_marks,
        np.log1p(idx),
        np.log1p(n - 1 - idx),
        np.full(n, math.log1p(n)),
        np.log1p(repeats - 1),
        first,
        inside,
        before,
        after,
        w_inside,
        w_before,
        w_after,
        np.full(n, w_share),
        np.log1p(prose_above),
        np.log1p(prose_below),
        np.log1p(end_above),
        np.log1p(_distance_below(end_marks)),
        np.log1p(_distance_above(end_marks)),
        np.log1p(_distance_above(head_marks)),
        np.log1p(_distance_below(head_marks)),
        _shift(log_words, 1),
        _shift(log_words, -1),
        _shift(prose, 1),
        _shift(prose, -1),
    ]
    # Window means a few columns at a time (one numpy pass per radius, not per column).
    both = np.column_stack([prose, log_words])
    near, mid, far = _window_mean(both, 2), _window_mean(both, 5), _window_mean(both, 12)
    columns.extend([near[:, 0], mid[:, 0], far[:, 0], near[:, 1], mid[:, 1], far[:, 1]])
    windowed = own[:, [OWN_NAMES.index(name) for name in _WINDOWED]]
    within_1, within_4 = _window_mean(windowed, 1), _window_mean(windowed, 4)
    for k in range(len(_WINDOWED)):
        columns.extend([within_1[:, k], within_4[:, k]])
    return np.column_stack(columns)


def _rule_features(rule_kinds: Sequence[str | None]) -> np.ndarray:
    """One-hot of the rule kind that fired on each line (all zero where none did)."""
    out = np.zeros((len(rule_kinds), len(RULE_KINDS)))
    index = {kind: k for k, kind in enumerate(RULE_KINDS)}
    for i, kind in enumerate(rule_kinds):
        if kind in index:
            out[i, index[kind]] = 1.0
    return out


def first_pass_features(
    lines: Sequence[str],
    rule_kinds: Sequence[str | None],
    shapes: Sequence[LineShape] | None = None,
) -> np.ndarray:
    """The first pass's matrix (:data:`FIRST_NAMES` columns), one row per line.

    ``lines`` are the page's non-blank lines, stripped; ``rule_kinds`` the reason a rule
    gave each (``None`` where none fired); ``shapes`` their :func:`~storyweave.clean.rules.shape`
    when the caller has them already.
    """
    if not lines:
        return np.zeros((0, len(FIRST_NAMES)))
    measured = [_measure(line, shapes[i] if shapes else None) for i, line in enumerate(lines)]
    own = np.array([_own_features(m) for m in measured], dtype=float)
    return np.hstack([own, _context_features(measured, own, rule_kinds), _rule_features(rule_kinds)])


def _marks_since_story(confident: np.ndarray, marks: np.ndarray) -> np.ndarray:
    """For each line, the marked lines since the last confident story line above it."""
    out = np.zeros(len(marks))
    count = 0.0
    for i, (sure, mark) in enumerate(zip(confident.tolist(), marks.tolist())):
        out[i] = count
        count = 0.0 if sure else count + mark
    return out


def _topic_overlap(lines: Sequence[str], confident: np.ndarray) -> np.ndarray:
    """Share of each line's content words that the confident story lines (other than the
    line itself) use too: teasers of other stories, menus and footers share few."""
    bags = [
        {w for w in _WORDS.findall(line.lower()) if len(w) > 3 and not w.isdigit()}
        for line in lines
    ]
    vocabulary: Counter[str] = Counter()
    for bag, sure in zip(bags, confident.tolist()):
        if sure:
            vocabulary.update(bag)
    out = np.zeros(len(lines))
    for i, bag in enumerate(bags):
        if bag:
            own = 1 if confident[i] else 0
            out[i] = sum(1 for w in bag if vocabulary[w] > own) / len(bag)
    return out


def _run_features(story: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Features of the run of doubtful lines (first-pass P(story) < :data:`CONFIDENT`)
    that each line belongs to (all zero for a confident line).

    A list inside a story (tour dates, a recipe, product boxes) is such a run, opened by
    a story line (often one ending with a colon) and free of chrome words; a menu or a
    footer is a run of short capitalised labels, chrome words and end marks.
    """
    n = len(story)
    out = np.zeros((n, 8))
    doubtful = (story < CONFIDENT).tolist()
    menuish = (x[:, _COLUMN["title_share"]] >= 0.8) & (x[:, _COLUMN["log_words"]] <= math.log1p(5))
    chrome = x[:, _COLUMN["chrome_word_share"]] > 0
    i = 0
    while i < n:
        if not doubtful[i]:
            i += 1
            continue
        j = i
        while j + 1 < n and doubtful[j + 1]:
            j += 1
        run = slice(i, j + 1)
        length = j - i + 1
        out[run] = [
            1.0,
            math.log1p(length),
            story[i - 1] if i > 0 else 0.0,
            story[j + 1] if j + 1 < n else 0.0,
            float(i > 0 and x[i - 1, _COLUMN["colon_end"]] > 0),
            menuish[run].mean(),
            chrome[run].mean(),
            x[run, _COLUMN["end_mark"]].sum() / length,
        ]
        i = j + 1
    return out


def neighbour_features(story: np.ndarray, x: np.ndarray, lines: Sequence[str]) -> np.ndarray:
    """The second pass's extra columns (:data:`NEIGHBOUR_NAMES`), from the first pass's
    story probabilities ``story``, its matrix ``x`` and the page's ``lines``."""
    if not len(story):
        return np.zeros((0, len(NEIGHBOUR_NAMES)))
    clipped = np.clip(story, 1e-4, 1 - 1e-4)
    confident = (story >= CONFIDENT).astype(float)
    before = np.concatenate([[0.0], np.cumsum(confident)[:-1]])
    after = np.concatenate([np.cumsum(confident[::-1])[::-1][1:], [0.0]])
    end_marks = x[:, _COLUMN["end_mark"]]
    marks_above = _marks_since_story(confident, end_marks)
    marks_below = _marks_since_story(confident[::-1], end_marks[::-1])[::-1]
    return np.column_stack(
        [
            np.log(clipped / (1 - clipped)),
            _shift(story, 1),
            _shift(story, -1),
            _shift(story, 2),
            _shift(story, -2),
            _window_mean(story, 3),
            _window_mean(story, 8),
            np.minimum(before, 3.0) / 3.0,
            np.minimum(after, 3.0) / 3.0,
            np.log1p(_distance_above(confident)),
            np.log1p(_distance_below(confident)),
            np.log1p(marks_above),
            np.log1p(marks_below),
            _topic_overlap(lines, confident),
            _run_features(story, x),
        ]
    )
