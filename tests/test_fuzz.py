"""Property-based fuzzing of every text stage with hostile, random text.

Each property states what must hold whatever the input: no exception escapes a stage
(except the documented :class:`~storyweave.errors.InputError` for an input that is not an
article), every citation points at a real source sentence, every summary line is a source
sentence, the JSON follows the schema and the HTML is well formed with no injected markup.

The default run is sized to take well under a minute. For the reported figures run many
more cases: ``STORYWEAVE_FUZZ_EXAMPLES=2000 pytest tests/test_fuzz.py`` or
``python benchmarks/fuzz_report.py``.
"""

from __future__ import annotations

import codecs
import datetime as dt
import json
import os
import re
from collections.abc import Callable
from html.parser import HTMLParser
from typing import Any, TypeVar

import jsonschema
import numpy as np
import pytest
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from storyweave.align import align, similarity_matrix
from storyweave.clean import clean
from storyweave.errors import InputError
from storyweave.evaluate import consistency
from storyweave.ingest.files import decode_text
from storyweave.model import Article, Briefing, CleanedText, Sentence, Source
from storyweave.nlp.dates import find_times
from storyweave.nlp.quantities import quantities
from storyweave.nlp.quotes import extract_mentions, find_quotes
from storyweave.nlp.sentences import MAX_SENTENCE_WORDS, segment, split_sentences
from storyweave.options import BriefOptions
from storyweave.pipeline import Briefer
from storyweave.render import render_html, render_json, render_markdown, schema
from storyweave.views.framing import uses_term

from .builders import make_briefing

F = TypeVar("F", bound=Callable[..., Any])

#: Cases per property in the default run; ``STORYWEAVE_FUZZ_EXAMPLES`` scales them up.
DEFAULT_EXAMPLES = 40


def fuzz(default: int = DEFAULT_EXAMPLES) -> Callable[[F], F]:
    """Hypothesis settings for one property: ``default`` cases unless the env var says more.

    No deadline: the machine is shared, and a slow case is not a failure of these
    properties (the benchmarks measure speed). The size health checks are off because
    very long inputs are the point.
    """
    wanted = os.environ.get("STORYWEAVE_FUZZ_EXAMPLES", "")
    examples = int(wanted) if wanted.isdigit() and int(wanted) > 0 else default
    return settings(
        max_examples=examples,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                               HealthCheck.large_base_example],
    )


# --- hostile text ---------------------------------------------------------------------

#: Characters that have broken text tools before: bidi controls and RTL letters,
#: combining marks, emoji sequences, zero-width and control characters, every kind of
#: quotation mark, sentence punctuation and line breaks.
SPECIALS = (
    "\u200f", "\u200e", "\u202e", "\u202d", "\u2066", "\u2069", "\u061c", "שלום", "مرحبا",
    "e\u0301", "\u0336", "Z\u0351\u0352\u0353\u0354", "👩‍👩‍👧", "🇺🇦", "🏳️‍🌈", "\U0001f600",
    "\u200b", "\u200c", "\u200d", "\ufeff", "\u2060", "\x00", "\x07", "\x1b[31m", "\x1b]8;;x\x07",
    "\x7f", "\x85", "\u2028", "\u2029", "\r", "\t", "\f", "\x0b",
    '"', "'", "“", "”", "‘", "’", "«", "»", "``", "''", "„", "‹", "›",
    ".", "!", "?", "…", "...", ";", ":", ",", "(", ")", "[", "]", "\n", "\n\n", " ",
    "<", ">", "&", "&amp;", "&#0;", "&lt;script&gt;", "\ud800",
)
#: Words of a plausible news sentence, so that some inputs survive cleaning and reach
#: the later stages instead of all being refused as "not an article".
WORDS = (
    "The", "union", "said", "talks", "ended", "on", "Sunday", "after", "14", "hours",
    "Marta", "Ilves", "minister", "port", "at", "least", "52", "vessels", "about", "40",
    "dead", "Mr.", "U.S.", "p.m.", "March", "2", "2026", "two-hour", "meeting", "would",
    "strike", "Velmora", "$3.5", "million", "percent", "4.5%", "she", "told", "reporters",
)

token = st.one_of(
    st.sampled_from(WORDS),
    st.sampled_from(SPECIALS),
    st.text(max_size=6),  # any code point, surrogates excluded by hypothesis
)
#: Free text: news words, hostile characters and random code points, mixed.
hostile_text = st.lists(token, max_size=60).map(" ".join)


