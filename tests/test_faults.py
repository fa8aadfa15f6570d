"""Store and batch faults: kill -9 at random points, again and again, then resume; and
several ingests writing to one store at once.

After every kill the store (a copy of it, as the kill left it) passes
``integrity_problems()``, every article committed before the kill is still there, and
nothing is stored twice; the resumed run ends in the same state as an uninterrupted one:
the same articles, origins and article -> story partition (ids are not compared, but the
fixed publication dates make the clustering deterministic), and for ``batch`` the same
output file byte for byte.

Concurrent writers: two ``storyweave ingest`` runs started together on a new store (of
the two halves of the dataset, or of the same file) end in the same state as one run of
everything, on SQLite and on PostgreSQL.

``STORYWEAVE_FAULT_ROUNDS`` (default 5) sets the number of kills per run; the
benchmark ``benchmarks/bench_faults.py`` runs many more.
"""

from __future__ import annotations

import os
import random
import signal
import time
from collections.abc import Callable
from pathlib import Path

import pytest

pytest.importorskip("sqlalchemy", reason="needs the monitor extra: pip install 'storyweave[monitor]'")

from storyweave.monitor.store import Store

from .fault_harness import (
    Db,
    FaultReport,
    batch_with_kills,
    committed_articles,
    complete_lines,
    ingest_at_once,
    ingest_with_kills,
    make_dataset,
    origins,
    partition,
    read_only,
    run_clean,
    run_statuses,
    split_dataset,
    started,
    storyweave,
)

ROUNDS = int(os.environ.get("STORYWEAVE_FAULT_ROUNDS", "5"))
#: A kill can only miss when the child finishes within the jitter after its target; on
#: any machine most of them land. Fewer than this means the test did not test.
MIN_KILLS = min(3, ROUNDS)
SEED = 20310310
#: kill -9 alone, and kill -9 mixed with Ctrl-C (which runs the clean-up code paths).
SIGNALS = pytest.mark.parametrize(
    "signals", [(signal.SIGKILL,), (signal.SIGKILL, signal.SIGINT)], ids=["kill-9", "mixed-ctrl-c"]
)


@pytest.fixture(scope="module")
def dataset(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int]:
    """The fictional dataset and its number of distinct articles."""
    path = tmp_path_factory.mktemp("faults") / "clusters.jsonl"
    return path, make_dataset(path)


