"""The web server in-process (httpx's ASGI transport): API, form page, limits, escaping."""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import AsyncIterator, Iterator
from html.parser import HTMLParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import anyio
import jsonschema
import pytest

pytest.importorskip("fastapi", reason="the web extra is not installed: pip install -e '.[web]'")
httpx = pytest.importorskip("httpx", reason="httpx is not installed: pip install -e '.[test]'")

from storyweave.errors import Cancelled
from storyweave.model import Article
from storyweave.options import BriefOptions
from storyweave.pipeline import Briefer
from storyweave.render import render_html, schema, to_dict
from storyweave.render.json import briefing_from_dict
from storyweave.web.app import create_app
from storyweave.web.cache import MemoryCache
from storyweave.web.payload import PayloadError, parse_request

from .builders import make_briefing

pytestmark = pytest.mark.anyio

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "harbour-strike"
HOSTILE = '<script>alert(1)</script><img src=x onerror="alert(2)">'
#: The lexical backend keeps these tests fast; the browser test runs the default model.
FAST = BriefOptions(model="lexical")


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


def example_articles() -> list[dict[str, str]]:
    return [
        {"text": path.read_text("utf-8")}
        for path in sorted(EXAMPLE.iterdir())
        if path.suffix in (".txt", ".html")
    ]


def client(app: object) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver")


