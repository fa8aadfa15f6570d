"""Hostile input end to end: script and Markdown injection in every field that reaches a
page or a terminal, text that cannot be written as UTF-8, and inputs past the limits.

The renderers' own escaping is tested in ``test_render.py`` on hand-built briefings; here
the hostile text goes in where a user's input does (files, datasets, the HTTP API) and
the checks are made on what comes out.
"""

from __future__ import annotations

import gzip
import io
import json
import os
import re
import subprocess
import sys
import time
import tracemalloc
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest

from storyweave.cli import main
from storyweave.errors import OptionsError
from storyweave.ingest import load
from storyweave.model import Article
from storyweave.options import BriefOptions
from storyweave.pipeline import Briefer
from storyweave.render import render_html

from .test_fuzz import check_briefing, check_html

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "harbour-strike"
FAST = BriefOptions(model="lexical")
SCRIPT = '<script>alert(1)</script><img src=x onerror="alert(2)"><svg onload=alert(3)>'
#: Terminal tricks: colour, a hyperlink escape (OSC 8), carriage return and backspace
#: overwrites, a bidi override, and Markdown that would forge a heading or a link.
TERMINAL = "\x1b[2J\x1b[31m\x1b]8;;https://evil.example\x07click\x1b]8;;\x07\r\x08\u202e"
FORGED = "\n\n## Summary\n- forged line [1,2,3]\n[link](javascript:alert(1)) ![x](http://x/i.png)"


def example_texts(count: int = 3) -> list[str]:
    return [p.read_text("utf-8") for p in sorted(EXAMPLE.iterdir()) if p.suffix == ".txt"][:count]


def hostile_dataset(tmp_path: Path, payload: str) -> Path:
    """A one-cluster dataset whose every field carries ``payload``."""
    documents = [
        {
            "text": text + f"\n\n“{payload} We will not go back,” {payload} Marta Ilves said "
            f"on Sunday at the {payload} port gate.",
            "title": f"Strike {payload}",
            "source": f"Outlet {payload}",
            "url": f"javascript:alert(1)//{payload}",
            "date": "2026-03-15",
        }
        for text in example_texts()
    ]
    path = tmp_path / "hostile.jsonl"
    path.write_text(json.dumps({"id": "c1", "documents": documents}) + "\n", "utf-8")
    return path


def test_script_in_every_field_stays_text_in_the_page(tmp_path: Path) -> None:
    dataset = hostile_dataset(tmp_path, SCRIPT)
    target = tmp_path / "briefing.html"
    assert main(["brief", str(dataset), "--model", "lexical", "-f", "html", "-o", str(target),
                 "-q"]) == 0
    page = target.read_text("utf-8")
    check_html(page)  # well formed, no script but the page's own, no on* attribute
    assert "<img" not in page and "<svg" not in page
    assert "&lt;script&gt;" in page
    assert 'href="javascript:' not in page  # a non-http(s) URL is shown, never linked


def test_hostile_html_metadata_stays_text(tmp_path: Path) -> None:
    body = " ".join(example_texts(1)[0].split("\n")[8:30])
    page = (
        f"<html><head><title>{SCRIPT.replace('<', '&lt;')}</title>"
        f'<meta property="og:site_name" content="&lt;script&gt;alert(4)&lt;/script&gt;">'
        f'<meta name="author" content="&quot;&gt;&lt;img src=x onerror=alert(5)&gt;">'
        f"</head><body><article><p>{body}</p></article></body></html>"
    )
    briefing = Briefer(FAST).brief(
        [Article(text=page, origin="a.html", format="html")]
        + [Article(text=t, origin=f"{i}.txt") for i, t in enumerate(example_texts(2))]
    )
    assert briefing.sources[0].kind == "article"
    check_briefing(briefing)
    first = briefing.sources[0]
    assert first.title == SCRIPT and "alert(4)" in (first.outlet or "").lower()
    html = render_html(briefing)
    assert "&lt;script&gt;alert(1)" in html and "alert(4)" in html.lower()
    assert "<img" not in html and "<svg" not in html


def test_terminal_and_markdown_tricks_are_inert(tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    dataset = hostile_dataset(tmp_path, TERMINAL + FORGED)
    assert main(["brief", str(dataset), "--model", "lexical", "-q"]) == 0
    out = capsys.readouterr().out
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]", out)
    assert out.count("\n## Summary\n") == 1  # the source's "## Summary" cannot start a line
    assert "\\[link\\](javascript:alert(1))" in out and "!\\[x\\]" in out
    assert not re.search(r"^- forged", out, re.MULTILINE)  # folded into the title's line


