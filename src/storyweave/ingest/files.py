"""Local inputs: article files (optionally gzip-compressed), folders of them, and stdin.

Every reader here returns an :class:`~storyweave.model.Article` holding the raw text
(boilerplate and all) or raises an :class:`~storyweave.errors.InputError` whose one-line
``problem`` tells the user what is wrong. Sizes are checked before any byte is read, so
a mistaken multi-GB file costs nothing.
"""

from __future__ import annotations

import codecs
import gzip
import io
import os
import re
import stat
from collections.abc import Iterator
from itertools import islice
from pathlib import Path
from typing import BinaryIO, TextIO

from ..errors import InputNotFound, InputTooLarge, InputUnreadable
from ..model import Article, InputFormat

#: Extensions read as articles, and the format each one means.
ARTICLE_FORMATS: dict[str, InputFormat] = {
    ".txt": "text",
    ".md": "markdown",
    ".markdown": "markdown",
    ".html": "html",
    ".htm": "html",
}
#: Dataset files (handled by :mod:`storyweave.ingest.datasets`).
DATASET_SUFFIXES = (".jsonl.gz", ".json.gz", ".jsonl", ".json")
#: File names (lower case prefixes) that document a folder rather than report the story.
DOC_PREFIXES = ("readme", "answers")

#: How much of a file the binary and HTML sniffers look at.
SNIFF_BYTES = 8192
#: Share of control characters above which a file is binary. Plain text has almost none
#: (tabs and line breaks are not counted); 10% is far above any real article and far
#: below a typical executable, archive or image.
MAX_CONTROL_SHARE = 0.10
#: A cp1252 decoding counts as text only if at least this share of its characters is
#: ASCII: true of English and Western European prose, false of a file in another legacy
#: code page (Cyrillic, Greek, CJK) that cp1252 would turn into mojibake.
MIN_ASCII_SHARE_CP1252 = 0.70
#: UTF-16 without a byte-order mark is told by its zero bytes: the high byte of every
#: ASCII letter, digit, space and line break. In English text nearly every other byte is
#: zero; in Cyrillic or Greek text the spaces and punctuation alone give 15-20%. Binary
#: data has zeros at both positions, and is refused.
MIN_UTF16_ZERO_SHARE = 0.15
#: This many common HTML tags in the first 64 KB make an unknown file HTML.
HTML_TAG_THRESHOLD = 5

_HTML_START = re.compile(r"^\s*(<!doctype\s+html|<html[\s>])", re.IGNORECASE)
_HTML_TAG = re.compile(
    r"</?(?:p|div|br|span|a|body|head|title|meta|h[1-6]|ul|ol|li|table|script|article|section)\b",
    re.IGNORECASE,
)
# Control bytes that plain text legitimately contains: tab, line feed, VT, FF, CR.
_TEXT_CONTROLS = frozenset(b"\t\n\x0b\x0c\r")


def too_large_message(limit: int) -> str:
    """The one-line reason for an input over ``limit`` bytes, saying how to raise it."""
    return (
        f"larger than the {_megabytes(limit)} MB input limit; not read "
        "(raise it with --max-input-mb or BriefOptions.max_input_bytes)"
    )


def _megabytes(limit: int) -> str:
    return f"{limit / (1024 * 1024):g}"


def article_suffix(path: Path) -> str:
    """The lower-case extension that says the format, looking through a ``.gz``."""
    suffixes = [suffix.lower() for suffix in path.suffixes]
    if len(suffixes) >= 2 and suffixes[-1] == ".gz":
        return suffixes[-2]
    return suffixes[-1] if suffixes else ""


def is_dataset_path(path: Path) -> bool:
    """True for ``.json``, ``.jsonl``, ``.json.gz`` and ``.jsonl.gz`` files."""
    name = path.name.lower()
    return name.endswith(DATASET_SUFFIXES)


def is_documentation(path: Path) -> bool:
    """True for README*/ANSWERS* files and ``.json`` answer keys kept next to articles."""
    name = path.name.lower()
    return name.startswith(DOC_PREFIXES) or name.endswith(".json")


def read_article_file(path: Path, max_bytes: int, *, origin: str | None = None) -> Article:
    """Read one article file (``.txt``, ``.md``, ``.html`` or sniffed) into an Article.

    Raises :class:`InputNotFound`, :class:`InputTooLarge` (checked with ``stat`` before
    reading) or :class:`InputUnreadable` (not a regular file, binary, undecodable or empty).
    """
    name = origin or str(path)
    data = read_bytes(path, max_bytes, name)
    return _article_from_bytes(data, path, name, max_bytes)


