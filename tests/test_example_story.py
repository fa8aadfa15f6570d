"""End-to-end checks on the bundled example story, against its answer key.

``examples/harbour-strike/`` is the README demo: six fictional reports (plain-text
scrapes, one HTML page, one radio transcript) of one dock strike. Its ``answers.json``
(format: ``tests/data/stories/README.md``) lists what a user would check by eye: the
noise lines that must be cleaned away, the story sentences that must survive, who said
what. The briefing is built once per module through the public API only.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest

from storyweave import BriefOptions, brief, load

ROOT = Path(__file__).resolve().parents[1]
STORY = ROOT / "examples" / "harbour-strike"
STORIES = ROOT / "tests" / "data" / "stories"
ANSWERS = json.loads((STORY / "answers.json").read_text(encoding="utf-8"))
FILES = {entry["file"]: entry for entry in ANSWERS["files"]}

_PLAIN = str.maketrans(
    {
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u00ab": '"',
        "\u00bb": '"',
        "\u2018": "'",
        "\u2019": "'",
        "\u00a0": " ",
    }
)


def norm(text: str) -> str:
    """Compare texts regardless of whitespace runs and straight/curly quote characters."""
    return " ".join(text.translate(_PLAIN).split())


def file_of(source) -> str:
    return Path(source.origin).name


@pytest.fixture(scope="module")
def loaded():
    return load([str(STORY)])


@pytest.fixture(scope="module")
def briefing(loaded):
    return brief(loaded.articles, BriefOptions())


@pytest.fixture(scope="module")
def by_file(briefing):
    return {file_of(source): source for source in briefing.sources}


def _source(by_file, filename):
    assert filename in by_file, f"{filename} is not among the briefed sources: {sorted(by_file)}"
    return by_file[filename]


# --- loading ---------------------------------------------------------------------------


def test_every_file_loads_without_problems(loaded):
    assert not loaded.problems, loaded.problems
    names = sorted(Path(article.origin).name for article in loaded.articles)
    # README.md and answers.json sit in the folder but are not articles.
    assert names == sorted(FILES)
    assert len(names) >= 5


def test_every_file_becomes_a_source(briefing, by_file):
    assert not briefing.problems, briefing.problems
    assert sorted(by_file) == sorted(FILES)
    assert [source.id for source in briefing.sources] == [
        f"s{n}" for n in range(1, len(briefing.sources) + 1)
    ]


def test_html_metadata_comes_from_meta_tags(by_file):
    (html_file,) = [name for name, entry in FILES.items() if entry["format"] == "html"]
    source = _source(by_file, html_file)
    expected = FILES[html_file]
    assert source.outlet == expected["outlet"]  # og:site_name
    assert source.title == expected["title"]  # og:title, without the "| Harbourline" suffix
    assert source.published and source.published.startswith(expected["published"][:10])


@pytest.mark.parametrize("filename", sorted(FILES))
def test_header_lines_give_outlet_title_and_date(by_file, filename):
    # Plain-text scrapes carry an outlet line, a title line and a timestamp line in
    # varying formats; the per-source view should show them, not a menu line.
    source = _source(by_file, filename)
    expected = FILES[filename]
    assert (source.outlet or "").casefold() == expected["outlet"].casefold()
    assert norm(source.title or "") == norm(expected["title"])
    assert (source.published or "")[:10] == expected["published"][:10]


def test_transcript_is_recognised(by_file):
    for name, entry in FILES.items():
        assert _source(by_file, name).kind == entry["kind"], name


# --- cleaning --------------------------------------------------------------------------

NOISE = [(name, line["kind"], line["text"]) for name in FILES for line in FILES[name]["noise_lines"]]
KEPT = [(name, sentence) for name in FILES for sentence in FILES[name]["story_sentences"]]


@pytest.mark.parametrize(("filename", "kind", "line"), NOISE, ids=[f"{n}:{k}" for n, k, _ in NOISE])
def test_noise_line_is_removed(by_file, filename, kind, line):
    source = _source(by_file, filename)
    wanted = norm(line)
    if any(wanted in norm(removed.text) for removed in source.removed):
        return  # reported in the cleaning report
    leaked = [s.id for s in source.sentences if wanted in norm(s.text)]
    assert not leaked, f"{kind} line {line!r} survived cleaning in {leaked}"


@pytest.mark.parametrize(("filename", "sentence"), KEPT, ids=[f"{n}:{i}" for i, (n, _) in enumerate(KEPT)])
def test_story_sentence_survives(by_file, filename, sentence):
    source = _source(by_file, filename)
    body = norm(" ".join(s.text for s in source.sentences))
    assert norm(sentence) in body, f"story sentence lost in cleaning: {sentence!r}"


# --- summary, facts, quotes ------------------------------------------------------------


def test_summary_is_within_the_default_budget(briefing):
    assert briefing.summary, "empty summary"
    words = sum(len(line.text.split()) for line in briefing.summary)
    assert words <= BriefOptions().words


def test_every_citation_points_at_a_real_sentence(briefing):
    sentence_ids = {s.id for source in briefing.sources for s in source.sentences}
    source_ids = {source.id for source in briefing.sources}
    for line in briefing.summary:
        assert line.citations, line
        assert set(line.citations) <= sentence_ids, line.citations
        assert set(line.source_ids) <= source_ids, line.source_ids
        # faithful by construction: the line is its first cited sentence
        assert norm(line.text) == norm(briefing.sentence(line.citations[0]).text)
    for fact in briefing.facts:
        assert set(fact.sentence_ids) <= sentence_ids
        assert set(fact.source_ids) <= source_ids


def test_summary_leaves_out_claims_overtaken_by_later_reports(briefing):
    stale = {norm(item["stale"]["sentence"]) for item in ANSWERS["superseded"]}
    for line in briefing.summary:
        assert norm(line.text) not in stale, f"superseded claim in summary: {line.text!r}"


def test_some_fact_is_reported_by_three_outlets(briefing):
    assert max(len(set(fact.source_ids)) for fact in briefing.facts) >= 3


def _consolidated(briefing, speaker, words):
    for quote in briefing.quotes:
        if quote.speaker == speaker and words in norm(quote.text).lower():
            return quote
    found = [(q.speaker, q.text) for q in briefing.quotes]
    raise AssertionError(f"no quote by {speaker} containing {words!r}; quotes: {found}")


def test_union_leaders_statement_is_consolidated_across_outlets(briefing):
    quote = _consolidated(briefing, "Marta Ilves", "protects every job")
    assert len(set(quote.source_ids)) >= 2, quote.source_ids
    assert len(quote.mentions) >= 2


def test_ministers_statement_is_consolidated_across_outlets(briefing):
    quote = _consolidated(briefing, "Oskar Brandt", "common sense has prevailed")
    assert len(set(quote.source_ids)) >= 2, quote.source_ids


# --- the answer keys themselves (no pipeline needed) -----------------------------------

ANSWER_KEYS = sorted([STORY / "answers.json", *STORIES.glob("*/answers.json")])


def _raw(path: Path) -> str:
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".html":
        text = re.sub(r"</?(a|span|time|em|strong|b|i)\b[^>]*>", "", text)
        text = html.unescape(re.sub(r"<[^>]+>", "\n", text))
    return norm(text)


def _key_sentences(key):
    for entry in key["files"]:
        for sentence in entry["story_sentences"]:
            yield entry["file"], sentence
        for line in entry["noise_lines"]:
            yield entry["file"], line["text"]
    for item in key["conflicts"] + key["compatible"]:
        for side in item["sides"]:
            yield side["file"], side["sentence"]
    for item in key["superseded"]:
        yield item["stale"]["file"], item["stale"]["sentence"]
        for later in item["overtaken_by"]:
            yield later["file"], later["sentence"]
    for item in key["single_source"]:
        yield item["file"], item["sentence"]
    for quote in key["quotes"]:
        for variant in quote["variants"]:
            yield variant["file"], variant["text"]
    for item in key["framing"]:
        yield item["file"], item["sentence"]
        for other in item["neutral"]:
            yield other["file"], other["sentence"]
    for event in key["timeline"]:
        for cited in event["sources"]:
            yield cited["file"], cited["sentence"]


@pytest.mark.parametrize("key_path", ANSWER_KEYS, ids=[p.parent.name for p in ANSWER_KEYS])
def test_answer_key_quotes_its_files_verbatim(key_path):
    key = json.loads(key_path.read_text(encoding="utf-8"))
    folder = key_path.parent
    article_files = sorted(
        p.name
        for p in folder.iterdir()
        if p.is_file() and p.suffix != ".json" and not p.name.upper().startswith(("README", "ANSWERS"))
    )
    assert sorted(entry["file"] for entry in key["files"]) == article_files
    texts = {name: _raw(folder / name) for name in article_files}
    missing = [(name, s) for name, s in _key_sentences(key) if norm(s) not in texts[name]]
    assert not missing, missing
    for item in key["conflicts"] + key["compatible"]:
        assert len({side["file"] for side in item["sides"]}) >= 2, item["what"]
        for side in item["sides"]:
            assert norm(side["value"]) in norm(side["sentence"]), side
    for entry in key["files"]:
        assert entry["kind"] in ("article", "transcript")
        assert entry["format"] in ("text", "markdown", "html")
        assert 3 <= len(entry["story_sentences"]) <= 6, entry["file"]
