"""What every command shares: the exit codes, the common flags, and the one mapping from
flags to :class:`~storyweave.options.BriefOptions`.

Exit codes (documented in the README):

====  ==========================================================================
0     success: every input was briefed
1     failure: no usable article, a bad option, a model that cannot load
2     usage error (unknown flag, missing argument)
3     partial: a briefing was written, but some inputs were skipped (see stderr)
130   interrupted (Ctrl-C)
====  ==========================================================================
"""

from __future__ import annotations

import argparse
import math
import os
import re
import sys
from pathlib import Path
from typing import Any, TextIO

from ..errors import OptionsError, OutputError
from ..options import (
    DEFAULT_MAX_ARTICLES,
    DEFAULT_MAX_INPUT_BYTES,
    DEFAULT_MAX_SENTENCES,
    DEFAULT_MODEL,
    DEFAULT_URL_TIMEOUT,
    DEFAULT_WORDS,
    BriefOptions,
)

EXIT_OK, EXIT_FAILURE, EXIT_USAGE, EXIT_PARTIAL, EXIT_INTERRUPTED = 0, 1, 2, 3, 130

#: How the model flag reads wherever a command briefs.
MODEL_HELP = (
    "embedding backend: 'minilm' (bundled, default), 'static' (bundled static vectors "
    "distilled from MiniLM: ~100x faster, lower alignment precision), 'lexical' (no model), "
    "a folder with model.onnx + tokenizer.json (or static.json), or a sentence-transformers "
    "name/path (needs storyweave[st])"
)


def add_budget(parser: argparse.ArgumentParser) -> None:
    """``-w/--words`` or ``-n/--sentences``: the summary's length."""
    budget = parser.add_mutually_exclusive_group()
    budget.add_argument(
        "-w",
        "--words",
        type=int,
        default=DEFAULT_WORDS,
        help=f"summary length in words (default: {DEFAULT_WORDS})",
    )
    budget.add_argument(
        "-n", "--sentences", type=int, help="summary length in sentences instead of words"
    )


def add_model(parser: argparse.ArgumentParser, help: str = MODEL_HELP) -> None:
    """``--model``: the embedding backend."""
    parser.add_argument("--model", default=DEFAULT_MODEL, help=help)


def add_input_limit(parser: argparse.ArgumentParser) -> None:
    """``--max-input-mb``: inputs larger than this are refused unread."""
    parser.add_argument(
        "--max-input-mb",
        type=float,
        default=DEFAULT_MAX_INPUT_BYTES / 2**20,
        help="refuse inputs larger than this (default: %(default)g MB)",
    )


def add_max_articles(parser: argparse.ArgumentParser) -> None:
    """``--max-articles``: the most articles one briefing takes."""
    parser.add_argument(
        "--max-articles",
        type=int,
        default=DEFAULT_MAX_ARTICLES,
        help="refuse more articles than this in one briefing (default: %(default)d)",
    )


def add_urls(parser: argparse.ArgumentParser, what: str = "URL") -> None:
    """``--url-timeout`` and ``--allow-private-urls``; ``what`` names what is fetched."""
    parser.add_argument(
        "--url-timeout",
        type=float,
        default=DEFAULT_URL_TIMEOUT,
        help=f"seconds to wait for each {what} (default: %(default)g)",
    )
    parser.add_argument(
        "--allow-private-urls",
        action="store_true",
        help=f"allow {what}s that resolve to loopback/private/link-local addresses",
    )


def add_db(parser: argparse.ArgumentParser, default: str | None) -> None:
    """``--db``: the store, a SQLite file or a database URL."""
    parser.add_argument(
        "--db",
        default=default,
        help="store: SQLite file or database URL, e.g. postgresql+psycopg://user@host/db"
        + (" (default: %(default)s)" if default else ""),
    )


