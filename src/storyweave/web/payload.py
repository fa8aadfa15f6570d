"""The JSON API's request body -> :class:`BriefingRequest`, with bounded work.

FastAPI would parse the whole body and build every object before any route code could
count them: a 20 MB body of 1.6 million tiny articles kept the event loop busy for
seconds and the memory of all of them. Here the top-level object is read key by key and
the ``articles`` and ``urls`` arrays element by element, so the count is refused as soon
as it passes the limit, after at most ``max_articles + 1`` elements were decoded. The
server runs this in a worker thread, never on the event loop.

Errors are :class:`PayloadError` (422) whose detail never repeats the body: a 20 MB
body is not sent back.
"""

from __future__ import annotations

import json
import re
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ..options import MAX_WORDS, MIN_WORDS

#: Arrays whose elements count against ``max_articles``.
COUNTED = ("articles", "urls")
_WHITESPACE = re.compile(r"[ \t\n\r]*")


class ArticleIn(BaseModel):
    """One article given as text."""

    model_config = ConfigDict(extra="forbid")
    text: str = Field(description="the article as pasted: plain text or HTML, boilerplate and all")
    title: str | None = None
    outlet: str | None = None
    published: str | None = Field(None, description="ISO 8601 date or date-time")


class OptionsIn(BaseModel):
    """The summary budget: words, or sentences instead."""

    model_config = ConfigDict(extra="forbid")
    words: int | None = Field(None, ge=MIN_WORDS, le=MAX_WORDS)
    sentences: int | None = Field(None, ge=1, le=100)
    split: bool = Field(
        False,
        description="when the inputs tell several stories, also return each story's briefing "
        "inline under stories[].briefing (their ids are always listed)",
    )


class BriefingRequest(BaseModel):
    """Articles as text and/or URLs to fetch, briefed together as one story."""

    model_config = ConfigDict(extra="forbid")
    articles: list[ArticleIn] = Field(default_factory=list)
    urls: list[str] = Field(default_factory=list)
    options: OptionsIn = Field(
        default_factory=lambda: OptionsIn(words=None, sentences=None, split=False)
    )


class PayloadError(Exception):
    """A body that is not a briefing request; ``detail`` is the answer's JSON detail."""

    def __init__(self, detail: str | list[dict[str, Any]]) -> None:
        super().__init__(str(detail))
        self.detail = detail


def too_many(max_articles: int) -> str:
    """The detail of a request with more inputs than a briefing takes."""
    return (
        f"too many inputs: more than {max_articles} given, the limit is {max_articles} "
        "articles per briefing (the server's --max-articles)"
    )


def parse_request(body: bytes, max_articles: int) -> BriefingRequest:
    """The request in ``body``, or :class:`PayloadError` (see the module docstring)."""
    try:
        text = body.decode(json.detect_encoding(body))
    except (UnicodeDecodeError, LookupError):
        raise PayloadError("the body is not JSON text (UTF-8 expected)") from None
    try:
        data = _top_level(text, max_articles)
    except RecursionError:
        raise PayloadError("the body is not valid JSON: nested too deeply") from None
    except ValueError as error:  # JSONDecodeError, or an integer of over 4,300 digits
        raise PayloadError(f"the body is not valid JSON: {str(error)[:120]}") from None
    try:
        return BriefingRequest.model_validate(data)
    except ValidationError as error:
        raise PayloadError(validation_detail(error.errors())) from None


def validation_detail(errors: Any) -> list[dict[str, Any]]:
    """Pydantic's errors without the values they are about (which may be megabytes)."""
    return [
        {"type": e.get("type"), "loc": list(e.get("loc", ())), "msg": str(e.get("msg"))[:200]}
        for e in list(errors)[:20]
    ]


def _top_level(text: str, max_articles: int) -> Any:
    """Decode ``text``; if it is an object, its counted arrays one element at a time."""
    decoder = json.JSONDecoder()
    at = _skip(text, 0)
    if not text.startswith("{", at):
        value, end = decoder.raw_decode(text, at)
        _expect_end(text, end)
        return value
    data: dict[str, Any] = {}
    counted = 0
    at = _skip(text, at + 1)
    if text.startswith("}", at):
        _expect_end(text, at + 1)
        return data
    while True:
        key, at = decoder.raw_decode(text, at)
        if not isinstance(key, str):
            raise ValueError(f"an object key must be a string (char {at})")  # noqa: TRY004 - bad JSON
        at = _expect(text, at, ":")
        if key in COUNTED and text.startswith("[", at):
            items: list[Any] = []
            at = _skip(text, at + 1)
            if text.startswith("]", at):
                at += 1
            else:
                while True:
                    item, at = decoder.raw_decode(text, at)
                    counted += 1
                    if counted > max_articles:
                        raise PayloadError(too_many(max_articles))
                    items.append(item)
                    at = _skip(text, at)
                    if text.startswith("]", at):
                        at += 1
                        break
                    at = _expect(text, at, ",")
            data[key] = items
        else:
            data[key], at = decoder.raw_decode(text, at)
        at = _skip(text, at)
        if text.startswith("}", at):
            _expect_end(text, at + 1)
            return data
        at = _expect(text, at, ",")


def _skip(text: str, at: int) -> int:
    match = _WHITESPACE.match(text, at)
    return match.end() if match else at


def _expect(text: str, at: int, char: str) -> int:
    """The position after ``char`` (and the whitespace around it)."""
    at = _skip(text, at)
    if not text.startswith(char, at):
        raise ValueError(f"expected {char!r} at char {at}")
    return _skip(text, at + 1)


def _expect_end(text: str, at: int) -> None:
    if _skip(text, at) != len(text):
        raise ValueError(f"extra data at char {at}")
