"""The story store: articles, stories, briefings and runs in SQLite or PostgreSQL.

One code path (SQLAlchemy Core) for both: ``Store("storyweave.db")`` opens or creates
an SQLite file (WAL journal, foreign keys on), ``Store("postgresql+psycopg://...")``
a PostgreSQL database. Tables and migrations: :mod:`storyweave.monitor.schema`.

Ingest (:meth:`Store.ingest`) commits every article in its own transaction together
with its story update, so a run killed at any moment loses at most the article in
flight and leaves the store consistent; the next run skips what is already there.
An article already stored is recognised by its canonical URL, by the hash of its
cleaned words, or as a near-duplicate of a member of a matching story
(:mod:`storyweave.stories.clustering`); it then only gains an origin row.

Several ingests may write to one store at once (cron jobs, several feeds): each article's
transaction takes the store's writer lock first (:func:`~.schema.lock_writer`), re-reads
what the others committed meanwhile into its clustering index, and only then decides
and writes. The expensive part (cleaning, embedding) runs outside the lock, so the runs
share the work; the stories come out as a serial run of the same articles would make them.

Example::

    store = Store("storyweave.db")
    summary = store.ingest(load(["articles/"]).articles, Briefer(BriefOptions()))
    for story in store.stories():
        print(story.id, story.title, len(story.articles))
    record = store.current_briefing(story.id, briefer)   # rebuilt only when stale
"""

from __future__ import annotations

import functools
import json
import time
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any, TypeVar

from ..embed import model_option
from ..errors import InputError, StoreError
from ..ingest.urls import canonical_url
from ..model import Article, InputProblem
from ..stories.clustering import (
    ClusterParams,
    StoryIndex,
    article_features,
    cleaned_body,
    content_hash,
)
from ..stories.clustering import params_for as cluster_params_for
from . import access
from .records import DEFAULT_DB, BriefingRecord, IngestSummary, StoredArticle, StoryRecord

if TYPE_CHECKING:
    from typing import Self  # Python 3.11; annotations are never evaluated here

    import sqlalchemy as sa

    from ..pipeline import Briefer

#: An article needs this many words of story text after cleaning (a feed item's headline
#: plus a one-line description has about 15; fewer is a teaser, not a report).
MIN_STORED_WORDS = 8


def _now() -> float:
    return time.time()


_Method = TypeVar("_Method", bound=Callable[..., Any])


def _reading(method: _Method) -> _Method:
    """Report what the database refuses during ``method`` as one-line StoreErrors."""

    @functools.wraps(method)
    def wrapper(self: Store, *args: Any, **kwargs: Any) -> Any:
        with access.sql_errors(self.db, "use"):
            return method(self, *args, **kwargs)

    return wrapper  # type: ignore[return-value]


