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
for, in a worker thread and within the server's briefing slots; the new briefing is
stored, so the next visitor gets it at once.
"""

from __future__ import annotations

import json
from typing import Any

import anyio
import anyio.to_thread
from fastapi import FastAPI, Query
from fastapi.exceptions import HTTPException
from fastapi.responses import HTMLResponse

from ..errors import StoreError
from .intake import Engine
from .story_pages import story_list_page, story_page


def add_story_routes(
    app: FastAPI,
    store: Any,
    engine: Engine,
    slots: anyio.CapacityLimiter,
    headers: dict[str, str],
) -> None:
    """Serve the stories of ``store`` (a :class:`~storyweave.monitor.store.Store`) on ``app``."""
    from ..monitor import living
    from ..render.changes import changes_dict

    def brief_story(story_id: int, since: int | None) -> tuple[Any, str, list[Any], str]:
        """Blocking: the story's living briefing (rebuilt if stale), title, history and
        version (read first: a page never claims a newer state than it shows)."""
        version = living.version(store, story_id)
        result = living.current(store, story_id, engine.briefer(None, None), since=since)
        record = next((r for r in store.stories() if r.id == result.story_id), None)
        title = living.story_title(record) if record is not None else f"Story {result.story_id}"
        return result, title, living.history(store, result.story_id), version

    async def story(story_id: int, since: int | None) -> tuple[Any, str, list[Any], str]:
        try:
            return await anyio.to_thread.run_sync(brief_story, story_id, since, limiter=slots)
        except StoreError as error:
            raise HTTPException(404, str(error)) from None

    @app.get("/stories", response_class=HTMLResponse, include_in_schema=False)
    async def stories_page() -> HTMLResponse:
        version = await anyio.to_thread.run_sync(living.version, store)
        summaries = await anyio.to_thread.run_sync(living.summaries, store)
        return HTMLResponse(story_list_page(summaries, store.db, version), headers=headers)

    @app.get("/stories/{story_id}", response_class=HTMLResponse, include_in_schema=False)
    async def one_story_page(story_id: int, since: int | None = Query(None, ge=1)) -> HTMLResponse:
        result, title, history, version = await story(story_id, since)
        return HTMLResponse(story_page(result, title, history, version), headers=headers)

    @app.get("/api/stories/state")
    async def stories_state() -> dict[str, str]:
        """A version string that changes whenever any story gains articles."""
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
    async def story_api(story_id: int, since: int | None = Query(None, ge=1)) -> dict[str, Any]:
        """The story's current briefing and what changed since briefing ``since`` (default:
        the previous one)."""
        result, title, _, _ = await story(story_id, since)
        return {
            "story": result.story_id,
            "title": title,
            "number": result.number,
            "since": result.since,
            "changes": changes_dict(result.changes),
            "briefing": json.loads(result.json),
        }
