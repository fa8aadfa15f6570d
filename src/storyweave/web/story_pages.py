"""The pages of living stories (``storyweave serve --db``): the list of the store's stories
and a story's page, its current briefing opening with what changed since the previous one.

Both pages carry ``data-live``: the address that ``static/live.js`` polls, so that articles
ingested while a page is open show up on it without a reload. Without the script the pages
are complete; they are simply as fresh as when they were loaded.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timezone
from typing import TYPE_CHECKING

from ..render.html import html_css, render_html_body
from .pages import layout, q

if TYPE_CHECKING:
    from ..monitor.living import LivingBriefing, StoredBriefing, StorySummary

#: How often an open story page or list asks whether the store changed, in milliseconds.
#: Ingest runs add articles every few seconds at most; a page polling a tiny JSON every 5 s
#: costs the server next to nothing.
POLL_MS = 5000


def _when(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, timezone.utc).strftime("%Y-%m-%d %H:%M UTC")


def story_list_page(stories: Sequence[StorySummary], db: str, version: str) -> str:
    """The stories of the store, newest first: title, outlets, last update, articles and a
    line of what is new. ``version`` is the store's (:func:`~storyweave.monitor.living.version`)
    when the page was made."""
    items = []
    for story in stories:
        outlets = list(story.outlets)
        shown = ", ".join(q(o) for o in outlets[:4])
        if len(outlets) > 4:
            shown += f" and {len(outlets) - 4} more"
        n = story.articles
        items.append(
            '<li class="story-item">'
            f'<a class="story-title" href="/stories/{story.id}">{q(story.title)}</a>'
            f'<div class="story-meta"><span>{n} article{"s" if n != 1 else ""}</span>'
            f' · <span>{len(outlets)} outlet{"s" if len(outlets) != 1 else ""}'
            + (f": {shown}" if shown else "")
            + f"</span> · <span>updated {q(_when(story.last_update))}</span></div>"
            f'<div class="whats-new"><b>What\'s new:</b> {q(story.whats_new)}</div>'
            "</li>"
        )
    body = (
        '<ol class="story-list">' + "".join(items) + "</ol>"
        if items
        else '<p class="notice">No stories yet: add articles with <code>storyweave ingest '
        f"--db {q(db)}</code>. This page shows them as they arrive.</p>"
    )
    return layout(
        "Stories",
        '<h1>Stories</h1><p class="lede">The stories of the store, newest first. New '
        "articles show up here as they are ingested.</p>"
        f'<div id="live" data-live="/api/stories/state" data-poll="{POLL_MS}" '
        f'data-version="{q(version)}">{body}</div>'
        '<p id="live-status" class="live-status" role="status" aria-live="polite"></p>',
        live=True,
    )


def story_page(
    living: LivingBriefing, title: str, history: Sequence[StoredBriefing], version: str
) -> str:
    """A story's current briefing with what changed since an earlier one; ``history`` are
    its stored briefings (links to compare with each)."""
    story_id, number, since = living.story_id, living.number, living.since
    others = [
        f'<a href="/stories/{story_id}?since={b.number}">{b.number}</a>'
        for b in history
        if b.number not in (number, since)
    ]
    compare = f" · compare with briefing {' '.join(others)}" if others else ""
    header = (
        f'<p class="permalink"><a href="/stories">All stories</a> · story {story_id} · '
        f"briefing {number} of {len(history)}, made "
        f"{q(living.created_at[:16].replace('T', ' '))} UTC"
        f' · <a href="/api/stories/{story_id}{"?since=" + str(since) if since else ""}">JSON</a>'
        f"{compare}</p>"
    )
    # What a returning reader came for, above the top card: one line, linked to the section.
    changes = living.changes
    since_text = f"since {changes.since}" if changes.since else "first briefing of this story"
    header += (
        f'<p class="changes-pointer"><a href="#h-changes">What changed</a> {q(since_text)}: '
        f"{q(changes.line())}</p>"
    )
    body = render_html_body(living.briefing, matrix=True, changes=living.changes)
    return layout(
        title,
        f'<div id="live" class="result" data-live="/api/stories/{story_id}/state" '
        f'data-poll="{POLL_MS}" data-version="{q(version)}">{header}{body}</div>'
        '<p id="live-status" class="live-status" role="status" aria-live="polite"></p>',
        css=html_css(matrix=True),
        live=True,
    )
