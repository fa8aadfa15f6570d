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
``GET  /stories``, ...      with a store: living stories (see :mod:`.stories`)
``GET  /openapi.json``      the OpenAPI description (``/docs`` shows it, from local files)
==========================  ===============================================================

Limits: a body over ``max_request_bytes`` is refused with 413 before it is read (by its
Content-Length) or as soon as the count passes the limit while it streams; more inputs
than ``BriefOptions.max_articles`` get 422 while the body is parsed, off the event loop
(:mod:`.payload`). URLs follow the rules of :mod:`storyweave.ingest.urls` (http(s) only,
no private addresses unless allowed, a timeout per URL). Pages carry a
Content-Security-Policy that allows scripts only from the app itself; the ``Host``
header, cross-site posts and ``nosniff`` are handled by :mod:`.guards`.

A busy server stays responsive: at most ``BRIEFING_SLOTS`` briefings compute at once,
at most ``max_waiting`` more wait for a slot, and a request beyond that is answered 503
with ``Retry-After`` at once. URLs are fetched before a request waits for a compute
slot, so slow sites do not hold one. A request whose client disconnects is dropped:
it leaves the queue, or its briefing stops at the next stage.

Example::

    from storyweave.web.app import create_app
    app = create_app(BriefOptions(words=120))   # serve with: uvicorn --factory ...
