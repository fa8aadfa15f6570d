"""Kill -9 harness for the store and batch fault tests (``tests/test_faults.py``) and
``benchmarks/bench_faults.py``.

It writes a small fictional dataset, runs ``storyweave ingest`` / ``storyweave batch`` in
a subprocess, SIGKILLs it at seeded random points (after N articles are committed or N
lines are written, plus a little jitter so some kills land mid-transaction or mid-line),
restarts it, and records what a kill could have broken: integrity, committed articles
lost, duplicates, runs left "running", output lines lost, repeated or corrupt.

Everything is polled with generous deadlines: the machine may be slow and shared, so no
step assumes how fast another one is.
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
#: Generous: a loaded two-core machine can take seconds just to start Python.
DEADLINE_SECONDS = 180.0
#: How often the harness looks at the store or the output file.
POLL_SECONDS = 0.01
#: Kills land up to this long after the target was reached, so some hit a transaction
#: or a line write in flight rather than always the moment after a commit.
MAX_JITTER_SECONDS = 0.02
#: How long a killed batch's helper processes (Dask nanny and workers) may take to notice
#: that their parent is gone before they count as orphans.
HELPER_GRACE_SECONDS = 60.0

# --- the fictional dataset ------------------------------------------------------------

_STORIES: dict[str, tuple[str, list[str]]] = {
    "flood-varnholm": (
        "River Essel floods the lower town of Varnholm",
        [
            "The River Essel burst its banks at Varnholm early on {day}, flooding {n} streets.",
            "Mayor Ilse Brandvik said {n} households had been moved to the Varnholm sports hall.",
            "Pumps from the Kessarn fire brigade worked through the night near the old mill.",
            "The Essel rose {m} centimetres above its spring mark, the river authority said.",
            "Shopkeepers on Quay Lane carried stock upstairs as the water reached the doors.",
            "Brandvik asked residents of Varnholm to boil tap water until further notice.",
            "The regional rail line between Varnholm and Oddsby was closed for {m} hours.",
            "Volunteers filled {n} hundred sandbags at the Varnholm grain depot by noon.",
            "Forecasters expect the Essel to fall slowly once the rain eases on {day}.",
            "Insurers in Kessarn said claims from Varnholm could take weeks to assess.",
            "The Varnholm school will stay closed while engineers inspect its cellar.",
            "Farmers along the Essel reported flooded fields and {n} stranded cattle.",
        ],
    ),
    "vote-quessex": (
        "Quessex elects a new harbour council after a close count",
        [
            "Voters in Quessex chose a new harbour council on {day} after a recount of {n} ballots.",
            "Candidate Tomas Orrin of the Tidewater list won by {m} votes in the final count.",
            "Turnout in Quessex reached {m} percent, the electoral office reported.",
            "Orrin promised to reopen the Quessex ferry pier within a year.",
            "His rival Maren Loddeby conceded late on {day} and congratulated the Tidewater list.",
            "The recount at Quessex town hall ran for {n} hours under observers' eyes.",
            "Loddeby said the harbour council must now settle the dredging dispute.",
            "Tidewater campaigners gathered outside the Quessex fish market to celebrate.",
            "The electoral office found {n} spoiled ballots during the Quessex recount.",
            "Orrin will be sworn in at the Quessex harbour office next week.",
            "Fishing crews in Quessex said the pier matters more than party colours.",
            "The Tidewater list now holds {m} of the council's seats.",
        ],
    ),
    "bridge-dunmere": (
        "Dunmere footbridge closed after cracks are found",
        [
            "Engineers closed the Dunmere footbridge on {day} after finding {n} cracks in a pier.",
            "The Dunmere works department said divers had inspected the eastern pier.",
            "Chief engineer Petra Holloway said the bridge could stay shut for {m} weeks.",
            "Commuters from Saltby now walk {n} minutes longer to reach Dunmere station.",
            "Holloway said the cracks were found during a routine survey of the Calder span.",
            "A temporary ferry will carry walkers across the Calder from {day}.",
            "Dunmere councillors asked why the last survey of the bridge missed the damage.",
            "The footbridge was built in {n}0 and repaired twice since then.",
            "Cyclists using the Calder path were sent on a detour through Saltby.",
            "Holloway's team will decide on repairs once core samples return from the lab.",
            "Traders near the Dunmere end of the bridge reported fewer customers.",
            "The works department put the cost of the survey at {m} thousand crowns.",
        ],
    ),
    "strike-oskarby": (
        "Workers at the Oskarby glassworks walk out over pay",
        [
            "About {n} workers at the Oskarby glassworks stopped work on {day} over pay.",
            "Union leader Agnes Thorvald said the company offered a rise of {m} percent.",
            "The Oskarby glassworks makes bottles for breweries across the Lendal valley.",
            "Managers at the glassworks said the furnaces must keep burning during the strike.",
            "Thorvald told strikers at the Oskarby gate that talks could resume on {day}.",
            "Brewers in the Lendal valley warned of a bottle shortage within {m} weeks.",
            "The glassworks employs {n} people in Oskarby, more than any other firm there.",
            "Company spokesman Leif Hamre said the pay offer was fair and final.",
            "Strikers lit braziers outside the Oskarby glassworks through the cold night.",
            "Hamre said orders from the Lendal breweries would be delayed.",
            "A mediator from the Oskarby labour court offered to host talks.",
            "Thorvald said the union would ballot members on any new offer.",
        ],
    ),
}
_OUTLETS = ("Lendal Courier", "Northmark Post", "Harbour Evening News", "Valley Radio")
_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")


def make_dataset(path: Path, *, clusters_per_story: int = 10, docs_per_cluster: int = 4,
                 seed: int = 7) -> int:
    """Write a JSONL dataset of fictional stories; returns the number of distinct articles.

    Each document draws 6 of its story's 12 sentences with its own numbers, so two
    reports share a few sentences (they are one story) but never most of them (they are
    not near-duplicates). Two extra inputs must *not* become articles: an exact copy of
    the first document in another cluster, and the same URL with a tracking parameter.
    """
    rng = random.Random(seed)
    records: list[dict[str, Any]] = []
    distinct = 0
    for story_number, (story, (headline, pool)) in enumerate(_STORIES.items()):
        for cluster in range(clusters_per_story):
            documents = []
            for doc in range(docs_per_cluster):
                sentences = rng.sample(pool, 6)
                text = " ".join(
                    s.format(day=rng.choice(_DAYS), n=rng.randint(2, 99), m=rng.randint(2, 99))
                    for s in sentences
                )
                documents.append({
                    "title": f"{headline} ({_OUTLETS[doc % len(_OUTLETS)]})",
                    "text": text,
                    "source": _OUTLETS[doc % len(_OUTLETS)],
                    # Fixed dates keep event times, hence story windows, independent of
                    # when the test runs.
                    "date": f"2031-03-{10 + story_number:02d}T{8 + cluster:02d}:{doc:02d}:00Z",
                    "url": f"https://news.example.org/{story}/{cluster}-{doc}",
                })
                distinct += 1
            records.append({"id": f"{story}-{cluster}", "documents": documents})
    first = records[0]["documents"][0]
    records[1]["documents"].append(dict(first, url=None))  # the same words again
    records[2]["documents"].append(dict(first, url=first["url"] + "?utm_source=feed"))
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return distinct


# --- processes --------------------------------------------------------------------------


def storyweave(*args: str) -> list[str]:
    """The command line of ``storyweave ARGS`` with this interpreter."""
    return [sys.executable, "-m", "storyweave", *args]


def environment() -> dict[str, str]:
    """The child's environment: this checkout's sources first, one BLAS thread."""
    path = str(ROOT / "src")
    inherited = os.environ.get("PYTHONPATH")
    return os.environ | {
        "PYTHONPATH": path + (os.pathsep + inherited if inherited else ""),
        "OMP_NUM_THREADS": "1",
    }


def interruptible() -> None:
    """In the child before it starts: Ctrl-C acts, even when the tests run in a background
    job (a shell starts those with SIGINT ignored, and Python then never sees it)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@contextlib.contextmanager
