"""Fetch one article URL, only when the user gives it, with the guard rails of a server.

The rules, checked for the URL given and again for every redirect (at most
:data:`MAX_REDIRECTS`, followed here rather than by urllib so each hop is checked):

* only ``http`` and ``https``;
* the host is resolved with :func:`socket.getaddrinfo` and refused if any address is
  private, loopback, link-local, multicast, reserved, unspecified or otherwise not
  globally routable (IPv4, IPv6 and IPv4-mapped IPv6), unless
  ``BriefOptions.allow_private_urls`` is set;
* the connection goes to the address that was checked, not to a second lookup, so a
  DNS answer that changes between check and connect (DNS rebinding) cannot redirect
  it. For HTTPS the TLS handshake still sends the host name (SNI) and the certificate
  is verified against that name;
* ``BriefOptions.url_timeout`` is one deadline for the whole fetch: name resolution,
  connecting, the TLS handshake, the headers and the body, over every redirect. A
  server that trickles its answer a byte at a time is cut off at the deadline (a
  watchdog closes the socket), and a resolver that hangs is not waited for;
* at most ``BriefOptions.max_input_bytes`` are read; a bigger body is refused without
  being buffered;
* only ``text/html``, ``application/xhtml+xml`` and ``text/plain`` bodies are accepted.

Connections are always direct: proxy settings in the environment are ignored, since a
proxy would make the address check meaningless. Residual risk: a public server can
still return arbitrary HTML, which later stages treat as untrusted text.

The page is returned as raw HTML; title, outlet and date are extracted later by the
clean stage.
"""

from __future__ import annotations

import codecs
import http.client
import ipaddress
import re
import socket
import ssl
import threading
import time
from collections.abc import Callable, Collection
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from ..errors import FetchError
from ..model import Article, InputFormat
from ..options import BriefOptions

#: Redirects followed before giving up; browsers allow ~20, five is plenty for articles.
MAX_REDIRECTS = 5
USER_AGENT = "storyweave/0.1 (news briefing tool; +offline summarizer)"
ACCEPTED_TYPES: dict[str, InputFormat] = {
    "text/html": "html",
    "application/xhtml+xml": "html",
    "text/plain": "text",
}
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_CHUNK = 64 * 1024
_META_CHARSET = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE
)

#: ``resolver(host, port)`` -> the IP addresses the host name stands for.
Resolver = Callable[[str, int], list[str]]
#: ``connector(scheme, host, ip, port, timeout)`` -> an unopened connection to ``ip``.
Connector = Callable[[str, str, str, int, float], http.client.HTTPConnection]


def resolve_host(host: str, port: int) -> list[str]:
    """All addresses ``host`` resolves to, in resolver order, without duplicates."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    addresses: list[str] = []
    for info in infos:
        address = str(info[4][0])
        if address not in addresses:
            addresses.append(address)
    return addresses


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """An HTTP connection to a fixed IP that still sends the host name as ``Host``."""

    def __init__(self, host: str, ip: str, port: int, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self._ip = ip

    def connect(self) -> None:
        self.sock = socket.create_connection((self._ip, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """An HTTPS connection to a fixed IP, verifying the certificate for the host name."""

    def __init__(self, host: str, ip: str, port: int, timeout: float) -> None:
        self._tls = ssl.create_default_context()
        super().__init__(host, port, timeout=timeout, context=self._tls)
        self._ip = ip
        self.raw_socket: socket.socket | None = None

    def connect(self) -> None:
        raw = socket.create_connection((self._ip, self.port), self.timeout)
        self.raw_socket = raw  # for the deadline's watchdog during the handshake
        try:
            self.sock = self._tls.wrap_socket(raw, server_hostname=self.host)
        except BaseException:
            raw.close()
            raise


def open_connection(
    scheme: str, host: str, ip: str, port: int, timeout: float
) -> http.client.HTTPConnection:
    """A connection to ``ip`` for ``host`` (the default :data:`Connector`)."""
    if scheme == "https":
        return _PinnedHTTPSConnection(host, ip, port, timeout)
    return _PinnedHTTPConnection(host, ip, port, timeout)


#: Ranges the standard library still counts as global but that reach no public host: the
#: deprecated 6to4 relay anycast (RFC 7526), which routes into whatever relay is nearest.
_NOT_PUBLIC = (ipaddress.ip_network("192.88.99.0/24"),)


def refusal(address: str) -> str | None:
    """Why ``address`` may not be fetched by default, or ``None`` if it is public."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return f"resolves to an invalid address {address}"
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.is_site_local:  # fec0::/10, deprecated but still routed inside some sites
            return f"resolves to a site-local address {ip}"
        if ip.sixtofour is not None:  # 2002::/16 carries an IPv4 address in its bits
            inner = refusal(str(ip.sixtofour))
            if inner:
                why = inner.removeprefix("resolves to ")
                return f"resolves to a 6to4 address {ip} that embeds {why}"
    if any(ip in network for network in _NOT_PUBLIC):
        return f"resolves to a 6to4 relay address {ip}"
    for label, flag in (
        ("an unspecified", ip.is_unspecified),
        ("a loopback", ip.is_loopback),
        ("a link-local", ip.is_link_local),
        ("a multicast", ip.is_multicast),
        ("a private", ip.is_private),
        ("a reserved", ip.is_reserved),
        ("a non-public", not ip.is_global),
    ):
        if flag:
            return f"resolves to {label} address {ip}"
    return None


