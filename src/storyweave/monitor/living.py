"""Living stories: a story's briefings over time, what changed between them, and the
web page's own briefings, all kept in the store (:class:`~.store.Store`).

Every briefing the store builds for a story is kept (``briefings``), numbered 1, 2, ... in
the order they were made. When a new one is built, what changed since the one before
(:func:`storyweave.stories.changes.compare`) is stored beside it, so that a list of stories
can say in one line what is new without reading two briefings per story.

Example::

    with Store("storyweave.db") as store:
        living = current(store, 12, briefer)         # rebuilt if the story gained articles
        print(living.number, living.changes.line())  # 3  "2 new articles · 1 new conflict"
        since_first = current(store, 12, briefer, since=1)
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..errors import StoreError
from ..model import Briefing, BriefingChanges, short_origin
from ..stories.changes import compare, first_briefing
from ..stories.titles import best_title, short_title
from ..views.sides import with_outlets
from . import access, schema
from .schema import sa  # SQLAlchemy; without the monitor extra, its install hint
from .store import Store, StoryRecord

if TYPE_CHECKING:
    from ..pipeline import Briefer

_log = logging.getLogger(__name__)


class NoSuchBriefing(StoreError):
    """The story has no briefing of the number asked for."""


@dataclass(frozen=True)
class StoredBriefing:
    """One briefing of a story's history (its JSON is read only when asked for)."""

    number: int  # 1, 2, ... in the order the story's briefings were made
    id: int
    created_at: str
    article_ids: tuple[int, ...]
    changes: dict[str, Any] | None  # what changed since the one before (JSON), if recorded


@dataclass(frozen=True)
class LivingBriefing:
    """A story's current briefing with what changed since an earlier one."""

    story_id: int
    number: int
    created_at: str
    briefing: Briefing
    json: str
    changes: BriefingChanges
    since: int | None  # the number of the briefing compared with (None: this is the first)


@dataclass(frozen=True)
class StorySummary:
    """One line of the list of stories."""

    id: int
    title: str
    outlets: tuple[str, ...]
    articles: int
    last_update: float  # epoch seconds of its latest article
    briefings: int
    state: str  # "current", "stale" or "none" (see StoryRecord.briefing)
    whats_new: str


def story_title(record: StoryRecord) -> str:
    """The story's title: the best headline of its articles, else the title stored with the
    story, else "(untitled)"."""
    return best_title([a.title for a in record.articles]) or record.title or "(untitled)"


def outlets_of(record: StoryRecord) -> tuple[str, ...]:
    """The distinct outlets of a story's articles (the origin's host when none is named)."""
    names = [a.outlet or (short_origin(a.url) if a.url else None) for a in record.articles]
    return tuple(dict.fromkeys(n for n in names if n))


def history(store: Store, story_id: int) -> list[StoredBriefing]:
    """The story's briefings, oldest first, numbered from 1."""
    story_id = store.resolve_story(story_id)
    table = schema.briefings
    with access.sql_errors(store.db, "read"), store.engine.connect() as connection:
        rows = connection.execute(
            sa.select(table.c.id, table.c.created_at, table.c.article_ids, table.c.changes)
            .where(table.c.story_id == story_id)
            .order_by(table.c.id)
        ).all()
    return [
        StoredBriefing(
            number=i,
            id=int(row.id),
            created_at=row.created_at,
            article_ids=tuple(json.loads(row.article_ids)),
            changes=_loads(row.changes),
        )
        for i, row in enumerate(rows, start=1)
    ]


def is_stale(store: Store, story_id: int, max_articles: int) -> bool:
    """Whether the story has articles its latest briefing does not cover (or no briefing):
    asking for it then means briefing it again."""
    story_id = store.resolve_story(story_id)
    covered = sorted(store.story_article_ids(story_id)[-max_articles:])
    past = history(store, story_id)
    return not past or sorted(past[-1].article_ids) != covered


