"""Grid search over the coverage summarizer's constants on cached alignments.

(The learned summarizer, selectable, is trained by ``scripts/train_summarizer.py`` and
never sees DUC 2004; this script tunes ``storyweave.summarize.coverage``.)

    python benchmarks/tune_summarizer.py cache duc2004_task2/duc2004_task2.jsonl duc.pkl --limit 50
    python benchmarks/tune_summarizer.py cache multi_news/tac_sample_validation_fulltext.jsonl mnval.pkl --limit 80
    python benchmarks/tune_summarizer.py grid duc.pkl --duc "{'POSITION_WEIGHT': [0.25, 0.75]}"
    python benchmarks/tune_summarizer.py grid mnval.pkl "{'QUOTE_DISCOUNT': [0.6, 1.0]}"

``cache`` runs the real pipeline once per cluster and stores what the summarizer sees
(facts, sentences, vectors) with the references; ``grid`` then re-runs only the
summarizer for every combination of constants and prints ROUGE-1/ROUGE-2 (DUC: recall at
100 words; otherwise F1 at 300 words), also for each half of the clusters so that a
setting that helps only one half shows. Dataset paths are relative to the shared data
folder beside the repository. Tune on Multi-News *validation* clusters, not the test ones.
"""

from __future__ import annotations

import argparse
import ast
import itertools
import pickle
import statistics
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parents[1] / ".." / "shared" / "data"


def cache(dataset: str, out: Path, limit: int) -> None:
    from storyweave import Briefer, BriefOptions, pipeline
    from storyweave.ingest import load_dataset

    captured: list[tuple[Any, ...]] = []
    real = pipeline.summarize_stage.summarize

    def spy(facts: Any, sentences: Any, vectors: Any, options: Any, **kwargs: Any) -> Any:
        captured.append((tuple(facts), tuple(sentences), vectors))
        return real(facts, sentences, vectors, options, **kwargs)

    pipeline.summarize_stage.summarize = spy  # type: ignore[assignment]
    briefer = Briefer(BriefOptions(summarizer="coverage"))
    rows = []
    for cluster in load_dataset(DATA / dataset, limit=limit):
        captured.clear()
        briefer.brief(cluster.articles)
        rows.append((cluster.id, cluster.references, *captured[0]))
    out.write_bytes(pickle.dumps(rows))
    print(f"cached {len(rows)} clusters in {out}")


def grid(path: Path, spec: str, duc: bool) -> None:
    from storyweave import BriefOptions
    from storyweave import summarize as stage
    from storyweave.evaluate.rouge import RougeScorer, duc_settings, multi_news_settings
    from storyweave.summarize import coverage

    rows = pickle.loads(path.read_bytes())
    scorer = RougeScorer(duc_settings() if duc else multi_news_settings())
    options = BriefOptions(words=100 if duc else 300, summarizer="coverage")
    space: dict[str, list[Any]] = ast.literal_eval(spec)
    for values in itertools.product(*space.values()):
        params = dict(zip(space, values))
        for name, value in params.items():
            setattr(coverage, name, value)
        r1, r2 = [], []
        for _, references, facts, sentences, vectors in rows:
            lines = stage.summarize(facts, sentences, vectors, options)
            score = scorer.score("\n".join(line.text for line in lines), references)
            r1.append(score["rouge1"])
            r2.append(score["rouge2"])
        half = len(rows) // 2
        print(
            f"{params} R-1 {statistics.mean(r1):.2f} R-2 {statistics.mean(r2):.2f} "
            f"(halves {statistics.mean(r2[:half]):.2f} / {statistics.mean(r2[half:]):.2f})",
            flush=True,
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    c = commands.add_parser("cache")
    c.add_argument("dataset")
    c.add_argument("out", type=Path)
    c.add_argument("--limit", type=int, default=50)
    g = commands.add_parser("grid")
    g.add_argument("cached", type=Path)
    g.add_argument("spec", nargs="?", default="{}")
    g.add_argument("--duc", action="store_true", help="DUC settings: recall at 100 words")
    args = parser.parse_args()
    if args.command == "cache":
        cache(args.dataset, args.out, args.limit)
    else:
        grid(args.cached, args.spec, args.duc)


if __name__ == "__main__":
    main()