def test_lone_surrogates_in_a_dataset_give_a_writable_briefing(tmp_path: Path) -> None:
    # json.dumps writes "\ud800" as an escape; json.loads turns it back into a lone
    # surrogate that no UTF-8 writer accepts (the CLI crashed writing its output).
    dataset = hostile_dataset(tmp_path, "\ud800 \udfff")
    for fmt in ("md", "json", "html"):
        target = tmp_path / f"out.{fmt}"
        assert main(["brief", str(dataset), "--model", "lexical", "-f", fmt, "-o", str(target),
                     "-q"]) == 0
        assert "\ufffd" in target.read_text("utf-8")


def test_undecodable_file_name_is_briefed_and_named(tmp_path: Path) -> None:
    folder = tmp_path / "story"
    folder.mkdir()
    for i, text in enumerate(example_texts()):
        (folder / f"{i}.txt").write_text(text, "utf-8")
    # A name that is not UTF-8 comes back from the file system with surrogate escapes.
    odd = bytes(folder) + b"/\xff\xfe odd.txt"
    Path(folder / "0.txt").rename(Path(odd.decode("utf-8", "surrogateescape")))
    target = tmp_path / "out.md"
    assert main(["brief", str(folder), "--model", "lexical", "-o", str(target), "-q"]) == 0
    assert "\ufffd\ufffd odd.txt" in target.read_text("utf-8")


def test_ten_thousand_articles_are_refused_at_once() -> None:
    articles = [Article(text=f"Article {i} says the port strike ended.", origin=f"{i}.txt")
                for i in range(10_000)]
    tracemalloc.start()
    try:
        with pytest.raises(OptionsError, match="10000 articles given; the limit is 200"):
            Briefer(FAST).brief(articles)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 1_000_000  # refused before any stage ran: no copies, no sentences


def test_oversized_file_is_refused_without_reading_it(tmp_path: Path) -> None:
    big = tmp_path / "huge.txt"
    with big.open("wb") as handle:  # sparse: 100 MB on paper, nothing on disk
        handle.truncate(100 * 2**20)
    tracemalloc.start()
    try:
        loaded = load([str(big)])
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert not loaded.articles
    assert "larger than" in loaded.problems[0].problem and "20" in loaded.problems[0].problem
    assert peak < 1_000_000
    # The limit is the user's to raise: at 1 MB even a small real file is refused.
    small = tmp_path / "small.txt"
    small.write_bytes(b"x" * (2**20 + 1))
    assert load([str(small)], BriefOptions(max_input_bytes=2**20)).problems


# --- parsing: linear splitting, hostile JSON lines, bounded samples (issue 17, items 12-15) ---


def _seconds(work: Callable[[], object]) -> float:
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


def test_sentence_splitting_is_linear_on_one_huge_line() -> None:
    from storyweave.nlp.sentences import split_sentences

    # Each was quadratic: a 20 MB one-line file took ~600 s to split. On the reference
    # machine these now take ~1.5 s, ~1.5 s and ~1.5 s; before, over 25 s each.
    punctuated = "Mr. Lee met Gov. Ann Vell at 5 p.m. in the U.S. port, the union said. " * 40_000
    unpunctuated = "port strike union talks Sunday " * 100_000  # 3 MB without a full stop
    exclamations = "Strike ! " + "! " * 200_000  # a run of fragments merged into one
    for text in (punctuated, unpunctuated, exclamations):
        assert _seconds(lambda text=text: split_sentences(text)) < 10


def test_an_unpunctuated_run_is_capped_in_a_briefing() -> None:
    from storyweave.nlp.sentences import MAX_RUN_WORDS, MAX_SENTENCE_WORDS

    run = " ".join(f"crane{i % 50} moved" for i in range(15_000))  # 30,000 words, no full stop
    articles = [Article(text=run, origin="dump.txt")] + [
        Article(text=t, origin=f"{i}.txt") for i, t in enumerate(example_texts(2))
    ]
    briefing = Briefer(FAST).brief(articles)
    (dump,) = [s for s in briefing.sources if s.origin == "dump.txt"]
    # Before: 250 capped sentences, all embedded and aligned (a 5 MB line gave 6,400).
    assert len(dump.sentences) == MAX_RUN_WORDS // MAX_SENTENCE_WORDS
    check_briefing(briefing)