@st.composite
def news_text(draw: st.DrawFn) -> str:
    """Several sentence-like lines of news words with hostile pieces spliced in."""
    lines = []
    for _ in range(draw(st.integers(1, 8))):
        words = draw(st.lists(st.sampled_from(WORDS), min_size=4, max_size=25))
        noise = draw(st.lists(st.tuples(st.integers(0, 30), token), max_size=4))
        for at, piece in noise:
            words.insert(min(at, len(words)), piece)
        end = draw(st.sampled_from([".", "!", "?", "", '."', ".”", "…"]))
        lines.append(" ".join(words) + end)
    return draw(st.sampled_from(["\n", "\n\n", " "])).join(lines)


@st.composite
def shaped_text(draw: st.DrawFn) -> str:
    """The shapes the issue names: long lines, no punctuation, only quotes, nested or
    malformed HTML, or plain hostile text."""
    shape = draw(st.sampled_from(["long", "unpunctuated", "quotes", "nested", "malformed",
                                  "news", "hostile"]))
    if shape == "long":
        word = draw(st.sampled_from(WORDS))
        return (word + draw(st.sampled_from([" ", ", ", "\u200b", ""]))) * draw(
            st.integers(500, 6000)
        )
    if shape == "unpunctuated":
        return " ".join(draw(st.lists(st.sampled_from(WORDS[:20]), min_size=50, max_size=800)))
    if shape == "quotes":
        marks = st.sampled_from(['"', "“", "”", "‘", "’", "'", "``", "''", "«", "»", " "])
        return "".join(draw(st.lists(marks, min_size=1, max_size=400)))
    if shape == "nested":
        depth = draw(st.integers(1, 3000))
        tag = draw(st.sampled_from(["div", "p", "span", "b", "table"]))
        body = draw(news_text())
        return f"<html><body>{f'<{tag}>' * depth}{body}{f'</{tag}>' * depth}</body></html>"
    if shape == "malformed":
        pieces = st.one_of(
            st.sampled_from(["<p>", "</p>", "<div", "<b><i>", "</i></b>", "<!--", "-->",
                             "<script>alert(1)</script>", "<![CDATA[", "<p class='x", "&#x;",
                             "<html>", "</body>", "<title>", "<meta charset=x>", "<"]),
            news_text(),
        )
        return "".join(draw(st.lists(pieces, min_size=1, max_size=12)))
    if shape == "news":
        return draw(news_text())
    return draw(hostile_text)


def as_article(text: str, origin: str = "fuzz.txt", fmt: str = "text", **meta: str) -> Article:
    return Article(text=text, origin=origin, format=fmt, **meta)  # type: ignore[arg-type]


def source_of(number: int, text: str, kind: str = "article") -> Source:
    """A source whose sentences are ``text`` split as the pipeline would split it."""
    cleaned = CleanedText(paragraphs=tuple(p for p in text.split("\n") if p.strip()), removed=(),
                          kind=kind)  # type: ignore[arg-type]
    sentences = segment(f"s{number}", cleaned)
    return Source(id=f"s{number}", origin=f"s{number}.txt", title=None, outlet=None,
                  byline=None, published=None, url=None, kind=kind,  # type: ignore[arg-type]
                  sentences=sentences, removed=())


# --- stage by stage -------------------------------------------------------------------


@fuzz()
@given(shaped_text(), st.sampled_from(["text", "markdown", "html"]))
def test_cleaning_refuses_or_returns_story_text(text: str, fmt: str) -> None:
    try:
        cleaned = clean(as_article(text, fmt=fmt))
    except InputError as error:
        assert error.problem and "\n" not in error.problem
        event("refused")
        return
    event("cleaned")
    assert cleaned.paragraphs and all(isinstance(p, str) for p in cleaned.paragraphs)
    assert all(r.line >= 1 for r in cleaned.removed)


@fuzz()
@given(st.one_of(shaped_text(), hostile_text))
def test_sentence_splitting_keeps_every_word_once(text: str) -> None:
    sentences = split_sentences(text)
    assert all(s and s == s.strip() for s in sentences)
    # Splitting only cuts between words: nothing lost, nothing repeated, nothing added.
    assert " ".join(sentences).split() == " ".join(text.split("\n")).split()
    assert all(len(s.split()) <= MAX_SENTENCE_WORDS for s in sentences)


@fuzz()
@given(st.lists(st.one_of(news_text(), hostile_text), min_size=1, max_size=4),
       st.sampled_from(["article", "transcript"]))