def started(command: list[str], log: Path, cwd: Path) -> Iterator[subprocess.Popen[bytes]]:
    """A child in its own process group (so its helpers can be found and reaped)."""
    with log.open("ab") as sink:
        process = subprocess.Popen(command, cwd=cwd, env=environment(), stdin=subprocess.DEVNULL,
                                   stdout=sink, stderr=sink, start_new_session=True,
                                   preexec_fn=interruptible)  # noqa: PLW1509 (see interruptible)
    try:
        yield process
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=DEADLINE_SECONDS)
        reap_group(process.pid)


def group_alive(pgid: int) -> bool:
    """Whether any process of the group is still running."""
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def reap_group(pgid: int, grace: float = 0.0) -> float:
    """Wait up to ``grace`` s for the group to exit by itself, then kill it.

    Returns how many seconds the leftovers lived, or -1 if they had to be killed.
    """
    started_at = time.monotonic()
    while group_alive(pgid):
        if time.monotonic() - started_at >= grace:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(pgid, signal.SIGKILL)
            end = time.monotonic() + DEADLINE_SECONDS
            while group_alive(pgid) and time.monotonic() < end:
                time.sleep(POLL_SECONDS)
            return -1
        time.sleep(POLL_SECONDS)
    return time.monotonic() - started_at


