"""Speed and memory of a full briefing, next to sumy's LexRank (and TextRank), in one run.

    python benchmarks/bench_brief.py [--runs 5]                # in-process, per backend
    python benchmarks/bench_brief.py --processes [--rounds 7]  # whole processes, paired
    python benchmarks/bench_brief.py --processes --busy-core 0 # the same, one core kept busy

In-process (default): for each system and cluster a fresh child process loads what it
needs (the model load is timed apart), then summarises the cluster ``--runs`` times; the
table shows the median wall time of one run, storyweave's per-stage medians and the
child's peak resident memory (ru_maxrss: interpreter, libraries and model included).

``--processes``: start-up included. Each round runs, in alternating order, one
``python -m storyweave brief DATA --cluster ID --format json -q --model M`` per backend
and one lean Python process that only imports sumy and summarises the same cluster with
LexRank (no storyweave import: the cheapest "LexRank alone" there is). Wall times are
paired by round; the table gives medians and the median of the per-round ratios, and the
CPU time (user + system) of each process, which a crowded machine inflates far less than
wall time.
``--busy-core N`` starts ``taskset -c N yes`` for the duration (stopped by its pid at the end).
A system ``storyweave-MODEL@N`` briefs with ``--workers N`` (e.g. ``@1``: one process).

Clusters: DUC 2004 d30001t (10 articles) and the first three Multi-News clusters of the
LongBench file, read from the shared data beside the repository (or $STORYWEAVE_DATA).
The machine is shared: quote medians and ratios, not single runs.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(os.environ.get("STORYWEAVE_DATA", ROOT / ".." / "shared" / "data"))
DUC = DATA / "duc2004_task2" / "duc2004_task2.jsonl"
MULTI_NEWS = DATA / "multi_news" / "longbench_test_fulltext.jsonl"
MULTI_NEWS_CLUSTERS = 3
SYSTEMS = (
    "storyweave-static",
    "storyweave-minilm",
    "storyweave-lexical",
    "sumy-LexRank",
    "sumy-TextRank",
)
WORDS = 150


def clusters() -> dict[str, tuple[Path, str]]:
    """Label -> (dataset file, cluster id) of the benchmark clusters."""
    found = {"DUC 2004 d30001t": (DUC, "d30001t")}
    with MULTI_NEWS.open(encoding="utf-8") as lines:
        for _, line in zip(range(MULTI_NEWS_CLUSTERS), lines):
            record = json.loads(line)
            label = f"Multi-News {record['id']} ({len(record['documents'])} art.)"
            found[label] = (MULTI_NEWS, record["id"])
    return found


def _cluster(path: Path, cluster_id: str):  # type: ignore[no-untyped-def]
    from storyweave.evaluate.data import from_dataset_cluster
    from storyweave.ingest import load_dataset

    for item in load_dataset(path, cluster=cluster_id):
        return from_dataset_cluster(item)
    raise SystemExit(f"no cluster {cluster_id} in {path}")


def _children_cpu() -> float:
    """User + system CPU seconds of this process's reaped children so far."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def child(system: str, path: Path, cluster_id: str, runs: int) -> dict[str, object]:
    """Runs inside the child process: load, then time ``runs`` summaries."""
    cluster = _cluster(path, cluster_id)
    started = time.perf_counter()
    stages: list[dict[str, float]] = []
    if system.startswith("storyweave"):
        from storyweave import Briefer, BriefOptions
        from storyweave.embed import load_embedder

        # The bare embedder, not the remembering one a Briefer loads: every run encodes its
        # sentences, as the first briefing of a story does. Loaded now, timed apart.
        # "storyweave-MODEL" or "storyweave-MODEL@N": N processes at most (--workers N).
        model, _, workers = system.split("-", 1)[1].partition("@")
        briefer = Briefer(
            BriefOptions(words=WORDS, model=model, workers=int(workers) if workers else None),
            embedder=load_embedder(model),
        )

        def run() -> object:
            briefing = briefer.brief(cluster.articles)
            stages.append(dict(briefer.last_timings))
            return briefing
    else:
        from storyweave.evaluate.sumy_systems import SumySystem

        sumy = SumySystem(system.split("-", 1)[1])

        def run() -> object:
            return sumy.summarize(cluster, WORDS)

    load_seconds = time.perf_counter() - started
    times, cpu = [], []
    for _ in range(runs):
        started, started_cpu = time.perf_counter(), time.process_time()
        children = _children_cpu()
        run()
        times.append(time.perf_counter() - started)
        # A large briefing's forked worker (storyweave.parallel) counts too; it is reaped
        # before brief() returns.
        cpu.append(time.process_time() - started_cpu + _children_cpu() - children)
    stage_medians = {  # a stage missing from a run ran in the other process (the story check)
        name: statistics.median(s.get(name, 0.0) for s in stages)
        for name in dict.fromkeys(name for s in stages for name in s)
    }
    return {
        "load_s": load_seconds,
        "median_s": statistics.median(times),
        "min_s": min(times),
        "cpu_s": statistics.median(cpu),
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "stages": stage_medians,
    }


