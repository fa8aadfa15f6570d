"""The web face: an HTML page and a JSON HTTP API over the same library calls as the CLI.

``create_app`` builds a FastAPI app that holds its own state (options, one loaded model,
a briefing cache); nothing is global. Routes:

==========================  ===============================================================
``GET  /``                  the form: paste articles, upload files, list URLs
``POST /briefings``         the form's submission (works without JavaScript)
``GET  /briefings/{id}``    a stored briefing as a page
``POST /api/briefings``     ``{"articles": [...], "urls": [...], "options": {...}}`` ->
                            ``{"id", "briefing", "errors"}`` (201; 422 if nothing briefed)
``GET  /api/briefings/{id}``  a stored briefing's JSON
``GET  /api/health``        liveness
``GET  /openapi.json``      the OpenAPI description (``/docs`` shows it)
==========================  ===============================================================

Limits: a body over ``max_request_bytes`` is refused with 413 before it is read (by its
Content-Length) or as soon as the count passes the limit while it streams; more inputs
than ``BriefOptions.max_articles`` get 422. URLs follow the rules of
:mod:`storyweave.ingest.urls` (http(s) only, no private addresses unless allowed, a
timeout per URL). Pages carry a Content-Security-Policy that allows scripts only from
the app itself.

Example::

    from storyweave.web.app import create_app
    app = create_app(BriefOptions(words=120))   # serve with: uvicorn --factory ...
"""

from __future__ import annotations

import ntpath
import posixpath
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib import resources
from typing import Any

from ..errors import MissingDependency, ModelError, OptionsError
from ..options import DEFAULT_MAX_INPUT_BYTES, MAX_WORDS, MIN_WORDS, BriefOptions

try:
    import anyio
    import anyio.to_thread
    from fastapi import FastAPI, Request
    from fastapi.exceptions import HTTPException
    from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
    from fastapi.staticfiles import StaticFiles
    from pydantic import BaseModel, ConfigDict, Field
    from starlette.datastructures import UploadFile
    from starlette.exceptions import HTTPException as StarletteHTTPException
    from starlette.types import ASGIApp, Message, Receive, Scope, Send
except ImportError as error:  # pragma: no cover - depends on the installed extras
    raise MissingDependency(error.name or "fastapi", "web") from None

from ..pipeline import Briefer
from ..render.json import briefing_from_dict
from ..version import __version__
from .cache import BriefingCache, MemoryCache
from .intake import Engine, InputFailure, Outcome, PastedArticle, Submission, Upload
from .pages import Box, FormState, briefing_page, error_page, form_page

#: Briefings computed at once; one per core of a small server (see create_app).
BRIEFING_SLOTS = 2
#: Request bodies above this are refused (413): the CLI's per-input limit, for a whole request.
DEFAULT_MAX_REQUEST_BYTES = DEFAULT_MAX_INPUT_BYTES
#: Scripts only from this app, no framing, forms only back to it; styles may be inline
#: (the briefing's colour rules are).
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; form-action 'self'; base-uri 'none'; "
    "frame-ancestors 'none'"
)
PAGE_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


class ArticleIn(BaseModel):
    """One article given as text."""

    model_config = ConfigDict(extra="forbid")
    text: str = Field(description="the article as pasted: plain text or HTML, boilerplate and all")
    title: str | None = None
    outlet: str | None = None
    published: str | None = Field(None, description="ISO 8601 date or date-time")


class OptionsIn(BaseModel):
    """The summary budget: words, or sentences instead."""

    model_config = ConfigDict(extra="forbid")
    words: int | None = Field(None, ge=MIN_WORDS, le=MAX_WORDS)
    sentences: int | None = Field(None, ge=1, le=100)
    split: bool = Field(
        False,
        description="when the inputs tell several stories, also return each story's briefing "
        "inline under stories[].briefing (their ids are always listed)",
    )


class BriefingRequest(BaseModel):
    """Articles as text and/or URLs to fetch, briefed together as one story."""

    model_config = ConfigDict(extra="forbid")
    articles: list[ArticleIn] = Field(default_factory=list)
    urls: list[str] = Field(default_factory=list)
    options: OptionsIn = Field(
        default_factory=lambda: OptionsIn(words=None, sentences=None, split=False)
    )


class InputErrorOut(BaseModel):
    """An input that was not briefed: ``input`` is ``articles[n]`` or ``urls[n]``."""

    input: str
    problem: str


class StoryOut(BaseModel):
    """One story of inputs that mix several, briefed on its own under its own id."""

    id: str
    title: str
    sources: list[str]
    briefing: dict[str, Any] | None = Field(None, description="inline when options.split")


