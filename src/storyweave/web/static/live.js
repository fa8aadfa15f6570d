// Living stories: a page marked data-live asks the server every few seconds whether its
// story (or the list of stories) changed, and when it did, fetches the page again and
// swaps in the new content, without a reload. Without this script the page is complete,
// just as fresh as when it was loaded.
"use strict";

(function () {
  const live = document.getElementById("live");
  if (!live || !live.dataset.live || !window.fetch || !window.DOMParser) {
    return;
  }
  const status = document.getElementById("live-status");
  const every = parseInt(live.dataset.poll, 10) || 5000;
  let version = live.dataset.version || "";
  let busy = false;

  async function refresh() {
    const page = await fetch(window.location.href, { cache: "no-store" });
    if (!page.ok) {
      return false;
    }
    const fresh = new DOMParser()
      .parseFromString(await page.text(), "text/html")
      .getElementById("live");
    if (!fresh) {
      return false;
    }
    live.replaceChildren(
      ...Array.from(fresh.childNodes).map(function (node) {
        return document.importNode(node, true);
      })
    );
    live.dataset.version = fresh.dataset.version || "";
    return true;
  }

  async function check() {
    if (busy || document.hidden) {
      return;
    }
    busy = true;
    try {
      const answer = await fetch(live.dataset.live, { cache: "no-store" });
      if (!answer.ok) {
        return;
      }
      const state = await answer.json();
      if (state.version === version) {
        return;
      }
      // A busy server (503) or a dropped connection: keep the old version, so the next
      // tick tries again.
      if (await refresh()) {
        version = live.dataset.version || state.version;
        if (status) {
          status.textContent =
            "Updated at " + new Date().toLocaleTimeString() + ": new articles arrived.";
        }
        live.classList.add("updated");
      }
    } catch (error) {
      // A server restarting or a dropped connection: try again at the next tick.
    } finally {
      busy = false;
    }
  }

  window.setInterval(check, every);
})();
