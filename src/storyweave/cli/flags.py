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

Every command takes ``-v/--verbose`` (``-v`` what each stage does, ``-vv`` debugging
detail) and ``-q/--quiet`` (errors only), through the standard :mod:`logging` module
(:func:`configure_logging`). Settings a user gives on every call may come from the
environment instead (:data:`ENVIRONMENT`); a flag on the command line wins.
"""

from __future__ import annotations

import argparse
import logging
import math
import os
import re
import sys
from pathlib import Path
from typing import Any, TextIO

from ..errors import OptionsError, OutletsError, OutputError
from ..model import OutletDirectory
from ..options import (
    DEFAULT_MAX_ARTICLES,
    DEFAULT_MAX_INPUT_BYTES,
    DEFAULT_MAX_SENTENCES,
    DEFAULT_SUMMARIZER,
    DEFAULT_URL_TIMEOUT,
    DEFAULT_WORDS,
    SUMMARIZERS,
    BriefOptions,
)

EXIT_OK, EXIT_FAILURE, EXIT_USAGE, EXIT_PARTIAL, EXIT_INTERRUPTED = 0, 1, 2, 3, 130

#: Environment variables read as defaults, and what each sets.
ENVIRONMENT = {
    "STORYWEAVE_DB": "the store (--db of ingest, stories, brief --story, serve)",
    "STORYWEAVE_MODEL": "the embedding backend (--model)",
    "STORYWEAVE_OUTLETS": "the outlet file (--outlets)",
    "STORYWEAVE_DATA": "the shared data folder the evaluations read (eval --data)",
}


def env_default(name: str, fallback: str | None = None) -> str | None:
    """The value of environment variable ``name`` (one of :data:`ENVIRONMENT`), else
    ``fallback``; an empty value counts as unset."""
    value = os.environ.get(name, "").strip()
    return value or fallback


def add_verbosity(parser: argparse.ArgumentParser, quiet: str = "print errors only") -> None:
    """``-v/--verbose`` (repeatable) and ``-q/--quiet``; ``quiet`` says what -q also hides."""
    parser.add_argument(
        "-v",
        "--verbose",
        action="count",
        default=0,
        help="say more on stderr: -v what each stage does, -vv debugging detail",
    )
    parser.add_argument("-q", "--quiet", action="store_true", help=quiet)


#: The handler :func:`configure_logging` puts on the ``storyweave`` logger, so that a
#: second call (tests run many commands in one process) replaces it instead of adding one.
_HANDLER_NAME = "storyweave-cli"


def log_level(args: argparse.Namespace) -> int:
    """The logging level the flags ask for: WARNING by default, INFO with -v, DEBUG with
    -vv, ERROR with -q."""
    if getattr(args, "quiet", False):
        return logging.ERROR
    verbose = getattr(args, "verbose", 0) or 0
    return logging.DEBUG if verbose >= 2 else logging.INFO if verbose == 1 else logging.WARNING


def configure_logging(args: argparse.Namespace) -> None:
    """Send the library's log records (the ``storyweave`` logger) to stderr at the level
    the flags ask for. Records still propagate, so an application's own handlers see them."""
    level = log_level(args)
    logger = logging.getLogger("storyweave")
    for handler in [h for h in logger.handlers if h.get_name() == _HANDLER_NAME]:
        logger.removeHandler(handler)
    handler = logging.StreamHandler(sys.stderr)
    handler.set_name(_HANDLER_NAME)
    detail = "%(name)s: " if level <= logging.DEBUG else ""
    handler.setFormatter(logging.Formatter(f"storyweave: %(levelname)s: {detail}%(message)s"))
    logger.addHandler(handler)
    logger.setLevel(level)