class Store:
    """An open store; see the module docstring. Close it (or use ``with``) when done.

    ``create=False`` opens only a store that exists (for commands that read): a missing
    file or an empty database is a :class:`StoreError`, not a new store. Another
    program's database, or a store made by a newer storyweave, is refused either way,
    before anything is written to it.
    """

    def __init__(
        self, db: str = DEFAULT_DB, params: ClusterParams | None = None, *, create: bool = True
    ) -> None:
        try:
            import sqlalchemy as sa
        except ImportError as error:
            from ..errors import MissingDependency

            raise MissingDependency("sqlalchemy", "monitor") from error
        from . import schema as store_schema

        self._sa = sa
        self._rows = store_schema
        self._t = store_schema
        self.db = db
        self.params = params or ClusterParams()
        self._params_given = params is not None  # else chosen for the store's model
        self.engine = access.open_engine(db, create=create)
        self._index: StoryIndex | None = None
        self._seen = 0  # the highest article id the index includes
        self._run_lock: sa.Connection | None = None  # PostgreSQL: held while a run lives

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Release the database connections."""
        if self._run_lock is not None:
            self._run_lock.close()
            self._run_lock = None
        self.engine.dispose()

    def _writing(self) -> AbstractContextManager[sa.Connection]:
        """A transaction that holds the store's writer lock (see the module docstring)."""
        return self._t.writing(self.engine)

    # --- settings and runs -------------------------------------------------------------

    @_reading
    def model(self) -> str | None:
        """The model whose vectors the store holds, as ``--model`` names it; commands on a
        store use it when not told a model. None for a store nothing was ingested into yet,
        and for a model from a folder (its path is the user's to give)."""
        with self.engine.connect() as connection:
            stored = self._rows.read_meta(connection, ("embedder",)).get("embedder")
        option = None if stored is None else model_option(stored)
        return None if option is None or option.startswith("<") else option

    def check_embedder(self, name: str) -> None:
        """Pin the store to one model and one kind of story vector (older stores: lead)."""
        with access.sql_errors(self.db, "write to"), self._writing() as connection:
            recorded = self._rows.read_meta(connection, ("embedder", "story_vectors"))
            stored = recorded.get("embedder")
            if stored is not None and stored != name:
                raise StoreError(
                    f"{self.db} holds vectors of the {stored!r} model; ingest with "
                    f"--model {stored} or use another --db"
                )
            kind = None if stored is None else recorded.get("story_vectors", "lead")
            chosen = self.params if self._params_given else cluster_params_for(name, kind)
            if kind is not None and chosen.story_vectors != kind:  # the two do not compare
                raise StoreError(f"{self.db} holds {kind} story vectors, these settings "
                                 f"make {chosen.story_vectors} vectors: use another --db")
            self._rows.add_meta(connection, embedder=name, story_vectors=chosen.story_vectors)
        if chosen != self.params:  # each model's cosines have their own calibrated scale
            self.params, self._index = chosen, None

    def start_run(self, kind: str) -> int:
        """Record a new run. Earlier runs left 'running' whose process is gone were killed
        and become 'interrupted'; a run still going (another ingest) is left alone."""
        runs, sa = self._t.runs, self._sa
        with access.sql_errors(self.db, "write to"):
            # On PostgreSQL the run's own session holds its run lock until it finishes.
            session = self.engine.connect() if self.engine.dialect.name == "postgresql" else None
            with self._t.writing(self.engine, session) as connection:
                dead = [
                    row.id
                    for row in connection.execute(
                        sa.select(runs.c.id, runs.c.owner).where(runs.c.status == "running")
                    )
                    if not self._run_alive(connection, row.id, row.owner)
                ]
                if dead:
                    connection.execute(
                        runs.update().where(runs.c.id.in_(dead)).values(status="interrupted")
                    )
                run_id = self._rows.new_id(
                    connection.execute(
                        runs.insert().values(
                            kind=kind, started_at=self._t.now_iso(), status="running",
                            owner=access.this_process(),
                        )
                    )
                )
                if session is not None:
                    # Session-level: it outlives this transaction and ends with the session.
                    connection.execute(sa.text("SELECT pg_advisory_lock(:key)"),
                                       {"key": self._t.RUN_LOCK_BASE + run_id})
            self._run_lock = session
        return run_id

    def _run_alive(self, connection: sa.Connection, run_id: int, owner: str | None) -> bool:
        if self.engine.dialect.name != "postgresql":
            return access.owner_alive(owner)
        key = self._t.RUN_LOCK_BASE + run_id
        free = connection.execute(
            self._sa.text("SELECT pg_try_advisory_lock(:key)"), {"key": key}
        ).scalar()
        if free:
            connection.execute(self._sa.text("SELECT pg_advisory_unlock(:key)"), {"key": key})
        return not free

    def finish_run(self, summary: IngestSummary) -> None:
        """Store a run's counts and problems."""
        runs = self._t.runs
        problems = [{"input": p.input, "problem": p.problem} for p in summary.problems]
        try:
            with access.sql_errors(self.db, "write to"), self._writing() as connection:
                connection.execute(
                    runs.update()
                    .where(runs.c.id == summary.run_id)
                    .values(
                        status="done",
                        finished_at=self._t.now_iso(),
                        ingested=summary.ingested,
                        duplicates=summary.duplicates,
                        failed=summary.failed,
                        problems=json.dumps(problems),
                    )
                )
        finally:
            if self._run_lock is not None:
                self._run_lock.close()  # ends the session: its run lock goes with it
                self._run_lock = None

    @_reading
    def runs(self) -> list[dict[str, Any]]:
        """Every run, oldest first, as plain values."""
        with self.engine.connect() as connection:
            rows = connection.execute(self._sa.select(self._t.runs).order_by(self._t.runs.c.id))
            return [dict(row._mapping) for row in rows]

    # --- ingest ------------------------------------------------------------------------

    def ingest(
        self,
        items: Iterable[Article | InputProblem],
        briefer: Briefer,
        *,
        on_item: Callable[[str], None] | None = None,
    ) -> IngestSummary:
        """Ingest articles one transaction each; problems given in ``items`` count as failed.

        ``on_item(outcome)`` is called after each item with ``"ingested"``,
        ``"duplicate"`` or ``"failed"`` (for progress bars). A store that refuses a
        write (disk full, read-only) ends the run with a :class:`StoreError`; what was
        committed before is kept.
        """
        self.check_embedder(briefer.embedder.name)
        summary = IngestSummary(run_id=self.start_run("ingest"))
        failed = False
        try:
            for item in items:
                if isinstance(item, InputProblem):
                    outcome = "failed"
                    summary.problems.append(item)
                else:
                    with access.sql_errors(self.db, "write to"):
                        outcome = self._ingest_one(item, briefer, summary)
                setattr(summary, _COUNTER[outcome], getattr(summary, _COUNTER[outcome]) + 1)
                if on_item is not None:
                    on_item(outcome)
        except BaseException:
            failed = True
            raise
        finally:
            # Also on Ctrl-C: what was committed is counted, the run is closed. When the
            # store itself failed, its first error is the one worth reporting.
            try:
                self.finish_run(summary)
            except StoreError:
                if not failed:
                    raise
        return summary

    def _ingest_one(self, article: Article, briefer: Briefer, summary: IngestSummary) -> str:
        from .. import clean as clean_stage

        sa, t = self._sa, self._t
        canonical = canonical_url(article.url or article.origin)
        if canonical is not None:
            found = self._known(t.articles.c.canonical_url, canonical)
            if found is not None:
                with self._writing() as connection:
                    self._rows.add_origin(connection, found, article.origin, summary.run_id)
                return "duplicate"
        try:
            cleaned = clean_stage.clean(article)
        except InputError as error:
            summary.problems.append(InputProblem(error.input, error.problem, stage="clean"))
            return "failed"
        body = cleaned_body(cleaned)
        words = len(body.split())
        if words < MIN_STORED_WORDS:
            summary.problems.append(
                InputProblem(article.origin, f"only {words} words of story text; not stored", "clean")
            )
            return "failed"
        ingested_at = _now()
        features = article_features(article, cleaned, briefer.embedder, ingested_at, self.params)
        digest = content_hash(body)
        try:
            with self._writing() as connection:
                # Under the lock: what other writers committed is in the index and the
                # lookups below, so no article is stored twice or clustered against a
                # stale picture of the stories.
                index = self._current_index(connection)
                found = None
                if canonical is not None:
                    found = connection.execute(
                        sa.select(t.articles.c.id).where(t.articles.c.canonical_url == canonical)
                    ).scalar()
                if found is None:
                    found = connection.execute(
                        sa.select(t.articles.c.id).where(t.articles.c.content_hash == digest)
                    ).scalar()
                if found is not None:
                    self._rows.add_origin(connection, found, article.origin, summary.run_id)
                    return "duplicate"
                decision = index.decide(features)
                if decision.kind == "duplicate":
                    assert decision.duplicate_of is not None
                    self._rows.add_origin(connection, decision.duplicate_of, article.origin, summary.run_id)
                    return "duplicate"
                if decision.kind == "new":
                    story_id = self._rows.insert_story(connection, features)
                else:
                    assert decision.story_id is not None
                    story_id = decision.story_id
                article_id = self._rows.insert_article(
                    connection, article, cleaned, canonical, digest, features, story_id, summary.run_id
                )
                if decision.kind == "new":
                    story = index.add_story(story_id, article_id, features)
                else:
                    story = index.add_article(story_id, article_id, features)
                merge = index.merge_candidate(story_id)
                if merge is not None:
                    story = index.merge(*merge)
                    self._rows.merge_stories(connection, *merge)
                    summary.stories.discard(merge[1])
                self._rows.save_story(connection, story, article.title or cleaned.title)
                summary.stories.add(story.id)
                self._seen = max(self._seen, article_id)
        except BaseException:
            # The transaction rolled back; the index may hold the half-applied change.
            self._index = None
            raise
        return "ingested"

    def _known(self, column: Any, value: str) -> int | None:
        """The id of the article whose ``column`` is ``value`` (a read, without the lock)."""
        with self.engine.connect() as connection:
            found = connection.execute(
                self._sa.select(self._t.articles.c.id).where(column == value)
            ).scalar()
        return None if found is None else int(found)

    def _current_index(self, connection: sa.Connection) -> StoryIndex:
        """The index, loaded once and then brought up to date with other writers' commits."""
        if self._index is None:
            self._index, self._seen = self._rows.load_index(connection, self.params)
        else:
            self._seen = self._rows.refresh_index(connection, self._index, self._seen)
        return self._index

    @_reading
    def index(self) -> StoryIndex:
        """The open stories with their members' signatures, as of now."""
        with self.engine.connect() as connection:
            return self._current_index(connection)

    # --- reading -----------------------------------------------------------------------

    @_reading
    def resolve_story(self, story_id: int) -> int:
        """The open story that ``story_id`` is now (following merges); StoreError if none."""
        stories = self._t.stories
        seen: set[int] = set()
        with self.engine.connect() as connection:
            while True:
                row = connection.execute(
                    self._sa.select(stories.c.status, stories.c.merged_into).where(
                        stories.c.id == story_id
                    )
                ).first()
                if row is None:
                    raise StoreError(f"no story {story_id} in {self.db}; see `storyweave stories`")
                if row.status != "merged" or row.merged_into is None or story_id in seen:
                    return story_id
                seen.add(story_id)
                story_id = int(row.merged_into)

    @_reading
    def story_article_ids(self, story_id: int) -> tuple[int, ...]:
        """The story's article ids in story order (event time, then id)."""
        articles = self._t.articles
        with self.engine.connect() as connection:
            rows = connection.execute(
                self._sa.select(articles.c.id)
                .where(articles.c.story_id == story_id)
                .order_by(articles.c.event_time, articles.c.id)
            )
            return tuple(int(row[0]) for row in rows)

    @_reading
    def stories(self, *, limit: int | None = None) -> list[StoryRecord]:
        """Open stories, newest first (latest article time, then highest id)."""
        sa, t = self._sa, self._t
        query = (
            sa.select(t.stories)
            .where(t.stories.c.status == "open")
            .order_by(t.stories.c.last_time.desc(), t.stories.c.id.desc())
        )
        if limit is not None:
            query = query.limit(limit)
        with self.engine.connect() as connection:
            story_rows = list(connection.execute(query))
            ids = [row.id for row in story_rows]
            by_story: dict[int, list[StoredArticle]] = {story_id: [] for story_id in ids}
            origins: dict[int, list[str]] = {}
            article_rows = list(
                connection.execute(
                    sa.select(t.articles).where(t.articles.c.story_id.in_(ids))
                    .order_by(t.articles.c.event_time, t.articles.c.id)
                )
            ) if ids else []
            article_ids = [row.id for row in article_rows]
            for chunk_start in range(0, len(article_ids), 500):
                chunk = article_ids[chunk_start : chunk_start + 500]
                for article_id, origin in connection.execute(
                    sa.select(t.article_origins.c.article_id, t.article_origins.c.origin)
                    .where(t.article_origins.c.article_id.in_(chunk))
                    .order_by(t.article_origins.c.seen_at, t.article_origins.c.origin)
                ):
                    origins.setdefault(article_id, []).append(origin)
            for row in article_rows:
                by_story[row.story_id].append(
                    StoredArticle(
                        id=row.id,
                        origins=tuple(origins.get(row.id, [row.origin])),
                        title=row.title,
                        outlet=row.outlet,
                        url=row.url,
                        published=row.published,
                        language=row.language,
                    )
                )
            latest = self._latest_briefings(connection, ids)
        records = []
        for row in story_rows:
            members = tuple(by_story[row.id])
            covered = latest.get(row.id)
            current = tuple(sorted(a.id for a in members))
            state = "none" if covered is None else ("current" if covered == current else "stale")
            records.append(
                StoryRecord(row.id, row.title, row.language, row.first_time, row.last_time, members, state)
            )
        return records

    def _latest_briefings(self, connection: sa.Connection, ids: list[int]) -> dict[int, tuple[int, ...]]:
        briefings = self._t.briefings
        latest: dict[int, tuple[int, ...]] = {}
        if not ids:
            return latest
        rows = connection.execute(
            self._sa.select(briefings.c.story_id, briefings.c.article_ids)
            .where(briefings.c.story_id.in_(ids))
            .order_by(briefings.c.id)
        )
        for story_id, article_ids in rows:
            latest[story_id] = tuple(sorted(json.loads(article_ids)))
        return latest

    @_reading
    def articles_of(self, article_ids: Iterable[int]) -> list[Article]:
        """The stored articles as :class:`Article` objects, in the order of ``article_ids``."""
        wanted = list(article_ids)
        articles = self._t.articles
        with self.engine.connect() as connection:
            rows = {
                row.id: row
                for row in connection.execute(
                    self._sa.select(articles).where(articles.c.id.in_(wanted))
                )
            }
        return [
            Article(
                text=rows[i].text,
                origin=rows[i].origin,
                format=rows[i].format,
                title=rows[i].title,
                outlet=rows[i].outlet,
                byline=rows[i].byline,
                published=rows[i].published,
                url=rows[i].url,
            )
            for i in wanted
        ]

    # --- briefings ---------------------------------------------------------------------

    @_reading
    def current_briefing(
        self,
        story_id: int,
        briefer: Briefer,
        *,
        rebuild: bool = True,
        should_stop: Callable[[], bool] | None = None,
    ) -> BriefingRecord | None:
        """The story's briefing covering all its articles, rebuilt and stored if stale.

        With ``rebuild=False`` the latest stored one is returned even if stale (``None``
        when there is none). ``should_stop`` is passed to the briefer (a web request whose
        client left). Two processes rebuilding the same story at once store it once.
        """
        from ..render.json import render_json

        sa, t = self._sa, self._t
        story_id = self.resolve_story(story_id)
        # The most recent articles when a story outgrows one briefing's article limit.
        covered = self.story_article_ids(story_id)[-briefer.options.max_articles :]
        with self.engine.connect() as connection:
            row = connection.execute(
                sa.select(t.briefings)
                .where(t.briefings.c.story_id == story_id)
                .order_by(t.briefings.c.id.desc())
                .limit(1)
            ).first()
        if row is not None:
            stored_ids = tuple(json.loads(row.article_ids))
            if not rebuild or sorted(stored_ids) == sorted(covered):
                return BriefingRecord(story_id, stored_ids, row.briefing, row.created_at, False)
        if not rebuild:
            return None
        briefing = briefer.brief(self.articles_of(covered), should_stop=should_stop)
        text = render_json(briefing)
        created = t.now_iso()
        with access.sql_errors(self.db, "write to"), self._writing() as connection:
            # Under the writer lock: another process may have stored this briefing meanwhile.
            latest = connection.execute(
                sa.select(t.briefings)
                .where(t.briefings.c.story_id == story_id)
                .order_by(t.briefings.c.id.desc())
                .limit(1)
            ).first()
            if latest is not None and sorted(json.loads(latest.article_ids)) == sorted(covered):
                return BriefingRecord(
                    story_id, tuple(json.loads(latest.article_ids)), latest.briefing,
                    latest.created_at, False,
                )
            connection.execute(
                t.briefings.insert().values(
                    story_id=story_id, article_ids=json.dumps(list(covered)), briefing=text, created_at=created
                )
            )
        return BriefingRecord(story_id, covered, text, created, True, briefing)

    @_reading
    def integrity_problems(self) -> list[str]:
        """Consistency checks a test or an operator can run; empty when all is well."""
        sa, t = self._sa, self._t
        problems: list[str] = []
        with self.engine.connect() as connection:
            if self.engine.dialect.name == "sqlite":
                result = connection.exec_driver_sql("PRAGMA integrity_check").scalar()
                if result != "ok":
                    problems.append(f"sqlite integrity_check: {result}")
            counts = connection.execute(
                sa.select(t.articles.c.story_id, sa.func.count()).group_by(t.articles.c.story_id)
            ).all()
            by_story = {int(story_id): int(count) for story_id, count in counts}
            for row in connection.execute(sa.select(t.stories)):
                actual = by_story.get(row.id, 0)
                if row.status == "open" and actual != row.article_count:
                    problems.append(f"story {row.id}: {row.article_count} counted, {actual} stored")
                if row.status == "merged" and actual:
                    problems.append(f"merged story {row.id} still has {actual} articles")
            orphans = connection.execute(
                sa.select(sa.func.count())
                .select_from(t.articles)
                .where(~sa.exists().where(t.article_origins.c.article_id == t.articles.c.id))
            ).scalar()
            if orphans:
                problems.append(f"{orphans} articles without an origin row")
        return problems


_COUNTER = {"ingested": "ingested", "duplicate": "duplicates", "failed": "failed"}
