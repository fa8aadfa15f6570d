"""The ``storyweave`` command: a thin face over the library.

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
from collections.abc import Sequence
from pathlib import Path

from . import __version__
from .errors import StoryweaveError
from .options import (
    DEFAULT_MAX_ARTICLES,
    DEFAULT_MAX_INPUT_BYTES,
    DEFAULT_MAX_SENTENCES,
    DEFAULT_URL_TIMEOUT,
    DEFAULT_WORDS,
    BriefOptions,
)

EXIT_OK, EXIT_FAILURE, EXIT_USAGE, EXIT_PARTIAL, EXIT_INTERRUPTED = 0, 1, 2, 3, 130

BRIEF_EXAMPLES = """\
examples:
  storyweave brief examples/harbour-strike/
  storyweave brief a.txt b.html https://example.org/story --format json --words 150
  storyweave brief data/duc2004_task2.jsonl --cluster d30001t
  cat article.txt | storyweave brief - other.txt
  storyweave brief story/ --format html -o briefing.html
"""


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (one sub-command per job)."""
    parser = argparse.ArgumentParser(
        prog="storyweave",
        description="Weave many news reports of one event into one cited briefing.",
    )
    parser.add_argument("--version", action="version", version=f"storyweave {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    brief = commands.add_parser(
        "brief",
        help="brief a story from files, folders, URLs, stdin or a dataset cluster",
        description="Brief one story: what the sources agree on, who said what, with citations.",
        epilog=BRIEF_EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    brief.add_argument(
        "inputs",
        nargs="*",
        metavar="INPUT",
        help="article files (.txt .md .html), folders of them, URLs, '-' for stdin, "
        "or a dataset file (.json/.jsonl[.gz]) with --cluster",
    )
    brief.add_argument(
        "-f",
        "--format",
        choices=("md", "json", "html"),
        default="md",
        help="output format (default: md, Markdown)",
    )
    brief.add_argument("-o", "--output", type=Path, help="write to this file instead of stdout")
    budget = brief.add_mutually_exclusive_group()
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
    brief.add_argument("--cluster", help="cluster id to brief from a dataset file")
    brief.add_argument(
        "--story",
        type=int,
        metavar="ID",
        help="brief a story of the store instead of inputs (its current briefing, "
        "rebuilt if it gained articles; see `storyweave stories`)",
    )
    brief.add_argument("--db", help="store for --story: SQLite file or database URL")
    brief.add_argument(
        "--model",
        default="minilm",
        help="embedding backend: 'minilm' (bundled, default), 'lexical' (no model), "
        "a folder with model.onnx + tokenizer.json, or a sentence-transformers "
        "name/path (needs storyweave[st])",
    )
    brief.add_argument(
        "--similarity",
        type=float,
        help="alignment threshold (cosine, 0-1; default: calibrated per model)",
    )
    brief.add_argument(
        "--max-input-mb",
        type=float,
        default=DEFAULT_MAX_INPUT_BYTES / 2**20,
        help="refuse inputs larger than this (default: %(default)g MB)",
    )
    brief.add_argument(
        "--max-articles",
        type=int,
        default=DEFAULT_MAX_ARTICLES,
        help="refuse more articles than this in one briefing (default: %(default)d)",
    )
    brief.add_argument(
        "--max-sentences",
        type=int,
        default=DEFAULT_MAX_SENTENCES,
        help="read at most this many sentences in one briefing; the longest inputs are cut "
        "(default: %(default)d; memory grows with its square)",
    )
    brief.add_argument(
        "--url-timeout",
        type=float,
        default=DEFAULT_URL_TIMEOUT,
        help="seconds to wait for each URL (default: %(default)g)",
    )
    brief.add_argument(
        "--allow-private-urls",
        action="store_true",
        help="allow URLs that resolve to loopback/private addresses",
    )
    brief.add_argument(
        "-q", "--quiet", action="store_true", help="do not print skipped inputs to stderr"
    )
    brief.set_defaults(handler=_run_brief)

    schema = commands.add_parser(
        "schema",
        help="print the JSON schema of the briefing",
        description="Print the JSON Schema (draft 2020-12) that --format json output follows.",
        epilog="example:\n  storyweave schema > briefing.schema.json",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    schema.set_defaults(handler=_run_schema)

    # The eval command imports its heavy dependencies only when it runs, and then says
    # how to install them if they are missing.
    from .evaluate.command import add_parser as add_eval_parser

    add_eval_parser(commands)
    from .cli_monitor import add_parser as add_monitor_parser

    add_monitor_parser(commands)
    from .cli_serve import add_parser as add_serve_parser

    add_serve_parser(commands)
    return parser


def options_from_args(args: argparse.Namespace) -> BriefOptions:
    """Map command-line flags onto the one options object."""
    return BriefOptions(
        words=args.words if args.sentences is None else None,
        sentences=args.sentences,
        model=args.model,
        similarity=args.similarity,
        max_input_bytes=int(args.max_input_mb * 2**20),
        max_articles=args.max_articles,
        max_sentences=args.max_sentences,
        url_timeout=args.url_timeout,
        allow_private_urls=args.allow_private_urls,
    )


def _run_brief(args: argparse.Namespace) -> int:
    from .ingest import load
    from .pipeline import Briefer
    from .render import render

    options = options_from_args(args)
    if args.story is not None:
        from .cli_monitor import run_story_brief

        return run_story_brief(args, options)
    loaded = load(args.inputs, options, cluster=args.cluster)
    if not args.quiet:
        for problem in loaded.problems:
            print(f"storyweave: skipped {problem.input}: {problem.problem}", file=sys.stderr)
    if not loaded.articles:
        print("storyweave: no usable article to brief", file=sys.stderr)
        return EXIT_FAILURE
    briefing = Briefer(options).brief(loaded.articles, loaded.problems)
    if not args.quiet:
        for problem in briefing.problems[len(loaded.problems) :]:
            print(f"storyweave: skipped {problem.input}: {problem.problem}", file=sys.stderr)
    if not briefing.sources:
        print("storyweave: no usable article to brief", file=sys.stderr)
        return EXIT_FAILURE
    text = render(briefing, args.format)
    if args.output:
        args.output.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return EXIT_PARTIAL if briefing.problems else EXIT_OK


def _run_schema(args: argparse.Namespace) -> int:
    import json

    from .render import schema

    print(json.dumps(schema(), indent=2))
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``storyweave`` command; returns the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command == "brief" and not args.inputs and args.story is None:
        parser.error("brief: give at least one INPUT, or --story ID")  # exits with 2
    try:
        code: int = args.handler(args)
        return code
    except StoryweaveError as error:
        print(f"storyweave: {error}", file=sys.stderr)
        return EXIT_FAILURE
    except KeyboardInterrupt:
        print("storyweave: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:  # e.g. `storyweave brief ... | head`
        sys.stderr.close()
        return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