"""

from __future__ import annotations

import math
import ntpath
import posixpath
import threading
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Collection
from contextlib import asynccontextmanager
from importlib import resources
from typing import Any, TypeVar

from ..errors import Cancelled, MissingDependency, ModelError, OptionsError
from ..options import DEFAULT_MAX_INPUT_BYTES, MAX_WORDS, MIN_WORDS, BriefOptions

try:
    import anyio
    import anyio.to_thread
    from fastapi import FastAPI, Request
    from fastapi.exceptions import HTTPException, RequestValidationError
    from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
    from fastapi.staticfiles import StaticFiles
    from pydantic import BaseModel, Field
    from starlette.datastructures import UploadFile
    from starlette.exceptions import HTTPException as StarletteHTTPException
except ImportError as error:  # pragma: no cover - depends on the installed extras
    raise MissingDependency(error.name or "fastapi", "web") from None

from ..pipeline import Briefer
from ..render.json import briefing_from_dict
from ..version import __version__
from .cache import BriefingCache, MemoryCache, StoreCache
from .docs import add_docs
from .guards import BodyLimit, HostGuard, error_response
from .intake import Engine, Gathered, InputFailure, Outcome, PastedArticle, Submission, Upload
from .pages import Box, FormState, briefing_page, form_page, no_store_page
from .payload import (
    ArticleIn,
    BriefingRequest,
    OptionsIn,
    PayloadError,
    parse_request,
    too_many,
    validation_detail,
)

__all__ = ["ArticleIn", "BriefingRequest", "OptionsIn", "create_app"]

#: Briefings computed at once; one per core of a small server (see create_app).
BRIEFING_SLOTS = 2
#: Briefing requests that may wait for a slot; more are answered 503 at once. Measured with
#: benchmarks/load_server.py: a queue of 8 behind 2 slots keeps a small briefing's wait
#: under ~25 s, while an unbounded queue let abandoned work pile up (133 s waits).
MAX_WAITING = 8
#: Retry-After before any briefing has been timed (seconds).
DEFAULT_RETRY_AFTER = 5
#: Bodies parsed at once, in worker threads (a 20 MB body takes ~0.2 s).
PARSE_SLOTS = 2
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
    # Nothing to other sites; this site's own form posts then carry their true Origin
    # (under "no-referrer" a browser sends "Origin: null", which the guard cannot trust).
    "Referrer-Policy": "same-origin",
}


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


T = TypeVar("T")


class _Busy(Exception):
    """The queue of briefing requests is full."""


class _Admission:
    """Counts the briefing requests in the server (computing or waiting) and times them.

    Runs on the event loop only, so plain integers need no lock.
    """

    def __init__(self, slots: int, max_waiting: int) -> None:
        self.slots = anyio.CapacityLimiter(slots)
        self.capacity = slots + max_waiting
        self.inside = 0
        self._mean: float | None = None  # seconds per briefing, a moving average

    @asynccontextmanager
    async def admitted(self) -> AsyncIterator[None]:
        if self.inside >= self.capacity:
            raise _Busy
        self.inside += 1
        try:
            yield
        finally:
            self.inside -= 1

    def timed(self, seconds: float) -> None:
        self._mean = seconds if self._mean is None else 0.8 * self._mean + 0.2 * seconds

    def retry_after(self) -> int:
        """Seconds until a slot is likely free: the queue ahead, at the recent pace."""
        if self._mean is None:
            return DEFAULT_RETRY_AFTER
        ahead = self.inside / max(1.0, self.slots.total_tokens)
        return max(1, math.ceil(self._mean * ahead))


async def _unless_abandoned(
    request: Request, work: Callable[[threading.Event], Awaitable[T]]
) -> T | None:
    """``work(gone)``, or ``None`` when the client disconnects first: the wait for a slot
    is cancelled, and ``gone`` is set for work already running in a thread."""
    gone = threading.Event()
    result: T | None = None
    failure: Exception | None = None
    async with anyio.create_task_group() as group:

        async def watch() -> None:
            # The body has been read: the next message is the client's disconnect (or
            # comes after the response is complete, when this task is cancelled).
            while (await request.receive())["type"] != "http.disconnect":
                pass
            gone.set()
            group.cancel_scope.cancel()

        group.start_soon(watch)
        try:
            result = await work(gone)
        except Exception as error:  # noqa: BLE001 - raised below, outside the task group
            failure = error
        group.cancel_scope.cancel()
    if failure is not None:
        raise failure
    return None if gone.is_set() else result


def create_app(
    options: BriefOptions | None = None,
    *,
    cache: BriefingCache | None = None,
    max_request_bytes: int = DEFAULT_MAX_REQUEST_BYTES,
    briefer: Briefer | None = None,
    allowed_hosts: Collection[str] | None = None,
    briefing_slots: int = BRIEFING_SLOTS,
    max_waiting: int = MAX_WAITING,
    store: Any = None,
) -> FastAPI:
    """The web app: the form page, stored briefing pages and the JSON API.

    ``options`` are the server's (model, limits, URL rules; a request may only change
    the summary length); ``cache`` keeps briefings (default: an in-memory LRU bounded in
    bytes, or the store when there is one); ``briefer`` lets a caller share an already
    loaded model. ``allowed_hosts`` are the names the ``Host`` header may give (``None``:
    any; ``storyweave serve`` passes the loopback names when it listens on loopback).
    ``briefing_slots`` briefings compute at once and ``max_waiting`` more may wait (see the
    module docstring). ``store`` (a :class:`~storyweave.monitor.store.Store`) adds the
    living stories (:mod:`.stories`).
    """
    options = options or BriefOptions()
    engine = Engine(options, briefer)
    if cache is None:
        cache = StoreCache(store) if store is not None else MemoryCache()
    briefings: BriefingCache = cache
    # Briefing is CPU-bound: running more at once than there are cores only multiplies
    # memory (measured: ~800 MB more with 40 in flight) without finishing any sooner.
    # Extra requests wait their turn, up to max_waiting; health checks and pages are not
    # held up.
    admission = _Admission(briefing_slots, max_waiting)
    parse_slots = anyio.CapacityLimiter(PARSE_SLOTS)

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
        docs_url=None,  # served from local files by .docs (FastAPI's loads a CDN)
        redoc_url=None,
    )
    app.state.engine = engine
    app.state.cache = briefings
    app.state.admission = admission
    # The last added runs first: the Host and origin checks before the body is read.
    app.add_middleware(BodyLimit, limit=max_request_bytes, page_headers=PAGE_HEADERS)
    app.add_middleware(HostGuard, allowed_hosts=allowed_hosts, page_headers=PAGE_HEADERS)
    static = resources.files("storyweave.web").joinpath("static")
    app.mount("/static", StaticFiles(directory=str(static)), name="static")
    add_docs(app, PAGE_HEADERS)
    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, error: StarletteHTTPException) -> Response:
        response = error_response(request.url.path, error.status_code, str(error.detail),
                                  PAGE_HEADERS)
        response.headers.update(error.headers or {})
        return response

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, error: RequestValidationError) -> Response:
        # FastAPI's default answer repeats the input, which may be the whole body.
        return JSONResponse({"detail": validation_detail(error.errors())}, status_code=422)

    async def run(submission: Submission, request: Request) -> Outcome | None:
        """Brief ``submission``; ``None`` if its client went away first."""
        if submission.count() > options.max_articles:
            raise HTTPException(422, too_many(options.max_articles))
        try:
            async with admission.admitted():
                return await _unless_abandoned(request, lambda gone: work(submission, gone))
        except _Busy:
            raise busy() from None
        except OptionsError as error:
            raise HTTPException(422, str(error)) from None
        except (ModelError, MissingDependency) as error:
            raise HTTPException(503, f"the model cannot be loaded: {error}") from None

    def busy() -> HTTPException:
        """503 with the time to wait: every compute slot is taken and the queue is full."""
        return HTTPException(
            503,
            f"the server is busy: {admission.capacity} briefings are being made or "
            "waiting; try again shortly",
            headers={"Retry-After": str(admission.retry_after())},
        )

    async def in_slot(request: Request, job: Callable[[Callable[[], bool]], T]) -> T | None:
        """``job(should_stop)`` in a worker thread within the briefing slots (503 when the
        queue is full, as for a briefing request); ``None`` if the client went away."""
        try:
            async with admission.admitted():
                return await _unless_abandoned(
                    request,
                    lambda gone: anyio.to_thread.run_sync(job, gone.is_set, limiter=admission.slots),
                )
        except _Busy:
            raise busy() from None
        except Cancelled:
            return None

    async def work(submission: Submission, gone: threading.Event) -> Outcome | None:
        # Fetching waits on the network: it holds no compute slot.
        gathered: Gathered = await anyio.to_thread.run_sync(engine.gather, submission)
        if gone.is_set():
            return None
        started = time.monotonic()
        try:
            # Waiting for a slot here ends as soon as the client disconnects.
            outcome: Outcome = await anyio.to_thread.run_sync(
                lambda: engine.compose(gathered, briefings, should_stop=gone.is_set),
                limiter=admission.slots,
            )
        except Cancelled:
            return None
        admission.timed(time.monotonic() - started)
        return outcome

    if store is not None:
        from .stories import add_story_routes

        add_story_routes(app, store, engine, in_slot, PAGE_HEADERS)
    else:

        @app.get("/stories", response_class=HTMLResponse, include_in_schema=False)
        async def no_stories() -> Response:
            return HTMLResponse(no_store_page(), headers=PAGE_HEADERS)

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
        return await _brief_form(state, files, request)

    async def _brief_form(state: FormState, files: list[Upload], request: Request) -> Response:
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
        outcome = await run(submission, request)
        if outcome is None:
            return Response(status_code=499)  # the client has gone; nobody reads this
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
        document = await anyio.to_thread.run_sync(briefings.get, briefing_id)  # may read a store
        if document is None:
            raise HTTPException(404, f"no briefing with id {_shown_id(briefing_id)} (it may have expired)")

        def page() -> str:  # a big briefing takes a while to render: not on the event loop
            briefing = briefing_from_dict(document["briefing"])
            return briefing_page(briefing, briefing_id, document.get("stories", []))

        return HTMLResponse(await anyio.to_thread.run_sync(page), headers=PAGE_HEADERS)

    @app.post(
        "/api/briefings",
        status_code=201,
        response_model=BriefingOut,
        openapi_extra={
            "requestBody": {
                "required": True,
                "content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/BriefingRequest"}}},
            }
        },
    )
    async def create_briefing(request: Request, response: Response) -> Any:
        """Brief the given articles and URLs as one story; store and return the briefing.

        The body is a ``BriefingRequest``. Inputs that cannot be used are listed in
        ``errors`` and the rest is briefed; if none can be used, the answer is 422 with
        the ``errors``. 503 with ``Retry-After`` when the server is busy.
        """
        raw = await request.body()
        try:
            body: BriefingRequest = await anyio.to_thread.run_sync(
                parse_request, raw, options.max_articles, limiter=parse_slots
            )
        except PayloadError as error:
            return JSONResponse({"detail": error.detail}, status_code=422)
        del raw
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
        outcome = await run(submission, request)
        if outcome is None:
            return Response(status_code=499)  # the client has gone; nobody reads this
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
        document = await anyio.to_thread.run_sync(briefings.get, briefing_id)
        if document is None:
            raise HTTPException(404, f"no briefing with id {_shown_id(briefing_id)} (it may have expired)")
        return {"id": briefing_id, **document}

    @app.get("/api/health")
    async def health() -> dict[str, str]:
        """Liveness: the server answers and which version it runs (HEAD works too)."""
        return {"status": "ok", "version": __version__}

    @app.head("/api/health", include_in_schema=False)
    async def health_head() -> Response:
        return Response(media_type="application/json")

    def openapi() -> dict[str, Any]:
        # The request body is parsed by our own bounded reader, so FastAPI does not see
        # its model; the description still documents it.
        if app.openapi_schema is None:
            schema = FastAPI.openapi(app)
            model = BriefingRequest.model_json_schema(ref_template="#/components/schemas/{model}")
            components = schema.setdefault("components", {}).setdefault("schemas", {})
            components.update(model.pop("$defs", {}))
            components["BriefingRequest"] = model
        return app.openapi_schema or schema

    app.openapi = openapi  # type: ignore[method-assign]
    return app


def _shown_id(briefing_id: str) -> str:
    """A briefing id as an error message repeats it: quoted, and cut short."""
    return repr(briefing_id[:40] + ("…" if len(briefing_id) > 40 else ""))


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
