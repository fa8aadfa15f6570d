"""The monitoring and scale-out commands: ``ingest``, ``stories``, ``batch``, ``brief --story``.

Thin faces over :mod:`storyweave.monitor` and :mod:`storyweave.batch`; exit codes as in
:mod:`.flags` (0 all done, 1 nothing done, 2 usage, 3 partly done, 130 Ctrl-C).
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import MissingDependency
from ..options import DEFAULT_MODEL, BriefOptions
from .flags import (
    EXIT_FAILURE,
    EXIT_OK,
    EXIT_PARTIAL,
    EXIT_USAGE,
    add_budget,
    add_db,
    add_input_limit,
    add_model,
    add_outlets,
    add_urls,
    add_verbosity,
    check_output,
    for_terminal,
    options_from_flags,
    report_problems,
    shown,
    write_output,
)

if TYPE_CHECKING:
    from ..monitor.store import Store

#: The model flag of the store's commands: a store keeps the model it was made with.
STORE_MODEL_HELP = (
    "embedding backend: 'minilm', 'static-learned', 'static' or 'lexical'; a store keeps the "
    f"one it was made with, and is briefed with it unless told (a new store: '{DEFAULT_MODEL}')"
)

INGEST_EXAMPLES = """\
examples:
  storyweave ingest feeds.txt articles/ dump.jsonl --db storyweave.db
  storyweave ingest --feed https://news.example.org/rss.xml --db storyweave.db
  storyweave ingest article.html --db postgresql+psycopg://user@localhost/news
"""
STORIES_EXAMPLES = """\
examples:
  storyweave stories --db storyweave.db
  storyweave stories --db storyweave.db --json > stories.json
"""
BATCH_EXAMPLES = """\
examples:
  storyweave batch clusters.jsonl.gz --out briefs.jsonl
  storyweave batch clusters.jsonl.gz --out briefs.jsonl --engine dask --workers 2
  storyweave batch clusters.jsonl.gz --out briefs.jsonl --engine dask --scheduler tcp://10.0.0.5:8786
  storyweave batch clusters.jsonl.gz --out briefs.jsonl --parquet briefs.parquet
"""


def add_parser(commands: Any) -> None:
    """Register ``ingest``, ``stories`` and ``batch`` on the CLI's sub-command parser."""
    from ..monitor.records import DEFAULT_DB  # no SQLAlchemy: the monitor extra may be missing

    raw = argparse.RawDescriptionHelpFormatter
    ingest = commands.add_parser(
        "ingest",
        help="add articles and feed items to a story store, grouping them into stories",
        description="Ingest articles (files, folders, URLs, JSONL datasets, RSS/Atom feeds "
        "and feed lists) into a store; each joins the best matching story or starts one.",
        epilog=INGEST_EXAMPLES,
        formatter_class=raw,
    )
    ingest.add_argument(
        "inputs",
        nargs="*",
        metavar="INPUT",
        help="feed list (.txt of feed URLs/paths), feed file (.xml .rss .atom), article "
        "files or folders, URLs, '-' for stdin, or a dataset (.jsonl[.gz]; every cluster)",
    )
    ingest.add_argument("--feed", action="append", default=[], help="a feed URL or file (repeatable)")
    add_db(ingest, DEFAULT_DB)
    add_model(ingest, STORE_MODEL_HELP)
    ingest.add_argument(
        "--brief", action="store_true", help="rebuild the briefing of every story that changed"
    )
    add_input_limit(ingest)
    add_urls(ingest, what="URL or feed")
    add_outlets(ingest)
    add_verbosity(ingest, quiet="errors only: no progress bar or problem list")
    ingest.set_defaults(handler=run_ingest)

    stories = commands.add_parser(
        "stories",
        help="list the stories in a store, newest first, with their articles",
        description="List the stories of a store, newest first, with each article's id and origins.",
        epilog=STORIES_EXAMPLES,
        formatter_class=raw,
    )
    add_db(stories, DEFAULT_DB)
    stories.add_argument("--json", action="store_true", help="print JSON (one list of stories)")
    stories.add_argument("--limit", type=int, help="show only the newest N stories")
    add_verbosity(stories)
    stories.set_defaults(handler=run_stories)

    batch = commands.add_parser(
        "batch",
        help="brief every cluster of a dataset into JSON Lines (locally or on Dask)",
        description="Brief every cluster of a JSON/JSONL(.gz) dataset, one JSON line per "
        "cluster. Resumable: clusters already in --out are skipped.",
        epilog=BATCH_EXAMPLES,
        formatter_class=raw,
    )
    batch.add_argument("dataset", type=Path, help="dataset file (.json/.jsonl[.gz])")
    batch.add_argument("--out", type=Path, required=True, help="output JSON Lines file")
    batch.add_argument("--parquet", type=Path, help="also write the output as Parquet here")
    batch.add_argument(
        "--engine", choices=("local", "dask"), default="local",
        help="local: one process (default); dask: dask.distributed",
    )
    batch.add_argument("--scheduler", help="Dask scheduler address (default: a LocalCluster)")
    batch.add_argument(
        "--workers", type=int, default=2, help="LocalCluster worker processes (default: 2)"
    )
    batch.add_argument("--limit", type=int, help="only the first N clusters of the dataset")
    add_model(batch)
    add_budget(batch)
    add_outlets(batch)
    add_verbosity(batch, quiet="errors only: no progress bar")
    batch.set_defaults(handler=run_batch)


