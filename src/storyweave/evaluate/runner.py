"""Run every system over the same clusters, in a fixed order, and score them the same way.

Speed and memory, and how they are measured (also written into every result):

* ``seconds_per_cluster``: mean wall time of ``summarize()`` per cluster
  (``time.perf_counter``). For storyweave that is the whole briefing. One-time set-up
  (loading the embedding model) is timed apart as ``setup_seconds``.
* ``peak_mb``: with ``isolate=True`` (the CLI default) each system runs in a fresh
  ``spawn`` subprocess and ``peak_mb`` is that process's peak resident set size
  (``getrusage(RUSAGE_SELF).ru_maxrss``), so it counts native allocations such as
  onnxruntime's that ``tracemalloc`` misses. ``start_mb`` is the same process's peak just
  before the first cluster (interpreter, libraries, the clusters themselves). In-process
  runs (``isolate=False``) do not measure memory and report ``None``.
* Published systems (stored outputs) have no time or memory.
"""

from __future__ import annotations

import os
import platform
import resource
import sys
import time
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from multiprocessing import get_context
from typing import Any

from .data import EvalCluster
from .rouge import ROUGE_TYPES, RougeScorer, RougeSettings
from .systems import PublishedSystem, System, make_system
from .text import word_count

MEMORY_METHOD = (
    "peak RSS (getrusage ru_maxrss) of a fresh spawn subprocess per system, "
    "including interpreter, libraries and the loaded clusters"
)


@dataclass(frozen=True, slots=True)
class SystemSpec:
    """What a subprocess needs to rebuild one of our systems."""

    name: str
    words: int | None = None
    model: str | None = None
    measure: str = "f1"
    vector_cache: str | None = None

    def build(self) -> System:
        """The system itself."""
        return make_system(
            self.name,
            words=self.words,
            model=self.model,
            measure=self.measure,  # type: ignore[arg-type]
            vector_cache=self.vector_cache,
        )


@dataclass(slots=True)
class RunOutput:
    """One system's outputs over all clusters, with its timings."""

    outputs: list[str]
    seconds: list[float]
    setup_seconds: float = 0.0
    peak_mb: float | None = None
    start_mb: float | None = None


@dataclass(slots=True)
class SystemResult:
    """One row of the table."""

    name: str
    kind: str  # "storyweave", "baseline", "oracle" or "published"
    rouge1: float
    rouge2: float
    rougeLsum: float
    seconds_per_cluster: float | None
    peak_mb: float | None
    words_per_summary: float
    setup_seconds: float | None = None
    start_mb: float | None = None
    per_cluster: list[dict[str, Any]] = field(default_factory=list)


@dataclass(slots=True)
class EvalResult:
    """Everything one evaluation run measured."""

    dataset: str
    source: str
    clusters: int
    cluster_ids: list[str]
    settings: dict[str, Any]
    systems: list[SystemResult]
    machine: dict[str, Any]

    def system(self, name: str) -> SystemResult:
        """The row for ``name`` (raises ``KeyError``)."""
        for row in self.systems:
            if row.name == name:
                return row
        raise KeyError(name)


def _peak_mb() -> float:
    # ru_maxrss is in kilobytes on Linux and bytes on macOS.
    scale = 1024 * 1024 if sys.platform == "darwin" else 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / scale


def _run_system(
    system: System, clusters: Sequence[EvalCluster], budget: int, progress: bool
) -> RunOutput:
    """Summarize every cluster in order, timing each call."""
    started = time.perf_counter()
    prepare = getattr(system, "prepare", None)
    if callable(prepare):
        prepare(budget)
    setup = time.perf_counter() - started
    outputs: list[str] = []
    seconds: list[float] = []
    from tqdm import tqdm

    for cluster in tqdm(
        clusters,
        desc=system.name,
        unit="cluster",
        file=sys.stderr,
        disable=not progress,
        leave=False,
    ):
        started = time.perf_counter()
        outputs.append(system.summarize(cluster, budget))
        seconds.append(time.perf_counter() - started)
    return RunOutput(outputs, seconds, setup_seconds=setup)


def _run_isolated_child(
    spec: SystemSpec, clusters: Sequence[EvalCluster], budget: int, progress: bool
) -> RunOutput:
    """Entry point of the per-system subprocess."""
    start = _peak_mb()
    run = _run_system(spec.build(), clusters, budget, progress)
    run.start_mb = start
    run.peak_mb = _peak_mb()
    return run


