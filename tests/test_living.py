"""Living stories: two briefings compared, a story's history in the store, ``brief --story
--since`` and ``stories`` with titles and "what's new", and the store-backed web server
(``serve --db``): the stories list, a story's page with what changed, web briefings that
survive a restart, the state a page polls, and source text escaped throughout."""

from __future__ import annotations

import json
import shutil
import sqlite3
import threading
from dataclasses import replace
from pathlib import Path

import anyio
import pytest

pytest.importorskip("sqlalchemy", reason="the monitor extra is not installed")

from storyweave.cli import build_parser, main
from storyweave.ingest import load
from storyweave.model import Article
from storyweave.monitor import living
from storyweave.monitor.store import Store
from storyweave.options import BriefOptions
from storyweave.pipeline import Briefer
from storyweave.stories.changes import compare, first_briefing

from .builders import make_briefing

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "harbour-strike"
#: The first reports of the example story, then two later ones (the radio transcript
#: stays out: the lexical model files it as a story of its own).
FIRST = ("ardanian-ledger.txt", "ardanian-press-agency.txt", "velmora-courier.txt")
LATER = ("harbourline.html", "morning-bulletin.txt")
HOSTILE = '<script>alert(1)</script><img src=x onerror="alert(2)">'
FAST = BriefOptions(model="lexical")


@pytest.fixture(scope="module")
def briefer() -> Briefer:
    return Briefer(FAST)


