"""A living story briefed again after one new article, with and without remembered vectors.

    PYTHONPATH=src python benchmarks/bench_rebrief.py [--cluster d30001t] [--model minilm]

A server keeps one :class:`~storyweave.Briefer`; its embedder remembers the vectors it gave,
so briefing a story again encodes only the new article's sentences. Both briefers first
brief the cluster's articles but the last; then each briefs the whole cluster (the new
article arrived) and then the same cluster again, three rounds, interleaved. Times are
wall and CPU seconds of the briefing and the embedding stage's share.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from pathlib import Path

from storyweave import Briefer, BriefOptions
from storyweave.embed import load_embedder
from storyweave.ingest import load_dataset

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(os.environ.get("STORYWEAVE_DATA", ROOT / ".." / "shared" / "data"))
DUC = DATA / "duc2004_task2" / "duc2004_task2.jsonl"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cluster", default="d30001t")
    parser.add_argument("--model", default="minilm")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    print(f"reproduce: PYTHONPATH=src python benchmarks/bench_rebrief.py --cluster {args.cluster}"
          f" --model {args.model} --rounds {args.rounds}")
    articles = next(iter(load_dataset(DUC, cluster=args.cluster))).articles
    options = BriefOptions(model=args.model)
    briefers = {
        "vectors not remembered": lambda: Briefer(options, embedder=load_embedder(args.model)),
        "remembered (default)": lambda: Briefer(options),
    }
    new: dict[str, list[tuple[float, float, float]]] = {name: [] for name in briefers}
    again: dict[str, list[tuple[float, float, float]]] = {name: [] for name in briefers}
    print(f"load average {os.getloadavg()}")
    for _ in range(args.rounds):
        for name, make in briefers.items():
            briefer = make()
            briefer.brief(articles[:-1])
            for times in (new[name], again[name]):
                cpu, wall = time.process_time(), time.perf_counter()
                briefer.brief(articles)
                times.append((time.perf_counter() - wall, time.process_time() - cpu,
                              briefer.last_timings.get("embed", 0.0)))
    print("| briefer | one new article: wall / CPU / embed (s) | same story again |")
    print("|---|---|---|")
    for name in briefers:
        cells = [" / ".join(f"{statistics.median(t[i] for t in runs[name]):.2f}" for i in range(3))
                 for runs in (new, again)]
        print(f"| {name} | {cells[0]} | {cells[1]} |")
    print(f"load average after {os.getloadavg()}")


if __name__ == "__main__":
    main()
