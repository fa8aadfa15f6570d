"""``/docs``: the HTTP API's documentation, served from this machine (it works offline).

FastAPI's own ``/docs`` loads Swagger UI from a CDN, so it is blank without a network and
breaks under the pages' Content-Security-Policy. Here Swagger UI's files come from the
``swagger-ui-bundle-v2`` package (Swagger UI 5, which reads the OpenAPI 3.1 that FastAPI
writes; Apache-2.0; a dependency of the ``web`` extra; imported as ``swagger_ui_bundle``), mounted
under ``/docs/assets``, and started by ``static/docs.js`` (no inline script). Without that
package ``/docs`` is a plain page made from the same OpenAPI description: each route with
its summary, description, parameters and answers.
"""

from __future__ import annotations

from html import escape
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

#: The Swagger UI files a page needs, out of the package's folder.
SWAGGER_FILES = ("swagger-ui.css", "swagger-ui-bundle.js")


def swagger_ui_folder() -> Path | None:
    """The folder of Swagger UI's files (package ``swagger-ui-bundle-v2``), or ``None``."""
    try:
        from swagger_ui_bundle import swagger_ui_path
    except ImportError:
        return None
    folder = Path(str(swagger_ui_path))
    return folder if all((folder / name).is_file() for name in SWAGGER_FILES) else None


def add_docs(app: FastAPI, headers: dict[str, str]) -> None:
    """Serve ``/docs`` on ``app`` (create the app with ``docs_url=None, redoc_url=None``);
    ``headers`` are the pages' security headers."""
    folder = swagger_ui_folder()
    if folder is not None:
        app.mount("/docs/assets", StaticFiles(directory=str(folder)), name="docs-assets")

    @app.get("/docs", response_class=HTMLResponse, include_in_schema=False)
    async def docs() -> HTMLResponse:
        if folder is not None:
            return HTMLResponse(swagger_page(app.title), headers=headers)
        return HTMLResponse(plain_page(app.openapi()), headers=headers)


def swagger_page(title: str) -> str:
    """The page that starts Swagger UI on ``/openapi.json``, all files from this server."""
    return (
        "<!doctype html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)} API · storyweave</title>"
        '<link rel="icon" href="data:,">'
        '<link rel="stylesheet" href="/docs/assets/swagger-ui.css">'
        '<link rel="stylesheet" href="/static/web.css">'
        '<script src="/docs/assets/swagger-ui-bundle.js" defer></script>'
        '<script src="/static/docs.js" defer></script>'
        "</head><body>"
        '<header class="site"><a class="home" href="/">storyweave</a>'
        '<span class="tagline">HTTP API · <a href="/openapi.json">openapi.json</a></span>'
        '<a class="new" href="/">New briefing</a><a class="stories-link" href="/stories">Stories</a></header>'
        '<div id="swagger-ui"><p class="docs-loading">Loading the API description…</p></div>'
        "</body></html>\n"
    )


def plain_page(spec: dict[str, Any]) -> str:
    """The API from its OpenAPI description as a plain page (no script, no other file)."""
    info = spec.get("info", {})
    parts = [
        f"<h1>{escape(str(info.get('title', 'API')))} {escape(str(info.get('version', '')))}</h1>",
        f"<p>{escape(str(info.get('summary') or info.get('description') or ''))}</p>",
        '<p>The whole description: <a href="/openapi.json">/openapi.json</a>.</p>',
    ]
    for path, operations in spec.get("paths", {}).items():
        for method, operation in operations.items():
            parts.append(_operation(method, path, operation))
    body = "".join(parts)
    return (
        "<!doctype html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        "<title>API · storyweave</title>"
        '<link rel="icon" href="data:,"><link rel="stylesheet" href="/static/web.css">'
        "</head><body>"
        '<header class="site"><a class="home" href="/">storyweave</a>'
        '<span class="tagline">HTTP API</span><a class="new" href="/">New briefing</a><a class="stories-link" href="/stories">Stories</a></header>'
        f'<main class="api-docs">{body}</main></body></html>\n'
    )


def _operation(method: str, path: str, operation: dict[str, Any]) -> str:
    params = "".join(
        f"<li><code>{escape(str(p.get('name')))}</code> ({escape(str(p.get('in')))})"
        f"{' required' if p.get('required') else ''}</li>"
        for p in operation.get("parameters", [])
    )
    body = operation.get("requestBody", {}).get("content", {})
    request = "".join(
        f"<li>{escape(kind)}: <code>{escape(_schema_name(media.get('schema', {})))}</code></li>"
        for kind, media in body.items()
    )
    answers = "".join(
        f"<li><b>{escape(str(code))}</b> {escape(str(answer.get('description', '')))}</li>"
        for code, answer in operation.get("responses", {}).items()
    )
    return (
        f'<section class="api-op"><h2><code>{escape(method.upper())} {escape(path)}</code></h2>'
        f"<p>{escape(str(operation.get('summary', '')))}</p>"
        f"<p>{escape(str(operation.get('description', '')))}</p>"
        + (f"<p>Parameters:</p><ul>{params}</ul>" if params else "")
        + (f"<p>Request body:</p><ul>{request}</ul>" if request else "")
        + (f"<p>Answers:</p><ul>{answers}</ul>" if answers else "")
        + "</section>"
    )


def _schema_name(schema: dict[str, Any]) -> str:
    ref = schema.get("$ref")
    return str(ref).rsplit("/", 1)[-1] if ref else str(schema.get("type", "object"))
