"""Give a model its common component: the mean sentence vector of its training corpus.

Sentence vectors share one large direction (every text has some of it: frequent pieces,
the news register), so the cosine of two unrelated articles' mean vectors runs high. The
one-story check compares articles with it taken out (:func:`storyweave.embed.common_component`);
sentence-level stages keep the raw vectors.

    python scripts/common_vector.py static-learned   # into models/static_learned (static.json)
    python scripts/common_vector.py minilm           # into models/minilm (common.json)

The vector is the mean of the model's unit sentence vectors over the first ``--limit``
sentences of ``train_static_model.py``'s corpus (the development sets static-learned was
trained on, in that script's fixed order), stored as float32 ``common.npy`` with its
digest and sentence count. Deterministic for the static model (a second run writes the same
bytes); MiniLM's ONNX run agrees to float32 rounding.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from train_static_model import (
    DEFAULT_DATA,
    DEFAULT_LIMIT,
    MODELS,
    corpus_sentences,
    sentences_digest,
    sha256,
)

from storyweave.embed import Embedder, load_embedder

#: Sentences encoded per call (memory only; the mean does not depend on it).
BATCH = 1024
#: Where each bundled model keeps its common component, and the file that names it.
TARGETS = {
    "static-learned": (MODELS / "static_learned", "static.json"),
    "minilm": (MODELS / "minilm", "common.json"),
}


def common_vector(embedder: Embedder, sentences: Sequence[str]) -> np.ndarray:
    """The mean of the unit sentence vectors of ``sentences`` (float64 sums, float32 out)."""
    total: np.ndarray | None = None
    for start in range(0, len(sentences), BATCH):
        block = embedder.encode(sentences[start : start + BATCH]).astype(np.float64).sum(axis=0)
        total = block if total is None else total + block
    if total is None:
        raise ValueError("no sentences")
    return (total / len(sentences)).astype(np.float32)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("model", choices=sorted(TARGETS), help="bundled model")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="the shared data folder")
    parser.add_argument(
        "--limit", type=int, default=DEFAULT_LIMIT, help="first N corpus sentences; 0: all"
    )
    args = parser.parse_args(argv)
    folder, config_name = TARGETS[args.model]
    sentences = corpus_sentences(args.data)
    if args.limit:
        sentences = sentences[: args.limit]
    embedder = load_embedder(args.model)
    vector = common_vector(embedder, sentences)
    folder.mkdir(parents=True, exist_ok=True)
    np.save(folder / "common.npy", vector, allow_pickle=False)
    config_path = folder / config_name
    config = json.loads(config_path.read_text(encoding="utf-8")) if config_path.exists() else {}
    if config_name == "common.json":  # static.json names its model under "name"
        config["model"] = embedder.name
    config |= {
        "common": "common.npy",
        "common_sentences": len(sentences),
        "common_sentences_sha256": sentences_digest(sentences),
        "common_sha256": sha256(folder / "common.npy"),
    }
    config_path.write_text(json.dumps(config, indent=1) + "\n", encoding="utf-8")
    print(
        f"{folder.name}/common.npy: {len(sentences):,} sentences, "
        f"norm {float(np.linalg.norm(vector)):.4f}, sha256 {config['common_sha256']}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