class _Tags(HTMLParser):
    """Every start tag with its attributes, to check what a browser would run."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def tags(page: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = _Tags()
    parser.feed(page)
    return parser.tags


async def test_health_and_openapi() -> None:
    async with client(create_app(FAST)) as http:
        health = await http.get("/api/health")
        spec = (await http.get("/openapi.json")).json()
    assert health.status_code == 200 and health.json()["status"] == "ok"
    assert {"/api/briefings", "/api/briefings/{briefing_id}", "/api/health"} <= set(spec["paths"])
    assert "ArticleIn" in spec["components"]["schemas"]


async def test_example_story_through_the_api() -> None:
    async with client(create_app(FAST)) as http:
        made = await http.post("/api/briefings", json={"articles": example_articles()})
        assert made.status_code == 201, made.text
        body = made.json()
        again = await http.get(made.headers["location"])
        page = await http.get(f"/briefings/{body['id']}")
    assert body["errors"] == []
    briefing = body["briefing"]
    jsonschema.validate(briefing, schema())
    assert len(briefing["sources"]) == 6 and briefing["summary"]
    ids = {s["id"] for src in briefing["sources"] for s in src["sentences"]}
    assert {c for line in briefing["summary"] for c in line["citations"]} <= ids
    assert again.json() == body
    assert page.status_code == 200
    assert page.headers["content-security-policy"].startswith("default-src 'none'; script-src 'self'")
    # The same renderer as the CLI, plus the matrix: a marker with its tooltip, the table.
    assert re.search(r'<a class="cite c\d" href="#s\d\.\d+"[^>]*>\d<span class="tip"', page.text)
    assert 'id="matrix"' in page.text and "Who reports what" in page.text
    assert 'id="h-cleaning"' in page.text


async def test_summary_budget_option_and_unknown_options() -> None:
    articles = example_articles()
    async with client(create_app(FAST)) as http:
        short = await http.post(
            "/api/briefings", json={"articles": articles, "options": {"sentences": 2}}
        )
        unknown = await http.post(
            "/api/briefings", json={"articles": articles, "options": {"model": "x"}}
        )
    assert len(short.json()["briefing"]["summary"]) == 2
    assert unknown.status_code == 422


async def test_each_bad_input_is_named_and_the_rest_is_briefed() -> None:
    articles = example_articles()[:3] + [{"text": "   "}, {"text": "Too short to brief."}]
    urls = ["ftp://example.org/a", "http://127.0.0.1:9/story", "http://127.0.0.1:9/story"]
    async with client(create_app(FAST)) as http:
        made = await http.post("/api/briefings", json={"articles": articles, "urls": urls})
    assert made.status_code == 201
    errors = {e["input"]: e["problem"] for e in made.json()["errors"]}
    assert errors["articles[3]"].startswith("empty article")
    assert "articles[4]" in errors  # too little story text after cleaning
    assert "only http and https" in errors["urls[0]"]
    assert "loopback" in errors["urls[1]"] and "--allow-private-urls" in errors["urls[1]"]
    assert errors["urls[2]"] == "same URL as urls[1]"
    assert len(made.json()["briefing"]["sources"]) == 3


@pytest.fixture
def local_article() -> Iterator[str]:
    """A URL on loopback that serves one article of the example story."""
    page = (EXAMPLE / "harbourline.html").read_bytes()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(page)))
            self.end_headers()
            self.wfile.write(page)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/harbourline"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


async def test_private_urls_are_fetched_only_when_the_server_allows_them(local_article: str) -> None:
    request = {"articles": example_articles()[:2], "urls": [local_article]}
    async with client(create_app(FAST)) as http:
        refused = await http.post("/api/briefings", json=request)
    allowed = create_app(BriefOptions(model="lexical", allow_private_urls=True, url_timeout=5))
    async with client(allowed) as http:
        fetched = await http.post("/api/briefings", json=request)
    assert "loopback" in refused.json()["errors"][0]["problem"]
    assert fetched.json()["errors"] == []
    sources = fetched.json()["briefing"]["sources"]
    assert sources[2]["origin"] == local_article and sources[2]["outlet"] == "Harbourline"


async def test_nothing_usable_is_422_with_the_reasons() -> None:
    async with client(create_app(FAST)) as http:
        empty = await http.post("/api/briefings", json={"articles": [], "urls": []})
        bad = await http.post("/api/briefings", json={"articles": [{"text": ""}]})
    assert empty.status_code == 422
    assert bad.status_code == 422
    assert bad.json()["errors"] == [{"input": "articles[0]", "problem": "empty article: no text given"}]


async def test_too_many_articles_is_422_naming_the_limit() -> None:
    app = create_app(BriefOptions(model="lexical", max_articles=3))
    async with client(app) as http:
        answer = await http.post(
            "/api/briefings", json={"articles": [{"text": "x"}] * 3, "urls": ["https://a.example/"]}
        )
    assert answer.status_code == 422
    assert "the limit is 3" in answer.json()["detail"]


async def test_oversized_request_is_413_by_length_and_while_streaming() -> None:
    app = create_app(FAST, max_request_bytes=1000)
    pulled = []

    async def chunks() -> AsyncIterator[bytes]:
        for i in range(100):
            pulled.append(i)
            yield b"x" * 100

    async with client(app) as http:
        declared = await http.post("/api/briefings", content=b"{" + b" " * 2000 + b"}",
                                   headers={"content-type": "application/json"})
        streamed = await http.post("/api/briefings", content=chunks(),
                                   headers={"content-type": "application/json"})
        form = await http.post("/briefings", files={"files": ("big.txt", b"y" * 5000)})
    assert declared.status_code == 413 and "--max-request-mb" in declared.json()["detail"]
    assert streamed.status_code == 413
    assert len(pulled) < 100  # refused before the whole body was read
    assert form.status_code == 413 and "<h1>413" in form.text


async def test_stored_briefings_and_unknown_ids() -> None:
    store = MemoryCache(capacity=5)
    async with client(create_app(FAST, cache=store)) as http:
        first = await http.post("/api/briefings", json={"articles": example_articles()})
        second = await http.post("/api/briefings", json={"articles": example_articles()})
        missing_api = await http.get("/api/briefings/nope")
        missing_page = await http.get("/briefings/nope")
    assert first.json()["id"] == second.json()["id"]  # same input, same briefing, same link
    assert len(store) == 1
    assert missing_api.status_code == 404 and "nope" in missing_api.json()["detail"]
    assert missing_page.status_code == 404 and "text/html" in missing_page.headers["content-type"]


def test_memory_store_evicts_the_least_recently_used() -> None:
    store = MemoryCache(capacity=2)
    a, b = store.put({"n": 1}), store.put({"n": 2})
    assert store.get(a) == {"n": 1}  # a is now the most recent
    c = store.put({"n": 3})
    assert store.get(b) is None and store.get(a) is not None and store.get(c) == {"n": 3}


def test_stored_json_renders_the_same_page_as_the_briefing() -> None:
    briefing = make_briefing()
    rebuilt = briefing_from_dict(json.loads(json.dumps(to_dict(briefing))))
    assert to_dict(rebuilt) == to_dict(briefing)
    assert render_html(rebuilt, matrix=True) == render_html(briefing, matrix=True)


def test_matrix_marks_who_reports_each_fact() -> None:
    assert 'id="matrix"' not in render_html(make_briefing())  # the CLI page is unchanged
    page = render_html(make_briefing(HOSTILE), matrix=True)
    table = page[page.index('id="matrix"') : page.index("</table>", page.index('id="matrix"'))]
    # One two-source fact: a linked cell for each source, with that source's sentence.
    assert re.findall(r'<a class="mx c\d" href="#(s\d\.\d)"', table) == ["s1.1", "s2.1"]
    assert "overnight talks" in table and '<td class="heat4">2</td>' in table
    assert "<script>" not in table and "&lt;script&gt;" in table


async def test_source_text_is_escaped_on_every_page() -> None:
    articles = [
        {"text": a["text"] + f"\n\nA docker said {HOSTILE} at the gate on Sunday morning.",
         "title": f"Strike {HOSTILE}", "outlet": f"Outlet {HOSTILE}"}
        for a in example_articles()[:3]
    ]
    store = MemoryCache()
    async with client(create_app(FAST, cache=store)) as http:
        made = await http.post("/api/briefings", json={"articles": articles})
        page = (await http.get(f"/briefings/{made.json()['id']}")).text
        hostile_id = store.put({"briefing": to_dict(make_briefing(HOSTILE)), "errors": []})
        builder_page = (await http.get(f"/briefings/{hostile_id}")).text
        form = await http.post(
            "/briefings",
            data={"text": ["", HOSTILE], "title": [HOSTILE, ""], "outlet": ["", ""],
                  "urls": f"javascript:{HOSTILE}", "words": "150"},
        )
    for html in (page, builder_page, form.text):
        found = tags(html)
        scripts = [attrs.get("src") for tag, attrs in found if tag == "script"]
        assert scripts == ["/static/app.js"]  # only the app's own file
        assert not [t for t, _ in found if t in ("img", "iframe", "object")]
        assert not [a for _, attrs in found for a in attrs if a.startswith("on")]
        assert "&lt;script&gt;" in html
    assert 'id="matrix"' in builder_page


async def test_form_post_without_javascript_redirects_to_the_briefing() -> None:
    texts = [a["text"] for a in example_articles()]
    async with client(create_app(FAST)) as http:
        posted = await http.post(
            "/briefings",
            data={"text": texts, "title": [""] * len(texts), "outlet": [""] * len(texts),
                  "urls": "", "words": "120", "action": "brief"},
        )
        assert posted.status_code == 303
        page = await http.get(posted.headers["location"])
    assert page.status_code == 200 and 'id="h-summary"' in page.text


async def test_form_shows_each_problem_next_to_its_input() -> None:
    texts = [a["text"] for a in example_articles()[:3]] + [""]
    async with client(create_app(FAST)) as http:
        page = await http.post(
            "/briefings",
            data={"text": texts, "title": ["", "", "", "A title but no text"],
                  "outlet": [""] * 4, "urls": "\nftp://example.org/x\n", "words": "150"},
            files={"files": ("scan.pdf", b"%PDF-1.4 binary")},
        )
    assert page.status_code == 200
    html = page.text
    box = re.search(r'<ul class="error" id="err-text-3"><li>(.*?)</li>', html)
    assert box and box.group(1).startswith("empty article")
    assert re.search(r'id="err-urls"><li>URL ftp://example.org/x: refused', html)
    assert re.search(r'id="err-files"><li>file scan.pdf: unsupported file type .pdf', html)
    assert "3 inputs could not be briefed" in html
    assert 'id="h-summary"' in html  # the rest is briefed below the form
    assert "A title but no text" in html  # the user's input is kept


async def test_form_uploads_and_box_actions() -> None:
    files = [("files", (p.name, p.read_bytes())) for p in sorted(EXAMPLE.glob("*.txt"))]
    async with client(create_app(FAST)) as http:
        uploaded = await http.post("/briefings", data={"words": "150"}, files=files)
        added = await http.post(
            "/briefings", data={"text": ["one", "two"], "title": ["", ""],
                                "outlet": ["", ""], "action": "add"},
        )
        removed = await http.post(
            "/briefings", data={"text": ["one", "two"], "title": ["", ""],
                                "outlet": ["", ""], "action": "remove:0"},
        )
        nothing = await http.post("/briefings", data={"words": "150"})
        bad_words = await http.post("/briefings", data={"text": ["x"], "words": "5"})
    assert uploaded.status_code == 303
    assert re.findall(r'<textarea id="text-\d"', added.text) == [
        '<textarea id="text-0"', '<textarea id="text-1"', '<textarea id="text-2"']
    assert 'id="text-1"' not in removed.text and ">two</textarea>" in removed.text
    assert nothing.status_code == 422 and "Nothing to brief yet" in nothing.text
    assert bad_words.status_code == 422 and 'id="err-words"' in bad_words.text


async def test_page_assets_and_form() -> None:
    async with client(create_app(FAST)) as http:
        home = await http.get("/")
        script = await http.get("/static/app.js")
        css = await http.get("/static/web.css")
    assert home.status_code == 200
    assert "script-src 'self'" in home.headers["content-security-policy"]
    for field in ('name="text"', 'name="files"', 'name="urls"', 'for="text-0"', 'for="urls"'):
        assert field in home.text
    assert script.status_code == 200 and "addEventListener" in script.text
    assert css.status_code == 200


# --- a busy server stays responsive and bounded (issue 17, items 5-9) -------------------



def test_too_many_articles_are_refused_while_parsing_in_bounded_memory() -> None:
    import tracemalloc

    body = b'{"articles": [' + b'{"text": "x"},' * 1_000_000 + b'{"text": "x"}]}'  # 14 MB
    tracemalloc.start()
    try:
        started = time.perf_counter()
        with pytest.raises(PayloadError, match="the limit is 200"):
            parse_request(body, 200)
        seconds = time.perf_counter() - started
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # Before: every one of the million objects was built first (~400 MB, seconds of CPU).
    assert peak < 3 * len(body) and seconds < 5


async def test_a_flood_of_tiny_articles_is_422_and_health_answers_meanwhile() -> None:
    body = b'{"articles": [' + b'{"text": "x"},' * 1_000_000 + b'{"text": "x"}]}'
    app = create_app(FAST)
    async with client(app) as http:
        latencies: list[float] = []

        async def health() -> None:
            for _ in range(5):
                started = time.perf_counter()
                assert (await http.get("/api/health")).status_code == 200
                latencies.append(time.perf_counter() - started)
                await anyio.sleep(0.05)

        async with anyio.create_task_group() as group:
            group.start_soon(health)
            flood = await http.post("/api/briefings", content=body,
                                    headers={"content-type": "application/json"})
    assert flood.status_code == 422 and "too many inputs" in flood.json()["detail"]
    assert len(flood.content) < 1000
    assert max(latencies) < 2.0  # parsing runs in a worker thread, not on the event loop


async def test_a_422_does_not_echo_the_body_back() -> None:
    huge = "word " * 400_000  # 2 MB
    async with client(create_app(FAST)) as http:
        extra = await http.post("/api/briefings", json={"articles": [{"text": huge, "x": huge}]})
        wrong = await http.post("/api/briefings", json={"articles": huge})
        broken = await http.post("/api/briefings", content=b'{"articles": [' + b"[" * 100_000,
                                 headers={"content-type": "application/json"})
        huge_number = await http.post("/api/briefings", content=b'{"urls": [' + b"9" * 5000 + b"]}",
                                      headers={"content-type": "application/json"})
    for answer in (extra, wrong, broken, huge_number):
        assert answer.status_code == 422 and len(answer.content) < 2000, answer.text[:200]


def test_the_briefing_cache_is_bounded_in_bytes() -> None:
    cache = MemoryCache(capacity=100, max_bytes=10_000)
    ids = [cache.put({"n": i, "pad": "x" * 3000}) for i in range(10)]
    assert cache.bytes <= 10_000 and len(cache) == 3
    assert cache.get(ids[-1]) is not None and cache.get(ids[0]) is None
    alone = cache.put({"pad": "y" * 50_000})  # bigger than the bound: kept alone, for its link
    assert len(cache) == 1 and cache.get(alone) is not None


def test_a_briefing_keeps_a_bounded_cleaning_report() -> None:
    texts = [a["text"] for a in example_articles()[:3]]
    flood = texts[0] + "\n" + "\n".join(f"Advertisement {i}" for i in range(5000))
    briefing = Briefer(FAST).brief(
        [Article(text=t, origin=f"{i}.txt") for i, t in enumerate([flood, *texts[1:]])]
    )
    assert len(briefing.sources[0].removed) == 200  # of the ~5,000 lines removed
    assert any("first 200 removed lines" in note for note in briefing.notes)
    assert all(len(s.removed) < 200 for s in briefing.sources[1:])


def _posting(app: object, body: bytes) -> tuple[dict[str, object], list[dict[str, object]], anyio.Event]:
    """An ASGI call of POST /api/briefings whose client can be made to disconnect."""
    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST",
        "scheme": "http", "path": "/api/briefings", "raw_path": b"/api/briefings",
        "query_string": b"", "root_path": "", "server": ("127.0.0.1", 8000),
        "client": ("127.0.0.1", 5000),
        "headers": [(b"host", b"127.0.0.1:8000"), (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode())],
    }
    return scope, [], anyio.Event()


async def _call(app: object, body: bytes, sent: list[dict[str, object]], gone: anyio.Event,
                scope: dict[str, object]) -> None:
    pending = [{"type": "http.request", "body": body, "more_body": False}]

    async def receive() -> dict[str, object]:
        if pending:
            return pending.pop(0)
        await gone.wait()
        return {"type": "http.disconnect"}

    async def send(message: dict[str, object]) -> None:
        sent.append(message)

    await app(scope, receive, send)  # type: ignore[operator]


def _blocking_compose(app: object, monkeypatch: pytest.MonkeyPatch) -> tuple[threading.Event, list[int]]:
    """Make the app's briefings wait for ``release`` (and count them)."""
    engine = app.state.engine  # type: ignore[attr-defined]
    real = engine.compose
    release, calls = threading.Event(), []

    def compose(gathered: object, cache: object, *, should_stop: object = None) -> object:
        calls.append(1)
        release.wait(60)
        return real(gathered, cache, should_stop=should_stop)

    monkeypatch.setattr(engine, "compose", compose)
    return release, calls


