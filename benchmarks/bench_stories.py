"""Story clustering on shuffled Multi-News documents, scored against the true clusters.

The documents of a few hundred Multi-News clusters are shuffled (fixed seed) and
ingested one by one, as a monitoring feed would deliver them; the stories the store
forms are scored against the clusters the documents came from:

- adjusted Rand index (ARI) over all stored documents;
- B-cubed precision and recall (and their F1), averaged over documents.

Documents the store refuses (empty, or nothing left after cleaning) are counted and left
out of the scores. A document that arrives twice is scored under each of its origins.

Two modes:

``--calibrate``  on the validation clusters: features are computed once, then the
                 clustering thresholds are searched on a grid in memory (the same
                 rules as the store, :func:`storyweave.stories.clustering.cluster_in_memory`).
(default)        on the test clusters (LongBench + TAC sample, 341 distinct): the real
                 path, `Store.ingest` into a temporary SQLite file, then the stories as
                 `storyweave stories --json` lists them.

Usage::

    python benchmarks/bench_stories.py                    # test figures, MiniLM
    python benchmarks/bench_stories.py --calibrate        # threshold search on validation
    python benchmarks/bench_stories.py --model lexical --clusters 100
"""

from __future__ import annotations

import argparse
import dataclasses
import itertools
import json
import pickle
import random
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Sequence
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DATA = REPO.parent / "shared" / "data" / "multi_news"
TEST_FILES = ("longbench_test_fulltext.jsonl", "tac_sample_test_fulltext.jsonl")
VALIDATION_FILES = ("tac_sample_validation_fulltext.jsonl",)
SEED = 20240611


def load_documents(files: Sequence[str], clusters: int | None) -> list:
    """Every document of the first ``clusters`` distinct clusters, shuffled (fixed seed)."""
    from storyweave.ingest import load_dataset

    seen: dict[str, object] = {}
    for name in files:
        for cluster in load_dataset(DATA / name):
            seen.setdefault(cluster.id, cluster)
    chosen = list(seen.values())[:clusters] if clusters else list(seen.values())
    articles = [article for cluster in chosen for article in cluster.articles]
    random.Random(SEED).shuffle(articles)
    return articles


def true_cluster(origin: str) -> str:
    """``file.jsonl#multinews-test-35/2`` -> ``multinews-test-35``."""
    return origin.split("#", 1)[1].rsplit("/", 1)[0]


def adjusted_rand(truth: Sequence[str], predicted: Sequence[object]) -> float:
    """Adjusted Rand index of two labelings of the same items."""
    def pairs(n: int) -> float:
        return n * (n - 1) / 2

    table = Counter(zip(truth, predicted, strict=True))
    index = sum(pairs(n) for n in table.values())
    rows = sum(pairs(n) for n in Counter(truth).values())
    cols = sum(pairs(n) for n in Counter(predicted).values())
    total = pairs(len(truth))
    expected = rows * cols / total if total else 0.0
    maximum = (rows + cols) / 2
    return (index - expected) / (maximum - expected) if maximum != expected else 1.0


def bcubed(truth: Sequence[str], predicted: Sequence[object]) -> tuple[float, float, float]:
    """B-cubed precision, recall and F1."""
    both = Counter(zip(truth, predicted, strict=True))
    true_sizes, predicted_sizes = Counter(truth), Counter(predicted)
    n = len(truth)
    precision = sum(both[(t, p)] / predicted_sizes[p] for t, p in zip(truth, predicted)) / n
    recall = sum(both[(t, p)] / true_sizes[t] for t, p in zip(truth, predicted)) / n
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def scores(truth: Sequence[str], predicted: Sequence[object]) -> dict[str, float]:
    """The reported figures for one labeling."""
    precision, recall, f1 = bcubed(truth, predicted)
    return {
        "ari": round(adjusted_rand(truth, predicted), 4),
        "bcubed_precision": round(precision, 4),
        "bcubed_recall": round(recall, 4),
        "bcubed_f1": round(f1, 4),
        "documents": len(truth),
        "true_clusters": len(set(truth)),
        "stories": len(set(predicted)),
    }