#: How the model flag reads wherever a command briefs.
MODEL_HELP = (
    "embedding backend: 'minilm' (bundled, default), 'static-learned' (bundled static "
    "vectors trained to predict MiniLM's: ~5x faster briefings, as good on the answer keys, "
    "weaker on sentences that share their words but not their meaning and at telling mixed "
    "stories apart), 'static' (static vectors "
    "distilled from MiniLM: lower alignment precision), 'lexical' (no model), a folder with "
    "model.onnx + tokenizer.json (or static.json), or a sentence-transformers name/path "
    "(needs storyweave[st])"
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
    parser.add_argument(
        "--summarizer",
        choices=SUMMARIZERS,
        default=DEFAULT_SUMMARIZER,
        help="how summary lines are chosen: 'coverage' (greedy concept coverage, default) "
        "or 'learned' (a sentence scorer trained on human Multi-News summaries)",
    )


def add_model(parser: argparse.ArgumentParser, help: str = MODEL_HELP) -> None:
    """``--model``: the embedding backend (default: ``$STORYWEAVE_MODEL``; without it the
    parsed value is None: :data:`~storyweave.options.DEFAULT_MODEL`, or a store's own model
    for the commands on a store)."""
    parser.add_argument(
        "--model",
        default=env_default("STORYWEAVE_MODEL"),
        help=help + " [env: STORYWEAVE_MODEL]",
    )


def add_outlets(parser: argparse.ArgumentParser) -> None:
    """``--outlets FILE``: the user's outlet profiles (default: ``$STORYWEAVE_OUTLETS``)."""
    parser.add_argument(
        "--outlets",
        metavar="FILE",
        default=env_default("STORYWEAVE_OUTLETS"),
        help="outlet file (JSON or CSV: name, domains, lean or other labels, country, owner); "
        "the briefing then shows coverage by side and each side's blindspots "
        "[env: STORYWEAVE_OUTLETS]",
    )


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


def add_workers(parser: argparse.ArgumentParser) -> None:
    """``--workers``: processes for a large briefing (1: never fork a worker)."""
    parser.add_argument(
        "--workers",
        type=int,
        default=None,
        help="processes a briefing may use: from ~6-10 articles a second one finds quotes "
        "and entities (and the story check if it is free first), and from ~25 it first "
        "reads half the articles "
        "(default: 2 when a second core is free; 1 = one process)",
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


def add_db(parser: argparse.ArgumentParser, default: str | None, what: str = "store") -> None:
    """``--db``: the store, a SQLite file or a database URL (default: ``$STORYWEAVE_DB``,
    else ``default``)."""
    default = env_default("STORYWEAVE_DB", default)
    parser.add_argument(
        "--db",
        default=default,
        help=f"{what}: SQLite file or database URL, e.g. postgresql+psycopg://user@host/db"
        + (" (default: %(default)s)" if default else "")
        + " [env: STORYWEAVE_DB]",
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
        model=getattr(args, "model", None) or defaults.model,
        similarity=getattr(args, "similarity", defaults.similarity),
        max_input_bytes=(
            int(max_input_mb * 2**20) if max_input_mb is not None else defaults.max_input_bytes
        ),
        max_articles=getattr(args, "max_articles", defaults.max_articles),
        max_sentences=getattr(args, "max_sentences", DEFAULT_MAX_SENTENCES),
        url_timeout=getattr(args, "url_timeout", defaults.url_timeout),
        allow_private_urls=getattr(args, "allow_private_urls", defaults.allow_private_urls),
        outlets=outlets_from_flags(args),
        summarizer=getattr(args, "summarizer", defaults.summarizer),
        workers=getattr(args, "workers", defaults.workers),
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


def outlets_from_flags(args: argparse.Namespace) -> OutletDirectory | None:
    """The outlet file of ``--outlets`` (or ``$STORYWEAVE_OUTLETS``), loaded; ``None`` without."""
    from ..views.profiles import load_outlets

    path = getattr(args, "outlets", None)
    if not path:
        return None
    try:
        return load_outlets(path)
    except OutletsError as error:
        if path == env_default("STORYWEAVE_OUTLETS"):
            raise OutletsError(f"{error} (the file STORYWEAVE_OUTLETS names)") from None
        raise


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