def _progress(enabled: bool, unit: str, total: int | None = None) -> Any:
    """A tqdm bar on stderr (hidden when not a terminal or when disabled)."""
    try:
        from tqdm import tqdm
    except ImportError as error:  # ingest and batch come with the monitor extra
        raise MissingDependency("tqdm", "monitor") from error

    return tqdm(total=total, unit=unit, disable=None if enabled else True, file=sys.stderr)


def run_ingest(args: argparse.Namespace) -> int:
    """``storyweave ingest``."""
    from ..ingest.feeds import iter_ingest_inputs
    from ..monitor.store import Store
    from ..pipeline import Briefer

    if not args.inputs and not args.feed:
        print("storyweave ingest: give at least one INPUT or --feed", file=sys.stderr)
        return EXIT_USAGE
    options = options_from_flags(args)
    items = iter_ingest_inputs(args.inputs, options, feeds=args.feed)
    with Store(args.db) as store, _progress(not args.quiet, "article") as bar:
        briefer = Briefer(store_options(args, options, store))
        summary = store.ingest(items, briefer, on_item=lambda _outcome: bar.update())
        bar.close()
        if args.brief:
            from ..monitor.living import current

            for story_id in sorted(summary.stories):
                current(store, story_id, briefer)  # stored with what changed since the last
    if not args.quiet:
        report_problems(summary.problems, verb="failed")
    print(f"storyweave ingest: {summary.line()}")
    if summary.failed and not (summary.ingested or summary.duplicates):
        return EXIT_FAILURE
    return EXIT_PARTIAL if summary.failed else EXIT_OK


def stories_json(records: list[Any], news: dict[int, Any] | None = None) -> list[dict[str, Any]]:
    """The documented ``stories --json`` shape (``news``: the stories' summaries, for
    their outlets and "what's new")."""
    from ..monitor.living import outlets_of, story_title

    news = news or {}
    return [
        {
            "id": story.id,
            "title": story_title(story),
            "language": story.language,
            "first": _iso(story.first_time),
            "last": _iso(story.last_time),
            "briefing": story.briefing,
            "outlets": list(outlets_of(story)),
            "whats_new": news[story.id].whats_new if story.id in news else None,
            "articles": [
                {
                    "id": article.id,
                    "origins": list(article.origins),
                    "title": article.title,
                    "outlet": article.outlet,
                    "url": article.url,
                    "published": article.published,
                    "language": article.language,
                }
                for article in story.articles
            ],
        }
        for story in records
    ]


def store_options(args: argparse.Namespace, options: BriefOptions, store: Store) -> BriefOptions:
    """``options`` for a command on ``store``: told no model (no ``--model``, no
    ``STORYWEAVE_MODEL``), it briefs with the model whose vectors the store holds."""
    recorded = store.model() if getattr(args, "model", None) is None else None
    return options if recorded is None else replace(options, model=recorded)


