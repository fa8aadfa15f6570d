"""Train the name tagger's weights (src/storyweave/nlp/data/name_tagger.json.gz).

Reads CoNLL-2003 articles in the shared format (``real_nlp/conll2003_dev.jsonl.gz``),
cross-validates by article (GroupKFold: no article is in both the training and the scored
part) and prints the held-out figures, then trains on every article and writes the model.
Deterministic: the same data and scikit-learn version give the same file.

    pip install scikit-learn  # training only; storyweave reads the weights with numpy
    python scripts/train_name_tagger.py [FILE] [--folds 5] [--no-write]

The figures printed are name-level P/R/F1 per article as
``storyweave.evaluate.extraction.entities`` defines them, for the tagger alone and for the
whole entity stage with the fold's tagger.
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
import time
from pathlib import Path

import numpy as np
from scipy import sparse
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from storyweave.evaluate.extraction import entities as scorer
from storyweave.nlp import ner

OUT = ROOT / "src" / "storyweave" / "nlp" / "data" / ner.MODEL_FILE
#: Inverse regularisation strength: 5-fold CV by article, tagger alone, name-level F1 0.793
#: (C=0.1), 0.803 (0.3), 0.812 (1.0) with an earlier feature set.
C = 1.0
#: A feature must occur in this many training tokens to get a weight (rarer ones overfit
#: single articles and swell the file).
MIN_COUNT = 2
#: Weights smaller than this are dropped from the shipped file (no measurable change).
PRUNE = 0.005


def load(path: Path) -> tuple[list[scorer.Document], list[list[list[ner.Token]]], list[list[str]]]:
    """Documents, their tokenised lines, and one label per token."""
    documents = scorer.read_documents(path)
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        records = [json.loads(line) for line in handle]
    tokenised, labels = [], []
    for record in records:
        text = record["text"]
        tag = ["O"] * len(text)
        for entity in record["entities"]:
            for i in range(entity["start"], entity["end"]):
                tag[i] = "I-" + entity["type"]
            tag[entity["start"]] = "B-" + entity["type"]
        sentences, sentence_labels = [], []
        offset = 0
        for line in text.split("\n"):
            tokens = ner.tokenize(line)
            if tokens:
                sentences.append(tokens)
                sentence_labels += [tag[offset + t.start] for t in tokens]
            offset += len(line) + 1
        tokenised.append(sentences)
        labels.append(sentence_labels)
    return documents, tokenised, labels


def featurise(tokenised: list[list[list[ner.Token]]], lexicons: ner.Lexicons
              ) -> list[list[list[str]]]:
    return [ner.training_rows(doc, lexicons) for doc in tokenised]


def fit(rows: list[list[str]], labels: list[str], c: float) -> dict:
    """Train on flat token rows; return the model as the tagger reads it."""
    counts: dict[str, int] = {}
    for token in rows:
        for name in token:
            counts[name] = counts.get(name, 0) + 1
    features = sorted(name for name, count in counts.items() if count >= MIN_COUNT)
    index = {name: n for n, name in enumerate(features)}
    indptr, indices = [0], []
    for token in rows:
        indices += sorted({index[f] for f in token if f in index})
        indptr.append(len(indices))
    matrix = sparse.csr_matrix(
        (np.ones(len(indices), dtype=np.float32), indices, indptr), shape=(len(rows), len(features))
    )
    y = np.asarray([ner.LABELS.index(label) for label in labels])
    model = LogisticRegression(C=c, max_iter=2000, tol=1e-5)
    model.fit(matrix, y)
    weights = np.zeros((len(features), len(ner.LABELS)), dtype=np.float64)
    weights[:, model.classes_] = model.coef_.T
    bias = np.full(len(ner.LABELS), -30.0)
    bias[model.classes_] = model.intercept_
    keep = np.abs(weights).max(axis=1) >= PRUNE
    kept = [f for f, k in zip(features, keep, strict=True) if k]
    return {
        "labels": list(ner.LABELS),
        "features": kept,
        "weights": [round(float(x), 3) for x in weights[keep].ravel()],
        "bias": [round(float(x), 3) for x in bias],
    }


def tagger_units(tagger: ner.NameTagger, document: scorer.Document) -> list[scorer.Unit]:
    lines = [line for line in document.text.split("\n") if line.strip()]
    mentions = tagger.tag(lines)
    return scorer.units_from_names((m.text, m.type) for m in mentions)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", nargs="?")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--c", type=float, default=C)
    parser.add_argument("--no-write", action="store_true")
    parser.add_argument("--no-cv", action="store_true")
    args = parser.parse_args()
    path = Path(args.file) if args.file else scorer.data_root() / scorer.DEFAULT_FILE
    documents, tokenised, labels = load(path)
    lexicons = ner.Lexicons.load()
    started = time.perf_counter()
    features = featurise(tokenised, lexicons)
    print(f"{len(documents)} articles, {sum(map(len, labels))} tokens, "
          f"features in {time.perf_counter() - started:.1f}s")
    if not args.no_cv:
        tagger_score, stage_score = scorer.Score(), scorer.Score()
        folds = GroupKFold(n_splits=args.folds)
        ids = np.arange(len(documents))
        for train, test in folds.split(ids, groups=ids):
            rows = [r for d in train for r in features[d]]
            y = [label for d in train for label in labels[d]]
            model = fit(rows, y, args.c)
            tagger = ner.NameTagger.from_dict(model, lexicons)
            for d in test:
                document = documents[d]
                units = tagger_units(tagger, document)
                scorer.score_document(tagger_score, document, scorer.Output(units, []))
                scorer.score_document(
                    stage_score, document, scorer.storyweave_segmented(document, tagger)
                )
        for name, score in (("tagger alone", tagger_score), ("entity stage", stage_score)):
            figures = {k: score.counts("names", k).prf() for k in ("all", *scorer.TYPES)}
            print(f"{args.folds}-fold CV by article, {name}, names P/R/F1: " + "  ".join(
                f"{k} {v['p']:.3f}/{v['r']:.3f}/{v['f1']:.3f}" for k, v in figures.items()))
        spans = {k: stage_score.counts("spans", k).prf() for k in ("strict", "lenient", "any")}
        print(f"{args.folds}-fold CV by article, entity stage, spans P/R/F1: " + "  ".join(
            f"{k} {v['p']:.3f}/{v['r']:.3f}/{v['f1']:.3f}" for k, v in spans.items()))
    if not args.no_write:
        model = fit([r for doc in features for r in doc], [y for doc in labels for y in doc],
                    args.c)
        raw = json.dumps(model, separators=(",", ":"), sort_keys=True).encode()
        OUT.write_bytes(gzip.compress(raw, mtime=0))
        print(f"wrote {OUT.name}: {len(model['features'])} features, "
              f"{OUT.stat().st_size // 1024} KiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