def lexrank_once(path: Path, cluster_id: str) -> None:
    """A lean whole process: read one cluster, split sentences, sumy LexRank, print."""
    from sumy.models.dom import ObjectDocumentModel, Paragraph, Sentence
    from sumy.nlp.stemmers import Stemmer
    from sumy.summarizers.lex_rank import LexRankSummarizer
    from sumy.utils import get_stop_words

    class Words:
        language = "english"

        def to_words(self, sentence: str) -> tuple[str, ...]:
            return tuple(re.findall(r"[^\W_]+(?:['’][^\W_]+)*", sentence))

    record = None
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            if f'"{cluster_id}"' in line:
                record = json.loads(line)
                if record.get("id") == cluster_id:
                    break
    assert record is not None
    words = Words()
    paragraphs = []
    for document in record["documents"]:
        parts = re.split(r"(?<=[.!?])[\"”']?\s+(?=[A-Z\"“])", document["text"])
        sentences = [Sentence(p.strip(), words) for p in parts if len(p.split()) > 2]
        if sentences:
            paragraphs.append(Paragraph(sentences))
    summarizer = LexRankSummarizer(Stemmer("english"))
    summarizer.stop_words = get_stop_words("english")
    ranked = summarizer(ObjectDocumentModel(paragraphs), 8)
    print(" ".join(str(s) for s in ranked)[: WORDS * 8])


def in_process(runs: int, systems: list[str]) -> None:
    """The in-process table: one child per system and cluster."""
    print(f"python benchmarks/bench_brief.py --runs {runs}")
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    print(f"summary budget {WORDS} words; median of {runs} runs per cell; peak RSS of the process\n")
    print(
        "| cluster | system | model load (s) | brief/summary median (s) | x LexRank "
        "| CPU s (median) | CPU x LexRank | stages (median s) | peak RSS (MB) |"
    )
    print("|---|---|---:|---:|---:|---:|---:|---|---:|")
    for label, (path, cluster_id) in clusters().items():
        results = {}
        for system in systems:
            out = subprocess.run(
                [sys.executable, __file__, "--runs", str(runs), "--child", system, str(path), cluster_id],
                capture_output=True, text=True, check=True,
            ).stdout
            results[system] = json.loads(out.strip().splitlines()[-1])
        lexrank = float(results["sumy-LexRank"]["median_s"])
        lexrank_cpu = float(results["sumy-LexRank"]["cpu_s"])
        for system, r in results.items():
            stages = ", ".join(f"{k} {v:.3f}" for k, v in r["stages"].items())
            print(
                f"| {label} | {system} | {r['load_s']:.2f} | {r['median_s']:.3f} | "
                f"{r['median_s'] / lexrank:.2f} | {r['cpu_s']:.3f} | {r['cpu_s'] / lexrank_cpu:.2f} "
                f"| {stages} | {r['peak_mb']:.0f} |"
            )


