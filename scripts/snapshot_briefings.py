"""Write the JSON, Markdown and HTML briefings of fixed inputs, to compare two versions of the code.

A change that should not alter behaviour (a reshaping, a speed-up) must leave these files
byte-identical. Run it before and after, then compare::

    python scripts/snapshot_briefings.py before/
    ... change the code ...
    python scripts/snapshot_briefings.py after/
    diff -r before/ after/ && echo identical

Inputs: the example story in ``examples/harbour-strike`` and the first five DUC 2004 clusters
(``--data`` points at the shared data folder; default ``../shared/data`` beside the clone).
``--articles 50 200`` adds the large synthetic inputs of ``benchmarks/profile_brief.py`` (the
first N Multi-News test documents): a speed-up of the quadratic stages must leave those
identical too, and they are where candidate pruning could show.
"""

from __future__ import annotations

import argparse
import json
from dataclasses import replace
from pathlib import Path

from storyweave import Briefer, BriefOptions, load
from storyweave.evaluate.data import first_multi_news_articles
from storyweave.render import render

ROOT = Path(__file__).resolve().parent.parent
DUC_CLUSTERS = 5


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, help="folder to write the briefings into")
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--model", default=None, help="embedding backend (default: the default)")
    parser.add_argument(
        "--articles", type=int, nargs="*", default=[],
        help="also brief the first N Multi-News test documents (e.g. 50 200)",
    )
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    options = BriefOptions(model=args.model) if args.model else BriefOptions()
    options = replace(options, max_articles=max([options.max_articles, *args.articles]))
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
    for count in args.articles:
        briefing = briefer.brief(first_multi_news_articles(args.data, count))
        for fmt in ("json", "md", "html"):
            (args.out / f"multi-news-{count}.{fmt}").write_text(render(briefing, fmt), encoding="utf-8")
        print(f"multi-news-{count}: {len(briefing.sources)} sources, {len(briefing.facts)} facts")


if __name__ == "__main__":
    main()
