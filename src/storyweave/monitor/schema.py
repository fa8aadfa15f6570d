"""The store's tables and their versioned migrations (SQLAlchemy Core).

The same tables serve SQLite (one file, the default) and PostgreSQL (by URL). A store
records which migrations it has applied in ``schema_migrations``; :func:`migrate` applies
the missing ones in order, each in its own transaction, so a store made by an older
storyweave is upgraded in place and a half-applied migration is never left behind.

Tables:

- ``articles``: one row per distinct article: raw and cleaned text, metadata, the
  content hash and canonical URL it is recognised by, its language, its story vector,
  entities and near-duplicate signature, and the story it belongs to.
- ``article_origins``: every place an article arrived from (a duplicate adds a row here,
  never a second article), so a story can be traced back to its inputs.
- ``stories``: the running sum of member vectors (its centroid), entity counts, time
  span, language; a merged story points at the story it went into.
- ``briefings``: each briefing built for a story, as JSON, with the article ids it covers
  and what changed since the story's previous briefing (``changes``, JSON).
- ``web_briefings``: briefings made on the web page (``storyweave serve``), under their
  link's id, so that links survive a restart.
- ``runs``: one row per ingest run with its counts and problems.
- ``store_meta``: key/value settings fixed at creation (the embedding model of the vectors).

The row helpers at the end turn clustering state into rows and back; they run inside
the caller's transaction (:meth:`storyweave.monitor.store.Store.ingest`).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

import numpy as np

from ..errors import MissingDependency

try:
    import sqlalchemy as sa
except ImportError as error:  # the monitor extra is not installed: say how to get it
    raise MissingDependency("sqlalchemy", "monitor") from error

from ..model import Article, CleanedText, source_metadata
from ..stories.clustering import ClusterParams, Features, StoryIndex, StoryState, cleaned_body

metadata = sa.MetaData()

schema_migrations = sa.Table(
    "schema_migrations",
    metadata,
    sa.Column("version", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("applied_at", sa.Text, nullable=False),
)

store_meta = sa.Table(
    "store_meta",
    metadata,
    sa.Column("key", sa.String(64), primary_key=True),
    sa.Column("value", sa.Text, nullable=False),
)

runs = sa.Table(
    "runs",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("kind", sa.String(32), nullable=False),
    sa.Column("started_at", sa.Text, nullable=False),
    sa.Column("finished_at", sa.Text),
    # running | done | interrupted (a later run found it unfinished)
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("ingested", sa.Integer, nullable=False, default=0),
    sa.Column("duplicates", sa.Integer, nullable=False, default=0),
    sa.Column("failed", sa.Integer, nullable=False, default=0),
    sa.Column("problems", sa.Text, nullable=False, default="[]"),  # JSON list of {input, problem}
    # "host pid start" of the process running it (migration 3; NULL in older rows)
    sa.Column("owner", sa.Text),
)

stories = sa.Table(
    "stories",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("status", sa.String(16), nullable=False),  # open | merged
    sa.Column("merged_into", sa.Integer, sa.ForeignKey("stories.id")),
    sa.Column("language", sa.String(8), nullable=False),
    sa.Column("first_time", sa.Float, nullable=False),  # epoch seconds of its earliest article
    sa.Column("last_time", sa.Float, nullable=False),
    sa.Column("article_count", sa.Integer, nullable=False),
    sa.Column("vector_sum", sa.LargeBinary, nullable=False),  # float32 sum of member vectors
    sa.Column("entities", sa.Text, nullable=False),  # JSON {entity: count}
    sa.Column("title", sa.Text),
    sa.Column("created_at", sa.Text, nullable=False),
    sa.Column("updated_at", sa.Text, nullable=False),
)

articles = sa.Table(
    "articles",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("story_id", sa.Integer, sa.ForeignKey("stories.id"), nullable=False),
    sa.Column("run_id", sa.Integer, sa.ForeignKey("runs.id")),
    sa.Column("origin", sa.Text, nullable=False),  # where it first arrived from
    sa.Column("url", sa.Text),
    sa.Column("canonical_url", sa.Text, unique=True),
    sa.Column("content_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("format", sa.String(16), nullable=False),
    sa.Column("title", sa.Text),
    sa.Column("outlet", sa.Text),
    sa.Column("byline", sa.Text),
    sa.Column("published", sa.Text),  # ISO 8601 as the source gave it
    sa.Column("event_time", sa.Float, nullable=False),  # published, else ingest time (epoch s)
    sa.Column("ingested_at", sa.Text, nullable=False),
    sa.Column("language", sa.String(8), nullable=False),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("cleaned_text", sa.Text, nullable=False),
    sa.Column("vector", sa.LargeBinary, nullable=False),  # float32 unit vector
    sa.Column("entities", sa.Text, nullable=False),  # JSON list
    sa.Column("signature", sa.LargeBinary, nullable=False),  # MinHash, uint32 array
)

article_origins = sa.Table(
    "article_origins",
    metadata,
    sa.Column("article_id", sa.Integer, sa.ForeignKey("articles.id"), primary_key=True),
    sa.Column("origin", sa.Text, primary_key=True),
    sa.Column("run_id", sa.Integer, sa.ForeignKey("runs.id")),
    sa.Column("seen_at", sa.Text, nullable=False),
)

briefings = sa.Table(
    "briefings",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("story_id", sa.Integer, sa.ForeignKey("stories.id"), nullable=False),
    sa.Column("article_ids", sa.Text, nullable=False),  # JSON sorted list of covered ids
    sa.Column("briefing", sa.Text, nullable=False),  # render_json output
    sa.Column("created_at", sa.Text, nullable=False),
    # JSON of render.changes.changes_dict against the story's previous briefing (migration 3)
    sa.Column("changes", sa.Text),
)

web_briefings = sa.Table(
    "web_briefings",
    metadata,
    sa.Column("id", sa.String(64), primary_key=True),  # the link's id (web.cache.document_id)
    sa.Column("document", sa.Text, nullable=False),  # {"briefing", "errors", "stories"}
    sa.Column("created_at", sa.Text, nullable=False),
)


@dataclass(frozen=True)
class Migration:
    """One schema step: ``apply`` runs inside a transaction that also records it."""

    version: int
    name: str
    apply: Callable[[sa.Connection], None]


def _create_tables(connection: sa.Connection) -> None:
    metadata.create_all(
        connection,
        tables=[store_meta, runs, stories, articles, article_origins, briefings],
    )


def _add_indexes(connection: sa.Connection) -> None:
    # Lookups made for every ingested article and every `stories` listing. Plain DDL
    # (valid in SQLite and PostgreSQL): an sa.Index object would attach itself to the
    # shared Table and be created again by migration 1 on the next new store.
    for statement in (
        "CREATE INDEX IF NOT EXISTS ix_articles_story ON articles (story_id)",
        "CREATE INDEX IF NOT EXISTS ix_stories_status_last ON stories (status, last_time)",
        "CREATE INDEX IF NOT EXISTS ix_briefings_story ON briefings (story_id, id)",
    ):
        connection.exec_driver_sql(statement)


def _add_run_owner(connection: sa.Connection) -> None:
    # Which process runs it, so that a run started while another is still going does not
    # mark the live one as interrupted (see Store.start_run). Migration 1 creates the
    # tables as defined today, so a store made since already has the column.
    if "owner" not in {c["name"] for c in sa.inspect(connection).get_columns("runs")}:
        connection.exec_driver_sql("ALTER TABLE runs ADD COLUMN owner TEXT")


def _add_living_stories(connection: sa.Connection) -> None:
    # Migration 1 creates the tables as defined today, so a store made since already has
    # the column; an older one gets it here.
    if "changes" not in {c["name"] for c in sa.inspect(connection).get_columns("briefings")}:
        connection.exec_driver_sql("ALTER TABLE briefings ADD COLUMN changes TEXT")
    metadata.create_all(connection, tables=[web_briefings])


#: Ordered; append new steps, never edit applied ones.
MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "articles, origins, stories, briefings, runs, meta", _create_tables),
    Migration(2, "indexes for story lookups", _add_indexes),
    Migration(3, "the process that owns a run", _add_run_owner),
    Migration(4, "what changed per briefing; briefings of the web page", _add_living_stories),
)
LATEST_VERSION = MIGRATIONS[-1].version
#: The columns each table has once every migration has run: a store whose tables lack one
#: was changed by something else (or by a newer storyweave) and is refused, not used.
EXPECTED_COLUMNS: dict[str, frozenset[str]] = {
    table.name: frozenset(column.name for column in table.columns)
    for table in (schema_migrations, store_meta, runs, stories, articles, article_origins,
                  briefings, web_briefings)
}
#: Tables and columns that a later migration adds: expected only once it has run.
ADDED_BY: dict[str, int] = {"runs.owner": 3, "briefings.changes": 4, "web_briefings": 4}
#: The key of the PostgreSQL advisory lock that one writer of a store holds at a time
#: (any fixed 64-bit number; this one spells "storywv" in ASCII).
WRITER_LOCK_KEY = 0x73746F72797776
#: Run locks (PostgreSQL) use this key plus the run id.
RUN_LOCK_BASE = 0x7377_0000_0000_0000


def now_iso() -> str:
    """The current UTC time as ISO 8601 (seconds)."""
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat()


def lock_writer(connection: sa.Connection) -> None:
    """Make ``connection``'s transaction the store's only writer until it ends.

    Call it first thing in the transaction. SQLite: ``BEGIN IMMEDIATE`` takes the
    database's write lock at once (a second writer waits up to the busy timeout), so
    everything read after it is current. PostgreSQL: a transaction-level advisory lock.
    Either way the lock is released by the commit or rollback, and by the death of the
    process that held it.
    """
    dialect = connection.dialect.name
    if dialect == "sqlite":
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    elif dialect == "postgresql":
        connection.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": WRITER_LOCK_KEY})


@contextmanager
def writing(engine: sa.Engine, connection: sa.Connection | None = None) -> Iterator[sa.Connection]:
    """A transaction that holds the writer lock (on ``connection`` if given, else on a
    connection of its own); it commits when the block ends without an error."""
    if connection is None:
        with engine.begin() as own:
            lock_writer(own)
            yield own
        return
    with connection.begin():
        lock_writer(connection)
        yield connection


def applied_versions(engine: sa.Engine) -> set[int]:
    """The migration versions a store has applied (empty for a new store)."""
    with engine.connect() as connection:
        return _versions(connection)


def _versions(connection: sa.Connection) -> set[int]:
    if not sa.inspect(connection).has_table("schema_migrations"):
        return set()
    rows = connection.execute(sa.select(schema_migrations.c.version))
    return {int(row[0]) for row in rows}


def store_problem(connection: sa.Connection) -> str | None:
    """Why this database is not a store this version can use, or ``None`` if it is one
    (or is empty). Reads only: nothing is created or changed.
    """
    inspector = sa.inspect(connection)
    tables = set(inspector.get_table_names())
    if not tables:
        return None
    if "schema_migrations" not in tables:
        shown = ", ".join(sorted(tables)[:5]) + (", ..." if len(tables) > 5 else "")
        return f"not a storyweave store: it holds other tables ({shown})"
    columns = {c["name"] for c in inspector.get_columns("schema_migrations")}
    if not EXPECTED_COLUMNS["schema_migrations"] <= columns:
        return "not a storyweave store: its schema_migrations table is another program's"
    try:
        versions = _versions(connection)
    except (sa.exc.SQLAlchemyError, ValueError, TypeError):
        return "not a storyweave store: its schema_migrations table is another program's"
    known = {m.version for m in MIGRATIONS}
    unknown = sorted(versions - known)
    if unknown:
        return (
            f"made by a newer storyweave (schema version {unknown[-1]}; this one knows "
            f"versions up to {LATEST_VERSION}): upgrade storyweave to use it"
        )
    if versions and 1 not in versions:
        return "not a storyweave store: its migration history has no first version"
    if 1 in versions:
        for table in sorted(EXPECTED_COLUMNS):
            if ADDED_BY.get(table, 1) not in versions:
                continue
            if table not in tables:
                return f"damaged or changed by another program: table {table} is missing"
            have = {c["name"] for c in inspector.get_columns(table)}
            expected = {
                c for c in EXPECTED_COLUMNS[table] if ADDED_BY.get(f"{table}.{c}", 1) in versions
            }
            missing = sorted(expected - have)
            if missing:
                return (
                    f"damaged or changed by another program: table {table} has no "
                    f"column {missing[0]}"
                )
    return None


def migrate(engine: sa.Engine) -> list[int]:
    """Apply every missing migration in order; returns the versions applied now.

    Each step runs in its own transaction under the writer lock and checks again, inside
    the lock, whether another process applied it meanwhile: two processes opening a new
    store at once both succeed, and each migration is applied exactly once.
    """
    with engine.begin() as connection:
        lock_writer(connection)
        metadata.create_all(connection, tables=[schema_migrations])
        done = _versions(connection)
    applied: list[int] = []
    for migration in MIGRATIONS:
        if migration.version in done:
            continue
        with engine.begin() as connection:
            lock_writer(connection)
            if migration.version in _versions(connection):
                continue
            migration.apply(connection)
            connection.execute(
                schema_migrations.insert().values(
                    version=migration.version, name=migration.name, applied_at=now_iso()
                )
            )
        applied.append(migration.version)
    return applied


# --- rows -------------------------------------------------------------------------------


def load_index(connection: sa.Connection, params: ClusterParams) -> tuple[StoryIndex, int]:
    """The open stories with their members' signatures, from the tables, and the highest
    article id they include (for :func:`refresh_index`)."""
    index = StoryIndex(params)
    for row in connection.execute(
        sa.select(stories).where(stories.c.status == "open").order_by(stories.c.id)
    ):
        index.stories[row.id] = _story_state(row)
    members = connection.execute(
        sa.select(articles.c.id, articles.c.story_id, articles.c.signature)
        .order_by(articles.c.id)
    )
    latest = 0
    for article_id, story_id, signature in members:
        latest = max(latest, article_id)
        if story_id in index.stories:
            index.stories[story_id].members.append(
                (article_id, np.frombuffer(signature, dtype=np.uint64))
            )
    return index, latest


def refresh_index(connection: sa.Connection, index: StoryIndex, seen: int) -> int:
    """Bring ``index`` up to date with what other writers committed since article ``seen``;
    returns the new highest article id. Run it under the writer lock.

    Every change another writer makes to the stories comes with a new article (a story
    only grows, or merges, when an article joins it), and article ids grow in commit
    order because writers take turns. So the stories of the articles after ``seen`` are
    re-read whole, and the stories merged into them (directly or in a chain) are dropped.
    Nothing is read when no one else wrote.
    """
    latest = connection.execute(sa.select(sa.func.max(articles.c.id))).scalar() or 0
    if latest <= seen:
        return seen
    changed = {
        int(row[0])
        for row in connection.execute(
            sa.select(articles.c.story_id).where(articles.c.id > seen).distinct()
        )
    }
    frontier, gone = set(changed), set[int]()
    while frontier:
        absorbed = {
            int(row[0])
            for row in connection.execute(
                sa.select(stories.c.id).where(
                    (stories.c.status == "merged") & stories.c.merged_into.in_(sorted(frontier))
                )
            )
        }
        frontier = absorbed - gone
        gone |= frontier
    for story_id in gone:
        index.stories.pop(story_id, None)
    for row in connection.execute(
        sa.select(stories).where(stories.c.id.in_(sorted(changed)) & (stories.c.status == "open"))
    ):
        state = _story_state(row)
        state.members = [
            (int(article_id), np.frombuffer(signature, dtype=np.uint64))
            for article_id, signature in connection.execute(
                sa.select(articles.c.id, articles.c.signature)
                .where(articles.c.story_id == row.id)
                .order_by(articles.c.id)
            )
        ]
        index.stories[row.id] = state
    return int(latest)


def _story_state(row: Any) -> StoryState:
    return StoryState(
        id=row.id,
        vector_sum=np.frombuffer(row.vector_sum, dtype=np.float32).copy(),
        entities=Counter(json.loads(row.entities)),
        first_time=row.first_time,
        last_time=row.last_time,
        language=row.language,
        size=row.article_count,
    )


def read_meta(connection: sa.Connection, keys: Iterable[str]) -> dict[str, str]:
    """The store settings recorded under ``keys`` (missing ones left out)."""
    query = sa.select(store_meta.c.key, store_meta.c.value).where(store_meta.c.key.in_(list(keys)))
    return {key: value for key, value in connection.execute(query)}


def add_meta(connection: sa.Connection, **settings: str) -> None:
    """Record the settings not recorded yet; recorded ones are never changed."""
    recorded = read_meta(connection, settings)
    for key, value in settings.items():
        if key not in recorded:
            connection.execute(store_meta.insert().values(key=key, value=value))


def add_origin(connection: sa.Connection, article_id: int, origin: str, run_id: int) -> None:
    """Record that an article (also) arrived from ``origin``; once per origin."""
    table = article_origins
    exists = connection.execute(
        sa.select(table.c.article_id).where(
            (table.c.article_id == article_id) & (table.c.origin == origin)
        )
    ).first()
    if exists is None:
        connection.execute(
            table.insert().values(
                article_id=article_id, origin=origin, run_id=run_id, seen_at=now_iso()
            )
        )


def insert_story(connection: sa.Connection, features: Features) -> int:
    now = now_iso()
    result = connection.execute(
        stories.insert().values(
            status="open",
            language=features.language,
            first_time=features.time,
            last_time=features.time,
            article_count=0,
            vector_sum=features.vector.astype(np.float32).tobytes(),
            entities="{}",
            created_at=now,
            updated_at=now,
        )
    )
    return new_id(result)


def insert_article(
    connection: sa.Connection,
    article: Article,
    cleaned: CleanedText,
    canonical: str | None,
    digest: str,
    features: Features,
    story_id: int,
    run_id: int,
) -> int:
    result = connection.execute(
        articles.insert().values(
            story_id=story_id,
            run_id=run_id,
            origin=article.origin,
            url=article.url,
            canonical_url=canonical,
            content_hash=digest,
            format=article.format,
            **source_metadata(article, cleaned),
            event_time=features.time,
            ingested_at=now_iso(),
            language=features.language,
            text=article.text,
            cleaned_text=cleaned_body(cleaned),
            vector=features.vector.astype(np.float32).tobytes(),
            entities=json.dumps(list(features.entities)),
            signature=features.signature.astype(np.uint64).tobytes(),
        )
    )
    article_id = new_id(result)
    add_origin(connection, article_id, article.origin, run_id)
    return article_id


def save_story(connection: sa.Connection, story: StoryState, title: str | None) -> None:
    values: dict[str, Any] = {
        "language": story.language,
        "first_time": story.first_time,
        "last_time": story.last_time,
        "article_count": story.size,
        "vector_sum": story.vector_sum.astype(np.float32).tobytes(),
        "entities": json.dumps(dict(sorted(story.entities.items()))),
        "updated_at": now_iso(),
    }
    connection.execute(stories.update().where(stories.c.id == story.id).values(**values))
    if title:
        connection.execute(
            stories.update()
            .where((stories.c.id == story.id) & stories.c.title.is_(None))
            .values(title=title)
        )


def merge_stories(connection: sa.Connection, keep: int, absorbed: int) -> None:
    connection.execute(
        articles.update().where(articles.c.story_id == absorbed).values(story_id=keep)
    )
    connection.execute(
        stories.update()
        .where(stories.c.id == absorbed)
        .values(status="merged", merged_into=keep, updated_at=now_iso())
    )


def new_id(result: sa.CursorResult[Any]) -> int:
    """The primary key an INSERT just created."""
    key = result.inserted_primary_key
    assert key is not None  # every table here has an integer primary key
    return int(key[0])