def run_clean(args: list[str], work: Path) -> None:
    """One uninterrupted ``storyweave ARGS`` in a child, like the runs it is compared with
    (in-process modules could be older than the source tree the children import)."""
    with started(storyweave(*args), work / "clean.log", work) as process:
        code = process.wait(timeout=DEADLINE_SECONDS)
    if code != 0:
        raise RuntimeError(f"storyweave {args[0]} exited {code}; see {work / 'clean.log'}")


# --- reading the store without touching it ---------------------------------------------

#: A store: an SQLite file, or a database URL (PostgreSQL).
Db = Path | str
_ENGINES: dict[str, Any] = {}


def read_only(db: Path) -> contextlib.closing[sqlite3.Connection]:
    """A read-only connection (``mode=ro`` never creates the file)."""
    return contextlib.closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=30))


def query(db: Db, sql: str) -> list[tuple[Any, ...]]:
    """The rows of ``sql`` on ``db``; an SQLite file is opened read-only, a URL through one
    engine per URL (the loops poll often)."""
    if isinstance(db, Path):
        with read_only(db) as connection:
            return [tuple(row) for row in connection.execute(sql)]
    import sqlalchemy as sa

    engine = _ENGINES.get(db)
    if engine is None:
        engine = _ENGINES[db] = sa.create_engine(db, pool_size=1)
    with engine.connect() as connection:
        return [tuple(row) for row in connection.exec_driver_sql(sql)]


def _db_errors() -> tuple[type[BaseException], ...]:
    import sqlalchemy as sa

    return (sqlite3.Error, sa.exc.SQLAlchemyError)


def committed_articles(db: Db) -> dict[int, str]:
    """Article id -> content hash of every committed article; empty before the tables exist."""
    try:
        return {int(i): str(h) for i, h in query(db, "SELECT id, content_hash FROM articles")}
    except _db_errors():
        return {}


def running_runs(db: Db) -> set[int]:
    """Ids of runs recorded as still running."""
    try:
        return {int(row[0]) for row in query(db, "SELECT id FROM runs WHERE status='running'")}
    except _db_errors():
        return set()


def run_statuses(db: Db) -> dict[int, str]:
    """Run id -> status."""
    return {int(i): str(status) for i, status in query(db, "SELECT id, status FROM runs")}


def snapshot_problems(db: Db, scratch: Path) -> list[str]:
    """``Store.integrity_problems()`` of the store as the kill left it.

    For SQLite, of a copy, so that opening it (which may finish a migration) cannot help
    the next run; a PostgreSQL database cannot be copied cheaply and is checked in place.
    """
    from storyweave.monitor.store import Store

    if not isinstance(db, Path):
        if not committed_articles(db) and not running_runs(db):
            return []  # killed before the tables existed
        with Store(db) as store:
            return store.integrity_problems()
    if not db.exists():
        return []
    scratch.mkdir(parents=True, exist_ok=True)
    for stale in scratch.iterdir():
        stale.unlink()
    for suffix in ("", "-wal"):
        source = Path(f"{db}{suffix}")
        if source.exists():
            shutil.copyfile(source, scratch / f"copy.db{suffix}")
    with Store(str(scratch / "copy.db")) as store:
        return store.integrity_problems()


def partition(db: Db) -> frozenset[frozenset[str]]:
    """The stories as sets of their articles' content hashes (ids may differ between stores)."""
    groups: dict[int, set[str]] = {}
    for story, digest in query(db, "SELECT story_id, content_hash FROM articles"):
        groups.setdefault(story, set()).add(digest)
    return frozenset(frozenset(g) for g in groups.values())


def origins(db: Db) -> list[tuple[str, str]]:
    """(origin, content hash) of every origin row, sorted."""
    return sorted(
        (str(o), str(h)) for o, h in query(
            db, "SELECT o.origin, a.content_hash FROM article_origins o "
            "JOIN articles a ON a.id = o.article_id")
    )


def create_database(server_url: str, name: str) -> str:
    """Create the empty PostgreSQL database ``name`` on the server of ``server_url``; its URL."""
    import sqlalchemy as sa

    url = sa.engine.make_url(server_url)
    admin = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    finally:
        admin.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