def _jsonl_with_hostile_lines(tmp_path: Path) -> Path:
    good = {"id": "c1", "documents": [{"text": t} for t in example_texts()]}
    lines = [
        "[" * 100_000 + "]" * 100_000,  # nested 100,000 deep
        '{"id": ' + "9" * 5000 + ', "documents": []}',  # a 5,000-digit integer
        json.dumps(good),
    ]
    path = tmp_path / "hostile.jsonl"
    path.write_text("\n".join(lines) + "\n", "utf-8")
    return path


def test_deep_and_huge_json_lines_are_reported_and_skipped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _jsonl_with_hostile_lines(tmp_path)
    assert main(["brief", str(path), "--model", "lexical", "-o", str(tmp_path / "b.md")]) == 3
    error = capsys.readouterr().err
    assert "line 1: not valid JSON (nested too deeply)" in error
    assert "line 2: not valid JSON" in error and "Traceback" not in error
    out = tmp_path / "out.jsonl"
    assert main(["batch", str(path), "--out", str(out), "--model", "lexical", "-q"]) == 3
    assert [json.loads(line)["id"] for line in out.read_text("utf-8").splitlines()] == ["c1"]
    assert "line 1: not valid JSON" in capsys.readouterr().err
    pytest.importorskip("sqlalchemy")
    db = str(tmp_path / "s.db")
    assert main(["ingest", str(path), "--db", db, "--model", "lexical"]) == 3
    captured = capsys.readouterr()
    assert "line 2: not valid JSON" in captured.err and "ingested 3" in captured.out


def test_an_unknown_cluster_keeps_a_bounded_sample_of_ids(tmp_path: Path) -> None:
    path = tmp_path / "many.jsonl.gz"
    with gzip.open(path, "wb") as handle:
        handle.write(b"{}\n" * 60_000)
    tracemalloc.start()
    try:
        loaded = load([str(path)], cluster="nope")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    (problem,) = loaded.problems
    assert "no cluster 'nope'" in problem.problem and "60000 in all" in problem.problem
    assert peak < 1_000_000  # was: every id kept for the message (4 MB here; 10 M lines: 786 MB)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes need a POSIX system")
def test_fifos_are_skipped_with_a_reason_not_waited_on(tmp_path: Path) -> None:
    folder = tmp_path / "story"
    folder.mkdir()
    for i, text in enumerate(example_texts()):
        (folder / f"{i}.txt").write_text(text, "utf-8")
    os.mkfifo(folder / "pipe.txt")
    os.mkfifo(tmp_path / "given.txt")
    os.mkfifo(tmp_path / "data.jsonl")
    command = [sys.executable, "-m", "storyweave", "brief", str(folder), str(tmp_path / "given.txt"),
               str(tmp_path / "data.jsonl"), "--model", "lexical", "-o", str(tmp_path / "b.md")]
    import storyweave

    env = os.environ | {"PYTHONPATH": str(Path(storyweave.__file__).resolve().parents[1])}
    # Before: opening a FIFO waits for a writer, forever.
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 3, done.stderr
    lines = done.stderr.splitlines()
    for name in ("pipe.txt", "given.txt", "data.jsonl"):
        (line,) = [line for line in lines if name in line]
        assert "a named pipe (FIFO), not a regular file; skipped" in line


# --- terminal safety, options refused up front, read-back and formats (items 16-18) -------

ESCAPES = "\x1b]0;owned\x07\x1b[2J\r\nFORGED LINE\x9b31m\u202e"


class _Terminal(io.StringIO):
    """A captured stream that says it is a terminal."""

    def isatty(self) -> bool:
        return True


def _no_raw_controls(text: str) -> bool:
    return not re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]", text)


