"""What a web user submits -> articles -> one briefing, with each problem tied to its input.

Both faces of the server (the HTML form and the JSON API) describe a request as a
:class:`Submission` and call :meth:`Engine.brief`, which loads the inputs with the
library's own readers (:func:`storyweave.ingest.fetch_url`, the file decoders), runs the
one :class:`~storyweave.pipeline.Briefer`, and maps every problem back to the input that
caused it, named as in the API: ``articles[1]``, ``urls[0]``, ``files[2]``.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..ingest import fetch_url, normalise_date
from ..ingest.files import (
    ARTICLE_FORMATS,
    article_suffix,
    is_dataset_path,
    read_article_bytes,
    sniff_format,
    too_large_message,
)
from ..model import Article, Briefing, InputProblem
from ..options import BriefOptions
from ..pipeline import Briefer
from ..render import to_dict
from .cache import BriefingCache

#: URLs fetched at once. Each waits mostly on the network; eight keep a ten-URL story
#: within about one URL timeout without opening a flood of connections.
MAX_PARALLEL_FETCHES = 8


@dataclass(frozen=True, slots=True)
class PastedArticle:
    """One article typed or pasted by the user; ``key`` names it (``articles[0]``)."""

    key: str
    text: str
    title: str | None = None
    outlet: str | None = None
    published: str | None = None


@dataclass(frozen=True, slots=True)
class Upload:
    """One uploaded file: its name as the browser sent it and its bytes."""

    key: str
    name: str
    data: bytes


@dataclass(frozen=True, slots=True)
class Submission:
    """Everything one request asks to brief, with the summary budget."""

    articles: tuple[PastedArticle, ...] = ()
    urls: tuple[tuple[str, str], ...] = ()  # (key, url)
    uploads: tuple[Upload, ...] = ()
    words: int | None = None
    sentences: int | None = None
    split: bool = False  # also return each story's briefing inline (the API's options.split)

    def count(self) -> int:
        """How many inputs (each one at most one article)."""
        return len(self.articles) + len(self.urls) + len(self.uploads)


@dataclass(frozen=True, slots=True)
class InputFailure:
    """One input that was not briefed: ``input`` is its key, ``problem`` says why."""

    input: str
    problem: str


@dataclass(frozen=True, slots=True)
class Gathered:
    """A submission's inputs read and fetched: the articles in input order, the problems,
    and which input each origin came from."""

    submission: Submission
    articles: tuple[Article, ...]
    problems: tuple[InputProblem, ...]
    keys: dict[str, str]


@dataclass(frozen=True, slots=True)
class Outcome:
    """The result of one submission: the stored briefing (if any) and the failed inputs."""

    briefing_id: str | None
    briefing: Briefing | None
    document: dict[str, Any] | None
    errors: tuple[InputFailure, ...]


class Engine:
    """Holds the server's options and one loaded model, shared by every request.

    The model loads once, on first use or in :meth:`warm`, under a lock so that two
    first requests do not load it twice. Each request gets its own :class:`Briefer`
    around the shared embedder (its summary budget may differ, and a Briefer keeps
    per-call timings).
    """

    def __init__(self, options: BriefOptions, briefer: Briefer | None = None) -> None:
        self.options = options
        self._briefer = briefer or Briefer(options)
        self._lock = threading.Lock()

    def warm(self) -> None:
        """Load the model now rather than on the first request."""
        with self._lock:
            _ = self._briefer.embedder

    def briefer(self, words: int | None, sentences: int | None) -> Briefer:
        """A Briefer with this request's budget, sharing the loaded model."""
        self.warm()
        options = self.options
        if sentences is not None:
            options = replace(options, words=None, sentences=sentences)
        elif words is not None:
            options = replace(options, words=words, sentences=None)
        return Briefer(options, embedder=self._briefer.embedder)

    def brief(self, submission: Submission, cache: BriefingCache) -> Outcome:
        """Load, brief and cache ``submission`` (blocking: run it in a worker thread)."""
        return self.compose(self.gather(submission), cache)

    def gather(self, submission: Submission) -> Gathered:
        """Read the pasted texts and uploads and fetch the URLs (blocking; mostly waiting on
        the network, so the server runs it outside its compute slots)."""
        articles, problems, keys = self._gather(submission)
        return Gathered(submission, tuple(articles), tuple(problems), keys)

    def compose(
        self, gathered: Gathered, cache: BriefingCache, *, should_stop: Any = None
    ) -> Outcome:
        """Brief and cache what :meth:`gather` read (blocking, CPU-bound). ``should_stop``
        as for :meth:`~storyweave.pipeline.Briefer.brief`."""
        submission, articles, problems, keys = (
            gathered.submission, gathered.articles, gathered.problems, gathered.keys
        )
        if not articles:
            return Outcome(None, None, None, _failures(problems, keys))
        briefer = self.briefer(submission.words, submission.sentences)
        briefing, stories = briefer.brief_with_stories(articles, problems, should_stop=should_stop)
        errors = _failures(briefing.problems, keys)
        if not briefing.sources:
            return Outcome(None, None, None, errors)
        error_list = [{"input": f.input, "problem": f.problem} for f in errors]
        # Inputs that mix stories: each story is briefed on its own too, behind its own link.
        story_links = []
        for story in stories:
            story_document = {"briefing": to_dict(story), "errors": error_list, "stories": []}
            link: dict[str, Any] = {
                "id": cache.put(story_document),
                "title": story.story_check.groups[0].title,
                "sources": list(story.story_check.groups[0].source_ids),
            }
            if submission.split:
                link["briefing"] = story_document["briefing"]
            story_links.append(link)
        document = {"briefing": to_dict(briefing), "errors": error_list, "stories": story_links}
        return Outcome(cache.put(document), briefing, document, errors)

    def _gather(
        self, submission: Submission
    ) -> tuple[list[Article], list[InputProblem], dict[str, str]]:
        """Articles in input order (pasted, URLs, files), problems, and origin -> key."""
        keys: dict[str, str] = {}
        found: dict[str, Article] = {}
        problems: list[InputProblem] = []

        def origin_for(key: str, wanted: str) -> str:
            # Origins name sources on the page and tie problems to inputs: keep them unique.
            origin, n = wanted, 2
            while origin in keys:
                origin, n = f"{wanted} ({n})", n + 1
            keys[origin] = key
            return origin

        for pasted in submission.articles:
            origin = origin_for(pasted.key, f"pasted text {_index(pasted.key) + 1}")
            try:
                found[pasted.key] = _pasted_article(pasted, origin, self.options)
            except InputError as error:
                problems.append(InputProblem(origin, error.problem))
        for upload in submission.uploads:
            origin = origin_for(upload.key, upload.name or f"file {_index(upload.key) + 1}")
            try:
                found[upload.key] = _uploaded_article(upload.data, origin, self.options)
            except InputError as error:
                problems.append(InputProblem(origin, error.problem))
        seen: dict[str, str] = {}
        unique: list[tuple[str, str]] = []
        for key, url in submission.urls:
            if url in seen:
                problems.append(InputProblem(origin_for(key, url), f"same URL as {seen[url]}"))
            else:
                seen[url] = key
                unique.append((origin_for(key, url), url))
        for origin, outcome in zip(
            (origin for origin, _ in unique), self._fetch_all([url for _, url in unique])
        ):
            if isinstance(outcome, Article):
                found[keys[origin]] = replace(outcome, origin=origin)
            else:
                problems.append(InputProblem(origin, outcome.problem))
        order = [p.key for p in submission.articles]
        order += [key for key, _ in submission.urls] + [u.key for u in submission.uploads]
        articles = [found[key] for key in order if key in found]
        return articles, problems, keys

    def _fetch_all(self, urls: list[str]) -> list[Article | InputError]:
        """Fetch ``urls`` in parallel; results in the order given (a deterministic briefing)."""
        if not urls:
            return []

        def fetch(url: str) -> Article | InputError:
            try:
                return fetch_url(url, self.options)
            except InputError as error:
                return error

        with ThreadPoolExecutor(max_workers=min(MAX_PARALLEL_FETCHES, len(urls))) as pool:
            return list(pool.map(fetch, urls))