@contextlib.contextmanager
def postgres_server() -> Iterator[str]:
    """A throwaway PostgreSQL server (``scripts/start-postgres.sh``); yields its URL."""
    script = ROOT / "scripts" / "start-postgres.sh"
    result = subprocess.run(["bash", str(script)], capture_output=True, text=True, timeout=300,
                            check=False)
    if result.returncode != 0:
        raise RuntimeError(f"start-postgres.sh failed: {result.stderr.strip()[-300:]}")
    url, folder = result.stdout.strip().splitlines()[-2:]
    try:
        yield url
    finally:
        for engine in _ENGINES.values():
            engine.dispose()
        subprocess.run(["bash", str(script), "--stop", folder], capture_output=True, timeout=60,
                       check=False)


def split_dataset(dataset: Path, folder: Path) -> tuple[Path, Path]:
    """The dataset's even and odd clusters as two files (two feeds of the same stories)."""
    lines = dataset.read_text(encoding="utf-8").splitlines(keepends=True)
    halves = (folder / "even.jsonl", folder / "odd.jsonl")
    halves[0].write_text("".join(lines[0::2]), encoding="utf-8")
    halves[1].write_text("".join(lines[1::2]), encoding="utf-8")
    return halves


def ingest_at_once(inputs: list[Path], db: Db, work: Path) -> list[int]:
    """One ``storyweave ingest`` per input, all started together; their exit codes."""
    commands = [storyweave("ingest", str(path.resolve()), "--db", str(db), "--model", "lexical",
                           "-q") for path in inputs]
    with contextlib.ExitStack() as stack:
        processes = [stack.enter_context(started(command, work / f"concurrent-{i}.log", work))
                     for i, command in enumerate(commands)]
        return [process.wait(timeout=DEADLINE_SECONDS) for process in processes]


# --- the kill loops ---------------------------------------------------------------------


@dataclass
class FaultReport:
    """What the kills did, summed over rounds."""

    rounds: int = 0
    kills: int = 0
    integrity_failures: list[str] = field(default_factory=list)
    lost: int = 0  # committed articles / written lines gone after a kill
    duplicates: int = 0  # articles stored twice / cluster ids written twice
    corrupt: int = 0  # complete output lines that do not parse or differ from the reference
    left_running: list[str] = field(default_factory=list)  # killed runs not marked interrupted
    orphans: int = 0  # rounds whose helper processes outlived the killed parent
    helper_seconds: list[float] = field(default_factory=list)  # helpers' life after a kill
    recover_seconds: list[float] = field(default_factory=list)  # restart -> first new progress
    kill_points: list[int] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        """No fault broke anything."""
        return not (self.integrity_failures or self.lost or self.duplicates or self.corrupt
                    or self.left_running or self.orphans)


