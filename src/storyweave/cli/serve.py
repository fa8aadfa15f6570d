"""``storyweave serve``: the web page and HTTP API on this machine (see :mod:`storyweave.web`)."""

from __future__ import annotations

import argparse
import ipaddress
import sys
import threading
import time
import webbrowser
from typing import Any

from ..options import DEFAULT_MAX_INPUT_BYTES, DEFAULT_MODEL
from .flags import (
    EXIT_FAILURE,
    EXIT_OK,
    add_max_articles,
    add_model,
    add_outlets,
    add_urls,
    add_verbosity,
    env_default,
    log_level,
    options_from_flags,
)

#: How long to wait for the server to listen before opening the browser anyway.
BROWSER_WAIT_SECONDS = 30.0

SERVE_EXAMPLES = """\
examples:
  storyweave serve                         # http://127.0.0.1:8000/ opens in your browser
  storyweave serve --port 9000 --no-browser
  storyweave serve --host 0.0.0.0          # reachable from other machines: take care
  storyweave serve --db news.db            # living stories of a store at /stories
API:
  curl -s localhost:8000/api/briefings -H 'content-type: application/json' \\
       -d '{"articles": [{"text": "..."}, {"text": "..."}], "urls": []}'
  the OpenAPI description is at /openapi.json, browsable at /docs
"""


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Register ``serve`` on the CLI's sub-command parsers."""
    serve = subparsers.add_parser(
        "serve",
        help="serve the web page and the HTTP API",
        description="Serve the storyweave page (paste, upload or list URLs; read the "
        "briefing) and its JSON API.",
        epilog=SERVE_EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default: %(default)s)")
    serve.add_argument("--port", type=int, default=8000, help="port (default: %(default)d)")
    add_urls(serve)
    serve.add_argument(
        "--max-request-mb",
        dest="max_input_mb",  # a request is the server's one input: the same limit as brief's
        type=float,
        default=DEFAULT_MAX_INPUT_BYTES / 2**20,
        help="refuse request bodies larger than this (default: %(default)g MB)",
    )
    add_max_articles(serve)
    serve.add_argument(
        "--allowed-host",
        action="append",
        metavar="NAME",
        help="a host name the page may be reached by (the Host header), repeatable; "
        "default: localhost, 127.0.0.1 and ::1 when listening on loopback, any otherwise",
    )
    add_model(serve, f"embedding backend, as for `brief` (default: {DEFAULT_MODEL})")
    add_outlets(serve)
    serve.add_argument(
        "--db",
        default=env_default("STORYWEAVE_DB"),
        help="a store of stories (SQLite file or database URL): serve its living stories at "
        "/stories, and keep the page's briefings in it so their links survive a restart "
        "[env: STORYWEAVE_DB]",
    )
    serve.add_argument(
        "--no-browser", action="store_true", help="do not open the page in a browser"
    )
    add_verbosity(serve, quiet="errors only (no request log)")
    serve.set_defaults(handler=run)
    return serve


def run(args: argparse.Namespace) -> int:
    """Serve until interrupted; returns the exit code."""
    try:
        import uvicorn
    except ImportError:
        print(
            "storyweave: serving needs the web extra: pip install 'storyweave[web]'",
            file=sys.stderr,
        )
        return EXIT_FAILURE
    from ..web.app import create_app

    if args.max_input_mb <= 0:
        print("storyweave: --max-request-mb must be positive", file=sys.stderr)
        return EXIT_FAILURE
    options = options_from_flags(args)
    allowed = allowed_hosts(args.host, args.allowed_host)
    store = None
    if args.db:
        from ..monitor.store import Store
        from .monitor import store_options

        store = Store(args.db, create=False)  # a mistyped --db is an error, not a new file
        options = store_options(args, options, store)
    app = create_app(
        options, max_request_bytes=options.max_input_bytes, allowed_hosts=allowed, store=store
    )
    if not _is_loopback(args.host):
        print(
            f"storyweave: listening on {args.host}: anyone who can reach this address can "
            "use the server"
            + ("" if allowed else " (any Host header is accepted: name yours with --allowed-host)"),
            file=sys.stderr,
        )
    server = uvicorn.Server(uvicorn.Config(app, host=args.host, port=args.port, log_level=_uvicorn_level(args)))
    if not args.no_browser:
        url = f"http://{_url_host(args.host)}:{args.port}/"
        threading.Thread(target=_open_when_started, args=(server, url), daemon=True).start()
    try:
        server.run()
    finally:
        if store is not None:
            store.close()
    # uvicorn returns normally after Ctrl-C; a failed start (port in use) leaves it unstarted.
    return EXIT_OK if server.started else EXIT_FAILURE


def allowed_hosts(bind: str, given: list[str] | None) -> list[str] | None:
    """The Host names the server answers to: those given, else the loopback names when it
    listens on loopback (a web page elsewhere that points its own name at 127.0.0.1, DNS
    rebinding, is then refused), else any (``None``)."""
    from ..web.guards import LOOPBACK_HOSTS

    if given:
        return list(given)
    return list(LOOPBACK_HOSTS) if _is_loopback(bind) else None


def _uvicorn_level(args: argparse.Namespace) -> str:
    """uvicorn's request log: on by default (the page's address is in it), off with -q."""
    import logging

    level = log_level(args)
    return "debug" if level <= logging.DEBUG else "error" if level >= logging.ERROR else "info"


def _open_when_started(server: Any, url: str) -> None:
    deadline = time.monotonic() + BROWSER_WAIT_SECONDS
    while not server.started and not server.should_exit and time.monotonic() < deadline:
        time.sleep(0.1)
    if server.started:
        webbrowser.open(url)


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _url_host(host: str) -> str:
    """The host part of the page's URL (a wildcard address is reached through loopback)."""
    if host in ("0.0.0.0", ""):
        return "127.0.0.1"
    if host == "::":
        return "[::1]"
    return f"[{host}]" if ":" in host else host
