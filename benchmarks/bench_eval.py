"""Full evaluation runs behind the README's tables; results land in benchmarks/results/.

Usage (from the repository root, with the eval extra installed)::

    python benchmarks/bench_eval.py            # DUC 2004 (50) + both Multi-News full-text files
    python benchmarks/bench_eval.py duc2004    # one of: duc2004, longbench, tac

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


def bench(name: str) -> int:
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


if __name__ == "__main__":
    names = sys.argv[1:] or list(RUNS)
    sys.exit(max(bench(n) for n in names))