class BriefingOut(BaseModel):
    """A briefing (the JSON of ``storyweave brief --format json``) under its id.

    ``stories`` is empty when the inputs tell one story; otherwise it lists each story's
    own briefing (``GET /api/briefings/{id}``), as the briefing's ``story_check`` groups them.
    """

    id: str
    briefing: dict[str, Any]
    errors: list[InputErrorOut] = Field(default_factory=list)
    stories: list[StoryOut] = Field(default_factory=list)


class _BodyLimit:
    """Refuse request bodies over ``limit`` bytes with 413, without reading them all."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        length = dict(scope["headers"]).get(b"content-length", b"")
        if length.isdigit() and int(length) > self.limit:
            response = _error_response(scope["path"], 413, self._message())
            await response(scope, receive, send)
            return
        received = 0

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:
                    # FastAPI and our handlers pass HTTPException through body parsing.
                    raise HTTPException(413, self._message())
            return message

        await self.app(scope, counted, send)

    def _message(self) -> str:
        return (
            f"request larger than the {self.limit / 2**20:g} MB limit "
            "(the server's --max-request-mb)"
        )


def _error_response(path: str, status: int, message: str) -> Response:
    """JSON for the API, a page for everything else."""
    if path.startswith("/api/"):
        return JSONResponse({"detail": message}, status_code=status)
    return HTMLResponse(error_page(status, message), status_code=status, headers=PAGE_HEADERS)


def create_app(
    options: BriefOptions | None = None,
    *,
    cache: BriefingCache | None = None,
    max_request_bytes: int = DEFAULT_MAX_REQUEST_BYTES,
    briefer: Briefer | None = None,
) -> FastAPI:
    """The web app: the form page, stored briefing pages and the JSON API.

    ``options`` are the server's (model, limits, URL rules; a request may only change
    the summary length); ``cache`` keeps briefings (default: an in-memory LRU);
    ``briefer`` lets a caller share an already loaded model.
    """
    options = options or BriefOptions()
    engine = Engine(options, briefer)
    briefings: BriefingCache = cache if cache is not None else MemoryCache()
    # Briefing is CPU-bound: running more at once than there are cores only multiplies
    # memory (measured: ~800 MB more with 40 in flight) without finishing any sooner.
    # Extra requests wait their turn; health checks and pages are not held up.
    briefing_slots = anyio.CapacityLimiter(BRIEFING_SLOTS)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # Load the model before the first visitor waits for it.
        await anyio.to_thread.run_sync(engine.warm)
        yield

    app = FastAPI(
        title="storyweave",
        version=__version__,
        summary="Weave many news reports of one event into one cited briefing.",
        lifespan=lifespan,
    )
    app.state.engine = engine
    app.state.cache = briefings
    app.add_middleware(_BodyLimit, limit=max_request_bytes)
    static = resources.files("storyweave.web").joinpath("static")
    app.mount("/static", StaticFiles(directory=str(static)), name="static")

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, error: StarletteHTTPException) -> Response:
        return _error_response(request.url.path, error.status_code, str(error.detail))

    async def run(submission: Submission) -> Outcome:
        if submission.count() > options.max_articles:
            raise HTTPException(
                422,
                f"too many inputs: {submission.count()} given, the limit is "
                f"{options.max_articles} articles per briefing (the server's --max-articles)",
            )
        try:
            return await anyio.to_thread.run_sync(
                engine.brief, submission, briefings, limiter=briefing_slots
            )
        except OptionsError as error:
            raise HTTPException(422, str(error)) from None
        except (ModelError, MissingDependency) as error:
            raise HTTPException(503, f"the model cannot be loaded: {error}") from None

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    async def home() -> Response:
        return HTMLResponse(form_page(FormState()), headers=PAGE_HEADERS)

    @app.post("/briefings", response_class=HTMLResponse, include_in_schema=False)
    async def submit_form(request: Request) -> Response:
        async with request.form(
            max_files=options.max_articles + 1,
            max_fields=4 * options.max_articles + 16,
            max_part_size=max_request_bytes,
        ) as form:
            state = FormState(
                boxes=_boxes(form.getlist("text"), form.getlist("title"), form.getlist("outlet")),
                urls=str(form.get("urls") or ""),
                words=str(form.get("words") or "").strip(),
            )
            action = str(form.get("action") or "brief")
            if action == "add":
                state.boxes.append(Box())
                return HTMLResponse(form_page(state), headers=PAGE_HEADERS)
            if action.startswith("remove:") and len(state.boxes) > 1:
                index = action.split(":", 1)[1]
                if index.isdigit() and int(index) < len(state.boxes):
                    del state.boxes[int(index)]
                return HTMLResponse(form_page(state), headers=PAGE_HEADERS)
            uploads = [f for f in form.getlist("files") if isinstance(f, UploadFile)]
            files = [
                Upload(f"files[{i}]", _file_name(f.filename), await f.read())
                for i, f in enumerate(u for u in uploads if u.filename)
            ]
        return await _brief_form(state, files)

    async def _brief_form(state: FormState, files: list[Upload]) -> Response:
        words = state.words or str(options.words or "")
        if not words.isdigit() or not MIN_WORDS <= int(words) <= MAX_WORDS:
            state.errors.append(
                InputFailure("words", f"give a number of words from {MIN_WORDS} to {MAX_WORDS}")
            )
            return HTMLResponse(form_page(state), status_code=422, headers=PAGE_HEADERS)
        articles = tuple(
            PastedArticle(f"articles[{i}]", box.text, box.title, box.outlet)
            for i, box in enumerate(state.boxes)
            if box.text.strip() or box.title.strip() or box.outlet.strip()
        )
        lines = [line.strip() for line in state.urls.splitlines() if line.strip()]
        urls = tuple((f"urls[{i}]", url) for i, url in enumerate(lines))
        state.labels = {key: url for key, url in urls} | {f.key: f.name for f in files}
        submission = Submission(articles, urls, tuple(files), words=int(words))
        if submission.count() == 0:
            return HTMLResponse(
                form_page(state, notice="Nothing to brief yet: paste an article, upload a file "
                          "or give a URL."),
                status_code=422,
                headers=PAGE_HEADERS,
            )
        outcome = await run(submission)
        state.errors = list(outcome.errors)
        if outcome.briefing is None:
            return HTMLResponse(
                form_page(state, notice="No usable article to brief; see the reasons below."),
                status_code=422,
                headers=PAGE_HEADERS,
            )
        if not outcome.errors:
            return RedirectResponse(f"/briefings/{outcome.briefing_id}", status_code=303)
        # Some inputs failed: show why next to each, and the briefing of the rest below.
        page = form_page(
            state,
            briefing=outcome.briefing,
            briefing_id=outcome.briefing_id,
            stories=(outcome.document or {}).get("stories", []),
        )
        return HTMLResponse(page, headers=PAGE_HEADERS)

    @app.get("/briefings/{briefing_id}", response_class=HTMLResponse, include_in_schema=False)
    async def show_briefing(briefing_id: str) -> Response:
        document = briefings.get(briefing_id)
        if document is None:
            raise HTTPException(404, f"no briefing with id {briefing_id!r} (it may have expired)")
        briefing = briefing_from_dict(document["briefing"])
        page = briefing_page(briefing, briefing_id, document.get("stories", []))
        return HTMLResponse(page, headers=PAGE_HEADERS)

    @app.post("/api/briefings", status_code=201, response_model=BriefingOut)
    async def create_briefing(body: BriefingRequest, response: Response) -> Any:
        """Brief the given articles and URLs as one story; store and return the briefing.

        Inputs that cannot be used are listed in ``errors`` and the rest is briefed;
        if none can be used, the answer is 422 with the ``errors``.
        """
        submission = Submission(
            articles=tuple(
                PastedArticle(f"articles[{i}]", a.text, a.title, a.outlet, a.published)
                for i, a in enumerate(body.articles)
            ),
            urls=tuple((f"urls[{i}]", url) for i, url in enumerate(body.urls)),
            words=body.options.words,
            sentences=body.options.sentences,
            split=body.options.split,
        )
        if submission.count() == 0:
            raise HTTPException(422, "nothing to brief: give articles or urls")
        outcome = await run(submission)
        errors = [{"input": f.input, "problem": f.problem} for f in outcome.errors]
        if outcome.document is None:
            return JSONResponse(
                {"detail": "no usable article to brief", "errors": errors}, status_code=422
            )
        response.headers["Location"] = f"/api/briefings/{outcome.briefing_id}"
        return {"id": outcome.briefing_id, **outcome.document}

    @app.get("/api/briefings/{briefing_id}", response_model=BriefingOut)
    async def get_briefing(briefing_id: str) -> Any:
        """A stored briefing, as returned when it was made."""
        document = briefings.get(briefing_id)
        if document is None:
            raise HTTPException(404, f"no briefing with id {briefing_id!r} (it may have expired)")
        return {"id": briefing_id, **document}

    @app.get("/api/health")
    async def health() -> dict[str, str]:
        """Liveness: the server answers and which version it runs."""
        return {"status": "ok", "version": __version__}

    return app


def _boxes(texts: list[Any], titles: list[Any], outlets: list[Any]) -> list[Box]:
    """The form's article boxes; every box posts a text, a title and an outlet field."""
    boxes = []
    for i, text in enumerate(texts):
        title = titles[i] if i < len(titles) else ""
        outlet = outlets[i] if i < len(outlets) else ""
        boxes.append(Box(str(text), str(title), str(outlet)))
    return boxes or [Box()]


def _file_name(name: str | None) -> str:
    """The file's own name: browsers may send a full client path ("C:\\fakepath\\a.txt")."""
    base = ntpath.basename(posixpath.basename(name or ""))
    return " ".join(base.split())[:200] or "upload"
