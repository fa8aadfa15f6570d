"""RSS and Atom feeds -> Articles, through feedparser.

A feed is a URL (fetched under the same guard rails as article URLs: only http/https,
no private addresses unless allowed, every redirect re-checked, a time and size limit)
or a local ``.xml`` / ``.rss`` / ``.atom`` file. A *feed list* is a text file with one
feed URL or path per line (blank lines and ``#`` comments ignored; relative paths are
relative to the list file).

Each item becomes one :class:`~storyweave.model.Article`: its description or content
(tags stripped) as text, its headline as title, the feed's title as outlet, its link
as URL and origin, its publication time. A feed that cannot be fetched or parsed, and
an item with neither headline nor text, become :class:`~storyweave.model.InputProblem`
values; the other feeds and items go on.

Example::

    for item in iter_feeds(["feeds.txt"], BriefOptions()):
        print(item.origin)
"""

from __future__ import annotations

import calendar
import html
from collections.abc import Iterator, Sequence
from datetime import datetime, timezone
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from ..errors import FetchError, InputError, MissingDependency
from ..model import Article, InputProblem
from ..options import DEFAULT_MAX_INPUT_BYTES, BriefOptions
from . import urls
from .datasets import normalise_date
from .files import read_bytes

FEED_SUFFIXES = (".xml", ".rss", ".atom")
#: Media types a feed is served under (many servers use the generic XML ones).
FEED_TYPES = frozenset(
    {
        "application/rss+xml",
        "application/atom+xml",
        "application/rdf+xml",
        "application/xml",
        "text/xml",
        "application/x-rss+xml",
        "text/plain",
    }
)
_LIST_SUFFIXES = (".txt", ".list", ".feeds")
_BLOCK_TAGS = frozenset({"p", "br", "div", "li", "h1", "h2", "h3", "h4", "blockquote", "tr"})


def is_feed_file(path: Path) -> bool:
    """A local feed document, by suffix."""
    return path.suffix.lower() in FEED_SUFFIXES


def is_feed_list(path: Path, max_bytes: int = DEFAULT_MAX_INPUT_BYTES) -> bool:
    """A text file whose every non-comment line is a feed URL or a feed file path (a file
    over ``max_bytes``, or not a regular file, is not read to find out: it is none)."""
    if path.suffix.lower() not in _LIST_SUFFIXES:
        return False
    try:
        lines = _list_lines(read_bytes(path, max_bytes).decode("utf-8", errors="strict"))
    except (InputError, UnicodeDecodeError):
        return False
    return bool(lines) and all(
        " " not in line
        and (line.lower().startswith(("http://", "https://")) or line.lower().endswith(FEED_SUFFIXES))
        for line in lines
    )


def read_feed_list(path: Path, max_bytes: int = DEFAULT_MAX_INPUT_BYTES) -> list[str]:
    """The feeds a list file names; relative paths are resolved against its folder."""
    feeds = []
    for line in _list_lines(read_bytes(path, max_bytes).decode("utf-8")):
        if line.lower().startswith(("http://", "https://")):
            feeds.append(line)
        else:
            feeds.append(str(path.parent / line))
    return feeds


def _list_lines(text: str) -> list[str]:
    return [s for line in text.splitlines() if (s := line.strip()) and not s.startswith("#")]


def iter_feeds(sources: Sequence[str], options: BriefOptions) -> Iterator[Article | InputProblem]:
    """Every item of every feed (URLs, feed files or feed lists), or a problem per failure."""
    for source in sources:
        path = Path(source)
        is_url = source.lower().startswith(("http://", "https://"))
        if not is_url and is_feed_list(path, options.max_input_bytes):
            yield from iter_feeds(read_feed_list(path, options.max_input_bytes), options)
            continue
        try:
            if is_url:
                data = fetch_feed(source, options)
            else:
                if not path.exists():
                    raise InputError(source, "no such feed file")
                # The same limits as for articles: the size before any byte is read.
                data = read_bytes(path, options.max_input_bytes, source)
            yield from parse_feed(data, source)
        except InputError as error:
            yield InputProblem(error.input, error.problem, stage="feed")


