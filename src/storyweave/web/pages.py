"""The HTML pages of the web server: the form, a stored briefing, and error pages.

Everything a user or a source supplied goes through :func:`html.escape`. The briefing
itself is the HTML renderer's own body (:func:`storyweave.render.html.render_html_body`),
so the page shows exactly what ``storyweave brief --format html`` shows, plus the
sources x facts matrix. The one script (``static/app.js``) only adds conveniences: the
form works as a plain POST without it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from html import escape
from typing import Any

from ..model import Briefing
from ..options import DEFAULT_WORDS, MAX_WORDS, MIN_WORDS
from ..render.html import html_css, render_html_body
from .intake import InputFailure

#: Empty article boxes on a fresh form: most stories are briefed from a handful of reports.
INITIAL_BOXES = 2


def q(text: str | None) -> str:
    """Escape for HTML text and attribute values, keeping line breaks (for form values)."""
    return escape(text or "", quote=True)


@dataclass
class Box:
    """One article box of the form, as the user left it."""

    text: str = ""
    title: str = ""
    outlet: str = ""


@dataclass
class FormState:
    """The form's values and the problems to show next to its inputs.

    ``errors`` use the API's input keys (``articles[1]``, ``urls[0]``, ``files[2]``, or
    ``words``); ``labels`` names URL and file inputs for their messages.
    """

    boxes: list[Box] = field(default_factory=lambda: [Box() for _ in range(INITIAL_BOXES)])
    urls: str = ""
    words: str = str(DEFAULT_WORDS)
    errors: list[InputFailure] = field(default_factory=list)
    labels: dict[str, str] = field(default_factory=dict)


def layout(title: str, body: str, *, css: str = "", live: bool = False) -> str:
    """A whole page around ``body``: site header, stylesheet, the page script (and with
    ``live``, the script that keeps a living story's page up to date)."""
    style = f"<style>{css}</style>" if css else ""
    script = '<script src="/static/live.js" defer></script>' if live else ""
    return (
        "<!doctype html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{q(title)} · storyweave</title>{style}"
        '<link rel="icon" href="data:,"><link rel="stylesheet" href="/static/web.css">'
        '<script src="/static/app.js" defer></script>'
        f"{script}</head><body>"
        '<header class="site"><a class="home" href="/">storyweave</a>'
        '<span class="tagline">one story, every outlet, one sourced briefing</span>'
        '<a class="new" href="/">New briefing</a><a class="stories-link" href="/stories">Stories</a>'
        "</header>"
        f"<main>{body}</main></body></html>\n"
    )


def form_page(
    state: FormState,
    *,
    briefing: Briefing | None = None,
    briefing_id: str | None = None,
    notice: str | None = None,
    stories: Sequence[Mapping[str, Any]] = (),
) -> str:
    """The input form, with per-input problems; below it the briefing when there is one."""
    body = [
        '<h1 id="h-form">Brief a story</h1>',
        (
            '<p class="lede">Paste several reports of one news event, upload article files or '
            "list web addresses, then press <b>Brief</b>. The briefing shows what the sources "
            "agree on, where they differ and who said what, each line citing its sources.</p>"
        ),
    ]
    if notice:
        body.append(f'<p class="notice" role="alert">{q(notice)}</p>')
    body.append(_form(state))
    css = ""
    if briefing is not None:
        css = html_css(matrix=True)
        body.append('<div class="result" id="result">')
        if briefing_id:
            body.append(_permalink(briefing_id))
        body.append(_story_links(stories))
        body.append(render_html_body(briefing, matrix=True))
        body.append("</div>")
    return layout("Brief a story", "".join(body), css=css)


def briefing_page(
    briefing: Briefing, briefing_id: str, stories: Sequence[Mapping[str, Any]] = ()
) -> str:
    """A stored briefing on its own page; ``stories`` link to each story's own briefing when
    the inputs mix several."""
    body = _permalink(briefing_id) + _story_links(stories) + render_html_body(briefing, matrix=True)
    title = briefing.sources[0].title if briefing.sources and briefing.sources[0].title else ""
    return layout(title or "Briefing", f'<div class="result">{body}</div>', css=html_css(matrix=True))


def no_store_page() -> str:
    """``/stories`` of a server started without a store."""
    return layout(
        "Stories",
        "<h1>Stories</h1>"
        '<p class="notice">This server has no store of stories. Start it with one: '
        "<code>storyweave ingest ARTICLES --db news.db</code>, then "
        "<code>storyweave serve --db news.db</code>.</p>",
    )


def error_page(status: int, message: str) -> str:
    """A short page for a request that could not be served."""
    body = (
        f"<h1>{status}: {q(_TITLES.get(status, 'Error'))}</h1>"
        f'<p class="notice" role="alert">{q(message)}</p>'
        '<p><a href="/">Start a new briefing</a></p>'
    )
    return layout(_TITLES.get(status, "Error"), body)


_TITLES = {
    404: "Not found",
    413: "Request too large",
    422: "Cannot brief this",
    503: "Model unavailable",
}


def _permalink(briefing_id: str) -> str:
    href = f"/briefings/{q(briefing_id)}"
    return (
        f'<p class="permalink">Link to this briefing: <a href="{href}">{href}</a> '
        f'· <a href="/api/briefings/{q(briefing_id)}">JSON</a></p>'
    )


def _story_links(stories: Sequence[Mapping[str, Any]]) -> str:
    """Buttons to the briefing of each story, for inputs that mix several."""
    if not stories:
        return ""
    links = "".join(
        f'<li><a class="button" href="/briefings/{q(str(story["id"]))}">Story {k}: '
        f'{q(str(story.get("title") or "untitled")[:200])}</a></li>'
        for k, story in enumerate(stories, start=1)
    )
    return (
        '<nav class="stories" aria-label="Each story on its own">'
        f"<p>These inputs tell more than one story. Brief each on its own:</p><ul>{links}</ul></nav>"
    )


def _errors_for(state: FormState, key: str) -> list[str]:
    return [f.problem for f in state.errors if f.input == key]


def _error_list(messages: list[str], element_id: str) -> str:
    if not messages:
        return ""
    items = "".join(f"<li>{q(m)}</li>" for m in messages)
    return f'<ul class="error" id="{element_id}">{items}</ul>'


def _form(state: FormState) -> str:
    parts = [
        (
            '<form id="brief-form" method="post" action="/briefings" '
            'enctype="multipart/form-data" aria-labelledby="h-form">'
        ),
        # Enter in a text field submits with the first submit button: make it "Brief".
        (
            '<button type="submit" name="action" value="brief" class="visually-hidden" '
            'tabindex="-1" aria-hidden="true">Brief</button>'
        ),
    ]
    failed = len(state.errors)
    if failed:
        parts.append(
            f'<p class="notice" role="alert">{failed} input{"s" if failed > 1 else ""} could '
            "not be briefed; the reason is shown next to each.</p>"
        )
    parts.append('<fieldset id="articles"><legend>Articles</legend>')
    for i, box in enumerate(state.boxes):
        parts.append(_box(state, i, box, removable=len(state.boxes) > 1))
    parts.append(
        '<button type="submit" name="action" value="add" class="secondary" id="add-box" '
        'formnovalidate>+ Add another article</button></fieldset>'
    )
    parts.append(_files(state))
    parts.append(_urls(state))
    words_errors = _errors_for(state, "words")
    parts.append(
        '<fieldset><legend>Summary</legend><label for="words">Length in words</label> '
        f'<input type="number" id="words" name="words" min="{MIN_WORDS}" max="{MAX_WORDS}" '
        f'value="{q(state.words)}" inputmode="numeric"'
        + (' aria-describedby="err-words" aria-invalid="true"' if words_errors else "")
        + ">"
        + _error_list(words_errors, "err-words")
        + "</fieldset>"
    )
    parts.append(
        '<div class="actions"><button type="submit" name="action" value="brief" '
        'class="primary" id="brief-button">Brief</button>'
        '<p id="progress" class="progress" role="status" aria-live="polite"></p></div>'
    )
    parts.append("</form>")
    return "".join(parts)


def _box(state: FormState, i: int, box: Box, *, removable: bool) -> str:
    key = f"articles[{i}]"
    errors = _errors_for(state, key)
    described = f' aria-describedby="err-text-{i}" aria-invalid="true"' if errors else ""
    remove = (
        f'<button type="submit" name="action" value="remove:{i}" class="remove secondary" '
        f'formnovalidate aria-label="Remove article {i + 1}">Remove</button>'
        if removable
        else ""
    )
    return (
        f'<div class="box{" has-error" if errors else ""}" data-box>'
        f'<div class="box-head"><label for="text-{i}" class="box-label">Article {i + 1}</label>'
        f"{remove}</div>"
        f'<textarea id="text-{i}" name="text" rows="7" spellcheck="false"'
        f' placeholder="Paste the article text or HTML here"{described}>{q(box.text)}</textarea>'
        + _error_list(errors, f"err-text-{i}")
        + '<div class="box-meta">'
        f'<label>Title <span class="optional">(optional)</span>'
        f'<input type="text" name="title" value="{q(box.title)}"></label>'
        f'<label>Outlet <span class="optional">(optional)</span>'
        f'<input type="text" name="outlet" value="{q(box.outlet)}"></label>'
        "</div></div>"
    )


def _keyed_messages(state: FormState, prefix: str, what: str) -> list[str]:
    messages = []
    for failure in state.errors:
        if failure.input.startswith(prefix):
            name = state.labels.get(failure.input, failure.input)
            messages.append(f"{what} {name}: {failure.problem}")
    return messages


def _files(state: FormState) -> str:
    messages = _keyed_messages(state, "files[", "file")
    described = ' aria-describedby="err-files"' if messages else ""
    return (
        '<fieldset><legend>Files</legend>'
        '<label for="files">Article files (.txt, .md, .html; several at once)</label> '
        '<input type="file" id="files" name="files" multiple '
        f'accept=".txt,.md,.markdown,.html,.htm,.gz,text/plain,text/html"{described}>'
        + _error_list(messages, "err-files")
        + "</fieldset>"
    )


def _urls(state: FormState) -> str:
    messages = _keyed_messages(state, "urls[", "URL")
    described = ' aria-describedby="err-urls" aria-invalid="true"' if messages else ""
    return (
        '<fieldset><legend>Web addresses</legend>'
        '<label for="urls">Article URLs, one per line (http or https)</label>'
        f'<textarea id="urls" name="urls" rows="3" spellcheck="false" inputmode="url"'
        f' placeholder="https://news.example.org/story"{described}>{q(state.urls)}</textarea>'
        + _error_list(messages, "err-urls")
        + "</fieldset>"
    )
