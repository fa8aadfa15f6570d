"""The title ranker of the learned cleaner: which line near the story's start is its headline.

On a real page scrape the headline is not at the top: menus, consent notices and section
labels come first, and the headline sits a few lines above the story's first paragraph,
among a standfirst, a byline, a timestamp and a photo caption. Once the line classifier
(:mod:`storyweave.clean.model`) has found the story, a small tree ensemble (trained with
it, see :mod:`storyweave.evaluate.cleaning_train`) scores the lines near the first story
line on the features below: shape (length, capitals, final stop), distance to the story,
the rule kind that fired on the line, repetition on the page, and how many of its words
the story uses. The best one wins if it scores enough.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence

import numpy as np

from . import header as M
from . import rules as R
from .features import CHROME_WORDS, FIRST_NAMES
from .rules import LineShape, normalise, shape

#: Title candidates: non-blank lines from this many above the first story line ...
TITLE_WINDOW_ABOVE = 40
#: ... to this many below it (some pages print the standfirst or first paragraph above
#: the headline).
TITLE_WINDOW_BELOW = 3
#: A candidate longer than this is a paragraph, not a headline (the longest headline
#: on the labelled scrapes has 27 words).
TITLE_MAX_WORDS = 40
#: The best candidate becomes the title only with at least this score (probability):
#: below it, a text that opens with its story has no headline to read. On the labelled
#: scrapes (cross-validated by site) 0.03 gave up 1 page's headline against no threshold;
#: the sentences of a story with no headline score under 0.01.
TITLE_MIN_SCORE = 0.03

_WORDS = re.compile(r"[^\W_]+")
_RULE_KINDS = (
    R.TITLE,
    R.OUTLET,
    R.BYLINE,
    R.DATELINE,
    R.TOP,
    R.RELATED,
    R.SHARE,
    R.SUBSCRIBE,
    R.CAPTION,
    R.PHOTO,
)
#: Columns of the line classifier's first-pass matrix that the ranker uses too: where the
#: line lies relative to the page's prose block and its header and end marks.
_LINE_COLUMNS = (
    "log_index",
    "log_lines_before_block",
    "log_lines_after_block",
    "log_lines_before_word_block",
    "log_lines_after_word_block",
    "log_to_head_mark",
    "log_from_head_mark",
    "log_to_end_mark",
    "prose_within_2",
    "chrome_word_share_within_1",
)
TITLE_NAMES: tuple[str, ...] = (
    "log_words",
    "terminal",
    "full_stop",
    "title_share",
    "upper",
    "prose_share",
    "digit_share",
    "chrome_word_share",
    "menu",
    "separator",
    "log_distance",
    "below_story",
    "log_repeats",
    "story_overlap",
    "story_probability",
    "head_mark_below",
    "first_line",
    "headline_length",
    "prose_within_next_8",
    "prose_within_previous_8",
    "title_like_before",
    "headline_shape",
    "headline_shape_above",
    "sentence_below",
    "log_headline_rank",
    "any_rule",
    *(f"rule={kind}" for kind in _RULE_KINDS),
    *(f"line:{name}" for name in _LINE_COLUMNS),
)
_SEPARATOR = re.compile(r"\s[|•·–—-]\s|\s{2,}")


def title_candidates(first_story: int, n_lines: int) -> range:
    """Indices (among non-blank lines) of the lines the title is picked from."""
    return range(max(first_story - TITLE_WINDOW_ABOVE, 0), min(first_story + TITLE_WINDOW_BELOW + 1, n_lines))


def title_features(
    lines: Sequence[str],
    kinds: Sequence[str | None],
    story: np.ndarray,
    keep: np.ndarray,
    candidates: Sequence[int],
    x: np.ndarray,
    shapes: Sequence[LineShape] | None = None,
) -> np.ndarray:
    """One row of :data:`TITLE_NAMES` features per candidate line; ``x`` is the page's
    first-pass matrix (:func:`storyweave.clean.features.first_pass_features`)."""
    columns = [FIRST_NAMES.index(name) for name in _LINE_COLUMNS]
    kept = np.flatnonzero(keep)
    first = int(kept[0]) if len(kept) else len(lines)
    keys = Counter(normalise(line) for line in lines)
    vocabulary: Counter[str] = Counter()
    for i in kept[:12].tolist():
        vocabulary.update({w for w in _WORDS.findall(lines[i].lower()) if len(w) > 3})
    heads = [k in (R.BYLINE, R.DATELINE) for k in kinds]
    all_shapes = list(shapes) if shapes else [shape(line) for line in lines]
    prose = [s.sentence_like and s.words >= 10 for s in all_shapes]
    title_like = [
        4 <= s.words <= 20 and not s.terminal and s.title_share >= 0.5 for s in all_shapes
    ]
    # Headline-shaped: 3 to 25 words, no full stop at the end. Counted back from the
    # story's start, the headline is rarely the first such line (a standfirst, a caption
    # or a byline sits between) and rarely far.
    shaped = [
        3 <= s.words <= 25 and not lines[k].rstrip("\"”’)'").endswith(".")
        for k, s in enumerate(all_shapes)
    ]
    rank: dict[int, int] = {}
    for k in range(min(first, len(lines)) - 1, -1, -1):
        if shaped[k]:
            rank[k] = len(rank) + 1
    rows = []
    for i in candidates:
        text = lines[i]
        s = all_shapes[i]
        tokens = [w.lower() for w in _WORDS.findall(text)]
        content = {w for w in tokens if len(w) > 3}
        own = 1 if keep[i] else 0
        overlap = (
            sum(1 for w in content if vocabulary[w] > own) / len(content) if content else 0.0
        )
        rows.append(
            [
                math.log1p(s.words),
                float(s.terminal),
                float(text.rstrip("\"”’)'").endswith(".")),
                s.title_share,
                float(s.upper),
                s.prose_share,
                sum(map(str.isdigit, text)) / max(len(text), 1),
                sum(1 for w in tokens if w in CHROME_WORDS) / max(len(tokens), 1),
                float(M.is_menu(text)),
                float(bool(_SEPARATOR.search(text))),
                math.log1p(abs(first - i)),
                float(i > first),
                math.log1p(keys[normalise(text)] - 1),
                overlap,
                float(story[i]),
                float(any(heads[i + 1 : i + 4])),
                float(i == 0),
                float(4 <= s.words <= 20),
                sum(prose[i + 1 : i + 9]) / 8,
                sum(prose[max(i - 8, 0) : i]) / 8,
                float(sum(title_like[max(i - 8, 0) : i])),
                float(shaped[i]),
                float(i > 0 and shaped[i - 1]),
                float(
                    i + 1 < len(lines)
                    and all_shapes[i + 1].sentence_like
                    and all_shapes[i + 1].words > s.words
                ),
                math.log1p(rank.get(i, 0)),
                float(kinds[i] is not None),
                *(float(kinds[i] == kind) for kind in _RULE_KINDS),
                *x[i, columns].tolist(),
            ]
        )
    return np.array(rows, dtype=float).reshape(len(rows), len(TITLE_NAMES))


def pick_title(
    scores: np.ndarray, candidates: Sequence[int], lines: Sequence[str]
) -> int | None:
    """The best-scoring candidate that can be a headline, or ``None``.

    A line whose next line starts in lower case is the first line of a hard-wrapped
    paragraph, not a headline; a line that starts in lower case is the middle of one.
    """
    best, best_score = None, TITLE_MIN_SCORE
    for i, score in zip(candidates, scores.tolist()):
        wrapped = lines[i][:1].islower() or (i + 1 < len(lines) and lines[i + 1][:1].islower())
        if score >= best_score and 1 <= len(lines[i].split()) <= TITLE_MAX_WORDS and not wrapped:
            best, best_score = i, score
    return best
