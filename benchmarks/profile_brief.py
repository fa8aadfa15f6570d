"""Where a briefing's time and memory go: per-stage times, hot functions, peak memory.

    python benchmarks/profile_brief.py                       # DUC d30001t, static model
    python benchmarks/profile_brief.py --articles 200        # synthetic 200-article input
    python benchmarks/profile_brief.py --articles 50 --model minilm

The synthetic input takes the documents of the Multi-News test files in file order
(LongBench, then the TAC sample) until ``--articles`` are collected: many stories at once,
which is a worst case for alignment (few links) but a fair one for the quadratic stages,
whose cost depends on the sentence count. Each configuration runs in a fresh process;
it briefs once to warm up, then ``--runs`` times for the stage medians, then once under
cProfile for the hot functions (printed with file:line). Peak memory is the process's
ru_maxrss after the runs, and the Python-level peak of one briefing by tracemalloc.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import resource
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(os.environ.get("STORYWEAVE_DATA", ROOT / ".." / "shared" / "data"))
DUC = DATA / "duc2004_task2" / "duc2004_task2.jsonl"
MULTI_NEWS = [
    DATA / "multi_news" / "longbench_test_fulltext.jsonl",
    DATA / "multi_news" / "tac_sample_test_fulltext.jsonl",
]


def articles(count: int | None):  # type: ignore[no-untyped-def]
    """d30001t's articles, or the first ``count`` Multi-News test documents."""
    from storyweave.ingest import load_dataset
    from storyweave.model import Article

    if count is None:
        return next(iter(load_dataset(DUC, cluster="d30001t"))).articles
    found: list[Article] = []
    for path in MULTI_NEWS:
        with path.open(encoding="utf-8") as lines:
            for line in lines:
                for n, document in enumerate(json.loads(line)["documents"]):
                    if len(document["text"].split()) >= 50:
                        found.append(Article(text=document["text"], origin=f"mn{len(found)}-{n}"))
                    if len(found) == count:
                        return tuple(found)
    return tuple(found)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, help="synthetic input of N Multi-News articles")
    parser.add_argument("--model", default="static")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--top", type=int, default=18, help="hot functions to list")
    args = parser.parse_args()
    from storyweave import Briefer, BriefOptions

    inputs = articles(args.articles)
    label = "DUC 2004 d30001t" if args.articles is None else f"{len(inputs)} Multi-News articles"
    briefer = Briefer(BriefOptions(model=args.model, max_articles=max(200, len(inputs))))
    started = time.perf_counter()
    _ = briefer.embedder
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
    for name in stages[0]:
        value = statistics.median(s[name] for s in stages)
        print(f"  {name:36s} {value:7.3f} s  {100 * value / total:5.1f} %")
    tracemalloc.start()
    briefer.brief(inputs)
    _, traced_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(
        f"peak RSS of the process {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB; "
        f"Python/numpy allocations peak during one briefing {traced_peak / 2**20:.0f} MB"
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


if __name__ == "__main__":
    main()
