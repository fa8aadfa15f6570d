"""``storyweave eval summaries|analysis|extraction|framing``: the command-line face of the
evaluation (thin on purpose)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from ..errors import OptionsError
from ..options import DEFAULT_MODEL, BriefOptions
from .flags import add_verbosity, env_default

EVAL_EXAMPLES = """\
examples:
  storyweave eval summaries ../shared/data/duc2004_task2/duc2004_task2.jsonl
  storyweave eval summaries ../shared/data/multi_news/longbench_test_fulltext.jsonl \\
      --limit 200 --plot out.png --json out.json
  storyweave eval summaries data.jsonl --systems storyweave,lead-3,sumy-LexRank --budget 250

Systems: storyweave (the default briefing: concept-coverage summarizer), storyweave-learned
(the same briefing with the learned summarizer; storyweave-coverage names the coverage one
explicitly), lead-3 (lead-K), lead-rr, random, oracle, sumy-LexRank, sumy-TextRank, sumy-LSA, sumy-SumBasic, sumy-Luhn, and for DUC 2004 the 13 published systems stored with
the data (ICSISumm, LexRank, ...). Settings are detected from the data: DUC 2004 is scored
as ROUGE recall on the first 100 words against all references; Multi-News and others as
ROUGE F1 with every output cut to --budget words (default 300).
"""


def add_parser(subparsers: Any) -> None:
    """Add ``eval`` (with its ``summaries`` sub-command) to the CLI's sub-commands."""
    evaluate = subparsers.add_parser(
        "eval",
        help="evaluate summaries against human references (ROUGE, baselines, speed)",
        description="Evaluate storyweave against baselines and published systems.",
        epilog="example:\n  storyweave eval summaries duc2004_task2.jsonl --json out.json",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    jobs = evaluate.add_subparsers(dest="eval_command", metavar="WHAT", required=True)
    summaries = jobs.add_parser(
        "summaries",
        help="ROUGE, time and memory of every system on a dataset, in one table",
        description="Run storyweave, the baselines and any published systems over the same "
        "clusters and print one table: ROUGE-1, ROUGE-2, ROUGE-Lsum, seconds per cluster "
        "and peak memory, all measured in the same run.",
        epilog=EVAL_EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    summaries.add_argument("dataset", help="dataset file (.jsonl, .jsonl.gz or .json)")
    summaries.add_argument("--limit", type=int, help="only the first N clusters (file order)")
    summaries.add_argument(
        "--json", metavar="FILE", help="also write the result as JSON to FILE ('-' for stdout)"
    )
    summaries.add_argument(
        "--plot", metavar="PNG", help="write a PNG of ROUGE against seconds per cluster"
    )
    summaries.add_argument("--systems", help="comma-separated systems (default: all, see below)")
    summaries.add_argument(
        "--budget",
        type=int,
        help="word budget every output is cut to (default: 100 for DUC 2004, 300 otherwise)",
    )
    summaries.add_argument(
        "--words", type=int, help="words storyweave is asked for (default: the budget)"
    )
    summaries.add_argument(
        "--measure", choices=("f1", "recall"), help="override the detected ROUGE measure"
    )
    summaries.add_argument(
        "--aggregate",
        choices=("pooled", "jackknife", "max", "mean"),
        default="pooled",
        help="how several references combine (default: pooled, as ROUGE-1.5.5 -f A)",
    )
    summaries.add_argument(
        "--model",
        default=env_default("STORYWEAVE_MODEL"),
        help=f"storyweave's embedding backend (default: {DEFAULT_MODEL}) [env: STORYWEAVE_MODEL]",
    )
    summaries.add_argument(
        "--in-process",
        action="store_true",
        help="run systems in this process (faster start; no memory figures)",
    )
    summaries.add_argument(
        "--outputs", action="store_true", help="keep every system's summary in the JSON"
    )
    summaries.add_argument(
        "--vector-cache",
        metavar="DIR",
        help="keep storyweave's sentence vectors in DIR (file names are hashes, no text), so "
        "the second storyweave system and later runs skip the embedding; their time per "
        "cluster then leaves the embedding out",
    )
    summaries.add_argument("--no-progress", action="store_true", help="no progress bars")
    add_verbosity(summaries, quiet="errors only, no progress bars")
    summaries.set_defaults(handler=run)
    add_analysis_parser(jobs)
    add_extraction_parser(jobs)
    add_framing_parser(jobs)
    add_cleaning_parser(jobs)


def run(args: argparse.Namespace) -> int:
    """Run the evaluation the arguments describe; print the table; return the exit code."""
    from ..evaluate import data, report, rouge, runner, systems

    if args.limit is not None and args.limit < 1:
        raise OptionsError(f"--limit must be at least 1, got {args.limit}")
    if args.words is not None:
        BriefOptions(words=args.words)  # the options object says what is too short
    clusters = list(data.read_clusters(args.dataset, limit=args.limit))
    if not clusters:
        raise OptionsError(f"{args.dataset}: no clusters to evaluate")
    kind = data.detect_kind(clusters)
    if kind == "duc2004":
        settings = rouge.duc_settings(args.budget or rouge.DUC_BUDGET, args.aggregate)
    else:
        settings = rouge.RougeSettings(
            measure="f1", budget=args.budget or rouge.MULTI_NEWS_BUDGET, aggregate=args.aggregate
        )
    if args.measure:
        settings = rouge.RougeSettings(
            measure=args.measure,
            budget=settings.budget,
            aggregate=settings.aggregate,
            truncate_references=settings.truncate_references,
        )
    names = (
        [n.strip() for n in args.systems.split(",") if n.strip()]
        if args.systems
        else [*systems.DEFAULT_SYSTEMS, *systems.published_names(clusters)]
    )
    published = set(systems.published_names(clusters))
    for name in names:  # fail before any work on a misspelt name
        if name not in published:
            systems.make_system(name)
    result = runner.evaluate(
        clusters,
        names,
        settings,
        dataset=clusters[0].dataset or kind,
        source=args.dataset.replace("\\", "/").split("/")[-1],
        words=args.words,
        model=args.model,
        isolate=not args.in_process,
        progress=not (args.no_progress or args.quiet),
        keep_outputs=args.outputs,
        vector_cache=args.vector_cache,
    )
    if args.json == "-":
        json.dump(report.to_json(result), sys.stdout, indent=1, ensure_ascii=False)
        sys.stdout.write("\n")
    else:
        print(report.to_markdown(result))
        if args.json:
            report.write_json(result, args.json)
    if args.plot:
        report.plot(result, args.plot)
    return 0


def add_analysis_parser(eval_subparsers: Any) -> None:
    """Add ``analysis`` to the sub-commands of ``storyweave eval``."""
    from ..evaluate.analysis import ANALYSIS_EXAMPLES, DEFAULT_STORIES
    from ..evaluate.real_analysis import REAL_EXAMPLES

    parser = eval_subparsers.add_parser(
        "analysis",
        help="score conflicts, quotes, entities, framing, timeline against answer keys",
        description="Brief each story folder and score the cross-source analysis against "
        "its answers.json: precision and recall per kind.",
        epilog=ANALYSIS_EXAMPLES + REAL_EXAMPLES.replace("examples:\n", ""),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "stories",
        nargs="*",
        help="story folders with answers.json, or folders of them "
        f"(default: {' '.join(DEFAULT_STORIES)}, relative to the current directory)",
    )
    parser.add_argument(
        "--json", metavar="FILE", help="also write the result as JSON ('-': stdout)"
    )
    parser.add_argument(
        "--model",
        default=env_default("STORYWEAVE_MODEL"),
        help="embedding backend (default: the brief default) [env: STORYWEAVE_MODEL]",
    )
    parser.add_argument(
        "--real",
        action="append",
        metavar="KEYS",
        help="score real clusters instead: a real answer key (storyweave-real-answers/1) or "
        "a folder of them, e.g. tests/data/real_keys (repeatable)",
    )
    parser.add_argument(
        "--data",
        metavar="DIR",
        help="with --real: the shared data folder the keys point into "
        "(default: $STORYWEAVE_DATA, else ../shared/data beside the repository)",
    )
    parser.add_argument(
        "--fictional",
        action="store_true",
        help="with --real: also score the fictional stories and print both side by side",
    )
    add_verbosity(parser)  # -v also lists each story's misses and errors
    parser.set_defaults(handler=run_analysis)


def run_analysis(args: argparse.Namespace) -> int:
    """Score the stories the arguments name; print the table; return the exit code."""
    from ..evaluate.analysis import (
        DEFAULT_STORIES,
        evaluate_stories,
        story_folders,
        to_json,
        to_markdown,
    )

    if getattr(args, "real", None):
        return run_real_analysis(args)
    folders = story_folders(args.stories or list(DEFAULT_STORIES))
    totals, per_story = evaluate_stories(folders, model=getattr(args, "model", None))
    result = to_json(totals, per_story)
    if args.json == "-":
        json.dump(result, sys.stdout, indent=1, ensure_ascii=False)
        sys.stdout.write("\n")
        return 0
    print(to_markdown(totals, per_story, verbose=args.verbose))
    if args.json:
        Path(args.json).write_text(
            json.dumps(result, indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
        )
    return 0


def run_real_analysis(args: argparse.Namespace) -> int:
    """``eval analysis --real``: brief the real clusters, print P/R per kind per cluster."""
    from ..evaluate.analysis import DEFAULT_STORIES, evaluate_stories, story_folders
    from ..evaluate.real_analysis import evaluate_real, side_by_side, to_json, to_markdown
    from ..evaluate.real_keys import key_paths

    paths = key_paths(args.real)
    fictional = None
    if args.fictional:
        folders = story_folders(args.stories or list(DEFAULT_STORIES))
        fictional, _ = evaluate_stories(folders, model=args.model)
    result = evaluate_real(paths, root=args.data, model=args.model)
    data = to_json(result, fictional)
    if args.json == "-":
        json.dump(data, sys.stdout, indent=1, ensure_ascii=False)
        sys.stdout.write("\n")
        return 0
    print(to_markdown(result, verbose=args.verbose))
    if fictional is not None:
        print("\nReal keys beside the fictional stories:\n")
        print(side_by_side(result.totals, fictional))
    if args.json:
        Path(args.json).write_text(
            json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
        )
    return 0


#: The abilities ``eval extraction`` scores, each a module of storyweave.evaluate.extraction.
EXTRACTION_ABILITIES = ("quotes", "entities", "dates")
EXTRACTION_EXAMPLES = """\
examples:
  storyweave eval extraction quotes                # PolNeAR: quotes and their speakers
  storyweave eval extraction dates                 # both TempEval-3 files of shared/data
  storyweave eval extraction dates --half b --json dates.json
  storyweave eval extraction dates -- --help       # the ability's own options
  storyweave eval extraction entities --json entities.json   # CoNLL-2003, spaCy beside
"""


def add_extraction_parser(eval_subparsers: Any) -> None:
    """Add ``extraction`` to the sub-commands of ``storyweave eval``."""
    parser = eval_subparsers.add_parser(
        "extraction",
        help="score quotes, entities or dates on real annotated news beside a library baseline",
        description="Score one extraction ability on the real, human-annotated sets of "
        "shared/data/real_nlp exactly as their README describes, storyweave and a well-kept "
        "library side by side in one run.",
        epilog=EXTRACTION_EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("ability", choices=EXTRACTION_ABILITIES)
    add_verbosity(parser)
    parser.add_argument(
        "rest",
        nargs=argparse.REMAINDER,
        metavar="...",
        help="the ability's own arguments: files (default: the dev files of shared/data), "
        "--limit N, --json OUT",
    )
    parser.set_defaults(handler=run_extraction)


def run_extraction(args: argparse.Namespace) -> int:
    """Hand the arguments to the ability's scorer."""
    import importlib

    module = importlib.import_module(f"storyweave.evaluate.extraction.{args.ability}")
    rest = args.rest[1:] if args.rest[:1] == ["--"] else args.rest
    code: int = module.main(rest)
    return code


FRAMING_EXAMPLES = """\
examples:
  storyweave eval framing                     # data from ../shared/data/real_news
  storyweave eval framing --limit 10 --folds 2 --json framing.json
  storyweave eval framing path/to/basil_dev.jsonl.gz --neus neus.jsonl.gz --allsides ''
"""


def add_framing_parser(eval_subparsers: Any) -> None:
    """Add ``framing`` to the sub-commands of ``storyweave eval``."""
    from ..evaluate.framing import (
        ALLSIDES_FILE,
        BASIL_FILE,
        DEFAULT_DATA,
        DEFAULT_FOLDS,
        NEUS_FILE,
    )

    parser = eval_subparsers.add_parser(
        "framing",
        help="framing terms against BASIL's annotated spans; summary loaded words vs NeuS/AllSides",
        description="Brief every BASIL triplet and score the framing terms against the "
        "annotated lexical-bias spans (the learned model by grouped cross-validation), then "
        "the summaries' loaded-word rate and ROUGE against the human neutral summaries of "
        "NeuS and AllSides, with a same-length lead baseline. Data default: "
        f"$STORYWEAVE_DATA or {DEFAULT_DATA}.",
        epilog=FRAMING_EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("basil", nargs="?", help=f"BASIL file (default: DATA/{BASIL_FILE})")
    parser.add_argument("--neus", help=f"NeuS file ('' to skip; default DATA/{NEUS_FILE})")
    parser.add_argument(
        "--allsides", help=f"AllSides file ('' to skip; default DATA/{ALLSIDES_FILE})"
    )
    parser.add_argument(
        "--folds", type=int, default=DEFAULT_FOLDS, help=f"CV folds (default {DEFAULT_FOLDS})"
    )
    parser.add_argument("--limit", type=int, help="only the first N clusters of each file")
    parser.add_argument(
        "--json", metavar="FILE", help="also write the result as JSON ('-': stdout)"
    )
    parser.add_argument("--model", help="embedding backend (default: the brief default)")
    parser.add_argument("--no-progress", action="store_true", help="no progress lines")
    add_verbosity(parser, quiet="errors only, no progress lines")
    parser.set_defaults(handler=run_framing)


def run_framing(args: argparse.Namespace) -> int:
    """Run ``eval framing``; print the tables; return the exit code."""
    from ..evaluate.framing import (
        ALLSIDES_FILE,
        BASIL_FILE,
        NEUS_FILE,
        data_file,
        evaluate_basil,
        evaluate_summaries,
        to_json,
        to_markdown,
    )

    if args.folds < 2:
        raise OptionsError(f"--folds must be at least 2, got {args.folds}")
    if args.limit is not None and args.limit < 1:
        raise OptionsError(f"--limit must be at least 1, got {args.limit}")
    progress = not (args.no_progress or args.quiet)
    basil_path = args.basil if args.basil is not None else data_file(BASIL_FILE)
    basil = None
    if basil_path:
        basil = evaluate_basil(
            basil_path, folds=args.folds, limit=args.limit, model=args.model, progress=progress
        )
    summaries = []
    for given, default in ((args.neus, NEUS_FILE), (args.allsides, ALLSIDES_FILE)):
        path = given if given is not None else data_file(default)
        if path:
            summaries.append(
                evaluate_summaries(path, limit=args.limit, model=args.model, progress=progress)
            )
    result = to_json(basil, summaries)
    if args.json == "-":
        json.dump(result, sys.stdout, indent=1, ensure_ascii=False)
        sys.stdout.write("\n")
        return 0
    print(to_markdown(basil, summaries))
    if args.json:
        Path(args.json).write_text(
            json.dumps(result, indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
        )
    return 0


CLEANING_EXAMPLES = """\
examples:
  storyweave eval cleaning                    # ../shared/data/text_scrapes/dev.jsonl.gz
  storyweave eval cleaning dev.jsonl.gz --systems rules,storyweave-cv --json out.json
  storyweave eval cleaning dev.jsonl.gz --limit 30 --verbose

The HTML of the pages is looked for in ../article_extraction_benchmark/html beside the
scrapes' folder (--html-dir to say where); the HTML systems are left out without it.
"""


def add_cleaning_parser(eval_subparsers: Any) -> None:
    """Add ``cleaning`` to the sub-commands of ``storyweave eval``."""
    from ..evaluate.cleaning import FOLDS, SYSTEMS
    from ..evaluate.scrapes import default_data_dir

    parser = eval_subparsers.add_parser(
        "cleaning",
        help="line cleaning and header reading on labelled text scrapes, with baselines",
        description="Clean every labelled scrape with storyweave and the baselines and print "
        "one table: line and word-weighted precision/recall/F1, pages left with no chrome, "
        "title/outlet/byline/date against the page's own metadata, time per page. The "
        "learned cleaner is also cross-validated by site (train on 4 folds of sites, score "
        "the 5th).",
        epilog=CLEANING_EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "scrapes",
        nargs="?",
        default=str(default_data_dir() / "text_scrapes" / "dev.jsonl.gz"),
        help="labelled text scrapes (.jsonl.gz)",
    )
    parser.add_argument("--limit", type=int, help="only the first N pages (file order)")
    parser.add_argument("--systems", help=f"comma-separated, from: {', '.join(SYSTEMS)}")
    parser.add_argument("--html-dir", help="folder of <id>.html.gz pages for the HTML systems")
    parser.add_argument("--folds", type=int, default=FOLDS, help="cross-validation folds")
    parser.add_argument(
        "--no-fictional",
        action="store_true",
        help="train the cross-validated model without tests/data/clean's fictional pages",
    )
    parser.add_argument("--json", metavar="FILE", help="also write per-page results ('-': stdout)")
    add_verbosity(parser)  # -v also lists the worst pages by id
    parser.set_defaults(handler=run_cleaning)


def run_cleaning(args: argparse.Namespace) -> int:
    """Run ``eval cleaning``; print the table; return the exit code."""
    from ..evaluate.cleaning import run, to_json, to_markdown

    names = [n.strip() for n in args.systems.split(",")] if args.systems else None
    results, _ = run(
        args.scrapes,
        names,
        limit=args.limit,
        html_dir=args.html_dir,
        folds=args.folds,
        fictional=not args.no_fictional,
    )
    if args.json == "-":
        json.dump(to_json(results), sys.stdout, indent=1, ensure_ascii=False)
        sys.stdout.write("\n")
        return 0
    print(to_markdown(results, Path(args.scrapes).name, verbose=bool(args.verbose)))
    if args.json:
        Path(args.json).write_text(
            json.dumps(to_json(results), indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
        )
    return 0