def run_stories(args: argparse.Namespace) -> int:
    """``storyweave stories``."""
    from ..monitor.living import story_title, summaries
    from ..monitor.store import Store

    with Store(args.db, create=False) as store:  # a mistyped --db is an error, not a new file
        records = store.stories(limit=args.limit)
        news = {s.id: s for s in summaries(store, records=records)}
    if args.json:
        text = json.dumps(stories_json(records, news), ensure_ascii=False, indent=2)
        print(for_terminal(text, sys.stdout, json_text=True))
        return EXIT_OK
    # Titles, outlets and origins come from the articles: shown with visible escapes, so
    # a stored title cannot clear the screen, retitle the window or forge a line.
    for story in records:
        count = len(story.articles)
        print(
            f"#{story.id}  {_iso(story.last_time)[:16]}  {count} article{'s' * (count != 1)}  "
            f"[{shown(story.language)}, briefing {story.briefing}]  "
            f"{shown(story_title(story))}"
        )
        if story.id in news:
            print(f"    what's new: {shown(news[story.id].whats_new)}")
        for article in story.articles:
            label = article.outlet or article.title or article.origins[0]
            print(f"    {article.id}: {shown(label)}  ({shown(article.origins[0])})")
    if not records:
        print("no stories yet; add articles with `storyweave ingest`", file=sys.stderr)
    return EXIT_OK


def run_story_brief(args: argparse.Namespace, options: BriefOptions) -> int:
    """``storyweave brief --story ID``: the story's current briefing (rebuilt if stale)."""
    from ..monitor.living import current
    from ..monitor.store import DEFAULT_DB, Store
    from ..pipeline import Briefer
    from ..render.changes import changes_dict
    from ..render.html import render_html
    from ..render.markdown import render_markdown

    with Store(args.db or DEFAULT_DB, create=False) as store:
        briefer = Briefer(store_options(args, options, store))
        since = None if args.since in (None, "previous") else _briefing_number(args.since)
        # Through the living story, so a rebuilt briefing is stored with what changed
        # since the one before (the list of stories shows it).
        living = current(store, args.story, briefer, since=since)
    changes = living.changes if args.since is not None else None
    if args.format == "json" and changes is None:
        text = living.json
    elif args.format == "json":
        document = {
            "story": living.story_id,
            "number": living.number,
            "since": living.since,
            "changes": changes_dict(living.changes),
            "briefing": json.loads(living.json),
        }
        text = json.dumps(document, ensure_ascii=False, indent=2) + "\n"
    elif args.format == "html":
        text = render_html(living.briefing, changes=changes)
    else:
        text = render_markdown(living.briefing, changes)
    write_output(text, args.output, json_text=args.format == "json")
    return EXIT_OK


def _briefing_number(value: str) -> int:
    from ..errors import OptionsError

    if not value.isdigit() or int(value) < 1:
        raise OptionsError(
            f"--since takes a briefing number (1, 2, ... as `storyweave stories` counts them) "
            f"or 'previous', not {value!r}"
        )
    return int(value)


def run_batch(args: argparse.Namespace) -> int:
    """``storyweave batch``."""
    from ..batch import run_batch as batch

    options = options_from_flags(args)
    check_output(args.out)
    check_output(args.parquet)
    with _progress(not args.quiet, "cluster", total=args.limit) as bar:
        summary = batch(
            args.dataset,
            args.out,
            options,
            engine=args.engine,
            scheduler=args.scheduler,
            workers=args.workers,
            limit=args.limit,
            parquet=args.parquet,
            on_cluster=bar.update,
        )
    report_problems(summary.problems)
    print(f"storyweave batch: {summary.line()}")
    if summary.written == summary.failed and summary.failed and not summary.skipped:
        return EXIT_FAILURE
    return EXIT_PARTIAL if summary.failed or summary.problems else EXIT_OK


def _iso(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, timezone.utc).replace(microsecond=0).isoformat()
