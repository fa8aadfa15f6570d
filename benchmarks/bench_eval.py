"""Full evaluation runs behind the README's tables; results land in benchmarks/results/.

Usage (from the repository root, with the eval extra installed)::

    python benchmarks/bench_eval.py            # DUC 2004 (50) + both Multi-News full-text files
    python benchmarks/bench_eval.py duc2004    # one of: duc2004, longbench, tac
    python benchmarks/bench_eval.py --vector-cache DIR tac   # storyweave systems share vectors
    python benchmarks/bench_eval.py combine    # multinews_all.md from the longbench + tac JSONs

Each run is exactly ``storyweave eval summaries DATASET --json ... --plot ...`` with every
system, each in its own subprocess (so peak memory is per system). Data is read from
``../shared/data`` next to the repository; a missing file is skipped with a message.
"""

from __future__ import annotations

import contextlib
import json
import sys
from pathlib import Path

from storyweave.cli import main

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO / ".." / "shared" / "data"
RESULTS = REPO / "benchmarks" / "results"
FULL = RESULTS / "with-outputs"  # git-ignored: holds the systems' summaries
RUNS = {
    "duc2004": SHARED / "duc2004_task2" / "duc2004_task2.jsonl",
    "longbench": SHARED / "multi_news" / "longbench_test_fulltext.jsonl",
    "tac": SHARED / "multi_news" / "tac_sample_test_fulltext.jsonl",
}


def bench(name: str, vector_cache: str | None = None) -> int:
    """Run one evaluation; write NAME.md, NAME.json and NAME.png under benchmarks/results."""
    path = RUNS[name]
    if not path.is_file():
        print(f"skipped {name}: {path} not found (shared data absent)", file=sys.stderr)
        return 0
    RESULTS.mkdir(parents=True, exist_ok=True)
    # The summaries themselves are sentences of the datasets' articles, which must not be
    # redistributed: the JSON with them goes to a git-ignored folder, and the committed
    # JSON keeps only the scores.
    FULL.mkdir(parents=True, exist_ok=True)
    full = FULL / f"{name}.json"
    args = [
        "eval",
        "summaries",
        str(path),
        "--json",
        str(full),
        "--plot",
        str(RESULTS / f"{name}.png"),
        "--outputs",
        *(["--vector-cache", vector_cache] if vector_cache else []),
    ]
    with (
        (RESULTS / f"{name}.md").open("w", encoding="utf-8") as out,
        contextlib.redirect_stdout(out),
    ):
        code = main(args)
    data = json.loads(full.read_text(encoding="utf-8"))
    for system in data["systems"]:
        for cluster in system.get("per_cluster") or []:
            cluster.pop("output", None)
    (RESULTS / f"{name}.json").write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
    return code


def combine() -> int:
    """Means over the distinct clusters of the longbench and tac runs (the 9 clusters both
    files hold count once, with the longbench run's scores): ``multinews_all.md``."""
    runs = [RESULTS / "longbench.json", RESULTS / "tac.json"]
    if not all(path.is_file() for path in runs):
        print("combine: run longbench and tac first", file=sys.stderr)
        return 1
    scores: dict[str, dict[str, dict[str, float]]] = {}
    for path in runs:
        for system in json.loads(path.read_text(encoding="utf-8"))["systems"]:
            mine = scores.setdefault(system["name"], {})
            for cluster in system.get("per_cluster") or []:
                mine.setdefault(cluster["id"], cluster)
    metrics = ("rouge1", "rouge2", "rougeLsum")
    rows = []
    for name, by_id in scores.items():
        means = [sum(c[m] for c in by_id.values()) / max(len(by_id), 1) for m in metrics]
        rows.append((name, len(by_id), *means))
    rows.sort(key=lambda row: -row[2])
    title = (
        "Multi-News full-text test clusters (longbench + tac, shared clusters once): mean "
        "ROUGE F1 (%) per cluster at 300 words"
    )
    lines = [
        title,
        "",
        "| system | clusters | ROUGE-1 | ROUGE-2 | ROUGE-Lsum |",
        "|---|---:|---:|---:|---:|",
        *(f"| {n} | {k} | {r1:.2f} | {r2:.2f} | {rl:.2f} |" for n, k, r1, r2, rl in rows),
    ]
    (RESULTS / "multinews_all.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    arguments = sys.argv[1:]
    cache = None
    if "--vector-cache" in arguments:
        at = arguments.index("--vector-cache")
        cache = arguments[at + 1]
        del arguments[at : at + 2]
    names = arguments or list(RUNS)
    sys.exit(max(combine() if n == "combine" else bench(n, cache) for n in names))