def parse_feed(data: bytes, source: str) -> Iterator[Article | InputProblem]:
    """The items of one feed document as Articles (or problems for unusable items)."""
    try:
        import feedparser
    except ImportError as error:
        raise MissingDependency("feedparser", "monitor") from error
    parsed: Any = feedparser.parse(data)
    entries = list(parsed.get("entries") or [])
    if not entries:
        reason = parsed.get("bozo_exception")
        detail = f" ({str(reason).splitlines()[0][:120]})" if reason else ""
        raise InputError(source, f"not a usable RSS/Atom feed: no items{detail}")
    outlet = _clean_text(parsed.get("feed", {}).get("title") or "") or None
    for number, entry in enumerate(entries, start=1):
        origin_fallback = f"{source}#item-{number}"
        title = _clean_text(entry.get("title") or "") or None
        text = _entry_text(entry)
        link = entry.get("link")
        origin = link if isinstance(link, str) and link.strip() else origin_fallback
        if not title and not text:
            yield InputProblem(origin, "feed item has neither a headline nor text; skipped", "feed")
            continue
        yield Article(
            text=text or title or "",
            origin=origin.strip(),
            format="text",
            title=title,
            outlet=outlet,
            byline=_clean_text(entry.get("author") or "") or None,
            published=_entry_date(entry),
            url=link.strip() if isinstance(link, str) and link.strip() else None,
        )


def _entry_text(entry: Any) -> str:
    contents = entry.get("content") or []
    values = [c.get("value", "") for c in contents if isinstance(c, dict)]
    best = max(values, key=len, default="")
    summary = entry.get("summary") or ""
    return _clean_text(best if len(best) > len(summary) else summary)


def _entry_date(entry: Any) -> str | None:
    for key in ("published_parsed", "updated_parsed"):
        parsed = entry.get(key)
        if parsed:
            # feedparser gives UTC struct_time values.
            return datetime.fromtimestamp(calendar.timegm(parsed), timezone.utc).isoformat()
    return normalise_date(entry.get("published") or entry.get("updated"))


class _TextOnly(HTMLParser):
    """Text of an HTML fragment, with block elements as line breaks."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def _clean_text(fragment: str) -> str:
    if "<" in fragment:
        parser = _TextOnly()
        parser.feed(fragment)
        parser.close()
        fragment = "".join(parser.parts)
    lines = (" ".join(html.unescape(line).split()) for line in fragment.splitlines())
    return "\n".join(line for line in lines if line)


def fetch_feed(
    url: str,
    options: BriefOptions,
    *,
    resolver: urls.Resolver = urls.resolve_host,
    connector: urls.Connector = urls.open_connection,
) -> bytes:
    """Fetch a feed document under the article fetcher's rules (see :mod:`.urls`): the
    same address checks, redirect re-checks, deadline and byte limit; only the accepted
    media types differ (feeds are XML, not HTML)."""
    try:
        return urls.fetch(
            url, options, accept=FEED_TYPES, resolver=resolver, connector=connector
        ).body
    except FetchError as error:
        if "unsupported content type" in error.problem:
            media = error.problem.split("(", 1)[1].split(")", 1)[0]
            raise FetchError(url, f"not a feed (content type {media})") from None
        raise

def iter_ingest_inputs(
    inputs: Sequence[str], options: BriefOptions, *, feeds: Sequence[str] = ()
) -> Iterator[Article | InputProblem]:
    """Everything ``storyweave ingest`` is given, as Articles or problems, in input order.

    Feed lists and feed files yield their items; a dataset file yields every document
    of every cluster (origins ``file#cluster/index``); files, folders, URLs and ``-``
    load as for ``brief``; ``feeds`` are feed URLs or paths given with ``--feed``.
    """
    from dataclasses import replace

    from . import load
    from .datasets import load_dataset
    from .files import is_dataset_path

    # A store takes any number of articles; the per-briefing limit does not apply here.
    unlimited = replace(options, max_articles=2**31)
    for raw in inputs:
        is_url = raw.lower().startswith(("http://", "https://"))
        path = Path(raw)
        if not is_url and (is_feed_list(path, options.max_input_bytes) or is_feed_file(path)):
            yield from iter_feeds([raw], options)
        elif not is_url and path.is_file() and is_dataset_path(path):
            problems: list[InputProblem] = []
            try:
                for cluster in load_dataset(path, options=options, on_problem=problems.append):
                    yield from problems
                    problems.clear()
                    yield from cluster.problems
                    yield from cluster.articles
            except InputError as error:
                yield InputProblem(error.input, error.problem)
            yield from problems
        else:
            loaded = load([raw], unlimited)
            yield from loaded.articles
            yield from loaded.problems
    yield from iter_feeds(feeds, options)