def test_quotes_cite_sentences_of_their_own_source(texts: list[str], kind: str) -> None:
    sources = [source_of(i + 1, t, kind) for i, t in enumerate(texts)]
    ids = {s.id for source in sources for s in source.sentences}
    for source in sources:
        for mention in extract_mentions(source):
            assert mention.sentence_ids and set(mention.sentence_ids) <= {
                s.id for s in source.sentences
            }
    for quote in find_quotes(sources):
        assert set(quote.sentence_ids) <= ids
        assert {m.source_id for m in quote.mentions} <= set(quote.source_ids)


@fuzz()
@given(st.one_of(news_text(), hostile_text, shaped_text()))
def test_quantities_are_spans_of_the_text_with_ordered_bounds(text: str) -> None:
    for q in quantities(text):
        assert 0 <= q.start < q.end <= len(text)
        assert q.low <= q.high
        assert not (np.isnan(q.low) or np.isnan(q.high))


@fuzz()
@given(st.one_of(news_text(), hostile_text),
       st.one_of(st.none(), st.dates(dt.date(1, 1, 1), dt.date(9999, 12, 31))),
       st.one_of(st.none(), st.integers(1, 9999)))
# Found by this property: anchoring at the calendar's edge raised OverflowError.
@example("The The The Sunday.", dt.date(1, 1, 1), None)
@example("Talks resume tomorrow.", dt.date(9999, 12, 31), None)
def test_dates_anchor_to_real_calendar_days(
    text: str, published: dt.date | None, year: int | None
) -> None:
    for mention in find_times(text, published, year):
        assert mention.text
        if mention.date is not None:
            # ISO 8601: a day, a month or a year.
            assert re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", mention.date), mention.date
            if len(mention.date) == 10:
                dt.date.fromisoformat(mention.date)


@st.composite
def sentences_and_vectors(draw: st.DrawFn) -> tuple[list[Sentence], np.ndarray]:
    per_source = draw(st.lists(st.lists(hostile_text, max_size=6), min_size=1, max_size=5))
    sentences = [
        Sentence(id=f"s{i + 1}.{j + 1}", source_id=f"s{i + 1}", index=j, paragraph=0, text=t)
        for i, texts in enumerate(per_source)
        for j, t in enumerate(texts)
    ]
    dims = draw(st.integers(1, 8))
    values = st.floats(-1, 1, allow_nan=False, width=32)
    matrix = np.array(
        draw(st.lists(st.lists(values, min_size=dims, max_size=dims),
                      min_size=len(sentences), max_size=len(sentences))),
        dtype=np.float32,
    ).reshape(len(sentences), dims)
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    # Unit rows as the embedders give them; an all-zero row stays zero (lexical does that).
    matrix = np.divide(matrix, norms, out=np.zeros_like(matrix), where=norms > 0)
    return sentences, matrix


@fuzz()
@given(sentences_and_vectors(), st.floats(0.05, 0.95))
def test_alignment_puts_each_sentence_in_one_fact(
    data: tuple[list[Sentence], np.ndarray], threshold: float
) -> None:
    sentences, vectors = data
    facts = align(sentences, similarity_matrix(vectors), threshold=threshold)
    placed = [sid for fact in facts for sid in fact.sentence_ids]
    assert sorted(placed) == sorted(s.id for s in sentences)
    text_of = {s.id: s.text for s in sentences}
    for fact in facts:
        sources = [sid.split(".")[0] for sid in fact.sentence_ids]
        assert len(sources) == len(set(sources))  # one sentence per source per fact
        assert fact.representative == fact.sentence_ids[0]
        assert fact.text == text_of[fact.representative]


@fuzz()
@given(st.one_of(st.binary(max_size=400), st.lists(
    st.tuples(st.sampled_from(["utf-8", "utf-16", "cp1252", "latin-1", "utf-8-sig"]),
              st.one_of(news_text(), hostile_text)), min_size=1, max_size=3,
).map(lambda parts: b"".join(t.encode(c, "ignore") for c, t in parts))))
def test_any_bytes_in_mixed_encodings_decode_or_are_refused(data: bytes) -> None:
    try:
        text = decode_text(data, "mixed.txt")
    except InputError as error:
        assert error.input == "mixed.txt" and error.problem
        return
    assert text.strip() and "\r" not in text
    if data.startswith(codecs.BOM_UTF8) and not data[3:].startswith(codecs.BOM_UTF8):
        assert not text.startswith("\ufeff")  # the byte-order mark is not text


# --- the whole pipeline and the renderers ---------------------------------------------


