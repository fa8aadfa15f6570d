"""Write the JSON, Markdown and HTML briefings of fixed inputs, to compare two versions of the code.

A change that should not alter behaviour (a reshaping, a speed-up) must leave these files
byte-identical. Run it before and after, then compare::

    python scripts/snapshot_briefings.py before/
    ... change the code ...
    python scripts/snapshot_briefings.py after/
    diff -r before/ after/ && echo identical

Inputs: the example story in ``examples/harbour-strike`` and the first five DUC 2004 clusters
(``--data`` points at the shared data folder; default ``../shared/data`` beside the clone).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from storyweave import Briefer, BriefOptions, load
from storyweave.render import render

ROOT = Path(__file__).resolve().parent.parent
DUC_CLUSTERS = 5


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, help="folder to write the briefings into")
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--model", default=None, help="embedding backend (default: the default)")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    options = BriefOptions(model=args.model) if args.model else BriefOptions()
    briefer = Briefer(options)
    inputs: dict[str, list[str]] = {"harbour-strike": [str(ROOT / "examples" / "harbour-strike")]}
    duc = args.data / "duc2004_task2" / "duc2004_task2.jsonl"
    if duc.exists():
        with duc.open(encoding="utf-8") as lines:
            ids = [json.loads(line)["id"] for line, _ in zip(lines, range(DUC_CLUSTERS))]
        inputs |= {cluster: [str(duc)] for cluster in ids}
    for name, paths in inputs.items():
        cluster = None if name == "harbour-strike" else name
        loaded = load(paths, cluster=cluster)
        briefing = briefer.brief(loaded.articles, loaded.problems)
        for fmt in ("json", "md", "html"):
            (args.out / f"{name}.{fmt}").write_text(render(briefing, fmt), encoding="utf-8")
        print(f"{name}: {len(briefing.sources)} sources, {len(briefing.facts)} facts")


if __name__ == "__main__":
    main()