def _copy(folder: Path, names: tuple[str, ...]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name in names:
        shutil.copy(EXAMPLE / name, folder / name)
    return folder


def _ingest(db: str, folder: Path, briefer: Briefer) -> None:
    with Store(db) as store:
        store.ingest(load([folder]).articles, briefer)


# --- two briefings compared ---------------------------------------------------------------


def test_compare_finds_new_facts_joined_outlets_and_overtaken_claims(briefer: Briefer) -> None:
    first = briefer.brief(load([EXAMPLE / n for n in FIRST]).articles)
    later = briefer.brief(load([EXAMPLE / n for n in FIRST + LATER]).articles)
    changes = compare(first, later, since="briefing 1")
    assert changes.new_articles == 2
    assert set(changes.outlets_joined) == {"Harbourline", "The Morning Bulletin"}
    assert changes.new_facts, "two new reports add facts"
    old_text = " ".join(s.text for source in first.sources for s in source.sentences)
    for fact in changes.new_facts:
        assert fact.text not in old_text  # new means: none of its sentences was there before
        assert fact.citations and fact.source_ids
    assert changes.line().startswith("2 new articles · ")
    assert "joined: " in changes.line()
    # Nothing changes between a briefing and itself.
    assert compare(later, later).empty
    assert first_briefing(first).new_articles == 3 and first_briefing(first).since == ""


def test_compare_finds_new_and_resolved_conflicts() -> None:
    with_conflict = make_briefing()
    without = replace(with_conflict, divergences=with_conflict.divergences[1:])
    appeared = compare(without, with_conflict)
    assert [c.text for c in appeared.new_conflicts] == ["Sources differ on ships offshore"]
    assert appeared.new_conflicts[0].source_ids == ("s2", "s1")
    assert appeared.resolved_conflicts == ()
    settled = compare(with_conflict, without)
    assert [c.text for c in settled.resolved_conflicts] == ["Sources differ on ships offshore"]
    assert "1 conflict resolved" in settled.line()


# --- a story's history in the store -----------------------------------------------------


def test_each_briefing_is_kept_with_what_changed_since_the_one_before(
    tmp_path: Path, briefer: Briefer
) -> None:
    db = str(tmp_path / "s.db")
    _ingest(db, _copy(tmp_path / "a", FIRST), briefer)
    with Store(db) as store:
        first = living.current(store, 1, briefer)
        assert (first.number, first.since) == (1, None)
        assert first.changes.new_articles == 3
        again = living.current(store, 1, briefer)  # nothing new: the same briefing
        assert again.number == 1 and len(living.history(store, 1)) == 1
        (summary,) = living.summaries(store)
        assert summary.title == "Ardania port strike ends after overnight talks yield pay deal"
        assert summary.whats_new.startswith("first briefing: 3 new articles")
    _ingest(db, _copy(tmp_path / "b", LATER), briefer)
    with Store(db) as store:
        (summary,) = living.summaries(store)
        assert summary.whats_new == "2 new articles since briefing 1"
        assert living.is_stale(store, 1, FAST.max_articles)
        second = living.current(store, 1, briefer)
        assert (second.number, second.since) == (2, 1)
        assert second.changes.since.startswith("briefing 1 of ")
        assert second.changes.new_articles == 2 and second.changes.new_facts
        assert not living.is_stale(store, 1, FAST.max_articles)
        past = living.history(store, 1)
        assert [b.number for b in past] == [1, 2]
        assert past[1].changes is not None and past[1].changes["new_articles"] == 2
        (summary,) = living.summaries(store)
        assert summary.whats_new == past[1].changes["line"]
        assert set(summary.outlets) >= {"Harbourline", "Velmora Courier"}
        assert living.current(store, 1, briefer, since=1).changes == second.changes
        with pytest.raises(living.NoSuchBriefing, match="briefings 1 to 2"):
            living.current(store, 1, briefer, since=3)


def test_a_store_of_the_previous_schema_gains_the_history_columns(tmp_path: Path) -> None:
    db = tmp_path / "old.db"
    with Store(str(db)):
        pass
    # As the version before living stories left it.
    with sqlite3.connect(db) as connection:
        connection.execute("DROP TABLE web_briefings")
        connection.execute("ALTER TABLE briefings DROP COLUMN changes")
        connection.execute("DELETE FROM schema_migrations WHERE version = 4")
    with Store(str(db), create=False) as store:
        living.save_document(store, "a" * 20, {"briefing": {}})
        assert living.load_document(store, "a" * 20) == {"briefing": {}}
    with sqlite3.connect(db) as connection:
        columns = {row[1] for row in connection.execute("PRAGMA table_info(briefings)")}
        assert "changes" in columns


def test_web_briefings_kept_in_a_store_are_bounded(tmp_path: Path) -> None:
    with Store(str(tmp_path / "s.db")) as store:
        for n in range(5):
            living.save_document(store, f"{n:020d}", {"n": n}, keep=3)
        living.save_document(store, f"{4:020d}", {"n": "again"}, keep=3)  # once per id
        kept = [living.load_document(store, f"{n:020d}") for n in range(5)]
    assert kept.count(None) == 2 and kept[4] == {"n": 4}


# --- the command line ---------------------------------------------------------------------


def test_brief_story_since_and_stories_with_titles(
    tmp_path: Path, briefer: Briefer, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(tmp_path / "s.db")
    common = ["--db", db, "--model", "lexical"]
    assert main(["ingest", str(_copy(tmp_path / "a", FIRST)), *common, "-q", "--brief"]) == 0
    assert main(["ingest", str(_copy(tmp_path / "b", LATER)), *common, "-q"]) == 0
    capsys.readouterr()
    assert main(["stories", "--db", db]) == 0
    listed = capsys.readouterr().out
    assert "Ardania port strike ends after overnight talks yield pay deal" in listed
    assert "(untitled)" not in listed
    assert "what's new: 2 new articles since briefing 1" in listed
    assert main(["stories", "--db", db, "--json"]) == 0
    (story,) = json.loads(capsys.readouterr().out)
    assert story["title"].startswith("Ardania port strike ends")
    assert "Harbourline" in story["outlets"] and story["whats_new"]

    out = tmp_path / "since.json"
    assert main(["brief", "--story", "1", "--since", "previous", *common, "-f", "json",
                 "-o", str(out)]) == 0
    document = json.loads(out.read_text("utf-8"))
    assert (document["story"], document["number"], document["since"]) == (1, 2, 1)
    assert document["changes"]["new_articles"] == 2
    assert set(document["changes"]["outlets_joined"]) == {"Harbourline", "The Morning Bulletin"}
    assert document["briefing"]["schema_version"]
    md = tmp_path / "since.md"
    assert main(["brief", "--story", "1", "--since", "1", *common, "-o", str(md)]) == 0
    text = md.read_text("utf-8")
    assert "## What changed" in text and "since briefing 1 of" in text
    assert text.index("## What changed") < text.index("## Summary")
    html = tmp_path / "since.html"
    assert main(["brief", "--story", "1", "--since", "1", *common, "-f", "html",
                 "-o", str(html)]) == 0
    assert 'id="h-changes"' in html.read_text("utf-8")
    plain = tmp_path / "plain.md"
    assert main(["brief", "--story", "1", *common, "-o", str(plain)]) == 0
    assert "## What changed" not in plain.read_text("utf-8")
    capsys.readouterr()
    assert main(["brief", "--story", "1", "--since", "zero", *common]) == 1
    assert "--since takes a briefing number" in capsys.readouterr().err
    assert main(["brief", "--story", "1", "--since", "9", *common]) == 1
    assert "briefings 1 to 2" in capsys.readouterr().err
    with pytest.raises(SystemExit) as usage:
        main(["brief", "x.txt", "--since", "1"])
    assert usage.value.code == 2


def test_commands_on_a_store_use_its_model_unless_told(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A store made with one model is added to and briefed with it without --model each
    time (it used to refuse every later ingest made without the flag)."""
    monkeypatch.delenv("STORYWEAVE_MODEL", raising=False)
    db = str(tmp_path / "s.db")
    assert main(["ingest", str(_copy(tmp_path / "a", FIRST)), "--db", db, "--model", "lexical",
                 "-q"]) == 0
    with Store(db) as store:
        assert store.model() == "lexical"
    assert main(["ingest", str(_copy(tmp_path / "b", LATER)), "--db", db, "-q"]) == 0
    out = tmp_path / "story.json"
    assert main(["brief", "--story", "1", "--db", db, "-f", "json", "-o", str(out), "-q"]) == 0
    assert json.loads(out.read_text("utf-8"))["settings"]["model"] == "lexical"
    # Told another model, the store still refuses to mix vectors.
    capsys.readouterr()
    assert main(["ingest", str(_copy(tmp_path / "c", LATER)), "--db", db, "--model", "static",
                 "-q"]) == 1
    assert "--model lexical" in capsys.readouterr().err
    assert Store(str(tmp_path / "new.db")).model() is None


def test_serve_takes_its_store_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("STORYWEAVE_DB", str(tmp_path / "env.db"))
    assert build_parser().parse_args(["serve"]).db == str(tmp_path / "env.db")
    assert build_parser().parse_args(["serve", "--db", "x.db"]).db == "x.db"
    pytest.importorskip("uvicorn")
    # A mistyped store is refused before anything listens, and is not created.
    assert main(["serve", "--db", str(tmp_path / "typo.db"), "--no-browser"]) == 1
    assert "typo.db" in capsys.readouterr().err
    assert not (tmp_path / "typo.db").exists()


# --- the web server over a store ----------------------------------------------------------

fastapi = pytest.importorskip("fastapi", reason="the web extra is not installed")
httpx = pytest.importorskip("httpx", reason="httpx is not installed")

from storyweave.web.app import create_app


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


def client(app: object) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver")


def _hostile_article(text: str) -> Article:
    return Article(text=text, origin="hostile.txt", title=f"Port strike ends in Velmora {HOSTILE}",
                   outlet=f"Hostile Herald {HOSTILE}")


@pytest.mark.anyio
async def test_stories_list_and_story_page_over_the_store(tmp_path: Path, briefer: Briefer) -> None:
    db = str(tmp_path / "s.db")
    _ingest(db, _copy(tmp_path / "a", FIRST), briefer)
    with Store(db) as store:
        app = create_app(FAST, briefer=briefer, store=store)
        async with client(app) as http:
            listing = await http.get("/stories")
            before = (await http.get("/api/stories/1/state")).json()["version"]
            first = await http.get("/api/stories/1")
            page = await http.get("/stories/1")
            # Two more reports arrive while the page is open.
            store.ingest(load([_copy(tmp_path / "b", LATER)]).articles, briefer)
            after = (await http.get("/api/stories/1/state")).json()["version"]
            api_list = (await http.get("/api/stories")).json()["stories"]
            second = await http.get("/api/stories/1")
            updated = await http.get("/stories/1")
            since_first = await http.get("/api/stories/1?since=1")
            no_briefing = await http.get("/stories/1?since=9")
            no_story = await http.get("/stories/99")
            no_story_api = await http.get("/api/stories/99/state")
    assert listing.status_code == 200
    assert "Ardania port strike ends after overnight talks yield pay deal" in listing.text
    assert "What's new:</b> new story: 3 articles, not briefed yet" in listing.text
    assert 'data-live="/api/stories/state"' in listing.text and "/static/live.js" in listing.text
    assert first.json()["number"] == 1 and first.json()["since"] is None
    assert page.status_code == 200 and 'id="h-changes"' in page.text
    assert 'data-live="/api/stories/1/state"' in page.text
    assert before != after  # what an open page polls changes when articles arrive
    assert api_list[0]["whats_new"] == "2 new articles since briefing 1"
    assert api_list[0]["articles"] == 5 and "Harbourline" in api_list[0]["outlets"]
    body = second.json()
    assert (body["number"], body["since"]) == (2, 1)
    assert body["title"] == "Ardania port strike ends after overnight talks yield pay deal"
    assert body["changes"]["new_articles"] == 2 and body["changes"]["new_facts"]
    assert "Harbourline" in body["changes"]["outlets_joined"]
    assert "briefing 2 of 2" in updated.text and "New facts" in updated.text
    assert 'href="#h-changes">What changed</a> since briefing 1 of' in updated.text
    assert since_first.json()["changes"] == body["changes"]
    assert no_briefing.status_code == 404 and "briefings 1 to 2" in no_briefing.text
    assert no_story.status_code == 404 and no_story_api.status_code == 404


@pytest.mark.anyio
async def test_source_text_from_the_store_is_escaped(tmp_path: Path, briefer: Briefer) -> None:
    db = str(tmp_path / "s.db")
    text = (EXAMPLE / "velmora-courier.txt").read_text("utf-8") + f"\n\nA docker said {HOSTILE}."
    with Store(db) as store:
        store.ingest([_hostile_article(text)], briefer)
        async with client(create_app(FAST, briefer=briefer, store=store)) as http:
            pages = [await http.get("/stories"), await http.get("/stories/1")]
    for page in pages:
        assert page.status_code == 200
        assert "<script>alert" not in page.text and "<img src=x" not in page.text
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text
        assert "Hostile Herald" in page.text


@pytest.mark.anyio
async def test_web_briefings_survive_a_restart_with_a_store(tmp_path: Path, briefer: Briefer) -> None:
    db = str(tmp_path / "s.db")
    _ingest(db, _copy(tmp_path / "a", FIRST), briefer)  # any store will do
    articles = [{"text": (EXAMPLE / n).read_text("utf-8")} for n in FIRST]
    with Store(db) as store:
        async with client(create_app(FAST, briefer=briefer, store=store)) as http:
            made = await http.post("/api/briefings", json={"articles": articles})
    assert made.status_code == 201
    briefing_id = made.json()["id"]
    with Store(db) as store:  # a new server process: nothing in memory
        async with client(create_app(FAST, briefer=briefer, store=store)) as http:
            page = await http.get(f"/briefings/{briefing_id}")
            api = await http.get(f"/api/briefings/{briefing_id}")
            missing = await http.get("/briefings/0123456789abcdef0123")
    assert page.status_code == 200 and "Ardania" in page.text
    assert api.json()["briefing"] == made.json()["briefing"]
    assert missing.status_code == 404
    # Without a store the links live in memory only, and /stories says how to get one.
    async with client(create_app(FAST, briefer=briefer)) as http:
        gone = await http.get(f"/briefings/{briefing_id}")
        notice = await http.get("/stories")
    assert gone.status_code == 404
    assert notice.status_code == 200 and "storyweave serve --db" in notice.text


@pytest.mark.anyio
async def test_a_stale_story_is_briefed_within_the_servers_slots(
    tmp_path: Path, briefer: Briefer, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = str(tmp_path / "s.db")
    _ingest(db, _copy(tmp_path / "a", FIRST), briefer)
    entered, gate = threading.Event(), threading.Event()
    original = Briefer.brief

    def slow(self: Briefer, *args: object, **kwargs: object) -> object:
        entered.set()
        gate.wait(30)
        return original(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Briefer, "brief", slow)
    results: dict[str, httpx.Response] = {}
    with Store(db) as store:
        app = create_app(FAST, briefer=briefer, store=store, briefing_slots=1, max_waiting=0)
        async with client(app) as http:

            async def rebuild() -> None:
                results["rebuilt"] = await http.get("/api/stories/1")

            async with anyio.create_task_group() as group:
                group.start_soon(rebuild)
                assert await anyio.to_thread.run_sync(entered.wait, 20)
                results["busy"] = await http.get("/stories/1")  # stale too: needs a slot
                results["list"] = await http.get("/stories")  # reads only: no slot
                gate.set()
    assert results["busy"].status_code == 503 and "Retry-After" in results["busy"].headers
    assert results["list"].status_code == 200
    assert results["rebuilt"].status_code == 200 and results["rebuilt"].json()["number"] == 1
