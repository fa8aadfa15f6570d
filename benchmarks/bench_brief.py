"""Speed and memory of a full briefing, next to sumy's LexRank and TextRank, in one run.

    python benchmarks/bench_brief.py [--runs 5]

For each system and cluster a fresh child process loads what it needs (the model load
is timed apart), then summarises the cluster ``--runs`` times; the table shows the
median wall time of one run and the child's peak resident memory (ru_maxrss), which
includes the Python interpreter, the libraries and the model. Clusters: the first
DUC 2004 cluster (10 articles) and the first 3-article Multi-News cluster, read from
the shared data beside the repository.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

DATA = Path(__file__).resolve().parents[1] / ".." / "shared" / "data"
CLUSTERS = {
    "DUC 2004 d30001t (10 articles)": (DATA / "duc2004_task2" / "duc2004_task2.jsonl", None),
    "Multi-News (3 articles)": (DATA / "multi_news" / "longbench_test_fulltext.jsonl", 3),
}
SYSTEMS = ("storyweave", "storyweave-lexical", "sumy-LexRank", "sumy-TextRank")
WORDS = 150


def _cluster(path: Path, n_docs: int | None):  # type: ignore[no-untyped-def]
    from storyweave.evaluate.data import from_dataset_cluster
    from storyweave.ingest import load_dataset

    for item in load_dataset(path):
        if n_docs is None or len(item.articles) == n_docs:
            return from_dataset_cluster(item)
    raise SystemExit(f"no cluster with {n_docs} documents in {path}")


def child(system: str, label: str, runs: int) -> dict[str, float]:
    """Runs inside the child process: load, then time ``runs`` summaries."""
    path, n_docs = CLUSTERS[label]
    cluster = _cluster(path, n_docs)
    started = time.perf_counter()
    if system.startswith("storyweave"):
        from storyweave import Briefer, BriefOptions

        model = "lexical" if system.endswith("lexical") else "minilm"
        briefer = Briefer(BriefOptions(words=WORDS, model=model))
        _ = briefer.embedder  # load the model now, timed apart

        def run() -> object:
            return briefer.brief(cluster.articles)
    else:
        from storyweave.evaluate.sumy_systems import SumySystem

        sumy = SumySystem(system.split("-", 1)[1])

        def run() -> object:
            return sumy.summarize(cluster, WORDS)

    load_seconds = time.perf_counter() - started
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "load_s": load_seconds,
        "median_s": statistics.median(times),
        "min_s": min(times),
        "peak_mb": peak_mb,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--child", nargs=2, metavar=("SYSTEM", "CLUSTER"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child[0], args.child[1], args.runs)))
        return
    if not DATA.exists():
        raise SystemExit("the shared data folder is not beside the repository")
    print(f"python benchmarks/bench_brief.py --runs {args.runs}")
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    print(
        f"summary budget {WORDS} words; median of {args.runs} runs per cell; peak RSS of the process\n"
    )
    print("| cluster | system | model load (s) | brief/summary median (s) | peak RSS (MB) |")
    print("|---|---|---:|---:|---:|")
    for label in CLUSTERS:
        for system in SYSTEMS:
            out = subprocess.run(
                [sys.executable, __file__, "--runs", str(args.runs), "--child", system, label],
                capture_output=True,
                text=True,
                check=True,
            ).stdout
            r = json.loads(out.strip().splitlines()[-1])
            print(
                f"| {label} | {system} | {r['load_s']:.2f} | {r['median_s']:.3f} | {r['peak_mb']:.0f} |"
            )


if __name__ == "__main__":
    main()
