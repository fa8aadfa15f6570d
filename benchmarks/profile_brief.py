"""Where a briefing's time and memory go: per-stage times, hot functions, peak memory.

    python benchmarks/profile_brief.py                       # DUC d30001t, static model
    python benchmarks/profile_brief.py --articles 200        # synthetic 200-article input
    python benchmarks/profile_brief.py --articles 50 --model minilm
    python benchmarks/profile_brief.py --sweep 25 50 100 200 --models static minilm \
        --plot benchmarks/results/scale.png                 # cost growth, one process per cell

The synthetic input takes the documents of the Multi-News test files in file order
(LongBench, then the TAC sample) until ``--articles`` are collected: many stories at once,
which is a worst case for alignment (few links) but a fair one for the quadratic stages,
whose cost depends on the sentence count. Each configuration runs in a fresh process;
it briefs once to warm up, then ``--runs`` times for the stage medians, then once under
cProfile for the hot functions (printed with file:line). Peak memory is the process's
ru_maxrss after the runs, and the Python-level peak of one briefing by tracemalloc.

``--sweep`` measures cost growth instead: for each model and article count a fresh process
loads the model, notes its RSS, briefs once to warm up and ``--runs`` times more, and reports
the median wall and CPU time (user+system of the whole process, all threads, and of the
worker processes it forks), the stage medians and the peak RSS. The table goes to stdout, the figures to ``--json`` and a plot of
time and memory against sentence count to ``--plot``; ``--replot`` merges earlier JSON files
(e.g. a static and a MiniLM sweep run with different ``--runs``) into one plot.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import resource
import statistics
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(os.environ.get("STORYWEAVE_DATA", ROOT / ".." / "shared" / "data"))
DUC = DATA / "duc2004_task2" / "duc2004_task2.jsonl"


def articles(count: int | None):  # type: ignore[no-untyped-def]
    """d30001t's articles, or the first ``count`` Multi-News test documents."""
    from storyweave.evaluate.data import first_multi_news_articles
    from storyweave.ingest import load_dataset

    if count is None:
        return next(iter(load_dataset(DUC, cluster="d30001t"))).articles
    return first_multi_news_articles(DATA, count)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, help="synthetic input of N Multi-News articles")
    parser.add_argument("--model", default="static")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--top", type=int, default=18, help="hot functions to list")
    parser.add_argument("--sweep", type=int, nargs="+", metavar="N", help="article counts to sweep")
    parser.add_argument("--models", nargs="+", default=["static"], help="models of the sweep")
    parser.add_argument("--json", type=Path, help="write the sweep's figures here")
    parser.add_argument("--plot", type=Path, help="write the sweep's plot here (PNG)")
    parser.add_argument(
        "--replot", type=Path, nargs="+", metavar="JSON",
        help="merge the cells of earlier --json files into --json/--plot (no measuring)",
    )
    parser.add_argument(
        "--workers", type=int,
        help="BriefOptions.workers: 1 = one process, 2 = fork workers whatever the load "
        "(default: fork when a core is free)",
    )
    parser.add_argument(
        "--no-tracemalloc", action="store_true",
        help="skip the tracemalloc briefing (it runs many times slower at 200 articles)",
    )
    parser.add_argument("--cell", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.replot:
        cells = [c for path in args.replot for c in json.loads(path.read_text())["cells"]]
        if args.json:
            args.json.write_text(json.dumps({"command": sys.argv[1:], "cells": cells}, indent=1) + "\n")
        if args.plot:
            plot(cells, args.plot)
        return
    if args.sweep:
        sweep(args)
        return
    if args.cell:
        print(json.dumps(cell(args.articles, args.model, args.runs, args.workers)))
        return
    from storyweave import Briefer, BriefOptions
    from storyweave.embed import load_embedder

    inputs = articles(args.articles)
    label = "DUC 2004 d30001t" if args.articles is None else f"{len(inputs)} Multi-News articles"
    started = time.perf_counter()
    # The bare embedder (a Briefer's own remembers vectors: runs after the first would skip
    # the embedding a first briefing pays).
    briefer = Briefer(BriefOptions(model=args.model, max_articles=max(200, len(inputs)),
                                   workers=args.workers),
                      embedder=load_embedder(args.model))
    load = time.perf_counter() - started
    briefing = briefer.brief(inputs)
    n_sentences = sum(len(s.sentences) for s in briefing.sources)
    totals, stages = [], []
    for _ in range(args.runs):
        started = time.perf_counter()
        briefer.brief(inputs)
        totals.append(time.perf_counter() - started)
        stages.append(dict(briefer.last_timings))
    print(f"python benchmarks/profile_brief.py {' '.join(sys.argv[1:])}")
    print(
        f"{label}: {len(briefing.sources)} sources, {n_sentences} sentences, "
        f"{len(briefing.facts)} facts, {len(briefing.divergences)} divergences; model "
        f"{args.model} loaded in {load:.2f} s"
    )
    total = statistics.median(totals)
    print(f"briefing median of {args.runs}: {total:.3f} s")
    # A stage may run in either process (the story check goes to whichever is free first).
    for name in dict.fromkeys(name for s in stages for name in s):
        value = statistics.median(s.get(name, 0.0) for s in stages)
        print(f"  {name:36s} {value:7.3f} s  {100 * value / total:5.1f} %")
    traced = ""
    if not args.no_tracemalloc:
        tracemalloc.start()
        briefer.brief(inputs)
        _, traced_peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        traced = f"; Python/numpy allocations peak during one briefing {traced_peak / 2**20:.0f} MB"
    print(
        f"peak RSS of the process {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB"
        + traced
    )
    profile = cProfile.Profile()
    profile.enable()
    briefer.brief(inputs)
    profile.disable()
    stats = pstats.Stats(profile)
    rows = []
    for (filename, line, function), (_, calls, own, cumulative, _) in stats.stats.items():  # type: ignore[attr-defined]
        if "storyweave" in filename:
            short = filename.split("storyweave/", 1)[-1]
            rows.append((own, cumulative, calls, f"{short}:{line} {function}"))
    print(f"\nhot storyweave functions by own time (top {args.top}; one profiled briefing):")
    print(f"{'own s':>8} {'cum s':>8} {'calls':>9}  function")
    for own, cumulative, calls, name in sorted(rows, reverse=True)[: args.top]:
        print(f"{own:8.3f} {cumulative:8.3f} {calls:9d}  {name}")


def cpu_seconds() -> float:
    """User + system CPU time of this process so far (all its threads) and of its ended
    children (the worker processes a large briefing forks; see storyweave.parallel)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def cell(count: int | None, model: str, runs: int, workers: int | None = None) -> dict[str, object]:
    """One sweep cell, measured in this (fresh) process."""
    from storyweave import Briefer, BriefOptions
    from storyweave.embed import load_embedder

    inputs = articles(count)
    started = time.perf_counter()
    # The bare embedder, so that every run pays the embedding (see main()).
    briefer = Briefer(BriefOptions(model=model, max_articles=max(200, len(inputs)), workers=workers),
                      embedder=load_embedder(model))
    _ = briefer.tagger, briefer.framing_model
    load = time.perf_counter() - started
    rss_loaded = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    briefing = briefer.brief(inputs)
    walls, cpus, stages = [], [], []
    for _ in range(runs):
        started, cpu = time.perf_counter(), cpu_seconds()
        briefer.brief(inputs)
        walls.append(time.perf_counter() - started)
        cpus.append(cpu_seconds() - cpu)
        stages.append(dict(briefer.last_timings))
    return {
        "model": model,
        "articles": len(inputs),
        "sources": len(briefing.sources),
        "sentences": sum(len(s.sentences) for s in briefing.sources),
        "load_seconds": round(load, 3),
        "wall_seconds": round(statistics.median(walls), 3),
        "cpu_seconds": round(statistics.median(cpus), 3),
        "stages": {  # a stage missing from a run ran in the other process
            name: round(statistics.median(s.get(name, 0.0) for s in stages), 3)
            for name in dict.fromkeys(name for s in stages for name in s)
        },
        "rss_loaded_mb": round(rss_loaded),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "load_average": round(os.getloadavg()[0], 1),
    }


def sweep(args: argparse.Namespace) -> None:
    """Every (model, article count) cell in its own process; a table, JSON and a plot."""
    print(f"python benchmarks/profile_brief.py {' '.join(sys.argv[1:])}")
    print(f"machine: {os.cpu_count()} cores; median of {args.runs} runs per cell\n")
    print("| model | articles | sentences | wall s | CPU s | peak RSS MB (after load) | load avg | stages (s) |")
    print("|---|---:|---:|---:|---:|---:|---:|---|")
    cells = []
    for model in args.models:
        for count in args.sweep:
            command = [sys.executable, __file__, "--cell", "--articles", str(count),
                       "--model", model, "--runs", str(args.runs)]
            command += ["--workers", str(args.workers)] if args.workers else []
            output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
            row = json.loads(output.strip().splitlines()[-1])
            cells.append(row)
            stages = ", ".join(f"{k} {v:.2f}" for k, v in row["stages"].items())
            print(
                f"| {model} | {row['articles']} | {row['sentences']:,} | {row['wall_seconds']:.2f} | "
                f"{row['cpu_seconds']:.2f} | {row['peak_rss_mb']} ({row['rss_loaded_mb']}) | "
                f"{row['load_average']} | {stages} |",
                flush=True,
            )
    if args.json:
        args.json.write_text(json.dumps({"command": sys.argv[1:], "cells": cells}, indent=1) + "\n")
    if args.plot:
        plot(cells, args.plot)


def plot(cells: list[dict], path: Path) -> None:  # type: ignore[type-arg]
    """Time (wall and CPU) and peak memory against sentence count, one line per model."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, (left, right) = plt.subplots(1, 2, figsize=(12, 6.5))
    for number, model in enumerate(dict.fromkeys(c["model"] for c in cells)):
        rows = sorted((c for c in cells if c["model"] == model), key=lambda c: c["sentences"])
        x = [c["sentences"] for c in rows]
        colour = f"C{number}"
        left.plot(x, [c["wall_seconds"] for c in rows], "o-", color=colour, label=f"{model} wall")
        left.plot(x, [c["cpu_seconds"] for c in rows], "s--", color=colour, label=f"{model} CPU")
        right.plot(x, [c["peak_rss_mb"] for c in rows], "o-", color=colour, label=f"{model} peak")
        right.plot(x, [c["rss_loaded_mb"] for c in rows], ":", color=colour, label=f"{model} after load")
    left.axhline(5.0, color="grey", linewidth=0.8, linestyle=":")  # the 200-article target
    # Log scale: the rounds span 1 s to 100 s at 200 articles.
    left.set_yscale("log")
    left.set(xlabel="sentences in the briefing", ylabel="seconds per briefing (log)", title="Time")
    right.set(xlabel="sentences in the briefing", ylabel="MB", title="Memory (process RSS)")
    for axis in (left, right):
        axis.grid(alpha=0.3)
        # Under the plots: with several rounds a legend inside would hide their lines.
        axis.legend(fontsize=7, loc="upper left", bbox_to_anchor=(0.0, -0.14), ncol=2)
    figure.tight_layout()
    figure.savefig(path, dpi=110, bbox_inches="tight")


if __name__ == "__main__":
    main()