def current(
    store: Store,
    story_id: int,
    briefer: Briefer,
    *,
    since: int | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> LivingBriefing:
    """The story's current briefing (rebuilt and stored if it gained articles) and what
    changed since briefing number ``since`` (default: the one before the current)."""
    from ..render.changes import changes_dict

    record = store.current_briefing(story_id, briefer, should_stop=should_stop)
    assert record is not None  # rebuild=True always gives one
    briefing = record.briefing or _read(store, record.json)
    # The outlet file of this run applies to briefings stored before it was given, too.
    outlets = briefer.options.outlets
    if outlets is not None and briefing.sides is None:
        briefing = with_outlets(briefing, outlets)
    past = history(store, record.story_id)
    number = len(past)
    if since is not None and not 1 <= since <= number:
        raise NoSuchBriefing(
            f"story {record.story_id} has briefings 1 to {number}; there is no briefing {since} "
            "to compare with"
        )
    earlier = since if since is not None else (number - 1 if number > 1 else None)
    changes = _compared(store, past, earlier, briefing)
    if record.rebuilt or past[-1].changes is None:
        # Stored beside the new briefing: what changed since the one before it.
        previous = number - 1 if number > 1 else None
        stored = changes if earlier == previous else _compared(store, past, previous, briefing)
        _save_changes(store, past[-1].id, changes_dict(stored))
        _log.info("story %d: briefing %d stored (%s)", record.story_id, number, stored.line())
    return LivingBriefing(
        record.story_id, number, record.created_at, briefing, record.json, changes, earlier
    )


def _compared(
    store: Store, past: list[StoredBriefing], earlier: int | None, briefing: Briefing
) -> BriefingChanges:
    if earlier is None:
        return first_briefing(briefing)
    then = past[earlier - 1]
    previous = _read(store, briefing_json(store, then.id))
    label = f"briefing {earlier} of {then.created_at[:16].replace('T', ' ')} UTC"
    return compare(previous, briefing, since=label)


def briefing_json(store: Store, briefing_id: int) -> str:
    """The JSON of one stored briefing."""
    table = schema.briefings
    with access.sql_errors(store.db, "read"), store.engine.connect() as connection:
        text = connection.execute(
            sa.select(table.c.briefing).where(table.c.id == briefing_id)
        ).scalar()
    if text is None:
        raise StoreError(f"no briefing {briefing_id} in {store.db}")
    return str(text)


def _read(store: Store, text: str) -> Briefing:
    """A stored briefing read back; a store is a file anyone may have edited, so what does
    not read back is refused with one line."""
    from ..render.json import briefing_from_dict

    try:
        return briefing_from_dict(json.loads(text))
    except (ValueError, KeyError, TypeError, RecursionError) as error:
        raise StoreError(
            f"a stored briefing in {store.db} is damaged ({str(error)[:120]}); "
            "rebuild it after fixing the store"
        ) from None


def _loads(text: str | None) -> dict[str, Any] | None:
    """A stored ``changes`` column; ``None`` when absent or not a JSON object."""
    if not text:
        return None
    try:
        value = json.loads(text)
    except (ValueError, RecursionError):
        return None
    return value if isinstance(value, dict) else None


def _save_changes(store: Store, briefing_id: int, changes: dict[str, Any]) -> None:
    table = schema.briefings
    with access.sql_errors(store.db, "write to"), schema.writing(store.engine) as connection:
        connection.execute(
            table.update().where(table.c.id == briefing_id).values(changes=json.dumps(changes))
        )


def summaries(
    store: Store, *, limit: int | None = None, records: list[StoryRecord] | None = None
) -> list[StorySummary]:
    """The stories for a list, newest first, each with a one-line "what's new" (of
    ``records`` when the caller has read them already)."""
    if records is None:
        records = store.stories(limit=limit)
    latest = _latest(store, [r.id for r in records])
    found = []
    for record in records:
        count, covered, changes = latest.get(record.id, (0, (), None))
        members = {a.id for a in record.articles}
        fresh = len(members - set(covered))
        if count == 0:
            line = f"new story: {_count(len(members), 'article')}, not briefed yet"
        elif fresh:
            line = f"{_count(fresh, 'new article')} since briefing {count}"
        elif changes:
            line = str(changes.get("line", "")) or "no change"
            if not changes.get("since"):
                line = f"first briefing: {line}"
        else:
            line = f"briefing {count}"
        found.append(
            StorySummary(
                id=record.id,
                title=short_title(story_title(record)),
                outlets=outlets_of(record),
                articles=len(members),
                last_update=record.last_time,
                briefings=count,
                state=record.briefing,
                whats_new=line,
            )
        )
    return found


def _count(n: int, what: str) -> str:
    return f"{n} {what}{'s' if n != 1 else ''}"


def _latest(
    store: Store, story_ids: list[int]
) -> dict[int, tuple[int, tuple[int, ...], dict[str, Any] | None]]:
    """Story id -> (how many briefings, the latest one's article ids, its changes)."""
    if not story_ids:
        return {}
    table = schema.briefings
    found: dict[int, tuple[int, tuple[int, ...], dict[str, Any] | None]] = {}
    with access.sql_errors(store.db, "read"), store.engine.connect() as connection:
        rows = connection.execute(
            sa.select(table.c.story_id, table.c.article_ids, table.c.changes)
            .where(table.c.story_id.in_(story_ids))
            .order_by(table.c.id)
        )
        for story_id, article_ids, changes in rows:
            count = found.get(story_id, (0, (), None))[0] + 1
            found[story_id] = (count, tuple(json.loads(article_ids)), _loads(changes))
    return found


def version(store: Store, story_id: int | None = None) -> str:
    """A short string that changes whenever the store's stories (or one story) gain
    articles, or (for the whole store) a story is briefed again: what an open page polls
    to know it should update, without rebuilding anything."""
    stories, briefings = schema.stories, schema.briefings
    with access.sql_errors(store.db, "read"), store.engine.connect() as connection:
        if story_id is None:
            row = connection.execute(
                sa.select(
                    sa.func.count(),
                    sa.func.sum(stories.c.article_count),
                    sa.func.max(stories.c.updated_at),
                    sa.select(sa.func.max(briefings.c.id)).scalar_subquery(),
                ).where(stories.c.status == "open")
            ).one()
        else:
            row = connection.execute(
                sa.select(stories.c.id, stories.c.article_count, stories.c.updated_at)
                .where(stories.c.id == store.resolve_story(story_id))
            ).one()
    return "-".join(str(value) for value in row)


# --- the web page's own briefings ---------------------------------------------------------

#: Web briefings kept in a store; the oldest go first beyond this. Not a tuned figure: a
#: bound, so that a server open to many users cannot fill the disk with its visitors'
#: briefings (2,000 briefings of ten articles are ~400 MB of JSON).
MAX_WEB_BRIEFINGS = 2000


def save_document(
    store: Store, document_id: str, document: dict[str, Any], *, keep: int = MAX_WEB_BRIEFINGS
) -> None:
    """Keep a briefing made on the web page under its link's id (once per id), and only
    the ``keep`` most recent ones."""
    table = schema.web_briefings
    text = json.dumps(document, ensure_ascii=False)
    with access.sql_errors(store.db, "write to"), schema.writing(store.engine) as connection:
        exists = connection.execute(
            sa.select(table.c.id).where(table.c.id == document_id)
        ).first()
        if exists is not None:
            return
        connection.execute(
            table.insert().values(id=document_id, document=text, created_at=schema.now_iso())
        )
        count = connection.execute(sa.select(sa.func.count()).select_from(table)).scalar() or 0
        if count > keep:
            oldest = (
                sa.select(table.c.id)
                .where(table.c.id != document_id)  # the new one stays, whatever its id
                .order_by(table.c.created_at, table.c.id)
                .limit(count - keep)
                .scalar_subquery()
            )
            connection.execute(table.delete().where(table.c.id.in_(oldest)))


def load_document(store: Store, document_id: str) -> dict[str, Any] | None:
    """A briefing made on the web page, or ``None`` (also when its row does not read back)."""
    table = schema.web_briefings
    with access.sql_errors(store.db, "read"), store.engine.connect() as connection:
        text = connection.execute(
            sa.select(table.c.document).where(table.c.id == document_id)
        ).scalar()
    return _loads(text)


__all__ = [
    "LivingBriefing",
    "NoSuchBriefing",
    "StoredBriefing",
    "StorySummary",
    "briefing_json",
    "current",
    "history",
    "is_stale",
    "load_document",
    "outlets_of",
    "save_document",
    "story_title",
    "summaries",
    "version",
]