def processes(rounds: int, busy_core: int | None, models: list[str]) -> None:
    """Whole processes, paired by round, optionally with one core kept busy."""
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    busy = None
    if busy_core is not None:
        busy = subprocess.Popen(["taskset", "-c", str(busy_core), "yes"], stdout=subprocess.DEVNULL)
    try:
        print(f"python benchmarks/bench_brief.py --processes --rounds {rounds}"
              + (f" --busy-core {busy_core}" if busy_core is not None else ""))
        print(f"machine: {os.cpu_count()} cores; load: "
              + ("one core busy (taskset yes)" if busy else "none added") + "\n")
        print(
            "| cluster | process | median wall (s) | median wall ratio to LexRank process "
            "| median CPU s (user+sys) | CPU ratio | rounds |"
        )
        print("|---|---|---:|---:|---:|---:|---:|")
        for label, (path, cluster_id) in clusters().items():
            commands = {
                f"storyweave brief --model {m}": [
                    sys.executable, "-m", "storyweave", "brief", str(path), "--cluster",
                    cluster_id, "--format", "json", "-q", "--model", m, "--words", str(WORDS),
                ]
                for m in models
            }
            commands["LexRank process"] = [
                sys.executable, __file__, "--lexrank-once", str(path), cluster_id,
            ]
            times: dict[str, list[float]] = {name: [] for name in commands}
            cpu: dict[str, list[float]] = {name: [] for name in commands}
            for round_number in range(rounds):
                order = list(commands)
                if round_number % 2:
                    order.reverse()
                for name in order:
                    before = resource.getrusage(resource.RUSAGE_CHILDREN)
                    started = time.perf_counter()
                    result = subprocess.run(commands[name], env=env, capture_output=True, check=False)
                    times[name].append(time.perf_counter() - started)
                    after = resource.getrusage(resource.RUSAGE_CHILDREN)
                    cpu[name].append(
                        after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
                    )
                    if result.returncode not in (0, 3):
                        raise SystemExit(f"{name}: exit {result.returncode}\n{result.stderr.decode()}")
            base = times["LexRank process"]
            base_cpu = statistics.median(cpu["LexRank process"])
            for name, values in times.items():
                ratios = [v / b for v, b in zip(values, base)]
                print(f"| {label} | {name} | {statistics.median(values):.2f} | "
                      f"{statistics.median(ratios):.2f} | {statistics.median(cpu[name]):.2f} | "
                      f"{statistics.median(cpu[name]) / base_cpu:.2f} | {rounds} |")
    finally:
        if busy is not None:
            busy.terminate()
            busy.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--processes", action="store_true", help="whole processes, paired")
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--busy-core", type=int, help="keep this core busy during --processes")
    parser.add_argument("--models", default="static,minilm", help="backends for --processes")
    parser.add_argument("--systems", default=",".join(SYSTEMS), help="systems for in-process")
    parser.add_argument("--child", nargs=3, metavar=("SYSTEM", "FILE", "ID"), help=argparse.SUPPRESS)
    parser.add_argument("--lexrank-once", nargs=2, metavar=("FILE", "ID"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.lexrank_once:
        lexrank_once(Path(args.lexrank_once[0]), args.lexrank_once[1])
        return
    if args.child:
        result = child(args.child[0], Path(args.child[1]), args.child[2], args.runs)
        print(json.dumps(result))
        return
    if not DATA.exists():
        raise SystemExit("the shared data folder is not beside the repository")
    if args.processes:
        processes(args.rounds, args.busy_core, args.models.split(","))
    else:
        in_process(args.runs, args.systems.split(","))


if __name__ == "__main__":
    main()