def _index(key: str) -> int:
    """``"articles[2]"`` -> 2."""
    return int(key.rsplit("[", 1)[1].rstrip("]"))


def _failures(problems: tuple[InputProblem, ...] | list[InputProblem], keys: dict[str, str]) -> tuple[InputFailure, ...]:
    """Problems as API errors; a problem whose origin is not an input keeps its own name."""
    return tuple(InputFailure(keys.get(p.input, p.input), p.problem) for p in problems)


def _pasted_article(pasted: PastedArticle, origin: str, options: BriefOptions) -> Article:
    text = pasted.text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise InputError(origin, "empty article: no text given")
    if len(text.encode("utf-8", "surrogatepass")) > options.max_input_bytes:
        raise InputError(origin, too_large_message(options.max_input_bytes))
    published = None
    if pasted.published and pasted.published.strip():
        published = normalise_date(pasted.published)
        if published is None:
            raise InputError(origin, f"published is not a date: {pasted.published[:40]!r}")
    return Article(
        text=text,
        origin=origin,
        format=sniff_format(text),
        title=(pasted.title or "").strip() or None,
        outlet=(pasted.outlet or "").strip() or None,
        published=published,
    )


def _uploaded_article(data: bytes, origin: str, options: BriefOptions) -> Article:
    """An uploaded article file, read like a file on disk (gzip, encodings, format)."""
    path = Path(origin)
    if is_dataset_path(path):
        raise InputError(origin, "dataset files are briefed with the command line, not here")
    suffix = article_suffix(path)
    if suffix and suffix not in ARTICLE_FORMATS:
        raise InputError(origin, f"unsupported file type {suffix}; upload .txt, .md or .html")
    return read_article_bytes(data, origin, options.max_input_bytes, origin=origin)
