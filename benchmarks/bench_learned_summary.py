"""Learned summarizer against its previous model and coverage, on the same briefings.

    python benchmarks/bench_learned_summary.py capture duc2004 longbench tac  # slow: briefs
    python benchmarks/bench_learned_summary.py score --old OLD.json [--new NEW.json]

``capture`` briefs every cluster of each dataset once with the learned summarizer and
once with coverage (one shared sentence-vector cache under ``out/vectors``), and keeps
the coverage summary, the learned summary of the shipped model and everything the learned
selection reads (candidates, sentences, cosines, story counts) in ``out/capture-NAME.pkl.gz``
(git-ignored: it holds dataset sentences). ``score`` then summarizes every captured
cluster with the old model (``OLD.json``: a model file of the sentence features only, e.g.
``git show <commit>:src/storyweave/summarize/models/minilm-int8-onnx.json``) and with the
new one, by the real selection, and prints ROUGE as ``storyweave eval summaries`` scores
it (DUC 2004: recall at 100 words; Multi-News: F1 at 300 words, and the 341 distinct
clusters of both files, shared clusters once with the longbench scores, as
``bench_eval.py combine``). The learned summary of the shipped model is rescored from
the capture too, as a check that offline selection equals the briefing's.
"""

from __future__ import annotations

import argparse
import gzip
import pickle
import sys
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np

from storyweave.embed import load_embedder
from storyweave.evaluate.data import read_clusters
from storyweave.evaluate.rouge import RougeScorer, duc_settings, multi_news_settings
from storyweave.evaluate.systems import CachedEmbedder
from storyweave.options import BriefOptions
from storyweave.pipeline import Briefer
from storyweave.summarize import features, learned
from storyweave.summarize.candidates import LOADED_DISCOUNT, summary_lines
from storyweave.summarize.trees import load_trees

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO / ".." / "shared" / "data"
OUT = REPO / "out"
RUNS = {
    "duc2004": ("duc2004_task2/duc2004_task2.jsonl", 100),
    "longbench": ("multi_news/longbench_test_fulltext.jsonl", 300),
    "tac": ("multi_news/tac_sample_test_fulltext.jsonl", 300),
}


class Capture:
    """Scores with the shipped model and keeps what the learned selection read."""

    def __init__(self) -> None:
        self.model = learned.SentenceScorer.for_embedder(learned.FALLBACK_EMBEDDER)
        self.seen: list[tuple[Any, ...]] = []

    def probabilities(self, found: Any, sentences: Any, similarity: Any, stats: Any) -> Any:
        self.seen.append(
            (list(found), list(sentences), np.asarray(similarity, dtype=np.float32), stats)
        )
        return self.model.probabilities(found, sentences, similarity, stats)


def capture(name: str, data: Path) -> None:
    """Brief every cluster of ``name`` with both summarizers; keep the learned inputs."""
    path, words = RUNS[name]
    learned_options = BriefOptions(words=words, summarizer="learned")
    embedder = CachedEmbedder(
        load_embedder(learned_options.model, threads=learned_options.threads), str(OUT / "vectors")
    )
    recorder = Capture()
    with_learned = Briefer(learned_options, embedder=embedder, scorer=recorder)
    with_coverage = Briefer(BriefOptions(words=words, summarizer="coverage"), embedder=embedder)
    items = []
    for cluster in read_clusters(data / path):
        recorder.seen.clear()
        learned_summary = with_learned.brief(cluster.articles).summary
        coverage_summary = with_coverage.brief(cluster.articles).summary
        items.append({
            "id": cluster.id,
            "references": cluster.references,
            "learned": "\n".join(s.text for s in learned_summary),
            "coverage": "\n".join(s.text for s in coverage_summary),
            "inputs": recorder.seen[0] if recorder.seen else None,
        })
        print(f"{name}: {len(items)} clusters", file=sys.stderr, flush=True)
    OUT.mkdir(exist_ok=True)
    with gzip.open(OUT / f"capture-{name}.pkl.gz", "wb") as handle:
        pickle.dump(items, handle)


Probabilities = Callable[[Any, Any, Any, Any], np.ndarray]


def summarize(item: dict[str, Any], model: Probabilities, words: int) -> str:
    """The learned selection over a captured cluster with ``model``'s probabilities."""
    if item["inputs"] is None:
        return ""
    found, sentences, similarity, stats = item["inputs"]
    probabilities = model(found, sentences, similarity, stats) * np.array(
        [LOADED_DISCOUNT if c.loaded else 1.0 for c in found]
    )
    chosen = learned.select(found, probabilities, similarity, words, None)
    return "\n".join(line.text for line in summary_lines(chosen))


def score(old_path: Path, new_path: Path | None, datasets: Sequence[str]) -> None:
    """Print each system's mean ROUGE per dataset (and over the distinct Multi-News ones)."""
    old = load_trees(old_path)
    new = learned.SentenceScorer.load(new_path) if new_path else (
        learned.SentenceScorer.for_embedder(learned.FALLBACK_EMBEDDER)
    )
    width = len(old.features)

    def old_model(found: Any, sentences: Any, similarity: Any, stats: Any) -> np.ndarray:
        table = features.feature_matrix(found, sentences, similarity, stats)[:, :width]
        return 1.0 / (1.0 + np.exp(-old.predict(table)))

    per_set: dict[str, dict[str, dict[str, dict[str, float]]]] = {}
    for name, (_, words) in RUNS.items():
        path = OUT / f"capture-{name}.pkl.gz"
        if name not in datasets or not path.is_file():
            continue
        with gzip.open(path, "rb") as handle:
            items = pickle.load(handle)
        scorer = RougeScorer(duc_settings(words) if name == "duc2004" else multi_news_settings(words))
        systems: dict[str, Callable[[dict[str, Any]], str]] = {
            "coverage": lambda item: str(item["coverage"]),
            "learned, as captured (model and selection then)": lambda item: str(item["learned"]),
            "old model, current selection": partial(summarize, model=old_model, words=words),
            "current model, current selection": partial(
                summarize, model=new.probabilities, words=words
            ),
        }
        per_set[name] = {
            system: {item["id"]: scorer.score(make(item), item["references"]) for item in items}
            for system, make in systems.items()
        }
        for system, scores in per_set[name].items():
            print(f"{name:10s} {system:48s} {_means(scores.values())}")
    if "longbench" in per_set and "tac" in per_set:
        for system in per_set["tac"]:
            distinct = {**per_set["tac"][system], **per_set["longbench"][system]}
            print(f"{'multinews':10s} {system:48s} {_means(distinct.values())} ({len(distinct)})")


def _means(scores: Any) -> str:
    rows: Sequence[dict[str, float]] = list(scores)
    return " / ".join(f"{np.mean([r[k] for r in rows]):.2f}" for k in ("rouge1", "rouge2", "rougeLsum"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("action", choices=["capture", "score"])
    parser.add_argument("datasets", nargs="*", default=list(RUNS))
    parser.add_argument("--data", type=Path, default=SHARED)
    parser.add_argument("--old", type=Path, help="model file of the previous learned scorer")
    parser.add_argument("--new", type=Path, help="model file to compare (default: shipped)")
    args = parser.parse_args()
    if args.action == "capture":
        for name in args.datasets:
            capture(name, args.data)
        return 0
    if args.old is None:
        parser.error("score needs --old")
    score(args.old, args.new, args.datasets)
    return 0


if __name__ == "__main__":
    sys.exit(main())
