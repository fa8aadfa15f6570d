"""Opening a store safely, one-line errors for what the database refuses, and run owners.

* :func:`open_engine` refuses, before creating or changing anything, a database that is
  not a storyweave store (another program's SQLite file), one made by a newer storyweave
  (an unknown migration, a renamed column) and, unless asked to create one, a store that
  does not exist yet; then it applies the missing migrations.
* :func:`sql_errors` turns what the database refuses (disk full, a read-only file, a lost
  connection) into a :class:`~storyweave.errors.StoreError` with one line; what was
  committed before stays committed.
* :func:`this_process` and :func:`owner_alive` tell a run that is still going (another
  ingest at the same time) from one that was killed, so that only the killed one is
  marked ``interrupted``. On PostgreSQL a run also holds an advisory lock for its life,
  which tells the same across machines.
"""

from __future__ import annotations

import os
import socket
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import StoreError
from . import schema

if TYPE_CHECKING:
    import sqlalchemy as sa

#: How long a writer waits for another one to finish its transaction (SQLite busy timeout).
SQLITE_BUSY_MS = 30_000


def database_url(db: str) -> str:
    """An SQLAlchemy URL for ``db``: a URL is kept, anything else is an SQLite file path."""
    return db if "://" in db else f"sqlite:///{db}"


def open_engine(db: str, *, create: bool) -> sa.Engine:
    """An engine on the store ``db``, checked and migrated (see the module docstring).

    ``create=False`` is for commands that only read a store (``stories``, ``brief
    --story``): a store that does not exist is an error, never an empty new file.
    """
    import sqlalchemy as sa

    if "://" not in db:
        _check_sqlite_file(Path(db), db, create)
    try:
        engine = sa.create_engine(database_url(db))
        if engine.dialect.name == "sqlite":
            sa.event.listen(engine, "connect", _sqlite_pragmas)
            if "://" not in db:
                # Checked above, before the first connection could switch the file to WAL.
                schema.migrate(engine)
                return engine
        # Under the writer lock: another process creating the store is not halfway
        # through a migration while the tables are looked at.
        with schema.writing(engine) as connection:
            problem = schema.store_problem(connection)
            empty = not sa.inspect(connection).get_table_names()
        if problem:
            engine.dispose()
            raise StoreError(f"{db} is {problem}; use another --db")
        if empty and not create:
            engine.dispose()
            raise StoreError(f"no store in {db} yet; add articles with `storyweave ingest --db`")
        schema.migrate(engine)
    except sa.exc.SQLAlchemyError as error:
        raise StoreError(f"cannot open store {db}: {describe(error)}") from None
    return engine


def _check_sqlite_file(path: Path, db: str, create: bool) -> None:
    """Refuse a file that is not a store, reading it only (nothing is created or changed)."""
    import sqlalchemy as sa

    if not path.exists():
        if create:
            return
        raise StoreError(f"no store {db}; add articles with `storyweave ingest --db {db}` first")
    if not path.is_file():
        raise StoreError(f"{db} is not a file; give the store's file or a database URL")
    if path.stat().st_size == 0 and create:
        return
    uri = path.resolve().as_uri() + "?mode=ro"
    engine = sa.create_engine(
        "sqlite://", creator=lambda: sqlite3.connect(uri, uri=True, timeout=SQLITE_BUSY_MS / 1000),
        poolclass=sa.pool.NullPool,
    )
    try:
        with engine.connect() as connection:
            # One read transaction: all the checks see one committed state, never a store
            # that another process is migrating between two of them.
            connection.exec_driver_sql("BEGIN")
            problem = schema.store_problem(connection)
            empty = not sa.inspect(connection).get_table_names()
    except sa.exc.SQLAlchemyError as error:
        raise StoreError(f"{db} is not a store: {describe(error)}") from None
    finally:
        engine.dispose()
    if problem:
        raise StoreError(f"{db} is {problem}; use another --db")
    if empty and not create:
        raise StoreError(f"no store in {db} yet; add articles with `storyweave ingest --db {db}`")


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # WAL: readers never block the writer, and a killed writer leaves committed data intact.
    # synchronous=NORMAL is durable against process death in WAL mode (not power loss).
    # The busy timeout first: switching a new file to WAL waits for a second process that
    # is creating the same store at this moment.
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_MS}")
    _switch_to_wal(cursor)
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _switch_to_wal(cursor: sqlite3.Cursor) -> None:
    """``journal_mode=WAL``, waiting for another process switching the same new file.

    The switch needs the file to itself and SQLite may answer "database is locked" at
    once instead of calling the busy handler (two processes creating one store at the same
    moment: about one time in six), so it is retried within the busy timeout.
    """
    deadline = time.monotonic() + SQLITE_BUSY_MS / 1000
    while True:
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or time.monotonic() > deadline:
                raise
            time.sleep(0.02)


@contextmanager
def sql_errors(db: str, doing: str) -> Iterator[None]:
    """Re-raise a database error as a one-line :class:`StoreError` ("cannot write to store
    x.db: database or disk is full")."""
    import sqlalchemy as sa

    try:
        yield
    except sa.exc.SQLAlchemyError as error:
        raise StoreError(f"cannot {doing} store {db}: {describe(error)}") from None


def describe(error: BaseException) -> str:
    """The driver's own one-line message, without SQLAlchemy's wrapping."""
    inner = getattr(error, "orig", None) or error
    text = str(inner).strip() or type(inner).__name__
    return text.splitlines()[0][:200]


# --- run owners -------------------------------------------------------------------------


def this_process() -> str:
    """``"host pid start"``: names this process well enough to tell later if it still runs."""
    pid = os.getpid()
    return f"{socket.gethostname()} {pid} {_started(pid) or '?'}"


def owner_alive(owner: str | None) -> bool:
    """Whether the process that recorded ``owner`` still runs.

    A run recorded before owners were (``None``) counts as dead, as all were before.
    A process on another machine cannot be checked and counts as alive (on PostgreSQL
    the run lock decides instead, see :class:`~storyweave.monitor.store.Store`).
    """
    if not owner:
        return False
    parts = owner.split(" ")
    if len(parts) != 3 or not parts[1].isdigit():
        return False
    host, pid, started = parts[0], int(parts[1]), parts[2]
    if host != socket.gethostname():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # another user's process: it exists
    now = _started(pid)
    # The same pid with another start time is a new process that reused the number.
    return now is not None and (started == "?" or now == started)


def _started(pid: int) -> str | None:
    """The process's start time in clock ticks since boot (Linux), ``?`` elsewhere;
    ``None`` when the process is gone or a zombie."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except FileNotFoundError:
        return None if Path("/proc/self/stat").exists() else "?"
    except (OSError, IndexError):
        return "?"
    if fields[0] in ("Z", "X"):  # killed, not yet reaped by its parent
        return None
    return fields[19]  # field 22 of proc(5): starttime
