"""Is every briefing of the real sets consistent with itself?

    python benchmarks/bench_consistency.py                   # default model, every set
    python benchmarks/bench_consistency.py --model static --limit 100

Briefs every cluster of DUC 2004, the Multi-News full-text test files and the clusters the
real answer keys name (the RSS cluster and same-event groups of raw text scrapes among them),
and checks each briefing with :func:`storyweave.evaluate.consistency.problems`: no sentence in
two contradictory parts (agreed fact, single-source claim, overtaken claim, conflict side), no
question or lead-in as a claim, nothing "left out" that nobody had reported yet, no summary
line using a term the briefing flags as loaded. Prints, per set, how many briefings break a
rule and every breach found.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from storyweave import Briefer, BriefOptions
from storyweave.errors import InputError
from storyweave.evaluate.consistency import problems
from storyweave.evaluate.real_keys import key_paths, load_real_key, read_cluster
from storyweave.ingest.datasets import load_dataset
from storyweave.model import Article

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"


def real_sets(limit: int | None) -> Iterator[tuple[str, str, tuple[Article, ...]]]:
    """(set name, cluster id, articles) for every cluster of every set."""
    duc = DATA / "duc2004_task2" / "duc2004_task2.jsonl"
    for k, cluster in enumerate(load_dataset(duc)):
        if limit is None or k < limit:
            yield "DUC 2004", cluster.id, cluster.articles
    seen: set[str] = set()  # the two Multi-News files share some clusters
    count = 0
    for name in ("longbench_test_fulltext.jsonl", "tac_sample_test_fulltext.jsonl"):
        for cluster in load_dataset(DATA / "multi_news" / name):
            if cluster.id in seen or (limit is not None and count >= limit):
                continue
            seen.add(cluster.id)
            count += 1
            yield "Multi-News test", cluster.id, cluster.articles
    for path in key_paths([ROOT / "tests" / "data" / "real_keys"]):
        key = load_real_key(path)
        yield "real-key clusters", key["cluster"], read_cluster(key, DATA).articles


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", default=None, help="embedding backend (default: the default)")
    parser.add_argument("--limit", type=int, default=None, help="clusters per dataset file")
    args = parser.parse_args()
    flags = (f" --model {args.model}" if args.model else "") + (
        f" --limit {args.limit}" if args.limit else ""
    )
    print(f"$ python benchmarks/bench_consistency.py{flags}")
    options = BriefOptions(model=args.model) if args.model else BriefOptions()
    briefer = Briefer(options)
    started = time.perf_counter()
    briefed: Counter[str] = Counter()
    broken: Counter[str] = Counter()
    breaches: list[str] = []
    for name, cluster, articles in real_sets(args.limit):
        try:
            briefing = briefer.brief(articles)
        except InputError as error:  # a cluster with nothing briefable
            print(f"{name} {cluster}: not briefed ({error})", file=sys.stderr)
            continue
        briefed[name] += 1
        found = problems(briefing)
        if found:
            broken[name] += 1
            breaches += [f"{name} {cluster}: {problem}" for problem in found]
        print(f"{name} {cluster}: {len(found)} breaches", file=sys.stderr)
    print(f"model {briefer.embedder.name}\n")
    print("| set | briefings | with a breach | breaches |\n|---|---:|---:|---:|")
    for name in briefed:
        count = sum(1 for line in breaches if line.startswith(name + " "))
        print(f"| {name} | {briefed[name]} | {broken[name]} | {count} |")
    for line in breaches:
        print(f"- {line}")
    print(f"({time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    main()