def test_names_urls_and_stored_titles_reach_the_terminal_escaped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    name = tmp_path / f"bad{ESCAPES.replace(chr(10), '').replace(chr(13), '')}.pdf"
    name.write_bytes(b"%PDF")
    url = "ftp://x/\x1b[2J\rforged"
    good = [str(p) for p in sorted(EXAMPLE.glob("*.txt"))[:3]]
    assert main(["brief", *good, str(name), url, "--model", "lexical",
                 "-o", str(tmp_path / "b.md")]) == 3
    error = capsys.readouterr().err
    assert _no_raw_controls(error.replace("\n", "")) and error.count("\n") == 2
    assert "\\x1b]0;owned\\x07" in error and "\\u202e" in error
    pytest.importorskip("sqlalchemy")
    dataset = hostile_dataset(tmp_path, ESCAPES)
    db = str(tmp_path / "s.db")
    assert main(["ingest", str(dataset), "--db", db, "--model", "lexical", "-q"]) == 0
    capsys.readouterr()
    assert main(["stories", "--db", db]) == 0
    listing = capsys.readouterr().out
    assert _no_raw_controls(listing.replace("\n", ""))
    assert all(not line.startswith("FORGED") for line in listing.splitlines())  # no forged line
    terminal = _Terminal()
    monkeypatch.setattr(sys, "stdout", terminal)
    assert main(["stories", "--db", db, "--json"]) == 0
    assert main(["brief", str(dataset), "--model", "lexical", "-f", "json", "-q"]) == 0
    shown = terminal.getvalue()
    assert _no_raw_controls(shown.replace("\n", ""))
    assert "\\u009b31m" in shown and "\\u202e" in shown
    documents = shown.split("\n]\n", 1)
    assert json.loads(documents[0] + "\n]")[0]["title"].startswith("Strike \x1b]0;owned")


@pytest.mark.parametrize(
    "flags",
    [["--max-input-mb", "nan"], ["--max-input-mb", "inf"], ["--url-timeout", "nan"],
     ["--url-timeout", "inf"], ["--url-timeout", "-1"]],
)
def test_non_finite_limits_are_refused_in_one_line(
    flags: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["brief", str(EXAMPLE), "--model", "lexical", *flags]) == 1
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and "Traceback" not in error and "must be" in error