def read_bytes(path: Path, max_bytes: int, name: str | None = None) -> bytes:
    """A regular file's bytes (inflated when it ends in ``.gz``), never more than
    ``max_bytes``: the size is checked before reading, and a FIFO, device or socket is
    refused unopened (reading one could wait forever or never end).
    """
    name = name or str(path)
    try:
        info = path.stat()
    except FileNotFoundError:
        raise InputNotFound(name, "no such file or directory") from None
    except OSError as error:
        raise InputUnreadable(name, f"cannot read: {error.strerror or error}") from None
    kind = not_regular(info.st_mode)
    if kind:
        raise InputUnreadable(name, f"{kind}, not a regular file; skipped")
    if info.st_size > max_bytes:
        raise InputTooLarge(name, too_large_message(max_bytes))
    compressed = path.name.lower().endswith(".gz")
    try:
        with gzip.open(path, "rb") if compressed else path.open("rb") as handle:
            # One byte over the limit tells a file that grew after stat() (or a gzip
            # file that inflates past the limit) from one that fits.
            data = handle.read(max_bytes + 1)
    except (gzip.BadGzipFile, EOFError):
        raise InputUnreadable(name, "not a valid gzip file") from None
    except IsADirectoryError:
        raise InputUnreadable(name, "is a directory") from None
    except OSError as error:
        raise InputUnreadable(name, f"cannot read: {error.strerror or error}") from None
    if len(data) > max_bytes:
        raise InputTooLarge(name, too_large_message(max_bytes))
    return data


def not_regular(mode: int) -> str | None:
    """What a file that is not a regular file is ("a named pipe (FIFO)"), else ``None``."""
    for test, kind in (
        (stat.S_ISDIR, "a directory"),
        (stat.S_ISFIFO, "a named pipe (FIFO)"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISSOCK, "a socket"),
    ):
        if test(mode):
            return kind
    return None if stat.S_ISREG(mode) else "not a file"


def read_article_bytes(data: bytes, name: str, max_bytes: int, *, origin: str) -> Article:
    """An article from a file's bytes held in memory (an upload), read exactly like a file on
    disk: gzip when ``name`` ends in ``.gz``, the same size limit, decoding and format rules.

    Raises :class:`InputTooLarge` or :class:`InputUnreadable`.
    """
    path = Path(name)
    if path.name.lower().endswith(".gz"):
        try:
            with gzip.GzipFile(fileobj=io.BytesIO(data)) as handle:
                # One byte over the limit tells a file that inflates too far from one that fits.
                data = handle.read(max_bytes + 1)
        except (OSError, EOFError):
            raise InputUnreadable(origin, "not a valid gzip file") from None
    return _article_from_bytes(data, path, origin, max_bytes)


def _article_from_bytes(data: bytes, path: Path, origin: str, max_bytes: int) -> Article:
    """The size check, decoding and format of a file's (inflated) bytes."""
    if len(data) > max_bytes:
        raise InputTooLarge(origin, too_large_message(max_bytes))
    text = decode_text(data, origin)
    fmt = ARTICLE_FORMATS.get(article_suffix(path)) or sniff_format(text)
    return Article(text=text, origin=origin, format=fmt)


def read_stream(stream: TextIO | BinaryIO, max_bytes: int, origin: str = "<stdin>") -> Article:
    """Read an article from a stream such as stdin; bytes are decoded like a file's."""
    # A text stream with a byte buffer underneath (sys.stdin) is read as bytes so that
    # the same decoding rules as for files apply.
    source = getattr(stream, "buffer", stream)
    try:
        data = source.read(max_bytes + 1)
    except (OSError, UnicodeDecodeError) as error:
        raise InputUnreadable(origin, f"cannot read: {error}") from None
    if isinstance(data, str):
        if len(data.encode("utf-8", "surrogatepass")) > max_bytes:
            raise InputTooLarge(origin, too_large_message(max_bytes))
        text = data
        if not text.strip():
            raise InputUnreadable(origin, "empty input")
    else:
        if len(data) > max_bytes:
            raise InputTooLarge(origin, too_large_message(max_bytes))
        text = decode_text(data, origin, empty="empty input")
    return Article(text=text, origin=origin, format=sniff_format(text))


