"""What every request passes before a route sees it (pure ASGI, nothing read that is not needed).

* :class:`HostGuard`: the ``Host`` header must name this server (one of
  ``allowed_hosts``): a page on another site that rebinds its own DNS name to 127.0.0.1
  cannot talk to a server on this machine. A form post (or any POST) that a browser
  says comes from another site (``Origin``, ``Sec-Fetch-Site``, else ``Referer``) is
  refused, so another site cannot make the server work for it. Every answer carries
  ``X-Content-Type-Options: nosniff``.
* :class:`BodyLimit`: a body over the limit gets 413 before it is read (by its
  ``Content-Length``) or as soon as the count passes the limit while it streams.

The answers are JSON under ``/api/`` and a page elsewhere (:func:`error_response`).
"""

from __future__ import annotations

from collections.abc import Collection
from urllib.parse import urlsplit

from fastapi.exceptions import HTTPException
from fastapi.responses import HTMLResponse, JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .pages import error_page

#: The names a server bound to a loopback address answers to by default.
LOOPBACK_HOSTS = ("localhost", "127.0.0.1", "::1")
_UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
_NOSNIFF = (b"x-content-type-options", b"nosniff")


def error_response(path: str, status: int, message: str, headers: dict[str, str]) -> Response:
    """JSON for the API, a page (with ``headers``) for everything else."""
    if path.startswith("/api/"):
        return JSONResponse({"detail": message}, status_code=status)
    return HTMLResponse(error_page(status, message), status_code=status, headers=headers)


def host_name(value: str) -> str:
    """The host of a ``Host`` header or URL netloc, lower case, without port or brackets."""
    value = value.strip().lower()
    if value.startswith("["):  # [::1]:8000
        return value[1 : value.find("]")] if "]" in value else value
    if value.count(":") == 1:
        return value.split(":", 1)[0]
    return value


class HostGuard:
    """Check ``Host`` (``allowed_hosts``; ``None`` allows any), refuse cross-site posts,
    and add ``nosniff`` to every answer. See the module docstring."""

    def __init__(
        self,
        app: ASGIApp,
        allowed_hosts: Collection[str] | None,
        page_headers: dict[str, str],
    ) -> None:
        self.app = app
        self.allowed = None if allowed_hosts is None else {h.lower().strip("[]") for h in allowed_hosts}
        self.page_headers = page_headers

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
        host = headers.get("host", "")
        problem = self._problem(scope["method"], host, headers)
        if problem is not None:
            status, message = problem
            response = error_response(scope["path"], status, message, self.page_headers)
            await response(scope, receive, _with_nosniff(send))
            return
        await self.app(scope, receive, _with_nosniff(send))

    def _problem(self, method: str, host: str, headers: dict[str, str]) -> tuple[int, str] | None:
        open_to_all = self.allowed is None or "*" in self.allowed
        if not open_to_all and host_name(host) not in self.allowed:  # type: ignore[operator]
            # Do not echo the header: it is whatever the other site chose.
            return 400, ("unknown Host header; this server answers to "
                         + ", ".join(sorted(self.allowed or ())) + " (storyweave serve --allowed-host)")
        if method in _UNSAFE_METHODS and _cross_site(host, headers):
            return 403, "cross-site posts are refused: use the form on this server's own page"
        return None


def _cross_site(host: str, headers: dict[str, str]) -> bool:
    """Whether a browser says the request comes from a page of another origin."""
    fetch_site = headers.get("sec-fetch-site", "")
    if fetch_site in ("cross-site", "same-site"):
        return True
    origin = headers.get("origin")
    if origin is not None:
        if origin == "null":
            # A sandboxed frame, a data: URL, a file on disk, or a page whose referrer
            # policy withholds its origin: only the browser's own word makes it ours.
            return fetch_site != "same-origin"
        return urlsplit(origin).netloc.lower() != host.lower()
    referer = headers.get("referer")
    if referer:
        return urlsplit(referer).netloc.lower() != host.lower()
    return False  # curl, scripts, the API's own clients: no browser, no ambient credentials


def _with_nosniff(send: Send) -> Send:
    async def sending(message: Message) -> None:
        if message["type"] == "http.response.start":
            headers = list(message.get("headers", []))
            if not any(name.lower() == _NOSNIFF[0] for name, _ in headers):
                headers.append(_NOSNIFF)
            message = {**message, "headers": headers}
        await send(message)

    return sending


class BodyLimit:
    """Refuse request bodies over ``limit`` bytes with 413, without reading them all."""

    def __init__(self, app: ASGIApp, limit: int, page_headers: dict[str, str]) -> None:
        self.app = app
        self.limit = limit
        self.page_headers = page_headers

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        length = dict(scope["headers"]).get(b"content-length", b"")
        if length.isdigit() and int(length) > self.limit:
            response = error_response(scope["path"], 413, self.message(), self.page_headers)
            await response(scope, receive, send)
            return
        await self.app(scope, self._counted(receive), send)

    def _counted(self, receive: Receive) -> Receive:
        received = 0

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:
                    # FastAPI and our handlers pass HTTPException through body parsing.
                    raise HTTPException(413, self.message())
            return message

        return counted

    def message(self) -> str:
        """The 413 detail, naming the server option that sets the limit."""
        return (
            f"request larger than the {self.limit / 2**20:g} MB limit "
            "(the server's --max-request-mb)"
        )
