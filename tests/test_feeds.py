"""RSS/Atom feeds: parsing, feed lists, failures that do not stop the rest, safe fetching."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("feedparser", reason="needs the monitor extra: pip install 'storyweave[monitor]'")

from storyweave.errors import FetchError, InputError
from storyweave.ingest.feeds import (
    fetch_feed,
    is_feed_list,
    iter_feeds,
    iter_ingest_inputs,
    parse_feed,
)
from storyweave.model import Article, InputProblem
from storyweave.options import BriefOptions

DATA = Path(__file__).parent / "data" / "monitor"


def test_rss_items_become_articles_with_metadata() -> None:
    items = list(parse_feed((DATA / "ferry-feed.rss").read_bytes(), "ferry-feed.rss"))
    articles = [i for i in items if isinstance(i, Article)]
    assert len(articles) == 4
    first = articles[0]
    assert first.title == "Ferry Nordvik runs aground off Skarre with 212 passengers aboard"
    assert first.outlet == "Coastline Post"
    assert first.published == "2030-05-14T07:40:00+00:00"
    assert first.url is not None and first.url.startswith("https://coastline.example/news/")
    assert "<p>" not in first.text and "212 passengers and 18 crew" in first.text


def test_malformed_item_is_a_problem_and_the_rest_go_on() -> None:
    items = list(parse_feed((DATA / "ferry-feed.rss").read_bytes(), "ferry-feed.rss"))
    problems = [i for i in items if isinstance(i, InputProblem)]
    assert [p.input for p in problems] == ["https://coastline.example/news/empty-item"]
    assert "neither a headline nor text" in problems[0].problem


def test_atom_content_is_preferred_to_summary_and_tags_are_stripped() -> None:
    items = list(parse_feed((DATA / "ferry-feed.atom").read_bytes(), "ferry-feed.atom"))
    second = items[1]
    assert isinstance(second, Article)
    assert second.outlet == "Island Wire"
    assert second.text.splitlines() == [
        (
            "Tugs pulled the ferry Nordvik off the sandbank at Skarre on the evening tide and "
            "towed it into Skarre harbour."
        ),
        "Captain Helga Brunn told the Skarre Harbour Authority the ship lost steering in thick fog.",
    ]


def test_feed_list_expands_and_each_bad_feed_is_one_problem() -> None:
    assert is_feed_list(DATA / "feeds.txt")
    assert not is_feed_list(DATA / "skarre-de.txt")
    items = list(iter_feeds([str(DATA / "feeds.txt")], BriefOptions()))
    articles = [i for i in items if isinstance(i, Article)]
    problems = {Path(p.input).name: p.problem for p in items if isinstance(p, InputProblem)}
    assert len(articles) == 6  # 4 RSS + 2 Atom
    assert "not a usable RSS/Atom feed" in problems["broken.rss"]
    assert problems["missing-feed.xml"] == "no such feed file"


def test_ingest_inputs_mix_feeds_files_and_datasets(tmp_path: Path) -> None:
    dataset = tmp_path / "dump.jsonl"
    dataset.write_text(
        '{"id": "c1", "documents": [{"text": "One."}, {"text": ""}]}\nnot json\n', encoding="utf-8"
    )
    items = list(
        iter_ingest_inputs(
            [str(DATA / "ferry-feed.atom"), str(DATA / "skarre-de.txt"), str(dataset)],
            BriefOptions(),
        )
    )
    origins = [i.origin if isinstance(i, Article) else f"problem:{i.input}" for i in items]
    assert origins[:3] == [
        "https://islandwire.example/2030/05/14/nordvik-aground",
        "https://islandwire.example/2030/05/14/nordvik-afloat",
        str(DATA / "skarre-de.txt"),
    ]
    assert "dump.jsonl#c1/0" in origins
    assert "problem:dump.jsonl#c1/1" in origins  # the empty document
    assert f"problem:{dataset}" in origins  # the line that does not parse


class _FeedHandler(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        if self.path == "/feed.rss":
            body = (DATA / "ferry-feed.rss").read_bytes()
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml; charset=utf-8")
        elif self.path == "/moved":
            body = b""
            self.send_response(302)
            self.send_header("Location", "/feed.rss")
        elif self.path == "/page.html":
            body = b"<html><body>not a feed</body></html>"
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
        else:
            body = b"gone"
            self.send_response(404)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture()
def feed_server() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _FeedHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def test_feed_urls_are_fetched_safely(feed_server: str) -> None:
    allowed = BriefOptions(allow_private_urls=True, url_timeout=5)
    assert b"Coastline Post" in fetch_feed(f"{feed_server}/moved", allowed)
    with pytest.raises(FetchError, match="not a feed"):
        fetch_feed(f"{feed_server}/page.html", allowed)
    # By default a loopback address is refused, as for article URLs.
    with pytest.raises(FetchError, match="refused"):
        fetch_feed(f"{feed_server}/feed.rss", BriefOptions(url_timeout=5))


def test_a_failing_feed_url_does_not_stop_the_others(feed_server: str) -> None:
    allowed = BriefOptions(allow_private_urls=True, url_timeout=5)
    items = list(iter_feeds([f"{feed_server}/missing.rss", f"{feed_server}/feed.rss"], allowed))
    problems = [i for i in items if isinstance(i, InputProblem)]
    assert problems[0].input.endswith("/missing.rss") and "HTTP 404" in problems[0].problem
    assert sum(isinstance(i, Article) for i in items) == 4


def test_not_a_feed_raises_input_error() -> None:
    with pytest.raises(InputError):
        list(parse_feed(b"<html>hello</html>", "x.xml"))