def fetch_url(
    url: str,
    options: BriefOptions | None = None,
    *,
    resolver: Resolver = resolve_host,
    connector: Connector = open_connection,
) -> Article:
    """Fetch ``url`` under the rules in the module docstring.

    Returns ``Article(text=page, format="html" | "text", url=final_url, origin=url)``.
    Raises :class:`FetchError` with a one-line reason ("HTTP 404", "timed out after 15 s",
    "refused: resolves to a private address 10.0.0.1 ...").

    Example::

        article = fetch_url("https://news.example.org/harbour-strike")
    """
    page = fetch(url, options, accept=ACCEPTED_TYPES, resolver=resolver, connector=connector)
    text = decode_body(page.body, page.charset)
    if not text.strip():
        raise FetchError(url, "empty page")
    return Article(text=text, origin=url, format=ACCEPTED_TYPES[page.media_type], url=page.url)


@dataclass(frozen=True, slots=True)
class Fetched:
    """A fetched body: the final URL after redirects, its media type and charset."""

    url: str
    media_type: str
    charset: str | None
    body: bytes


def fetch(
    url: str,
    options: BriefOptions | None = None,
    *,
    accept: Collection[str],
    resolver: Resolver = resolve_host,
    connector: Connector = open_connection,
) -> Fetched:
    """GET ``url`` with every check of the module docstring, accepting only the media
    types in ``accept`` (articles: HTML and text; feeds: the XML types).

    Addresses are checked on every redirect hop; one deadline covers all hops; the body
    is refused beyond ``options.max_input_bytes`` without being buffered.
    """
    options = options or BriefOptions()
    deadline = time.monotonic() + options.url_timeout
    timed_out = f"timed out after {options.url_timeout:g} s"
    current = url
    for _ in range(MAX_REDIRECTS + 1):
        scheme, host, port, target = _check_url(current, url)
        ip = _checked_address(url, host, port, options, resolver, deadline)
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise FetchError(url, timed_out)
        # Each hop gets only what is left of the budget, so redirects cannot stretch it.
        connection = connector(scheme, host, ip, port, remaining)
        watchdog = _Watchdog(connection, deadline)
        try:
            connection.connect()
            # The connection forgets its socket once a "Connection: close" response
            # arrives; the watchdog keeps it, to end a read that the deadline overtakes.
            watchdog.sock = connection.sock
            outcome = _get(url, connection, target, options, deadline, accept)
        except FetchError:
            if watchdog.fired:  # what the cut-off answer looked like is beside the point
                raise FetchError(url, timed_out) from None
            raise
        except ssl.SSLError as error:
            if watchdog.fired or time.monotonic() >= deadline:
                raise FetchError(url, timed_out) from None
            raise FetchError(url, f"TLS error: {error.reason or error}") from None
        except (OSError, http.client.HTTPException) as error:
            # Whatever the read saw when the watchdog closed the socket (an error, an
            # incomplete body), the reason is the deadline.
            if isinstance(error, TimeoutError) or watchdog.fired or time.monotonic() >= deadline:
                raise FetchError(url, timed_out) from None
            raise FetchError(url, f"connection failed: {_describe(error)}") from None
        finally:
            watchdog.cancel()
            connection.close()
        if watchdog.fired:
            raise FetchError(url, timed_out)
        if isinstance(outcome, str):
            current = urljoin(current, outcome)
            continue
        media_type, charset, body = outcome
        return Fetched(current, media_type, charset, body)
    raise FetchError(url, f"too many redirects (more than {MAX_REDIRECTS})")