class WellFormed(HTMLParser):
    """Checks that every element is closed in order, as a browser would build the tree."""

    VOID = frozenset(["area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"])

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.scripts: list[str | None] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "script":
            self.scripts.append(dict(attrs).get("src"))
        if any(name.startswith("on") for name, _ in attrs):
            self.errors.append(f"event handler attribute on <{tag}>")
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes <{self.stack[-1] if self.stack else ''}>")
        else:
            self.stack.pop()


def check_html(page: str, scripts: tuple[str, ...] = ()) -> None:
    """``page`` is well formed, has no event-handler attribute and only ``scripts``."""
    checker = WellFormed()
    checker.feed(page)
    checker.close()
    assert not checker.errors, checker.errors[:3]
    assert checker.stack == []
    assert tuple(checker.scripts) == scripts  # the briefing page itself has none
    assert page.lower().startswith("<!doctype html>")


def check_briefing(briefing: Briefing) -> None:
    """The invariants every briefing must keep, whatever went in."""
    text_of = {s.id: s.text for src in briefing.sources for s in src.sentences}
    source_ids = {src.id for src in briefing.sources}
    for line in briefing.summary:
        assert line.citations and set(line.citations) <= text_of.keys()
        assert line.text == text_of[line.citations[0]]  # a real source sentence
    for fact in briefing.facts:
        assert set(fact.sentence_ids) <= text_of.keys() and fact.text == text_of[fact.representative]
    for quote in briefing.quotes:
        assert set(quote.sentence_ids) <= text_of.keys() and set(quote.source_ids) <= source_ids
    for divergence in briefing.divergences:
        for side in divergence.sides:
            assert set(side.citations) <= text_of.keys() and set(side.source_ids) <= source_ids
    for entity in briefing.entities:
        assert set(entity.citations) <= text_of.keys()
    for moment in briefing.timeline:
        assert set(moment.citations) <= text_of.keys()
    for view in briefing.outlets:
        assert view.source_id in source_ids
        assert all(note.citation in text_of for note in view.framing)
    flagged = [note.term for view in briefing.outlets for note in view.framing]
    for line in briefing.summary:  # the summary never repeats wording the briefing flags
        assert not [term for term in flagged if uses_term(line.text, term)], line.text
    rendered = render_json(briefing), render_html(briefing), render_markdown(briefing)
    for output in rendered:
        output.encode("utf-8")  # writable to a file, a terminal or a socket (no lone surrogate)
    jsonschema.validate(json.loads(rendered[0]), schema())
    check_html(rendered[1])
    text = rendered[2]
    # Nothing from the sources may drive the terminal: no escape or other control codes.
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]", text)


@fuzz(default=25)
@given(st.lists(st.tuples(st.one_of(news_text(), shaped_text()),
                          st.sampled_from(["text", "markdown", "html"]),
                          st.one_of(st.none(), hostile_text),
                          st.one_of(st.none(), st.dates().map(dt.date.isoformat))),
                min_size=1, max_size=4))
def test_any_articles_give_a_briefing_whose_citations_resolve(
    inputs: list[tuple[str, str, str | None, str | None]]
) -> None:
    articles = [
        Article(text=text, origin=f"in{i}.txt", format=fmt,  # type: ignore[arg-type]
                title=meta, outlet=meta, byline=meta, published=published)
        for i, (text, fmt, meta, published) in enumerate(inputs)
    ]
    briefing = Briefer(BriefOptions(model="lexical", words=60)).brief(articles)
    assert len(briefing.sources) + len(briefing.problems) == len(articles)
    # Reported by --hypothesis-show-statistics: how many cases reached the later stages.
    event(f"{len(briefing.sources)} source(s) briefed")
    check_briefing(briefing)
    assert consistency.problems(briefing) == []


@fuzz()
# A hand-built briefing skips the pipeline, which is what replaces lone surrogates.
@given(hostile_text.map(lambda text: text.replace("\ud800", "\ufffd")))
def test_renderers_keep_hostile_text_inert_in_every_field(hostile: str) -> None:
    check_briefing(make_briefing(hostile))


@pytest.mark.parametrize("depth", [10, 2000, 100_000])
def test_deeply_nested_html_is_briefed_or_refused(depth: int) -> None:
    body = "The union said talks ended on Sunday after 14 hours at the ministry. " * 3
    page = f"<html><body>{'<div>' * depth}<p>{body}</p>{'</div>' * depth}</body></html>"
    try:
        cleaned = clean(as_article(page, origin="deep.html", fmt="html"))
    except InputError as error:
        assert error.input == "deep.html"
        return
    assert any("talks ended" in p for p in cleaned.paragraphs)