def options_from_flags(args: argparse.Namespace) -> BriefOptions:
    """The one mapping from command-line flags to the options object.

    A command that does not have a flag leaves that option at its default; the options
    object validates the values (``words`` of at least 10, positive limits, ...).
    """
    defaults = BriefOptions()
    sentences = getattr(args, "sentences", None)
    words = getattr(args, "words", defaults.words)
    max_input_mb = getattr(args, "max_input_mb", None)
    if max_input_mb is not None and not (math.isfinite(max_input_mb) and max_input_mb > 0):
        raise OptionsError(f"the input limit must be a positive number of MB, got {max_input_mb}")
    return BriefOptions(
        words=words if sentences is None else None,
        sentences=sentences,
        model=getattr(args, "model", defaults.model),
        similarity=getattr(args, "similarity", defaults.similarity),
        max_input_bytes=(
            int(max_input_mb * 2**20) if max_input_mb is not None else defaults.max_input_bytes
        ),
        max_articles=getattr(args, "max_articles", defaults.max_articles),
        max_sentences=getattr(args, "max_sentences", DEFAULT_MAX_SENTENCES),
        url_timeout=getattr(args, "url_timeout", defaults.url_timeout),
        allow_private_urls=getattr(args, "allow_private_urls", defaults.allow_private_urls),
    )


#: What must not reach a terminal from text we did not write: C0 and C1 controls (ESC
#: starts colour, cursor and title sequences; CR and backspace overwrite what was shown;
#: U+009B is a one-character CSI), and the bidi overrides and isolates that reorder what
#: a line appears to say. Tab and line feed stay in documents; a name keeps neither.
_UNSAFE_IN_LINE = re.compile(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_UNSAFE_IN_DOCUMENT = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def shown(text: object) -> str:
    """``text`` safe to print on one line of a terminal: every control, bidi override and
    line break is written as a visible escape (``\\x1b``, ``\\u202e``, ``\\n``)."""
    return _UNSAFE_IN_LINE.sub(_escape, str(text))


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def for_terminal(text: str, stream: TextIO, *, json_text: bool = False) -> str:
    """A document made safe for ``stream`` when it is a terminal (unchanged otherwise).

    JSON keeps its meaning: the characters become ``\\uXXXX`` escapes, which a JSON
    reader turns back into the same string. Other formats get visible escapes.
    """
    isatty = getattr(stream, "isatty", None)
    if isatty is None or not isatty():
        return text
    if json_text:
        return _UNSAFE_IN_DOCUMENT.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
    return _UNSAFE_IN_DOCUMENT.sub(_escape, text)


def report_problems(problems: Any, verb: str = "skipped") -> None:
    """One line per input that could not be used, on stderr (names and reasons made safe
    for the terminal: a file name or URL can hold escape sequences)."""
    for problem in problems:
        print(f"storyweave: {verb} {shown(problem.input)}: {shown(problem.problem)}",
              file=sys.stderr)


def check_output(output: Path | None) -> None:
    """Refuse an output path that cannot be written, before any work is done: a folder, a
    file in a folder that does not exist, a file that cannot be replaced."""
    if output is None:
        return
    if output.is_dir():
        raise OutputError(f"cannot write {shown(output)}: it is a folder; give a file name")
    folder = output.parent if str(output.parent) else Path(".")
    if not folder.is_dir():
        raise OutputError(f"cannot write {shown(output)}: no folder {shown(folder)}")
    if not os.access(folder, os.W_OK) or (output.exists() and not os.access(output, os.W_OK)):
        raise OutputError(f"cannot write {shown(output)}: permission denied")


def write_output(text: str, output: Path | None, *, json_text: bool = False) -> None:
    """Write a rendered briefing to ``output``, or to stdout when there is none (made safe
    for a terminal; ``json_text`` says the text is JSON, see :func:`for_terminal`)."""
    if output:
        try:
            output.write_text(text, encoding="utf-8")
        except OSError as error:
            raise OutputError(f"cannot write {shown(output)}: {error.strerror or error}") from None
    else:
        sys.stdout.write(for_terminal(text, sys.stdout, json_text=json_text))
