"""The page in a real headless browser: Playwright driving the system's Chromium.

``storyweave serve`` runs on loopback in a subprocess with the default model; the test
pastes the example story into the form, submits it, and checks what a reader would see:
the summary, a citation's tooltip, the sources x facts matrix, the highlighted source
sentence, a phone-sized layout without sideways scrolling, and no script from an
article ever running. Screenshots are saved under ``artifacts/browser/`` (or the folder
in ``STORYWEAVE_ARTIFACTS``).

Chromium comes from the system (``scripts/install-test-deps.sh`` installs Debian's
package; ``STORYWEAVE_CHROMIUM`` may point at another binary). Without it, or without
the ``playwright`` package, the tests are skipped with the reason.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "harbour-strike"
HOSTILE = '<script>alert("pwned")</script><img src=x onerror="alert(2)">'
#: Browser flags: no sandbox (containers), no GPU, and nothing that phones home.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SERVER_START_SECONDS = 30.0


def _chromium() -> str | None:
    explicit = os.environ.get("STORYWEAVE_CHROMIUM")
    if explicit:
        return explicit if Path(explicit).is_file() else None
    return shutil.which("chromium") or shutil.which("chromium-browser")


def _artifacts() -> Path:
    folder = Path(os.environ.get("STORYWEAVE_ARTIFACTS", ROOT / "artifacts")) / "browser"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``storyweave serve`` on a free loopback port; yields its base URL."""
    pytest.importorskip("fastapi", reason="the web extra is not installed: pip install -e '.[web]'")
    httpx = pytest.importorskip("httpx", reason="httpx is not installed")
    port = _free_port()
    log = tmp_path_factory.mktemp("server") / "server.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "storyweave", "serve", "--port", str(port), "--no-browser"],
            stdout=out,
            stderr=subprocess.STDOUT,
            cwd=ROOT,
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
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Headless Chromium under Playwright, or a skip saying what is missing."""
    executable = _chromium()
    if executable is None:
        pytest.skip(
            "no Chromium on this machine: run scripts/install-test-deps.sh as root "
            "(apt-get install chromium) or set STORYWEAVE_CHROMIUM"
        )
    sync_api = pytest.importorskip(
        "playwright.sync_api", reason="playwright is not installed: pip install -e '.[test]'"
    )
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=executable, headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield launched
        finally:
            launched.close()


def _watch(page: Any) -> list[str]:
    """Collect script errors, console errors (CSP violations) and dialogs a page raises."""
    seen: list[str] = []
    page.on("pageerror", lambda error: seen.append(f"page error: {error}"))
    page.on("console", lambda m: seen.append(f"console: {m.text}") if m.type == "error" else None)

    def dialog(d: Any) -> None:
        seen.append(f"dialog: {d.message}")
        d.dismiss()

    page.on("dialog", dialog)
    return seen


def _paste(page: Any, texts: list[str]) -> None:
    """Fill one box per text, adding boxes with the page's own button."""
    for i, text in enumerate(texts):
        if page.locator(f"#text-{i}").count() == 0:
            page.click("#add-box")
        page.fill(f"#text-{i}", text)


def test_paste_the_example_story_and_read_the_briefing(server: str, browser: Any) -> None:
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    page = context.new_page()
    problems = _watch(page)
    page.goto(f"{server}/")
    texts = [p.read_text("utf-8") for p in sorted(EXAMPLE.iterdir()) if p.suffix in (".txt", ".html")]
    _paste(page, texts)
    assert page.locator("[data-box]").count() == len(texts)
    page.screenshot(path=str(_artifacts() / "form.png"))
    # The progress line lives until the briefing page replaces the form: keep a copy.
    page.evaluate(
        """() => document.getElementById("brief-form").addEventListener("submit", () =>
            setTimeout(() => sessionStorage.setItem("progress",
                document.getElementById("progress").textContent), 0))"""
    )
    page.click("#brief-button")
    page.wait_for_url("**/briefings/*", timeout=30_000)
    assert page.evaluate("sessionStorage.getItem('progress')").startswith("Briefing 6 inputs")

    summary = page.locator("ul.summary > li")
    assert summary.count() >= 2
    assert "Velmora" in summary.first.inner_text()

    # Hovering a marker shows the cited sentence and outlet; so does keyboard focus.
    marker = summary.first.locator("a.cite").first
    tip = marker.locator(".tip")
    assert not tip.is_visible()
    marker.hover()
    assert tip.is_visible() and "“" in tip.inner_text()
    page.screenshot(path=str(_artifacts() / "briefing-tooltip.png"))
    page.mouse.move(0, 0)
    marker.focus()
    assert tip.is_visible()

    matrix = page.locator("#matrix")
    matrix.scroll_into_view_if_needed()
    assert matrix.is_visible()
    assert matrix.locator("tbody tr").count() >= 5
    assert matrix.locator("a.mx").count() >= 10
    page.screenshot(path=str(_artifacts() / "briefing-matrix.png"))
    page.screenshot(path=str(_artifacts() / "briefing-full.png"), full_page=True)

    # Clicking the marker goes to the sentence in its source, highlighted.
    target = marker.get_attribute("href")
    marker.click()
    sentence = page.locator(f"[id='{target[1:]}']")
    assert sentence.is_visible()
    highlight = sentence.evaluate("el => getComputedStyle(el).backgroundColor")
    assert highlight not in ("rgba(0, 0, 0, 0)", "transparent")
    assert problems == []
    context.close()


def test_phone_layout_errors_next_to_inputs_and_no_script_from_articles(
    server: str, browser: Any
) -> None:
    context = browser.new_context(viewport={"width": 375, "height": 740}, is_mobile=True)
    page = context.new_page()
    problems = _watch(page)
    page.goto(f"{server}/")
    texts = [p.read_text("utf-8") for p in sorted(EXAMPLE.glob("*.txt"))][:3]
    texts = [t + f"\n\nA docker said {HOSTILE} at the gate on Sunday morning." for t in texts]
    _paste(page, texts + [""])
    page.fill("#text-3", "")
    page.locator("[name=title]").nth(3).fill(f"Title {HOSTILE}")
    page.fill("#urls", "http://127.0.0.1:9/private")
    page.click("#brief-button")
    page.wait_for_selector("#h-summary", timeout=30_000)

    assert "empty article" in page.locator("#err-text-3").inner_text()
    assert "loopback" in page.locator("#err-urls").inner_text()
    page.locator("#err-text-3").scroll_into_view_if_needed()
    page.screenshot(path=str(_artifacts() / "phone-errors.png"), full_page=False)
    width = page.evaluate("document.documentElement.scrollWidth")
    wide = page.evaluate(
        """() => Array.from(document.querySelectorAll("body *"))
            .filter(el => el.getBoundingClientRect().right > innerWidth + 1)
            .slice(0, 5).map(el => el.tagName + "." + el.className)"""
    )
    assert width <= 375, f"the page scrolls sideways on a phone ({width}px): {wide}"
    page.locator("#h-summary").scroll_into_view_if_needed()
    page.screenshot(path=str(_artifacts() / "phone-briefing.png"), full_page=False)
    assert not [p for p in problems if p.startswith("dialog")], problems
    assert problems == []
    context.close()