@pytest.fixture(scope="module")
def clean_store(dataset: tuple[Path, int], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The store an uninterrupted ingest makes."""
    work = tmp_path_factory.mktemp("clean")
    db = work / "clean.db"
    run_clean(["ingest", str(dataset[0]), "--db", str(db), "--model", "lexical", "-q"], work)
    return db


@pytest.fixture(scope="module")
def clean_output(dataset: tuple[Path, int], tmp_path_factory: pytest.TempPathFactory) -> list[bytes]:
    """The lines an uninterrupted serial batch writes."""
    work = tmp_path_factory.mktemp("clean")
    out = work / "clean.jsonl"
    run_clean(["batch", str(dataset[0]), "--out", str(out), "--model", "lexical", "-w", "60", "-q"],
              work)
    return complete_lines(out)


def _assert_no_damage(report: FaultReport, min_kills: int = MIN_KILLS) -> None:
    assert report.kills >= min_kills, f"only {report.kills} kills landed: {report}"
    assert report.integrity_failures == []
    assert (report.lost, report.duplicates, report.corrupt) == (0, 0, 0)
    assert report.left_running == [] and report.orphans == 0


def test_the_fixture_exercises_every_ingest_path(
    dataset: tuple[Path, int], clean_store: Path
) -> None:
    # Two inputs are duplicates (same words; same URL with a tracking tag), several
    # stories form: the kills below hit the join, new-story and duplicate paths.
    distinct = dataset[1]
    assert len(committed_articles(clean_store)) == distinct
    assert len(origins(clean_store)) == distinct + 2
    assert len(partition(clean_store)) >= 4


@SIGNALS
def test_ingest_killed_repeatedly_loses_nothing_and_ends_as_a_clean_run(
    dataset: tuple[Path, int], clean_store: Path, tmp_path: Path, signals: tuple[int, ...]
) -> None:
    path, distinct = dataset
    db = tmp_path / "faulted.db"
    report = ingest_with_kills(path, db, tmp_path, ROUNDS, random.Random(SEED), distinct, signals)
    _assert_no_damage(report)
    with Store(str(db)) as store:
        assert store.integrity_problems() == []
    with read_only(db) as connection:
        statuses = [row[0] for row in connection.execute("SELECT status FROM runs ORDER BY id")]
        homeless = connection.execute(
            "SELECT count(*) FROM articles a JOIN stories s ON s.id = a.story_id "
            "WHERE s.status != 'open'"
        ).fetchone()[0]
    # Kills during start-up leave no run row; the others are marked when the next run
    # starts (Ctrl-C closes its run itself, as "done" with what it committed).
    assert statuses[-1] == "done" and set(statuses[:-1]) <= {"interrupted", "done"}
    if signals == (signal.SIGKILL,):
        assert statuses.count("interrupted") >= 1
    assert homeless == 0  # every article is in exactly one open story
    faulted = committed_articles(db)
    assert sorted(faulted.values()) == sorted(committed_articles(clean_store).values())
    assert origins(db) == origins(clean_store)  # every input exactly once, same article
    assert partition(db) == partition(clean_store)


def test_ingest_killed_during_start_up_recovers(dataset: tuple[Path, int], tmp_path: Path) -> None:
    # A kill before the first commit (imports, migration, the run row) on a new store.
    path, distinct = dataset
    db = tmp_path / "early.db"
    command = storyweave("ingest", str(path), "--db", str(db), "--model", "lexical", "-q")
    for _ in range(2):
        with started(command, tmp_path / "log", tmp_path) as process:
            # Kill as soon as the file exists: schema creation or run row in progress.
            while process.poll() is None and not db.exists():
                time.sleep(0.001)
            process.send_signal(signal.SIGKILL)
    run_clean(["ingest", str(path), "--db", str(db), "--model", "lexical", "-q"], tmp_path)
    with Store(str(db)) as store:
        assert store.integrity_problems() == []
    assert len(committed_articles(db)) == distinct


@SIGNALS
def test_batch_killed_repeatedly_resumes_to_the_same_file(
    dataset: tuple[Path, int], clean_output: list[bytes], tmp_path: Path, signals: tuple[int, ...]
) -> None:
    out = tmp_path / "faulted.jsonl"
    report = batch_with_kills(dataset[0], out, tmp_path, ROUNDS, random.Random(SEED), clean_output,
                              signals=signals)
    _assert_no_damage(report)
    assert out.read_bytes() == b"".join(clean_output)


def test_dask_batch_killed_once_resumes_without_orphans(
    dataset: tuple[Path, int], clean_output: list[bytes], tmp_path: Path
) -> None:
    pytest.importorskip("distributed", reason="needs dask[distributed] (storyweave[monitor])")
    out = tmp_path / "dask.jsonl"
    report = batch_with_kills(dataset[0], out, tmp_path, 1, random.Random(SEED), clean_output,
                              engine="dask")
    _assert_no_damage(report, min_kills=1)  # the Dask start-up alone outlasts the jitter
    assert out.read_bytes() == b"".join(clean_output)



def _documents(db: Db) -> list[tuple[str, str]]:
    """(cluster/document, content hash) of every origin row: origins without the file name."""
    return sorted((origin.split("#", 1)[1], digest) for origin, digest in origins(db))


def _assert_same_as_clean_run(db: Db, clean_store: Path) -> None:
    with Store(db if isinstance(db, str) else str(db)) as store:
        assert store.integrity_problems() == []
    assert sorted(committed_articles(db).values()) == sorted(committed_articles(clean_store).values())
    # Every input exactly once, as the same article (the file name part of origins differs).
    assert _documents(db) == _documents(clean_store)
    assert partition(db) == partition(clean_store)  # the same stories
    assert set(run_statuses(db).values()) == {"done"}  # neither run marked the other


def test_two_ingests_of_the_halves_at_once_equal_one_run(
    dataset: tuple[Path, int], clean_store: Path, tmp_path: Path
) -> None:
    # A new store, created by both at once (this failed: schema_migrations already exists),
    # then articles of the same stories from both (lost updates, too many stories).
    halves = split_dataset(dataset[0], tmp_path)
    db = tmp_path / "halves.db"
    assert ingest_at_once(list(halves), db, tmp_path) == [0, 0]
    _assert_same_as_clean_run(db, clean_store)


def test_the_same_file_ingested_twice_at_once_is_stored_once(
    dataset: tuple[Path, int], clean_store: Path, tmp_path: Path
) -> None:
    # This crashed the second run: UNIQUE constraint failed: articles.content_hash.
    db = tmp_path / "twice.db"
    assert ingest_at_once([dataset[0], dataset[0]], db, tmp_path) == [0, 0]
    _assert_same_as_clean_run(db, clean_store)


def test_concurrent_ingests_on_postgresql(
    dataset: tuple[Path, int], clean_store: Path, tmp_path: Path,
    fresh_postgres: Callable[[], str],
) -> None:
    # The halves only: the same file twice is run on PostgreSQL by bench_faults.py
    # --concurrent --postgres (it adds nothing the halves do not exercise here but time).
    halves = split_dataset(dataset[0], tmp_path)
    url = fresh_postgres()
    assert ingest_at_once(list(halves), url, tmp_path) == [0, 0]
    _assert_same_as_clean_run(url, clean_store)


def test_ingest_killed_repeatedly_on_postgresql(
    dataset: tuple[Path, int], clean_store: Path, tmp_path: Path,
    fresh_postgres: Callable[[], str],
) -> None:
    path, distinct = dataset
    url = fresh_postgres()
    # Fewer kills than on SQLite: each PostgreSQL round costs more (benchmarks run more).
    report = ingest_with_kills(path, url, tmp_path, MIN_KILLS, random.Random(SEED), distinct)
    _assert_no_damage(report)
    statuses = [status for _, status in sorted(run_statuses(url).items())]
    assert statuses[-1] == "done" and set(statuses[:-1]) <= {"interrupted", "done"}
    assert sorted(committed_articles(url).values()) == sorted(committed_articles(clean_store).values())
    assert origins(url) == origins(clean_store)
    assert partition(url) == partition(clean_store)
