"""``storyweave brief`` and ``storyweave schema``: one story in, one briefing out."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from ..options import DEFAULT_MAX_SENTENCES
from .flags import (
    EXIT_FAILURE,
    EXIT_OK,
    EXIT_PARTIAL,
    add_budget,
    add_input_limit,
    add_max_articles,
    add_model,
    add_outlets,
    add_urls,
    add_verbosity,
    add_workers,
    check_output,
    env_default,
    options_from_flags,
    report_problems,
    write_output,
)

BRIEF_EXAMPLES = """\
examples:
  storyweave brief examples/harbour-strike/
  storyweave brief a.txt b.html https://example.org/story --format json --words 150
  storyweave brief data/duc2004_task2.jsonl --cluster d30001t
  cat article.txt | storyweave brief - other.txt
  storyweave brief story/ --format html -o briefing.html
"""


def add_parser(commands: Any) -> None:
    """Register ``brief`` and ``schema`` on the CLI's sub-command parser."""
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
    add_budget(brief)
    brief.add_argument("--cluster", help="cluster id to brief from a dataset file")
    brief.add_argument(
        "--split",
        action="store_true",
        help="when the inputs tell several stories, brief each on its own (Markdown: one "
        "after the other; JSON: an array of briefings; HTML: one page)",
    )
    brief.add_argument(
        "--story",
        type=int,
        metavar="ID",
        help="brief a story of the store instead of inputs (its current briefing, "
        "rebuilt if it gained articles; see `storyweave stories`)",
    )
    brief.add_argument(
        "--db",
        default=env_default("STORYWEAVE_DB"),
        help="store for --story: SQLite file or database URL [env: STORYWEAVE_DB]",
    )
    brief.add_argument(
        "--since",
        metavar="BRIEFING",
        help="with --story: open with what changed since that briefing of the story: its "
        "number (1 is the first) or 'previous' (the one before the current)",
    )
    add_model(brief)
    add_outlets(brief)
    brief.add_argument(
        "--similarity",
        type=float,
        help="alignment threshold (cosine, 0-1; default: calibrated per model)",
    )
    add_input_limit(brief)
    add_max_articles(brief)
    add_workers(brief)
    brief.add_argument(
        "--max-sentences",
        type=int,
        default=DEFAULT_MAX_SENTENCES,
        help="read at most this many sentences in one briefing; the longest inputs are cut "
        "(default: %(default)d; memory grows with its square)",
    )
    add_urls(brief)
    add_verbosity(brief, quiet="errors only: do not list skipped inputs on stderr")
    brief.set_defaults(handler=run_brief)

    schema = commands.add_parser(
        "schema",
        help="print the JSON schema of the briefing",
        description="Print the JSON Schema (draft 2020-12) that --format json output follows.",
        epilog="example:\n  storyweave schema > briefing.schema.json",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_verbosity(schema)
    schema.set_defaults(handler=run_schema)


def run_brief(args: argparse.Namespace) -> int:
    """``storyweave brief``."""
    from ..ingest import load
    from ..pipeline import Briefer
    from ..render import render_many

    options = options_from_flags(args)
    check_output(args.output)  # before the work, not after it
    if args.story is not None:
        from .monitor import run_story_brief

        return run_story_brief(args, options)
    loaded = load(args.inputs, options, cluster=args.cluster)
    if not args.quiet:
        report_problems(loaded.problems)
    if not loaded.articles:
        print("storyweave: no usable article to brief", file=sys.stderr)
        return EXIT_FAILURE
    briefer = Briefer(options)
    if args.split:
        briefings = briefer.brief_each_story(loaded.articles, loaded.problems)
    else:
        briefings = (briefer.brief(loaded.articles, loaded.problems),)
    briefing = briefings[0]
    if not args.quiet:
        report_problems(briefing.problems[len(loaded.problems) :])
    if not briefing.sources:
        print("storyweave: no usable article to brief", file=sys.stderr)
        return EXIT_FAILURE
    if not args.quiet and not briefing.story_check.one_story and not args.split:
        print(
            "storyweave: these inputs do not tell one story (see the top of the briefing); "
            "--split briefs each story on its own",
            file=sys.stderr,
        )
    write_output(render_many(briefings, args.format), args.output,
                 json_text=args.format == "json")
    return EXIT_PARTIAL if briefing.problems else EXIT_OK


def run_schema(args: argparse.Namespace) -> int:
    """``storyweave schema``."""
    import json

    from ..render import schema

    print(json.dumps(schema(), indent=2))
    return EXIT_OK
