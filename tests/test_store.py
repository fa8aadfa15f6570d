"""The story store: ingest, duplicates, stories, current briefings, faults, PostgreSQL."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytest.importorskip("sqlalchemy", reason="needs the monitor extra: pip install 'storyweave[monitor]'")

from storyweave.cli import main
from storyweave.ingest import load
from storyweave.ingest.feeds import iter_ingest_inputs
from storyweave.ingest.urls import canonical_url
from storyweave.model import Article
from storyweave.monitor.schema import LATEST_VERSION, MIGRATIONS, applied_versions
from storyweave.monitor.store import Store, StoreError
from storyweave.options import DEFAULT_MODEL, BriefOptions
from storyweave.pipeline import Briefer

from .fault_harness import interruptible

REPO = Path(__file__).resolve().parents[1]
DATA = Path(__file__).parent / "data"
STORIES = DATA / "stories"
MONITOR = DATA / "monitor"
FOLDERS = ["quake-tarsin", "election-kelmark", "summit-orlen", "recall-brightkettle"]


@pytest.fixture(scope="module")
def briefer() -> Briefer:
    """One loaded model for the whole module (the default one, whose thresholds are tuned)."""
    return Briefer(BriefOptions())


def _folder_articles(*folders: str) -> list[Article]:
    return [a for f in folders for a in load([STORIES / f]).articles]


def test_articles_group_into_their_stories(tmp_path: Path, briefer: Briefer) -> None:
    articles = _folder_articles(*FOLDERS)
    # Interleave the stories, as a day's feeds deliver them.
    articles = sorted(articles, key=lambda a: (Path(a.origin).name, a.origin))
    with Store(str(tmp_path / "s.db")) as store:
        summary = store.ingest(articles, briefer)
        assert (summary.ingested, summary.duplicates, summary.failed) == (len(articles), 0, 0)
        groups = sorted(
            sorted({Path(a.origins[0]).parent.name for a in s.articles}) for s in store.stories()
        )
        assert groups == [[f] for f in sorted(FOLDERS)]
        assert store.integrity_problems() == []


def test_reingest_is_a_no_op_and_records_new_origins(tmp_path: Path, briefer: Briefer) -> None:
    articles = _folder_articles("quake-tarsin")
    copy = tmp_path / "copy.txt"
    # The same words, re-wrapped and with extra spaces: the same content hash.
    copy.write_text("  \n".join(articles[0].text.split("\n")) + "\n\n", encoding="utf-8")
    with Store(str(tmp_path / "s.db")) as store:
        store.ingest(articles, briefer)
        before = [(s.id, [a.id for a in s.articles]) for s in store.stories()]
        again = store.ingest([*articles, *load([copy]).articles], briefer)
        assert (again.ingested, again.duplicates) == (0, len(articles) + 1)
        assert [(s.id, [a.id for a in s.articles]) for s in store.stories()] == before
        (story,) = store.stories()
        origins = [o for a in story.articles for o in a.origins]
        assert str(copy) in origins and len(origins) == len(articles) + 1


def test_near_duplicate_and_same_url_are_recognised(tmp_path: Path, briefer: Briefer) -> None:
    (original,) = load([STORIES / "quake-tarsin" / "daily-standard.txt"]).articles
    edited = Article(
        text=original.text + "\nThis story has been updated with a correction.\n",
        origin="edited.txt",
    )
    first = Article(text=original.text, origin="a", url="https://www.news.example/quake/?utm_source=x")
    second = Article(text="Entirely other words here.", origin="b", url="https://news.example/quake")
    with Store(str(tmp_path / "s.db")) as store:
        store.ingest([first], briefer)
        summary = store.ingest([edited, second], briefer)
        assert (summary.ingested, summary.duplicates) == (0, 2)
    assert canonical_url("HTTPS://WWW.News.Example/a/?b=1&utm_medium=rss#top") == (
        "https://news.example/a?b=1"
    )


def test_failures_are_counted_with_reasons_and_the_rest_goes_on(
    tmp_path: Path, briefer: Briefer
) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_text("", encoding="utf-8")
    inputs = [str(MONITOR / "feeds.txt"), str(empty), str(MONITOR / "skarre-de.txt")]
    with Store(str(tmp_path / "s.db")) as store:
        summary = store.ingest(iter_ingest_inputs(inputs, BriefOptions()), briefer)
        reasons = {Path(p.input).name: p.problem for p in summary.problems}
        assert summary.failed == len(summary.problems) == 4
        assert "neither a headline nor text" in reasons["empty-item"]
        assert "not a usable RSS/Atom feed" in reasons["broken.rss"]
        assert reasons["missing-feed.xml"] == "no such feed file"
        assert "empty" in reasons["empty.txt"]
        stories = store.stories()
        by_language = {s.language: s for s in stories}
        # The German report is stored, flagged, and kept out of the English ferry story.
        german = by_language["de"]
        assert [a.origins[0] for a in german.articles] == [str(MONITOR / "skarre-de.txt")]
        ferry = [s for s in stories if s.language == "en" and len(s.articles) >= 4]
        assert len(ferry) == 1 and all("Skarre" in (a.title or "") or "Nordvik" in (a.title or "")
                                       for a in ferry[0].articles)
        runs = store.runs()
        assert runs[-1]["status"] == "done" and runs[-1]["failed"] == 4


def test_current_briefing_is_rebuilt_only_when_the_story_changes(
    tmp_path: Path, briefer: Briefer
) -> None:
    articles = _folder_articles("recall-brightkettle")
    with Store(str(tmp_path / "s.db")) as store:
        store.ingest(articles[:2], briefer)
        (story,) = store.stories()
        assert story.briefing == "none"
        first = store.current_briefing(story.id, briefer)
        assert first is not None and first.rebuilt and len(first.article_ids) == 2
        again = store.current_briefing(story.id, briefer)
        assert again is not None and not again.rebuilt and again.json == first.json
        store.ingest(articles[2:], briefer)
        assert store.stories()[0].briefing == "stale"
        fresh = store.current_briefing(story.id, briefer)
        assert fresh is not None and fresh.rebuilt
        assert sorted(fresh.article_ids) == sorted(a.id for a in store.stories()[0].articles)
        assert len(json.loads(fresh.json)["sources"]) == 3
        assert store.stories()[0].briefing == "current"
        with pytest.raises(StoreError, match="no story 999"):
            store.current_briefing(999, briefer)


def test_migrations_are_versioned_and_applied_once(tmp_path: Path) -> None:
    import sqlalchemy as sa

    from storyweave.monitor import schema as store_schema

    db = tmp_path / "old.db"
    engine = sa.create_engine(f"sqlite:///{db}")
    # A store made by a release that had only the first migration.
    with engine.begin() as connection:
        store_schema.metadata.create_all(connection, tables=[store_schema.schema_migrations])
        MIGRATIONS[0].apply(connection)
        connection.execute(
            store_schema.schema_migrations.insert().values(version=1, name="v1", applied_at="x")
        )
    assert applied_versions(engine) == {1}
    assert store_schema.migrate(engine) == list(range(2, LATEST_VERSION + 1))
    assert store_schema.migrate(engine) == []
    engine.dispose()
    with Store(str(db)) as store:
        assert applied_versions(store.engine) == set(range(1, LATEST_VERSION + 1))
    with sqlite3.connect(db) as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_the_store_keeps_its_embedding_model(tmp_path: Path, briefer: Briefer) -> None:
    db = str(tmp_path / "s.db")
    with Store(db) as store:
        store.ingest(_folder_articles("quake-tarsin")[:1], briefer)
        with pytest.raises(StoreError, match=f"--model {DEFAULT_MODEL}"):
            store.ingest([], Briefer(BriefOptions(model="lexical")))


def test_the_store_clusters_with_the_thresholds_of_its_model(tmp_path: Path) -> None:
    """static-learned's cosines run higher than MiniLM's: its own calibrated join score."""
    from storyweave.stories.clustering import STATIC_LEARNED, ClusterParams

    with Store(str(tmp_path / "s.db")) as store:
        assert store.params == ClusterParams()
        store.ingest(_folder_articles("quake-tarsin")[:1], Briefer(BriefOptions(model="static-learned")))
        assert store.params == STATIC_LEARNED
    given = ClusterParams(join_threshold=0.5)
    with Store(str(tmp_path / "t.db"), given) as store:  # thresholds the caller set stay
        store.ingest(_folder_articles("quake-tarsin")[:1], Briefer(BriefOptions(model="static-learned")))
        assert store.params == given


def test_a_static_learned_store_keeps_the_kind_of_story_vector_it_was_made_with(
    tmp_path: Path,
) -> None:
    """static-learned stories compare lead and term vectors; a store made before that holds
    lead vectors only, which the new ones could not be compared with."""
    from storyweave.stories.clustering import STATIC_LEARNED, STATIC_LEARNED_LEAD

    static_learned = Briefer(BriefOptions(model="static-learned"))
    articles = _folder_articles("quake-tarsin")
    with Store(str(tmp_path / "new.db")) as store:
        store.ingest(articles[:2], static_learned)
        assert store.params == STATIC_LEARNED and store.params.story_vectors == "lead+terms"
        (story,) = store.index().stories.values()
        assert story.vector_sum.shape == (384 + 1024,)
    old = tmp_path / "old.db"
    with Store(str(old), STATIC_LEARNED_LEAD) as store:
        store.ingest(articles[:1], static_learned)
    with sqlite3.connect(old) as connection:  # as a store made before the setting existed
        connection.execute("DELETE FROM store_meta WHERE key = 'story_vectors'")
    with Store(str(old)) as store:
        summary = store.ingest(articles[1:], static_learned)
        assert store.params == STATIC_LEARNED_LEAD and summary.failed == 0
        assert {s.vector_sum.shape for s in store.index().stories.values()} == {(384,)}
    with Store(str(old), STATIC_LEARNED) as store, pytest.raises(StoreError, match="lead story"):
        store.ingest(articles[:1], static_learned)


def test_cli_ingest_stories_and_brief_story(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = str(tmp_path / "s.db")
    assert main(["ingest", str(STORIES / "summit-orlen"), "--db", db, "-q"]) == 0
    assert "ingested 4, skipped 0 as duplicates, failed 0" in capsys.readouterr().out
    assert main(["stories", "--db", db, "--json"]) == 0
    (story,) = json.loads(capsys.readouterr().out)
    assert len(story["articles"]) == 4 and story["briefing"] == "none"
    assert all(a["origins"][0].startswith(str(STORIES)) for a in story["articles"])
    assert main(["brief", "--story", str(story["id"]), "--db", db, "--format", "json"]) == 0
    assert len(json.loads(capsys.readouterr().out)["sources"]) == 4
    assert main(["brief", "--story", str(story["id"]), "--db", db]) == 0
    assert capsys.readouterr().out.startswith("# ")
    with pytest.raises(SystemExit) as usage:
        main(["brief", "--db", db])  # neither inputs nor --story
    assert usage.value.code == 2
    assert main(["ingest", str(tmp_path / "nothing.txt"), "--db", db, "-q"]) == 1


def _write_many_articles(folder: Path, count: int) -> None:
    """``count`` short fictional reports on distinct invented events."""
    folder.mkdir()
    towns = ["Avel", "Brask", "Corrin", "Dunmere", "Eskel", "Farrow", "Gelt", "Harn"]
    for i in range(count):
        town = towns[i % len(towns)]
        (folder / f"report-{i:03d}.txt").write_text(
            f"Council of {town} approves plan number {i}\n\n"
            f"The town council of {town} voted on Monday to approve plan number {i}, which "
            f"sets aside {100 + i} thousand crowns for road repairs in district {i}. "
            f"Councillor Mara Vell{i} said the work on district {i} would start in spring.\n",
            encoding="utf-8",
        )


def _ingest_command(folder: Path, db: str) -> list[str]:
    return [sys.executable, "-m", "storyweave", "ingest", str(folder), "--db", db,
            "--model", "lexical", "-q"]


def _count(db: str, sql: str) -> int:
    with sqlite3.connect(db) as connection:
        return int(connection.execute(sql).fetchone()[0])


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGINT], ids=["kill-9", "ctrl-c"])
def test_interrupted_ingest_loses_nothing_committed(tmp_path: Path, sig: signal.Signals) -> None:
    folder = tmp_path / "feed"
    _write_many_articles(folder, 120)
    db = str(tmp_path / "s.db")
    env = os.environ | {"PYTHONPATH": str(REPO / "src")}
    process = subprocess.Popen(_ingest_command(folder, db), env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE,
                               preexec_fn=interruptible)  # noqa: PLW1509 (no thread forks here)
    deadline = time.monotonic() + 30
    done = 0
    while time.monotonic() < deadline and process.poll() is None:
        try:
            done = _count(db, "SELECT count(*) FROM articles")
        except sqlite3.Error:
            done = 0
        if done >= 5:
            break
        time.sleep(0.05)
    assert process.poll() is None, "ingest finished before it could be interrupted"
    process.send_signal(sig)
    _, stderr = process.communicate(timeout=30)
    if sig == signal.SIGINT:
        assert process.returncode == 130 and b"interrupted" in stderr
    partial = _count(db, "SELECT count(*) FROM articles")
    assert 5 <= partial < 120
    rerun = subprocess.run(
        _ingest_command(folder, db), env=env, capture_output=True, timeout=120, check=False
    )
    assert rerun.returncode == 0, rerun.stderr
    assert f"skipped {partial} as duplicates" in rerun.stdout.decode()
    with sqlite3.connect(db) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        origins = [row[0] for row in connection.execute("SELECT origin FROM article_origins")]
        statuses = [row[0] for row in connection.execute("SELECT status FROM runs ORDER BY id")]
    assert sorted(origins) == sorted(str(p) for p in folder.iterdir())  # each exactly once
    assert _count(db, "SELECT count(DISTINCT content_hash) FROM articles") == 120
    assert statuses == ["interrupted" if sig == signal.SIGKILL else "done", "done"]
    with Store(db) as store:
        assert store.integrity_problems() == []


def test_postgresql_through_the_same_code(postgres_url: str, briefer: Briefer) -> None:
    articles = _folder_articles("quake-tarsin", "summit-orlen")
    with Store(postgres_url) as store:
        summary = store.ingest(articles, briefer)
        assert summary.ingested == len(articles)
        assert store.ingest(articles, briefer).duplicates == len(articles)
        stories = store.stories()
        assert sorted(len(s.articles) for s in stories) == [4, 4]
        record = store.current_briefing(stories[0].id, briefer)
        assert record is not None and len(json.loads(record.json)["sources"]) == 4
        assert store.integrity_problems() == []


# --- refusing what is not a store; reading commands never create one (issue 17, item 3) ---


def _fingerprint(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_another_programs_sqlite_file_is_refused_untouched(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    foreign = tmp_path / "app.db"
    with sqlite3.connect(foreign) as connection:
        connection.execute("CREATE TABLE articles (id INTEGER PRIMARY KEY, body TEXT)")
        connection.execute("INSERT INTO articles (body) VALUES ('their data')")
    connection.close()
    before = _fingerprint(tmp_path)
    article = str(STORIES / "summit-orlen")
    assert main(["ingest", article, "--db", str(foreign), "--model", "lexical", "-q"]) == 1
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and "not a storyweave store" in error and "articles" in error
    assert _fingerprint(tmp_path) == before  # no table, no migration, no WAL file added
    assert main(["stories", "--db", str(foreign)]) == 1
    assert _fingerprint(tmp_path) == before


def _store_with(tmp_path: Path, change: str) -> Path:
    db = tmp_path / "s.db"
    Store(str(db)).close()
    with sqlite3.connect(db) as connection:
        connection.execute(change)
    connection.close()
    return db


@pytest.mark.parametrize(
    "change",
    [
        "INSERT INTO schema_migrations VALUES (99, 'from the future', 'x')",
        "ALTER TABLE articles RENAME COLUMN cleaned_text TO body_text",
    ],
    ids=["unknown-migration", "renamed-column"],
)
def test_a_store_of_a_newer_schema_is_refused_in_one_line(
    tmp_path: Path, change: str, capsys: pytest.CaptureFixture[str]
) -> None:
    db = _store_with(tmp_path, change)
    before = db.read_bytes()
    article = str(STORIES / "summit-orlen")
    assert main(["ingest", article, "--db", str(db), "--model", "lexical", "-q"]) == 1
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and "Traceback" not in error
    assert "newer storyweave" in error or "column cleaned_text" in error
    assert db.read_bytes() == before
    with pytest.raises(StoreError):
        Store(str(db))


def test_reading_commands_never_create_a_store(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["stories", "--db", str(tmp_path / "typo.db")]) == 1
    assert "no store" in capsys.readouterr().err
    assert main(["brief", "--story", "1", "--db", str(tmp_path / "new.db")]) == 1
    assert "no store" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(StoreError, match="no store"):
        Store(str(tmp_path / "other.db"), create=False)


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_two_processes_creating_a_store_at_once_both_succeed(
    tmp_path: Path, backend: str, request: pytest.FixtureRequest
) -> None:
    # Item 1: the second one failed with "table schema_migrations already exists" (and,
    # on PostgreSQL, once saw a store halfway through its migrations as damaged).
    import threading

    import sqlalchemy as sa

    from storyweave.monitor import schema as store_schema

    fresh = request.getfixturevalue("fresh_postgres") if backend == "postgresql" else None
    for attempt in range(8):
        db = fresh() if fresh is not None else str(tmp_path / f"new-{attempt}.db")
        gate = threading.Barrier(2)
        errors: list[BaseException] = []

        def open_it(db: str = db, gate: threading.Barrier = gate,
                    errors: list[BaseException] = errors) -> None:
            gate.wait()
            try:
                Store(db).close()
            except BaseException as error:  # noqa: BLE001 - the test reports it below
                errors.append(error)

        threads = [threading.Thread(target=open_it) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert errors == []
        engine = sa.create_engine(db if "://" in db else f"sqlite:///{db}")
        with engine.connect() as connection:
            versions = [row[0] for row in connection.execute(
                sa.select(store_schema.schema_migrations.c.version))]
        engine.dispose()
        assert sorted(versions) == list(range(1, LATEST_VERSION + 1))  # each applied once


# --- ingest within the limits; a store that refuses writes (item 4) ------------------------


def test_ingest_refuses_oversized_files_and_feeds_unread(tmp_path: Path) -> None:
    import tracemalloc

    for name in ("huge.txt", "huge.xml"):
        with (tmp_path / name).open("wb") as handle:  # sparse: 100 MB on paper
            handle.truncate(100 * 2**20)
    inputs = [str(tmp_path / "huge.txt"), str(tmp_path / "huge.xml")]
    tracemalloc.start()
    try:
        items = list(iter_ingest_inputs(inputs, BriefOptions(model="lexical")))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert [type(i).__name__ for i in items] == ["InputProblem", "InputProblem"]
    assert all("larger than the 20 MB input limit" in i.problem for i in items)  # type: ignore[union-attr]
    assert peak < 2_000_000  # was: each file read whole first (a 1 GB file peaked at 2 GB)


def test_a_full_disk_or_a_read_only_store_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from storyweave.monitor import access

    db = tmp_path / "s.db"
    folder = str(STORIES / "quake-tarsin")
    assert main(["ingest", str(STORIES / "summit-orlen"), "--db", str(db), "--model", "lexical",
                 "-q"]) == 0
    capsys.readouterr()
    kept = _count(str(db), "SELECT count(*) FROM articles")
    pages = _count(str(db), "PRAGMA page_count")
    pragmas = access._sqlite_pragmas

    def small_disk(connection: object, record: object) -> None:
        pragmas(connection, record)
        connection.execute(f"PRAGMA max_page_count={pages + 2}")  # type: ignore[attr-defined]

    monkeypatch.setattr(access, "_sqlite_pragmas", small_disk)
    assert main(["ingest", folder, "--db", str(db), "--model", "lexical", "-q"]) == 1
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and "database or disk is full" in error
    monkeypatch.setattr(access, "_sqlite_pragmas", pragmas)
    assert _count(str(db), "SELECT count(*) FROM articles") >= kept  # committed data kept
    read_only = f"sqlite:///file:{db}?mode=ro&uri=true"
    assert main(["ingest", folder, "--db", read_only, "--model", "lexical", "-q"]) == 1
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and "readonly" in error.replace("-", "").replace(" ", "")
    with Store(str(db)) as store:
        assert store.integrity_problems() == []