def run_store(articles: list, model: str) -> dict[str, object]:
    """The real path: ingest into a temporary SQLite store, score `stories --json`."""
    from storyweave import BriefOptions
    from storyweave.cli.monitor import stories_json
    from storyweave.monitor.store import Store
    from storyweave.pipeline import Briefer

    briefer = Briefer(BriefOptions(model=model))
    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        with Store(str(Path(folder) / "bench.db")) as store:
            summary = store.ingest(articles, briefer)
            listed = stories_json(store.stories())
        seconds = time.perf_counter() - started
    truth, predicted = [], []
    for story in listed:
        for article in story["articles"]:
            for origin in article["origins"]:
                truth.append(true_cluster(origin))
                predicted.append(story["id"])
    result: dict[str, object] = scores(truth, predicted)
    result |= {
        "ingested": summary.ingested,
        "duplicates": summary.duplicates,
        "failed": summary.failed,
        "seconds": round(seconds, 1),
        "articles_per_second": round(len(articles) / seconds, 1),
    }
    return result


def calibrate(
    articles: list, model: str, joins: Sequence[float] = (), cache: Path | None = None
) -> dict[str, object]:
    """Grid search of the clustering thresholds on precomputed features (``cache``: a
    pickle of them, kept between runs; it holds vectors and names, no text). The story
    vectors (and the term share) are the model's own (:func:`params_for`)."""
    from storyweave import BriefOptions
    from storyweave import clean as clean_stage
    from storyweave.errors import InputError
    from storyweave.pipeline import Briefer
    from storyweave.stories.clustering import article_features, cluster_in_memory, params_for

    embedder = Briefer(BriefOptions(model=model)).embedder
    base = params_for(embedder.name)  # the model's story vectors (lead, or lead+terms)
    if cache is not None and cache.exists():
        features, truth = pickle.loads(cache.read_bytes())
    else:
        features, truth = [], []
        for article in articles:
            try:
                cleaned = clean_stage.clean(article)
            except InputError:
                continue
            features.append(article_features(article, cleaned, embedder, 0.0, base))
            truth.append(true_cluster(article.origin))
        if cache is not None:
            cache.write_bytes(pickle.dumps((features, truth)))
    grid = itertools.product(
        joins or [0.35, 0.40, 0.45, 0.50, 0.55, 0.60, 0.65, 0.70, 0.75],
        [0.0, 0.1, 0.2, 0.3, 0.4],
        [0.80, 0.85, 0.90, 0.95],
    )
    results = []
    for join, weight, merge in grid:
        params = dataclasses.replace(
            base, join_threshold=join, entity_weight=weight, merge_threshold=merge
        )
        figures = scores(truth, cluster_in_memory(features, params))
        results.append({"join": join, "entity_weight": weight, "merge": merge} | figures)
    results.sort(key=lambda r: (-r["bcubed_f1"], -r["ari"]))
    by_weight: dict[float, dict] = defaultdict(dict)
    for r in results:
        by_weight[r["entity_weight"]].setdefault("best", r)
    return {"best": results[:5], "best_per_entity_weight": {k: v["best"] for k, v in by_weight.items()}}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calibrate", action="store_true", help="grid search on validation")
    parser.add_argument("--clusters", type=int, help="use only the first N clusters")
    parser.add_argument("--model", default="minilm", help="minilm (default), static-learned or lexical")
    parser.add_argument("--out", type=Path, help="write the figures as JSON here")
    parser.add_argument("--joins", type=float, nargs="+", default=(),
                        help="with --calibrate: join thresholds to try (default 0.35-0.75)")
    parser.add_argument("--cache", type=Path,
                        help="with --calibrate: keep the validation features in this pickle")
    args = parser.parse_args(argv)
    if not DATA.is_dir():
        print(f"no Multi-News data at {DATA}", file=sys.stderr)
        return 1
    files = VALIDATION_FILES if args.calibrate else TEST_FILES
    articles = load_documents(files, args.clusters)
    print(f"{len(articles)} documents from {', '.join(files)}", file=sys.stderr)
    if args.calibrate:
        result = calibrate(articles, args.model, args.joins, args.cache)
    else:
        result = run_store(articles, args.model)
    result = {"model": args.model, "files": list(files), "seed": SEED} | result
    text = json.dumps(result, indent=2)
    print(text)
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
