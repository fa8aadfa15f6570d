"""Living stories in a real headless browser: ``storyweave serve --db`` over a store of
the example story's first reports; the stories list, a story's page, two more reports
ingested while the page is open (they appear without a reload, with what changed), a
phone-sized layout, and ``/docs`` with every other host blocked (offline).

Uses the Chromium and Playwright set-up of :mod:`tests.test_browser` (skipped without
them). Screenshots go to ``artifacts/browser/`` like the others.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from .test_browser import (
    EXAMPLE,
    ROOT,
    SERVER_START_SECONDS,
    _artifacts,
    _free_port,
    _watch,
    browser,  # noqa: F401 - the fixture
)

FIRST = ("ardanian-ledger.txt", "ardanian-press-agency.txt", "velmora-courier.txt")
LATER = ("harbourline.html", "morning-bulletin.txt")
#: The page polls every 5 s; an update must show within a few polls on a loaded machine.
UPDATE_SECONDS = 40


def _storyweave(*args: str) -> list[str]:
    return [sys.executable, "-m", "storyweave", *args]


def _copy(folder: Path, names: tuple[str, ...]) -> Path:
    folder.mkdir(parents=True)
    for name in names:
        shutil.copy(EXAMPLE / name, folder / name)
    return folder


@pytest.fixture(scope="module")
def living(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str, Path]]:
    """A store with the first reports, served with ``--db``; yields (base URL, db, tmp)."""
    pytest.importorskip("fastapi", reason="the web extra is not installed")
    pytest.importorskip("sqlalchemy", reason="the monitor extra is not installed")
    httpx = pytest.importorskip("httpx", reason="httpx is not installed")
    tmp = tmp_path_factory.mktemp("living")
    db = str(tmp / "news.db")
    first = _copy(tmp / "first", FIRST)
    subprocess.run(_storyweave("ingest", str(first), "--db", db, "--model", "lexical", "-q",
                               "--brief"), check=True, cwd=ROOT, timeout=120)
    port = _free_port()
    log = tmp / "server.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            _storyweave("serve", "--db", db, "--model", "lexical", "--port", str(port),
                        "--no-browser"),
            stdout=out, stderr=subprocess.STDOUT, cwd=ROOT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + SERVER_START_SECONDS
        while True:
            try:
                if httpx.get(f"{base}/api/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"the server did not start:\n{log.read_text(errors='replace')}")
            time.sleep(0.2)
        yield base, db, tmp
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def test_story_list_page_and_what_changed_after_a_second_ingest(
    living: tuple[str, str, Path], browser: Any  # noqa: F811 - the fixture
) -> None:
    base, db, tmp = living
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    page = context.new_page()
    problems = _watch(page)
    page.goto(f"{base}/stories")
    item = page.locator(".story-item").first
    assert "Ardania port strike ends after overnight talks" in item.locator(".story-title").inner_text()
    assert "3 articles" in item.inner_text() and "What's new:" in item.inner_text()
    page.screenshot(path=str(_artifacts() / "stories-list.png"))

    item.locator(".story-title").click()
    page.wait_for_url("**/stories/1")
    assert page.locator("#h-changes").is_visible()
    assert "first briefing of this story" in page.locator(".changes-line").inner_text()
    assert page.locator(".top-card").is_visible()
    page.screenshot(path=str(_artifacts() / "story-first.png"))

    later = _copy(tmp / "later", LATER)
    subprocess.run(_storyweave("ingest", str(later), "--db", db, "--model", "lexical", "-q"),
                   check=True, cwd=ROOT, timeout=120)
    # No reload: the page notices the new articles and shows the new briefing.
    page.wait_for_selector("#live-status:has-text('new articles arrived')",
                           timeout=UPDATE_SECONDS * 1000)
    changes = page.locator("section.changes")
    assert "since briefing 1 of" in changes.inner_text()
    assert "New facts" in changes.inner_text() and "Harbourline" in changes.inner_text()
    assert "briefing 2 of 2" in page.locator(".permalink").inner_text()
    pointer = page.locator(".changes-pointer")
    assert pointer.is_visible() and "2 new articles" in pointer.inner_text()  # first screen
    page.screenshot(path=str(_artifacts() / "story-what-changed.png"))
    page.screenshot(path=str(_artifacts() / "story-what-changed-full.png"), full_page=True)
    assert problems == []
    context.close()


def test_story_pages_on_a_phone_and_docs_offline(
    living: tuple[str, str, Path], browser: Any  # noqa: F811 - the fixture
) -> None:
    base, _, _ = living
    context = browser.new_context(viewport={"width": 375, "height": 740}, is_mobile=True)
    # Offline: every request to another host fails.
    context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(base)
                  else route.abort())
    page = context.new_page()
    problems = _watch(page)
    for path, name in (("/stories", "phone-stories.png"), ("/stories/1", "phone-story.png")):
        page.goto(f"{base}{path}")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 375, f"{path} scrolls sideways on a phone ({width}px)"
        page.screenshot(path=str(_artifacts() / name))
    page.goto(f"{base}/docs")
    page.wait_for_selector(".swagger-ui .opblock", timeout=20_000)
    assert "/api/stories" in page.locator(".swagger-ui").inner_text()
    page.screenshot(path=str(_artifacts() / "docs-offline.png"))
    assert problems == []
    context.close()