async def _until(condition: object, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not condition():  # type: ignore[operator]
        assert time.monotonic() < deadline, "timed out waiting"
        await anyio.sleep(0.02)


async def test_a_full_queue_is_503_with_retry_after(monkeypatch: pytest.MonkeyPatch) -> None:
    app = create_app(FAST, briefing_slots=1, max_waiting=1)
    release, calls = _blocking_compose(app, monkeypatch)
    request = {"articles": example_articles()[:3]}
    answers: list[httpx.Response] = []
    async with client(app) as http, anyio.create_task_group() as group:
        for _ in range(2):  # one computing, one waiting for the slot

            async def post() -> None:
                answers.append(await http.post("/api/briefings", json=request))

            group.start_soon(post)
        await _until(lambda: app.state.admission.inside == 2 and calls)
        busy = await http.post("/api/briefings", json=request)
        health = await http.get("/api/health")
        release.set()
    assert busy.status_code == 503 and int(busy.headers["retry-after"]) >= 1
    assert "busy" in busy.json()["detail"] and health.status_code == 200
    assert [a.status_code for a in answers] == [201, 201]


async def test_a_request_whose_client_left_is_dropped_from_the_queue(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    app = create_app(FAST, briefing_slots=1, max_waiting=4)
    release, calls = _blocking_compose(app, monkeypatch)
    body = json.dumps({"articles": example_articles()[:3]}).encode()
    first, second = _posting(app, body), _posting(app, body)
    async with anyio.create_task_group() as group:
        group.start_soon(_call, app, body, first[1], first[2], first[0])
        await _until(lambda: calls)  # the first one holds the only slot
        group.start_soon(_call, app, body, second[1], second[2], second[0])
        await _until(lambda: app.state.admission.inside == 2)
        second[2].set()  # the waiting client disconnects
        await _until(lambda: app.state.admission.inside == 1)
        assert second[1] and second[1][0]["status"] == 499  # answered at once, nobody reads it
        release.set()
    assert first[1][0]["status"] == 201
    assert len(calls) == 1  # the abandoned request was never briefed


def test_a_briefing_stops_between_stages_when_its_caller_gives_up() -> None:
    articles = [Article(text=a["text"], origin=f"{i}.txt") for i, a in enumerate(example_articles())]
    asked: list[int] = []

    def gone() -> bool:
        asked.append(1)
        return len(asked) > 3  # the client leaves while the articles are being cleaned

    with pytest.raises(Cancelled):
        Briefer(FAST).brief(articles, should_stop=gone)


@pytest.fixture
def slow_site() -> Iterator[str]:
    """A loopback site whose page takes 6 s to come."""
    page = (EXAMPLE / "harbourline.html").read_bytes()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            time.sleep(6)
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(page)))
            self.end_headers()
            self.wfile.write(page)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/slow"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


