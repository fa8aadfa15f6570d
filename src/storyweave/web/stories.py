"""Routes of living stories over a store (``storyweave serve --db DB``).

==================================  ==========================================================
``GET /stories``                    the store's stories: title, outlets, last update,
                                    articles, a line of what is new (updates itself)
``GET /stories/{id}``               a story's current briefing, opening with what changed
                                    since the previous briefing (``?since=N``: since the Nth)
``GET /api/stories``                the same list as JSON
``GET /api/stories/{id}``           ``{"story", "title", "number", "since", "changes",
                                    "briefing"}`` (``?since=N`` as above)
``GET /api/stories/state``          ``{"version"}``: changes whenever a story gains articles
``GET /api/stories/{id}/state``     the same for one story (what an open page polls)
==================================  ==========================================================

A story whose briefing is stale (it gained articles) is briefed again when it is asked
for, as a briefing request is: within the server's briefing slots and queue (503 with
``Retry-After`` when full), dropped if the client leaves. The new briefing is stored, so
the next visitor gets it at once; a story already briefed is read without a slot.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Awaitable, Callable
from typing import Any

import anyio
import anyio.to_thread
from fastapi import FastAPI, Query, Request
from fastapi.exceptions import HTTPException
from fastapi.responses import HTMLResponse, Response

from ..errors import StoreError
from .intake import Engine
from .story_pages import story_list_page, story_page

#: Runs a blocking job (given a should-stop check) in a briefing slot; ``None``: client gone.
InSlot = Callable[[Request, Callable[[Callable[[], bool]], Any]], Awaitable[Any]]


def add_story_routes(
    app: FastAPI, store: Any, engine: Engine, in_slot: InSlot, headers: dict[str, str]
) -> None:
    """Serve the stories of ``store`` (a :class:`~storyweave.monitor.store.Store`) on
    ``app``; ``in_slot`` runs a rebuild as the app runs a briefing (see the module
    docstring)."""
    from ..monitor import living
    from ..render.changes import changes_dict
    from ..render.common import headline

    # One rebuild of a story at a time in this server: two visitors of a stale story wait
    # for one briefing rather than make two (the store also keeps only one).
    rebuilding = threading.Lock()

    def brief_story(
        story_id: int, since: int | None, should_stop: Callable[[], bool] | None
    ) -> tuple[Any, list[Any], str]:
        """Blocking: the living briefing (rebuilt if stale), its history and the story's
        version (read first: a page never claims a newer state than it shows)."""
        version = living.version(store, story_id)
        briefer = engine.briefer(None, None)
        if should_stop is None:  # a current briefing: read, not rebuilt
            result = living.current(store, story_id, briefer, since=since)
        else:
            with rebuilding:
                result = living.current(
                    store, story_id, briefer, since=since, should_stop=should_stop
                )
        return result, living.history(store, result.story_id), version

    async def story(request: Request, story_id: int, since: int | None) -> tuple[Any, list[Any], str]:
        try:
            stale = await anyio.to_thread.run_sync(
                living.is_stale, store, story_id, engine.options.max_articles
            )
        except StoreError as error:  # no such story (or none that reads)
            raise HTTPException(404, str(error)) from None
        try:
            if not stale:
                return await anyio.to_thread.run_sync(brief_story, story_id, since, None)
            found = await in_slot(request, lambda stop: brief_story(story_id, since, stop))
        except living.NoSuchBriefing as error:
            raise HTTPException(404, str(error)) from None
        except StoreError as error:  # locked past the timeout, a damaged briefing
            raise HTTPException(503, str(error)) from None
        if found is None:
            raise HTTPException(499, "the client went away")
        result: tuple[Any, list[Any], str] = found
        return result

    @app.get("/stories", response_class=HTMLResponse, include_in_schema=False)
    async def stories_page() -> Response:
        def page() -> str:
            version = living.version(store)
            return story_list_page(living.summaries(store), store.db, version)

        return HTMLResponse(await anyio.to_thread.run_sync(page), headers=headers)

    @app.get("/stories/{story_id}", response_class=HTMLResponse, include_in_schema=False)
    async def one_story_page(
        request: Request, story_id: int, since: int | None = Query(None, ge=1)
    ) -> Response:
        result, history, version = await story(request, story_id, since)

        def page() -> str:  # a big briefing takes a while to render: not on the event loop
            return story_page(result, headline(result.briefing), history, version)

        return HTMLResponse(await anyio.to_thread.run_sync(page), headers=headers)

    @app.get("/api/stories/state")
    async def stories_state() -> dict[str, str]:
        """A version string that changes whenever any story gains articles or is briefed."""
        return {"version": await anyio.to_thread.run_sync(living.version, store)}

    @app.get("/api/stories")
    async def stories_api() -> dict[str, Any]:
        """The store's open stories, newest first, each with a line of what is new."""
        summaries = await anyio.to_thread.run_sync(living.summaries, store)
        return {
            "stories": [
                {
                    "id": s.id,
                    "title": s.title,
                    "outlets": list(s.outlets),
                    "articles": s.articles,
                    "last_update": s.last_update,
                    "briefings": s.briefings,
                    "briefing": s.state,
                    "whats_new": s.whats_new,
                }
                for s in summaries
            ]
        }

    @app.get("/api/stories/{story_id}/state")
    async def story_state(story_id: int) -> dict[str, str]:
        """A version string that changes whenever the story gains articles."""
        try:
            return {"version": await anyio.to_thread.run_sync(living.version, store, story_id)}
        except StoreError as error:
            raise HTTPException(404, str(error)) from None

    @app.get("/api/stories/{story_id}")
    async def story_api(
        request: Request, story_id: int, since: int | None = Query(None, ge=1)
    ) -> dict[str, Any]:
        """The story's current briefing (rebuilt if it gained articles) and what changed
        since briefing ``since`` (default: the previous one)."""
        result, _, _ = await story(request, story_id, since)
        return {
            "story": result.story_id,
            "title": headline(result.briefing),
            "number": result.number,
            "since": result.since,
            "changes": changes_dict(result.changes),
            "briefing": json.loads(result.json),
        }