def _get(
    url: str,
    connection: http.client.HTTPConnection,
    target: str,
    options: BriefOptions,
    deadline: float,
    accept: Collection[str],
) -> str | tuple[str, str | None, bytes]:
    """One request: the redirect location, or the media type, charset and body."""
    connection.request("GET", target, headers=_headers(accept))
    # The response owns its own file object on the socket, so it is closed explicitly.
    with connection.getresponse() as response:
        if response.status in _REDIRECTS:
            location = response.getheader("Location")
            if not location:
                raise FetchError(url, f"HTTP {response.status} redirect without a Location")
            return location.strip()
        if response.status != 200:
            reason = f" {response.reason}" if response.reason else ""
            raise FetchError(url, f"HTTP {response.status}{reason}")
        media_type, charset = _content_type(url, response, accept)
        body = _read_body(url, response, options.max_input_bytes, deadline)
    return media_type, charset, body


def _headers(accept: Collection[str]) -> dict[str, str]:
    return {
        "User-Agent": USER_AGENT,
        "Accept": ",".join(sorted(accept)),
        # Compressed bodies would defeat the byte limit; ask for the plain bytes.
        "Accept-Encoding": "identity",
        "Connection": "close",
    }


def _check_url(current: str, original: str) -> tuple[str, str, int, str]:
    """``(scheme, host, port, request target)`` of an allowed URL, else FetchError."""
    try:
        parts = urlsplit(current)
        port = parts.port
    except ValueError as error:
        raise FetchError(original, f"invalid URL {current!r} ({error})") from None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        shown = f"{scheme}:" if scheme else "no scheme"
        raise FetchError(original, f"refused: only http and https URLs are fetched, not {shown}")
    host = parts.hostname
    if not host:
        raise FetchError(original, f"invalid URL {current!r} (no host)")
    target = parts.path or "/"
    if parts.query:
        target += "?" + parts.query
    return scheme, host, port or (443 if scheme == "https" else 80), target


def _checked_address(
    url: str, host: str, port: int, options: BriefOptions, resolver: Resolver, deadline: float
) -> str:
    """The address to connect to, after checking every address the host resolves to."""
    try:
        addresses = _resolve_before(resolver, host, port, deadline)
    except TimeoutError:
        raise FetchError(url, f"timed out after {options.url_timeout:g} s "
                              f"(resolving {host})") from None
    except (OSError, UnicodeError) as error:
        raise FetchError(url, f"cannot resolve host {host} ({_describe(error)})") from None
    if not addresses:
        raise FetchError(url, f"cannot resolve host {host}")
    if not options.allow_private_urls:
        # Every address must be public: a client may try any of them, and an attacker
        # can put a public address first and a private one second.
        for address in addresses:
            why = refusal(address)
            if why:
                raise FetchError(url, f"refused: {why} (pass --allow-private-urls to allow)")
    return addresses[0]


def _resolve_before(resolver: Resolver, host: str, port: int, deadline: float) -> list[str]:
    """``resolver(host, port)``, or TimeoutError at the deadline. The system resolver
    cannot be interrupted: it runs in a daemon thread that is left to finish alone."""
    outcome: dict[str, object] = {}

    def resolve() -> None:
        try:
            outcome["addresses"] = resolver(host, port)
        except BaseException as error:  # noqa: BLE001 - handed to the caller below
            outcome["error"] = error

    worker = threading.Thread(target=resolve, name=f"resolve {host}", daemon=True)
    worker.start()
    worker.join(max(0.0, deadline - time.monotonic()))
    if worker.is_alive():
        raise TimeoutError
    if "error" in outcome:
        raise outcome["error"]  # type: ignore[misc]
    return outcome["addresses"]  # type: ignore[return-value]


