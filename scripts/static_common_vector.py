"""Add the common component to a static model: the mean sentence vector of its corpus.

Static sentence vectors share one large direction (every text has some of it: frequent
pieces, the news register), so the cosine of two unrelated articles runs high. The
one-story check and story clustering compare whole articles and remove it first
(:func:`storyweave.embed.common_component`); sentence-level stages keep the raw vectors.

    python scripts/static_common_vector.py                 # the bundled static-learned model
    python scripts/static_common_vector.py --model DIR --limit 0

The vector is the mean of the model's unit sentence vectors over the first ``--limit``
sentences of ``train_static_model.py``'s corpus (the development sets it was trained on,
in that script's fixed order), stored as float32 ``common.npy`` and named in
``static.json`` with its digest and sentence count. Deterministic: a second run writes the
same bytes.
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
    DEFAULT_OUT,
    corpus_sentences,
    sentences_digest,
    sha256,
)

from storyweave.embed import StaticEmbedder

#: Sentences encoded per call (memory only; the mean does not depend on it).
BATCH = 4096


def common_vector(embedder: StaticEmbedder, sentences: Sequence[str]) -> np.ndarray:
    """The mean of the unit sentence vectors of ``sentences`` (float64 sums, float32 out)."""
    total = np.zeros(embedder.dimensions, dtype=np.float64)
    for start in range(0, len(sentences), BATCH):
        total += embedder.encode(sentences[start : start + BATCH]).astype(np.float64).sum(axis=0)
    return (total / max(1, len(sentences))).astype(np.float32)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="the shared data folder")
    parser.add_argument("--model", type=Path, default=DEFAULT_OUT, help="static model folder")
    parser.add_argument(
        "--limit", type=int, default=DEFAULT_LIMIT, help="first N corpus sentences; 0: all"
    )
    args = parser.parse_args(argv)
    sentences = corpus_sentences(args.data)
    if args.limit:
        sentences = sentences[: args.limit]
    embedder = StaticEmbedder.load(args.model)
    vector = common_vector(embedder, sentences)
    np.save(args.model / "common.npy", vector, allow_pickle=False)
    config_path = args.model / "static.json"
    config = json.loads(config_path.read_text(encoding="utf-8"))
    config |= {
        "common": "common.npy",
        "common_sentences": len(sentences),
        "common_sentences_sha256": sentences_digest(sentences),
        "common_sha256": sha256(args.model / "common.npy"),
    }
    config_path.write_text(json.dumps(config, indent=1) + "\n", encoding="utf-8")
    print(
        f"common.npy: {len(sentences):,} sentences, norm {float(np.linalg.norm(vector)):.4f}, "
        f"sha256 {config['common_sha256']}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
