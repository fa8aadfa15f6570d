"""The learned line classifier applied to one text scrape, and the header read around its story.

The rule cleaner (:mod:`storyweave.clean.lines`) runs first; its verdicts are features of
the classifier (:mod:`storyweave.clean.model`) and stay final. :func:`apply_model` lets the
classifier judge the lines no rule removed, relaxes its decision when it would leave
almost nothing (and says so), and then reads the title (:mod:`storyweave.clean.title`),
byline, date and outlet (:mod:`storyweave.clean.header`) around the story's start.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

import numpy as np

from . import rules as R
from .header import Header, Meta, read_byline_and_date, read_outlet
from .model import LineModel
from .rules import LineShape, shape
from .title import pick_title, title_candidates, title_features

#: Cleaning that leaves fewer words than this has almost surely cut the story (the
#: shortest story among the labelled real scrapes has 33 words; the pipeline briefs
#: sources from 12): it falls back to a more lenient decision and says so.
NEARLY_EMPTY_WORDS = 25
#: The lenient decision of that fallback for a text scrape: every line the model rates at
#: least this likely story, unsmoothed (then, if that is still too little, the most
#: story-like lines until there is enough). On the labelled scrapes this recovers the
#: pages (paywalled ones, one-paragraph notices) where the smoothing dropped the story.
FALLBACK_STORY = 0.2
#: The story starting within this many non-blank lines means the text has no long page
#: header (a pasted article): what the rules read from its first lines stays. The same
#: value as the rule cleaner's metadata scan (clean.lines.TOP_SCAN_LINES).
SHORT_HEADER_LINES = 10

FALLBACK_TEXT = (
    "the learned cleaner would have left almost no story text, so the lines it rates most "
    "story-like are kept (trafilatura needs the page's HTML, which a text scrape lacks)"
)


def prose_words(texts: Sequence[str]) -> int:
    """Words in the texts that read as prose (a list of dates or labels is no story)."""
    return sum(s.words for t in texts if (s := shape(t)).sentence_like)


def apply_model(
    model: LineModel,
    lines: Sequence[str],
    nonblank: Sequence[int],
    shapes: Sequence[LineShape],
    reasons: dict[int, str],
    meta: Meta,
    *,
    turns: Sequence[int] = (),
    date_re: re.Pattern[str],
    url: str | None = None,
) -> str | None:
    """Let ``model`` judge the lines of ``lines`` no rule removed; read the header.

    ``nonblank`` indexes the non-blank lines, ``shapes`` are all lines' shapes, and
    ``reasons`` (line index -> reason) the rules' removals: the model's are added to it,
    and what it reads of the header goes into ``meta``. Every rule stays final: on the
    labelled real scrapes the rules removed 6,300 lines, 65 of them story (most of those
    tweets and source tags the annotators kept). A transcript's speaker ``turns`` and the
    lines between them stay too: the model judges only its header and footer. Returns
    the fallback note for the removal report when the decision was relaxed, else None.
    """
    if not nonblank:
        return None
    texts = [lines[i] for i in nonblank]
    kinds = [reasons.get(i) for i in nonblank]
    page_shapes = [shapes[i] for i in nonblank]
    x, probability = model.predict(texts, kinds, page_shapes)
    # The smoothing runs over the lines the rules left: an advertisement the rules took
    # out between two paragraphs does not interrupt the story.
    open_at = [k for k, i in enumerate(nonblank) if i not in reasons]
    keep = np.zeros(len(texts), dtype=bool)
    keep[open_at] = model.decoding.keep(probability[open_at])
    prose = np.array([s.words if s.sentence_like else 0 for s in page_shapes])
    fallback = None
    if prose[keep].sum() < NEARLY_EMPTY_WORDS:
        fallback = FALLBACK_TEXT
        keep[open_at] = probability[open_at] >= FALLBACK_STORY
        # Still too little: the most story-like lines, best first, until there is enough.
        for k in sorted(open_at, key=lambda k: -probability[k]):
            if prose[keep].sum() >= NEARLY_EMPTY_WORDS:
                break
            keep[k] = True
    if turns:
        keep |= np.array([turns[0] <= i <= turns[-1] for i in nonblank])
    kept = [i for i, story in zip(nonblank, keep.tolist()) if story and i not in reasons]
    for i, story in zip(nonblank, keep.tolist()):
        if story or i in reasons:
            continue
        if not kept or i < kept[0]:
            reasons[i] = R.TOP
        elif i > kept[-1]:
            reasons[i] = R.BOTTOM
        else:
            reasons[i] = R.MODEL
    kept_set = set(kept)
    keep = np.array([i in kept_set for i in nonblank])
    first_kept = np.flatnonzero(keep)
    short = bool(len(first_kept)) and int(first_kept[0]) <= SHORT_HEADER_LINES
    header = read_header(
        texts,
        kinds,
        x,
        probability,
        keep,
        model.title.predict if model.title else None,
        date_re,
        shapes=page_shapes,
        url=url,
        header_outlet=meta.found_outlet if short else None,
    )
    if short and header.title_line is not None and header.title_line >= first_kept[0]:
        # A pasted article whose story starts at the top: what the ranker found from
        # that start on is a story line (or a one-line item), not a headline the rules
        # missed.
        header = Header(None, None, header.outlet, header.byline, header.published)
    _merge_header(meta, header, short, reasons, nonblank)
    return fallback


def _merge_header(
    meta: Meta, header: Header, short: bool, reasons: dict[int, str], nonblank: Sequence[int]
) -> None:
    """What the rules read from the first lines of a text stays where the text has no
    long page header (``short``: the story starts within the first lines), as in a pasted
    article; on a page scrape the rules saw menus there, and the header reader's findings
    win."""
    if header.title is not None and header.title_line is not None and not (short and meta.found_title):
        reasons[nonblank[header.title_line]] = R.TITLE
        meta.found_title = header.title
    elif not short:
        meta.found_title = None
    if header.outlet or not short:
        meta.found_outlet = header.outlet
    if header.byline and not (short and meta.found_byline):
        meta.found_byline = header.byline
    if header.published and not (short and meta.found_published):
        meta.found_published = header.published


def read_header(
    lines: Sequence[str],
    kinds: Sequence[str | None],
    x: np.ndarray,
    story: np.ndarray,
    keep: np.ndarray,
    ranker: Callable[[np.ndarray], np.ndarray] | None,
    date_re: re.Pattern[str],
    *,
    shapes: Sequence[LineShape] | None = None,
    url: str | None = None,
    header_outlet: str | None = None,
) -> Header:
    """Title, outlet, byline and date of a page whose story lines are ``keep``.

    ``lines`` are the non-blank lines, ``kinds`` the rule kind that fired on each, ``x``
    the line classifier's first-pass matrix, ``story`` its probabilities, ``ranker`` the title ranker (scores
    for a matrix of :func:`title_features` rows), ``url`` the page's address if known,
    and ``header_outlet`` the outlet the rules read from the top lines, if any.
    """
    kept = np.flatnonzero(keep)
    if not len(kept):
        return Header(outlet=read_outlet(lines, url, header_outlet))
    first = int(kept[0])
    title = None
    if ranker is not None:
        candidates = list(title_candidates(first, len(lines)))
        scores = ranker(title_features(lines, kinds, story, keep, candidates, x, shapes))
        title = pick_title(scores, candidates, lines)
    byline, published = read_byline_and_date(lines, date_re, title, first)
    return Header(
        title=lines[title] if title is not None else None,
        title_line=title,
        outlet=read_outlet(lines, url, header_outlet),
        byline=byline,
        published=published,
    )