class _Watchdog:
    """Shuts a connection's socket at the deadline, which ends a read in progress however
    slowly the server sends (a socket timeout only bounds the wait for each byte)."""

    def __init__(self, connection: http.client.HTTPConnection, deadline: float) -> None:
        self.fired = False
        self.sock: socket.socket | None = None
        self._connection = connection
        self._timer = threading.Timer(max(0.0, deadline - time.monotonic()), self._fire)
        self._timer.daemon = True
        self._timer.start()

    def _fire(self) -> None:
        self.fired = True
        sock = (self.sock or getattr(self._connection, "sock", None)
                or getattr(self._connection, "raw_socket", None))
        if sock is not None:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass  # already closed

    def cancel(self) -> None:
        self._timer.cancel()


def _content_type(
    url: str, response: http.client.HTTPResponse, accept: Collection[str]
) -> tuple[str, str | None]:
    header = response.getheader("Content-Type") or ""
    media, _, params = header.partition(";")
    media = media.strip().lower()
    if media not in accept:
        shown = media or "none given"
        wanted = "HTML or plain text" if accept is ACCEPTED_TYPES else ", ".join(sorted(accept))
        raise FetchError(url, f"unsupported content type ({shown}); only {wanted}")
    charset = None
    match = re.search(r"charset\s*=\s*\"?([A-Za-z0-9_.:-]+)", params, re.IGNORECASE)
    if match:
        charset = match.group(1)
    return media, charset


def _read_body(url: str, response: http.client.HTTPResponse, limit: int, deadline: float) -> bytes:
    too_big = f"refused: the page is larger than the {limit / (1024 * 1024):g} MB input limit"
    length = response.getheader("Content-Length")
    if length and length.strip().isdigit() and int(length) > limit:
        raise FetchError(url, too_big)
    chunks: list[bytes] = []
    size = 0
    while True:
        if time.monotonic() > deadline:
            raise TimeoutError
        chunk = response.read(min(_CHUNK, limit + 1 - size))
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
        if size > limit:
            raise FetchError(url, too_big)
    return b"".join(chunks)


def decode_body(body: bytes, charset: str | None) -> str:
    """Decode a response by its header charset, else a ``<meta>`` charset, else UTF-8/cp1252.

    A declared charset is used only if it names a real character set: Python also has
    codecs that are not ("punycode", "idna", "unicode_escape", "rot13", ...), which a page
    could name to crash the decoder or to turn escapes into control characters.
    """
    candidates = [charset] if charset else []
    meta = _META_CHARSET.search(body[:4096])
    if meta:
        candidates.append(meta.group(1).decode("ascii", "replace"))
    for candidate in candidates:
        if not is_charset(candidate):
            continue
        try:
            return body.decode(candidate)
        except (LookupError, UnicodeError):  # UnicodeError: the decoder's own complaints
            continue
    try:
        return body.decode("utf-8-sig")
    except UnicodeDecodeError:
        # The web's de facto default for unlabelled pages; never fails on real text.
        return body.decode("cp1252", errors="replace")


#: Codecs that are not character sets of text on the web (see :func:`decode_body`).
_NOT_CHARSETS = frozenset(
    {"punycode", "idna", "unicode-escape", "raw-unicode-escape", "undefined", "utf-7",
     "unicode-internal", "mbcs", "oem", "charmap"}
)


def is_charset(name: str) -> bool:
    """Whether ``name`` is a character set a page may be written in (known to Python, a
    text encoding, and not one of :data:`_NOT_CHARSETS`)."""
    try:
        info = codecs.lookup(name)
    except (LookupError, ValueError):
        return False
    return info._is_text_encoding and info.name.replace("_", "-") not in _NOT_CHARSETS


def _describe(error: BaseException) -> str:
    text = getattr(error, "strerror", None) or str(error) or type(error).__name__
    return str(text).splitlines()[0][:120]


#: Query parameters that only track the click, never change the article.
_TRACKING = ("utm_", "fbclid", "gclid", "mc_cid", "mc_eid", "cmpid", "ocid", "at_medium")


def canonical_url(url: str | None) -> str | None:
    """The URL an article is known by: lower-case host, no fragment, tracking or trailing ``/``."""
    if not url or not url.lower().startswith(("http://", "https://")):
        return None
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower().removeprefix("www.")
    query = [
        (key, value)
        for key, value in parse_qsl(parts.query, keep_blank_values=True)
        if not key.lower().startswith(_TRACKING)
    ]
    path = parts.path.rstrip("/") or "/"
    return urlunsplit(("https", host, path, urlencode(sorted(query)), ""))