def kill_point(rng: random.Random, done: int, total: int) -> int:
    """Progress at which to kill: in the first half of what is left, so that several
    kills fit in one run; ``done`` itself means a kill during start-up."""
    return rng.randint(done, max(done, (done + total) // 2))


def _wait_progress(process: subprocess.Popen[bytes], progress: int, target: int,
                   measure: Callable[[], int], started_at: float) -> tuple[int, float | None]:
    """Poll until ``measure() >= target`` or the process exits; (last value, recovery s)."""
    recovered: float | None = None
    deadline = started_at + DEADLINE_SECONDS
    value = measure()
    while process.poll() is None and value < target:
        if time.monotonic() > deadline:
            raise TimeoutError(f"no progress to {target} within {DEADLINE_SECONDS:.0f} s")
        time.sleep(POLL_SECONDS)
        value = measure()
        if recovered is None and value > progress:
            recovered = time.monotonic() - started_at
    return value, recovered


def ingest_with_kills(dataset: Path, db: Db, work: Path, kills: int, rng: random.Random,
                      total: int, signals: tuple[int, ...] = (signal.SIGKILL,)) -> FaultReport:
    """Ingest ``dataset`` into ``db`` (an SQLite file or a PostgreSQL URL), interrupting it
    ``kills`` times, then finish.

    Each interruption sends one of ``signals`` (SIGKILL: kill -9; SIGINT: Ctrl-C).
    """
    report = FaultReport()
    dataset, work = dataset.resolve(), work.resolve()  # the child runs in work
    if isinstance(db, Path):
        db = db.resolve()
    command = storyweave("ingest", str(dataset), "--db", str(db), "--model", "lexical", "-q")
    killed_runs: set[int] = set()
    while True:
        before = committed_articles(db)
        # A store already complete has nothing left to interrupt: finish.
        last_round = report.kills >= kills or len(before) >= total
        # A target of len(before) kills during start-up; otherwise after some commit.
        target = total + 1 if last_round else kill_point(rng, len(before), total)
        with started(command, work / "ingest.log", work) as process:
            begun = time.monotonic()
            seen, recovered = _wait_progress(process, len(before), target,
                                             lambda: len(committed_articles(db)), begun)
            if recovered is not None and report.rounds:
                report.recover_seconds.append(recovered)
            report.rounds += 1
            if process.poll() is None and not last_round:
                seen_ids = committed_articles(db)  # what must survive the kill
                killed_runs |= running_runs(db)
                time.sleep(rng.uniform(0.0, MAX_JITTER_SECONDS))
                process.send_signal(rng.choice(signals))
                process.wait(timeout=DEADLINE_SECONDS)
                report.kills += 1
                report.kill_points.append(seen)
                after = committed_articles(db)
                report.lost += sum(1 for i, h in seen_ids.items() if after.get(i) != h)
                report.duplicates += len(after) - len(set(after.values()))
                problems = snapshot_problems(db, work / "snapshot")
                report.integrity_failures += [f"after kill {report.kills}: {p}" for p in problems]
                continue
            process.wait(timeout=DEADLINE_SECONDS)
            if process.returncode != 0:
                raise RuntimeError(f"ingest exited {process.returncode}; see {work / 'ingest.log'}")
            if last_round:
                break
    statuses = run_statuses(db)
    # "done" is right for a run that finished within the jitter, before the kill landed.
    report.left_running = [f"killed run {i}: {statuses.get(i)}" for i in sorted(killed_runs)
                           if statuses.get(i) not in ("interrupted", "done")]
    report.left_running += [f"run {i}: running" for i, s in sorted(statuses.items())
                            if s == "running"]
    return report


def complete_lines(path: Path) -> list[bytes]:
    """The output's newline-terminated lines (a trailing partial line is a kill's leftover)."""
    if not path.exists():
        return []
    data = path.read_bytes()
    return data.splitlines(keepends=True)[: data.count(b"\n")]


def batch_with_kills(dataset: Path, out: Path, work: Path, kills: int, rng: random.Random,
                     reference: list[bytes], engine: str = "local",
                     signals: tuple[int, ...] = (signal.SIGKILL,)) -> FaultReport:
    """Batch ``dataset`` into ``out``, interrupting it ``kills`` times, then finish serially."""
    report = FaultReport()
    dataset, out, work = dataset.resolve(), out.resolve(), work.resolve()  # the child runs in work
    total = len(reference)
    while True:
        before = complete_lines(out)
        last_round = report.kills >= kills or len(before) >= total
        target = total + 1 if last_round else kill_point(rng, len(before), total)
        command = storyweave("batch", str(dataset), "--out", str(out), "--model", "lexical",
                             "-w", "60", "-q", "--engine", "local" if last_round else engine)
        with started(command, work / "batch.log", work) as process:
            begun = time.monotonic()
            seen, recovered = _wait_progress(process, len(before), target,
                                             lambda: len(complete_lines(out)), begun)
            if recovered is not None and report.rounds:
                report.recover_seconds.append(recovered)
            report.rounds += 1
            if process.poll() is None and not last_round:
                written = complete_lines(out)
                time.sleep(rng.uniform(0.0, MAX_JITTER_SECONDS))
                process.send_signal(rng.choice(signals))
                process.wait(timeout=DEADLINE_SECONDS)
                report.kills += 1
                report.kill_points.append(seen)
                # Helpers (Dask's nanny and workers) must notice their parent died.
                lifetime = reap_group(process.pid, grace=HELPER_GRACE_SECONDS)
                if lifetime < 0:
                    report.orphans += 1
                else:
                    report.helper_seconds.append(lifetime)
                after = complete_lines(out)
                report.lost += sum(1 for a, b in zip(written, after) if a != b)
                report.lost += max(0, len(written) - len(after))
                report.corrupt += sum(1 for a, b in zip(after, reference) if a != b)
                report.corrupt += max(0, len(after) - total)
                ids = [json.loads(line).get("id") for line in after if _parses(line)]
                report.duplicates += len(ids) - len(set(ids))
                continue
            process.wait(timeout=DEADLINE_SECONDS)
            if process.returncode not in (0, 3):  # 3: some cluster recorded as failed
                raise RuntimeError(f"batch exited {process.returncode}; see {work / 'batch.log'}")
            if last_round:
                break
    final = complete_lines(out)
    ids = [json.loads(line).get("id") for line in final if _parses(line)]
    report.duplicates += len(ids) - len(set(ids))
    report.corrupt += sum(1 for line in final if not _parses(line))
    return report


def _parses(line: bytes) -> bool:
    try:
        return isinstance(json.loads(line), dict)
    except json.JSONDecodeError:
        return False