def decode_text(data: bytes, origin: str, *, empty: str = "empty file") -> str:
    """Decode file bytes: UTF-8 (BOM or not), UTF-16 (BOM or not), else cp1252 if it reads
    as text.

    Raises :class:`InputUnreadable` for binary data, undecodable bytes or no text at all.
    """
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            raise InputUnreadable(origin, "cannot decode as text (broken UTF-16)") from None
        return _require_text(_normalise_newlines(text), origin, empty)
    utf16 = _utf16_without_bom(data)
    if utf16 is not None:
        return _require_text(_normalise_newlines(utf16), origin, empty)
    if looks_binary(data[:SNIFF_BYTES]):
        raise InputUnreadable(origin, "binary file, not text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = _decode_cp1252(data, origin)
    return _require_text(_normalise_newlines(text), origin, empty)


def _utf16_without_bom(data: bytes) -> str | None:
    """The text of UTF-16 bytes without a byte-order mark, or ``None`` if they are not that
    (see :data:`MIN_UTF16_ZERO_SHARE`)."""
    head = data[:SNIFF_BYTES]
    if len(data) % 2 or len(head) < 4 or b"\x00" not in head:
        return None
    pairs = len(head) // 2
    even, odd = head[0::2].count(0), head[1::2].count(0)
    if odd >= MIN_UTF16_ZERO_SHARE * pairs and even <= 0.01 * pairs:
        encoding = "utf-16-le"
    elif even >= MIN_UTF16_ZERO_SHARE * pairs and odd <= 0.01 * pairs:
        encoding = "utf-16-be"
    else:
        return None
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        return None
    sample = text[: SNIFF_BYTES // 2]
    controls = sum(1 for char in sample if char < " " and char not in "\t\n\x0b\x0c\r")
    return None if controls > MAX_CONTROL_SHARE * len(sample) else text


def _decode_cp1252(data: bytes, origin: str) -> str:
    problem = "cannot decode as text (not UTF-8, UTF-16 or Windows-1252); save it as UTF-8"
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        raise InputUnreadable(origin, problem) from None
    ascii_chars = sum(1 for char in text if char < "\x80")
    if ascii_chars < MIN_ASCII_SHARE_CP1252 * len(text):
        raise InputUnreadable(origin, problem)
    return text


def _normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _require_text(text: str, origin: str, empty: str) -> str:
    if not text.strip():
        raise InputUnreadable(origin, empty)
    return text


def looks_binary(head: bytes) -> bool:
    """True if ``head`` has a NUL byte or a high share of control characters."""
    if not head:
        return False
    if b"\x00" in head:
        return True
    controls = sum(1 for byte in head if byte < 0x20 and byte not in _TEXT_CONTROLS)
    return controls > MAX_CONTROL_SHARE * len(head)


def sniff_format(text: str) -> InputFormat:
    """``"html"`` if the text starts like an HTML page or is full of HTML tags, else ``"text"``."""
    head = text[: 64 * 1024]
    if _HTML_START.match(head[:1024]):
        return "html"
    tags = sum(1 for _ in islice(_HTML_TAG.finditer(head), HTML_TAG_THRESHOLD))
    return "html" if tags >= HTML_TAG_THRESHOLD else "text"


def iter_directory(root: Path, origin: str | None = None) -> Iterator[tuple[str, Path | None, str]]:
    """Walk ``root`` for article files, sorted by relative path.

    Yields ``(name, path, "")`` for each article file and ``(name, None, reason)`` for
    each file that is not one. Hidden files and folders (a leading dot) are skipped, as
    are README*/ANSWERS* documentation files and ``.json`` answer keys. ``name`` is the
    file's path joined onto ``origin`` (the directory as the user gave it).
    """
    base = origin if origin is not None else str(root)
    found: list[tuple[str, Path]] = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for file_name in files:
            if file_name.startswith("."):
                continue
            path = Path(folder, file_name)
            found.append((path.relative_to(root).as_posix(), path))
    for relative, path in sorted(found):
        name = os.path.join(base, *relative.split("/"))
        if is_documentation(path):
            continue
        suffix = article_suffix(path)
        if suffix in ARTICLE_FORMATS:
            yield name, path, ""
        else:
            shown = suffix or "(no extension)"
            hint = "; pass dataset files on their own" if is_dataset_path(path) else ""
            yield name, None, f"unsupported file type {shown}; skipped{hint}"