def run_isolated(
    spec: SystemSpec, clusters: Sequence[EvalCluster], budget: int, progress: bool = False
) -> RunOutput:
    """Run one system in a fresh subprocess, so its peak memory is its own."""
    with ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn")) as pool:
        return pool.submit(_run_isolated_child, spec, list(clusters), budget, progress).result()


def _kind(name: str) -> str:
    if name.startswith("storyweave"):
        return "storyweave"
    return "oracle" if name == "oracle" else "baseline"


def machine_info() -> dict[str, Any]:
    """Where the numbers were measured."""
    return {
        "platform": platform.platform(),
        "processor": platform.processor() or platform.machine(),
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
    }


def evaluate(
    clusters: Sequence[EvalCluster],
    systems: Sequence[str],
    settings: RougeSettings,
    *,
    dataset: str = "",
    source: str = "",
    words: int | None = None,
    model: str | None = None,
    isolate: bool = True,
    progress: bool = False,
    keep_outputs: bool = False,
    vector_cache: str | None = None,
) -> EvalResult:
    """Run ``systems`` over ``clusters`` and score them all under ``settings``.

    Published system names (stored in the clusters) are scored from their stored outputs;
    every other name is built with :func:`~storyweave.evaluate.systems.make_system`.

    Example::

        clusters = list(read_clusters("duc2004_task2.jsonl", limit=3))
        result = evaluate(clusters, ["storyweave", "lead-3"], duc_settings(), isolate=False)
        result.system("storyweave").rouge2
    """
    clusters = list(clusters)
    published = {name for c in clusters for name in c.system_summaries}
    scorer = RougeScorer(settings)
    rows: list[SystemResult] = []
    for name in systems:
        if name in published:
            system: System = PublishedSystem(name)
            run = RunOutput([system.summarize(c, settings.budget) for c in clusters], [])
            kind = "published"
        else:
            spec = SystemSpec(
                name, words=words, model=model, measure=settings.measure,
                vector_cache=vector_cache,
            )
            if isolate:
                run = run_isolated(spec, clusters, settings.budget, progress)
            else:
                run = _run_system(spec.build(), clusters, settings.budget, progress)
            kind = _kind(name)
        rows.append(_score_run(name, kind, run, clusters, scorer, keep_outputs))
    return EvalResult(
        dataset=dataset or (clusters[0].dataset if clusters else ""),
        source=source,
        clusters=len(clusters),
        cluster_ids=[c.id for c in clusters],
        settings=settings.describe()
        | {
            "storyweave_words": words or settings.budget,
            "timing": "mean wall time of summarize() per cluster (time.perf_counter); "
            "storyweave = the full briefing; model loading reported as setup_seconds",
            "memory": MEMORY_METHOD if isolate else "not measured (in-process run)",
            "vector_cache": "storyweave systems shared cached sentence vectors: a system "
            "that found them cached was not timed for the embedding"
            if vector_cache
            else None,
        },
        systems=rows,
        machine=machine_info(),
    )


def _score_run(
    name: str,
    kind: str,
    run: RunOutput,
    clusters: Sequence[EvalCluster],
    scorer: RougeScorer,
    keep_outputs: bool,
) -> SystemResult:
    per_cluster: list[dict[str, Any]] = []
    for index, (cluster, output) in enumerate(zip(clusters, run.outputs, strict=True)):
        scores = scorer.score(output, cluster.references)
        row: dict[str, Any] = {"id": cluster.id, **{k: round(v, 3) for k, v in scores.items()}}
        row["words"] = word_count(output)
        if run.seconds:
            row["seconds"] = round(run.seconds[index], 4)
        if keep_outputs:
            row["output"] = output
        per_cluster.append(row)
    count = max(1, len(per_cluster))

    def mean(key: str) -> float:
        return sum(float(r[key]) for r in per_cluster) / count

    return SystemResult(
        name=name,
        kind=kind,
        rouge1=round(mean(ROUGE_TYPES[0]), 2),
        rouge2=round(mean(ROUGE_TYPES[1]), 2),
        rougeLsum=round(mean(ROUGE_TYPES[2]), 2),
        seconds_per_cluster=round(sum(run.seconds) / count, 4) if run.seconds else None,
        peak_mb=round(run.peak_mb, 1) if run.peak_mb is not None else None,
        words_per_summary=round(mean("words"), 1),
        setup_seconds=round(run.setup_seconds, 3) if run.seconds else None,
        start_mb=round(run.start_mb, 1) if run.start_mb is not None else None,
        per_cluster=per_cluster,
    )
