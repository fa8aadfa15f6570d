"""Where the ROUGE is: oracle and system sentence positions, lengths, and budget curves.

Reads a result written with ``--outputs`` (e.g. by ``benchmarks/bench_eval.py``) and the
dataset it came from, and prints, per system: which documents and document positions its
sentences come from, how long they are, and its ROUGE when the same outputs are cut to
smaller budgets. The oracle row says where the reference content sits in the sources.

    python benchmarks/bench_eval_oracle.py benchmarks/results/with-outputs/longbench.json \\
        ../shared/data/multi_news/longbench_test_fulltext.jsonl
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path
from statistics import mean
from typing import Any

from storyweave.evaluate import RougeScorer, RougeSettings, read_clusters
from storyweave.evaluate.text import document_sentences

POSITION_BINS = (
    (0, 0, "1st"),
    (1, 1, "2nd"),
    (2, 2, "3rd"),
    (3, 5, "4-6"),
    (6, 10, "7-11"),
    (11, 10**9, "12+"),
)


def _bin(position: int) -> str:
    return next(label for low, high, label in POSITION_BINS if low <= position <= high)


def locate(line: str, documents: list[list[str]]) -> tuple[int, int, int] | None:
    """(document, position, sentences in document) of an output line, if it is a source one."""
    probe = line.strip()
    for d, sentences in enumerate(documents):
        for i, sentence in enumerate(sentences):
            if probe == sentence or (len(probe) > 30 and probe in sentence):
                return d, i, len(sentences)
    return None


def analyse(result_path: Path, dataset_path: Path, systems: list[str]) -> dict[str, Any]:
    result = json.loads(result_path.read_text(encoding="utf-8"))
    clusters = {c.id: c for c in read_clusters(dataset_path, limit=result["clusters"])}
    settings = result["settings"]
    report: dict[str, Any] = {}
    for row in result["systems"]:
        if systems and row["name"] not in systems:
            continue
        if "output" not in row["per_cluster"][0]:
            raise SystemExit("run the evaluation with --outputs first")
        positions: Counter[str] = Counter()
        docs: Counter[int] = Counter()
        relative: list[float] = []
        lengths: list[int] = []
        unmatched = 0
        for item in row["per_cluster"]:
            documents = [document_sentences(t) for t in clusters[item["id"]].documents]
            for line in item["output"].splitlines():
                found = locate(line, documents)
                lengths.append(len(line.split()))
                if found is None:
                    unmatched += 1
                    continue
                d, i, n = found
                positions[_bin(i)] += 1
                docs[min(d, 5)] += 1
                relative.append(i / max(1, n - 1))
        total = max(1, sum(positions.values()))
        curve = {}
        for budget in (100, 150, 200, 250, 300):
            if budget > settings["budget"]:
                continue
            scorer = RougeScorer(
                RougeSettings(
                    measure=settings["measure"],
                    budget=budget,
                    aggregate=settings["aggregate"],
                    truncate_references=bool(settings.get("truncate_references")),
                )
            )
            scores = [
                scorer.score(i["output"], clusters[i["id"]].references) for i in row["per_cluster"]
            ]
            curve[budget] = {k: round(mean(s[k] for s in scores), 2) for k in ("rouge1", "rouge2")}
        report[row["name"]] = {
            "position_share": {
                label: round(positions[label] / total, 3) for _, _, label in POSITION_BINS
            },
            "document_share": {
                (f"doc{d + 1}" if d < 5 else "doc6+"): round(c / total, 3)
                for d, c in sorted(docs.items())
            },
            "mean_relative_position": round(mean(relative), 3) if relative else None,
            "mean_sentence_words": round(mean(lengths), 1) if lengths else None,
            "unmatched_lines": unmatched,
            "rouge_by_budget": curve,
        }
    return report


if __name__ == "__main__":
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    wanted = sys.argv[3].split(",") if len(sys.argv) > 3 else []
    print(json.dumps(analyse(Path(sys.argv[1]), Path(sys.argv[2]), wanted), indent=1))