def test_a_bad_output_path_is_refused_before_any_work(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from storyweave import pipeline

    def never(*args: object, **kwargs: object) -> None:
        raise AssertionError("briefed before the output path was checked")

    monkeypatch.setattr(pipeline.Briefer, "brief", never)
    for target, reason in ((tmp_path / "missing" / "x.md", "no folder"), (tmp_path, "a folder")):
        assert main(["brief", str(EXAMPLE), "--model", "lexical", "-o", str(target)]) == 1
        error = capsys.readouterr().err
        assert error.count("\n") == 1 and reason in error
    assert main(["batch", str(tmp_path / "d.jsonl"), "--out", str(tmp_path / "no" / "o.jsonl"),
                 "--model", "lexical"]) == 1
    assert "no folder" in capsys.readouterr().err


def test_sentence_ids_from_a_tampered_store_are_refused_or_escaped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pytest.importorskip("sqlalchemy")
    import sqlite3

    db = tmp_path / "s.db"
    assert main(["ingest", str(EXAMPLE), "--db", str(db), "--model", "lexical", "-q"]) == 0
    assert main(["brief", "--story", "1", "--db", str(db), "--model", "lexical", "-f", "json",
                 "-o", str(tmp_path / "b.json")]) == 0
    with sqlite3.connect(db) as connection:
        (stored,) = connection.execute("SELECT briefing FROM briefings").fetchone()
        document = json.loads(stored)
        sentence = document["sources"][0]["sentences"][0]
        sentence["id"] = 's1.1"><script>alert(1)</script>'
        connection.execute("UPDATE briefings SET briefing = ?", (json.dumps(document),))
    connection.close()
    capsys.readouterr()
    target = tmp_path / "b.html"
    assert main(["brief", "--story", "1", "--db", str(db), "--model", "lexical", "-f", "html",
                 "-o", str(target)]) == 1
    error = capsys.readouterr().err
    assert "damaged" in error and "<script>" in error and error.count("\n") == 1
    assert not target.exists()
    page = render_html(Briefer(FAST).brief(
        [Article(text=t, origin=f"{i}.txt") for i, t in enumerate(example_texts())]))
    assert 'id="s1.1"' in page  # ids are still written, escaped like any text


def test_a_sentence_starting_with_a_list_marker_stays_one_list_item() -> None:
    from storyweave.render.markdown import md

    assert md("- not a new item") == "\\- not a new item"
    assert md("3. also not") == "3\\. also not" and md("---") == "--\\-"
    assert md("a - b") == "a - b"


def test_utf16_without_a_byte_order_mark_is_read(tmp_path: Path) -> None:
    text = example_texts(1)[0]
    for encoding in ("utf-16-le", "utf-16-be"):
        path = tmp_path / f"{encoding}.txt"
        path.write_bytes(text.encode(encoding))
        (article,) = load([str(path)]).articles  # was: "binary file, not text"
        assert article.text == text
    noise = tmp_path / "noise.txt"
    noise.write_bytes(bytes(range(256)) * 40)
    assert "binary" in load([str(noise)]).problems[0].problem


def test_repeated_cluster_ids_in_a_batch_are_reported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    record = {"id": "c1", "documents": [{"text": t} for t in example_texts()]}
    path = tmp_path / "d.jsonl"
    path.write_text(json.dumps(record) + "\n" + json.dumps(record) + "\n", "utf-8")
    out = tmp_path / "o.jsonl"
    assert main(["batch", str(path), "--out", str(out), "--model", "lexical", "-q"]) == 3
    captured = capsys.readouterr()
    assert "cluster id 'c1' appears more than once" in captured.err
    assert "skipped 0 already done" in captured.out  # was: counted as "already done"
    assert len(out.read_text("utf-8").splitlines()) == 1


# --- the HTTP API ---------------------------------------------------------------------

fastapi = pytest.importorskip("fastapi", reason="the web extra is not installed")
httpx = pytest.importorskip("httpx", reason="httpx is not installed")

from storyweave.web.app import create_app


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


def client(app: object) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver")


@pytest.mark.anyio
async def test_api_briefs_lone_surrogates_instead_of_failing() -> None:
    articles = [{"text": t + "\n\nA docker said \ud800 the gate opened on Sunday morning.",
                 "title": "Strike \udfff", "outlet": "Outlet \ud800"} for t in example_texts()]
    body = json.dumps({"articles": articles})  # the escapes a JSON client may send
    async with client(create_app(FAST)) as http:
        made = await http.post("/api/briefings", content=body,
                               headers={"content-type": "application/json"})
        assert made.status_code == 201, made.text[:200]
        page = await http.get(f"/briefings/{made.json()['id']}")
    assert page.status_code == 200 and "Outlet \ufffd" in page.text


@pytest.mark.anyio
async def test_api_script_in_every_field_stays_text() -> None:
    articles = [{"text": t + f"\n\n“{SCRIPT} We stay,” {SCRIPT} Ilves said on Sunday.",
                 "title": SCRIPT, "outlet": SCRIPT} for t in example_texts()]
    async with client(create_app(FAST)) as http:
        made = await http.post("/api/briefings", json={"articles": articles})
        page = (await http.get(f"/briefings/{made.json()['id']}")).text
    assert made.status_code == 201
    check_html(page, scripts=("/static/app.js",))
    assert "<img" not in page and "<svg" not in page


@pytest.mark.anyio
async def test_a_100_mb_streamed_body_is_refused_after_the_limit() -> None:
    pulled: list[int] = []

    async def chunks() -> AsyncIterator[bytes]:
        for i in range(100):
            pulled.append(i)
            yield b" " * 2**20

    async with client(create_app(FAST)) as http:  # the default 20 MB limit
        answer = await http.post("/api/briefings", content=chunks(),
                                 headers={"content-type": "application/json"})
    assert answer.status_code == 413 and "20 MB" in answer.json()["detail"]
    assert len(pulled) <= 22  # stopped one chunk past the limit, not at 100 MB


@pytest.mark.anyio
async def test_a_pasted_article_over_the_input_limit_is_named() -> None:
    options = BriefOptions(model="lexical", max_input_bytes=10_000)
    articles = [{"text": t} for t in example_texts()] + [{"text": "word " * 5000}]
    async with client(create_app(options)) as http:
        made = await http.post("/api/briefings", json={"articles": articles})
    assert made.status_code == 201
    assert [e["input"] for e in made.json()["errors"]] == ["articles[3]"]
    assert "larger than" in made.json()["errors"][0]["problem"]


@pytest.mark.anyio
@pytest.mark.parametrize("published", ["0001-01-01", "9999-12-31"])
async def test_publication_dates_at_the_calendar_edge_are_briefed(published: str) -> None:
    # "on Sunday" before 1 January of year 1 is outside the calendar: this was a 500.
    articles = [{"text": t, "published": published} for t in example_texts()]
    async with client(create_app(FAST)) as http:
        made = await http.post("/api/briefings", json={"articles": articles})
    assert made.status_code == 201, made.text[:200]
    assert made.json()["briefing"]["timeline"]
