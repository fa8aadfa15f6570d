"""Hostile input end to end: script and Markdown injection in every field that reaches a
page or a terminal, text that cannot be written as UTF-8, and inputs past the limits.

The renderers' own escaping is tested in ``test_render.py`` on hand-built briefings; here
the hostile text goes in where a user's input does (files, datasets, the HTTP API) and
the checks are made on what comes out.
"""

from __future__ import annotations

import json
import re
import tracemalloc
from collections.abc import AsyncIterator
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
