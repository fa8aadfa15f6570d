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
import sys
from pathlib import Path
from typing import Any

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


def report_problems(problems: Any, verb: str = "skipped") -> None:
    """One line per input that could not be used, on stderr."""
    for problem in problems:
        print(f"storyweave: {verb} {problem.input}: {problem.problem}", file=sys.stderr)


def write_output(text: str, output: Path | None) -> None:
    """Write a rendered briefing to ``output``, or to stdout when there is none."""
    if output:
        output.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