async def test_slow_urls_do_not_hold_a_compute_slot(slow_site: str) -> None:
    options = BriefOptions(model="lexical", allow_private_urls=True, url_timeout=20)
    app = create_app(options, briefing_slots=1)
    finished: list[str] = []
    async with client(app) as http:

        async def post(name: str, request: dict[str, object]) -> None:
            answer = await http.post("/api/briefings", json=request)
            assert answer.status_code == 201, answer.text[:200]
            finished.append(name)

        async with anyio.create_task_group() as group:
            group.start_soon(post, "url", {"articles": example_articles()[:2], "urls": [slow_site]})
            await anyio.sleep(0.5)
            group.start_soon(post, "pasted", {"articles": example_articles()[:3]})
    # Before: the URL's request held the only slot for the whole fetch (6 s).
    assert finished == ["pasted", "url"]


async def test_host_header_cross_site_posts_head_and_nosniff() -> None:
    app = create_app(FAST, allowed_hosts=["localhost", "127.0.0.1", "::1"])
    local = httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                              base_url="http://127.0.0.1:8000")
    async with local as http:
        rebound = await http.get("/api/health", headers={"host": "evil.example:8000"})
        slash = await http.get("/api/health/", headers={"host": "evil.example"})
        ipv6 = await http.get("/api/health", headers={"host": "[::1]:8000"})
        head = await http.head("/api/health")
        script = await http.get("/static/app.js")
        form = {"text": ["x"], "title": [""], "outlet": [""], "words": "150"}
        cross = await http.post("/briefings", data=form,
                                headers={"origin": "https://evil.example"})
        fetch_site = await http.post("/briefings", data=form,
                                     headers={"sec-fetch-site": "cross-site"})
        null = await http.post("/api/briefings", json={"articles": []},
                               headers={"origin": "null"})
        same = await http.post("/briefings", data=form,
                               headers={"origin": "http://127.0.0.1:8000"})
        withheld = await http.post("/briefings", data=form,  # the browser vouches for it
                                   headers={"origin": "null", "sec-fetch-site": "same-origin"})
        home = await http.get("/")
    assert rebound.status_code == 400 and "evil" not in rebound.text
    assert slash.status_code == 400 and "evil" not in slash.headers.get("location", "")
    assert ipv6.status_code == 200
    assert head.status_code == 200 and head.content == b""
    for answer in (rebound, head, script, cross):
        assert answer.headers["x-content-type-options"] == "nosniff"
    assert cross.status_code == fetch_site.status_code == null.status_code == 403
    assert same.status_code == withheld.status_code == 422  # reached the form's own checks
    # The page's own posts carry their true Origin: "no-referrer" would make it "null".
    assert home.headers["referrer-policy"] == "same-origin"
    async with client(create_app(FAST)) as http:  # by default any Host (serve sets the names)
        assert (await http.get("/api/health", headers={"host": "x.example"})).status_code == 200


def test_serve_answers_only_to_loopback_names_on_loopback() -> None:
    from storyweave.cli.serve import allowed_hosts

    assert allowed_hosts("127.0.0.1", None) == ["localhost", "127.0.0.1", "::1"]
    assert allowed_hosts("0.0.0.0", None) is None
    assert allowed_hosts("0.0.0.0", ["news.example"]) == ["news.example"]


async def test_megabyte_titles_do_not_make_a_huge_page() -> None:
    articles = [{"text": a["text"], "title": "T" * 2**20, "outlet": "O" * 2**20}
                for a in example_articles()[:2]]
    async with client(create_app(FAST)) as http:
        made = await http.post("/api/briefings", json={"articles": articles})
        page = await http.get(f"/briefings/{made.json()['id']}")
    assert made.status_code == 201
    assert len(page.content) < 2**20  # was 33 MB: every citation repeats the label
    assert all(len(s["title"]) <= 300 for s in made.json()["briefing"]["sources"])
