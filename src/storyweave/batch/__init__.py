"""Brief every cluster of a dataset: serially, or on Dask (``dask.distributed``).

Output is JSON Lines, one line per cluster in input order::

    {"id": "multinews-test-35", "briefing": {...the --format json document...}}
    {"id": "multinews-test-36", "error": "no usable article"}

The briefing holds no timestamps, so the same data and options give the same file
whichever engine made it. Runs are resumable: ids already in the output are skipped,
each line is written and flushed as soon as it is ready, and a line cut off by a kill
is dropped on restart. Clusters recorded as failed are tried again by the next run (their
old lines are dropped first), and the file is then put back in the dataset's order. ``parquet=`` also writes the finished file as Parquet
(columns ``id``, ``briefing`` as JSON text, ``error``).

On Dask each worker process loads one :class:`~storyweave.pipeline.Briefer` (the model)
once, through a worker plugin, and clusters are sent in a bounded window so memory
stays flat however big the dataset is.

Example::

    summary = run_batch("clusters.jsonl.gz", "briefs.jsonl", BriefOptions(), engine="dask")
    print(summary.written, summary.skipped, summary.seconds)
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from ..errors import MissingDependency, OptionsError
from ..ingest.datasets import DatasetCluster, load_dataset
from ..model import InputProblem
from ..options import BriefOptions
from .records import (
    DEFAULT_WORKERS,
    brief_record,
    done_ids,
    drop_failed,
    in_input_order,
    write_parquet,
)

Engine = Literal["local", "dask"]
_log = logging.getLogger(__name__)


@dataclass
class BatchSummary:
    """What a batch run did."""

    written: int = 0  # clusters briefed (or recorded as failed) in this run
    skipped: int = 0  # already in the output from an earlier run
    retried: int = 0  # recorded as failed by an earlier run, tried again in this one
    failed: int = 0  # clusters recorded with an error
    seconds: float = 0.0
    problems: list[InputProblem] = field(default_factory=list)  # unreadable dataset lines

    def line(self) -> str:
        """The one-line summary printed at the end."""
        rate = self.written / self.seconds if self.seconds > 0 else 0.0
        retried = f" (retried {self.retried} that had failed before)" if self.retried else ""
        return (
            f"briefed {self.written - self.failed} clusters, failed {self.failed}, "
            f"skipped {self.skipped} already done{retried}; {rate:.2f} clusters/s"
        )


def run_batch(
    dataset: str | Path,
    output: str | Path,
    options: BriefOptions | None = None,
    *,
    engine: Engine = "local",
    scheduler: str | None = None,
    workers: int = DEFAULT_WORKERS,
    limit: int | None = None,
    parquet: str | Path | None = None,
    on_cluster: Callable[[], None] | None = None,
) -> BatchSummary:
    """Brief every cluster of ``dataset`` into ``output`` (see the module docstring)."""
    options = options or BriefOptions()
    if workers < 1:
        raise OptionsError(f"workers must be at least 1, got {workers}")
    output = Path(output)
    summary = BatchSummary()
    failed_before = drop_failed(output)
    if failed_before:
        _log.info("%d cluster(s) failed in an earlier run: trying them again", len(failed_before))
    done = done_ids(output)
    seen = _Seen()
    clusters = _pending(dataset, options, done, limit, summary, seen)
    started = time.perf_counter()
    with output.open("a", encoding="utf-8") as handle:

        def write(record: dict[str, Any]) -> None:
            handle.write(json.dumps(record, ensure_ascii=False, sort_keys=True) + "\n")
            handle.flush()  # a kill loses at most the line being written
            summary.written += 1
            summary.failed += "error" in record
            _log.debug("cluster %s: %s", record["id"], record.get("error", "briefed"))
            if on_cluster is not None:
                on_cluster()

        if engine == "local":
            from ..pipeline import Briefer

            briefer = Briefer(options)
            for cluster in clusters:
                write(brief_record(cluster, briefer))
        elif engine == "dask":
            try:
                from .dask_engine import run_dask
            except ImportError as error:
                raise MissingDependency("dask[distributed]", "monitor") from error
            run_dask(clusters, options, write, scheduler=scheduler, workers=workers)
        else:
            raise OptionsError(f"unknown engine {engine!r}; choose local or dask")
    summary.seconds = time.perf_counter() - started
    summary.retried = len(failed_before & set(seen.order))
    if seen.out_of_order:
        # Clusters that had failed (or were dropped by a run killed before retrying them)
        # were appended after later ones: put every line back in the dataset's order.
        in_input_order(output, seen.order)
    if parquet is not None:
        write_parquet(output, Path(parquet))
    return summary


@dataclass
class _Seen:
    """What :func:`_pending` learns while it reads the dataset."""

    order: dict[str, int] = field(default_factory=dict)  # cluster id -> position
    out_of_order: bool = False


def _pending(
    dataset: str | Path,
    options: BriefOptions,
    done: set[str],
    limit: int | None,
    summary: BatchSummary,
    seen: _Seen,
) -> Iterator[DatasetCluster]:
    """The dataset's clusters not yet in the output (``limit`` counts all clusters seen),
    noting in ``seen`` each id's position in the dataset and whether a cluster briefed now
    comes before one already in the output (appending it then breaks the input order).

    A cluster id that the dataset repeats is briefed once, from its first record; each
    repeat is reported as a problem (the output keys lines by id), not counted as done.
    """
    name = str(dataset)
    briefing_some = False
    for cluster in load_dataset(
        dataset, limit=limit, options=options, on_problem=summary.problems.append
    ):
        if cluster.id in seen.order:
            summary.problems.append(InputProblem(
                name, f"cluster id {cluster.id!r} appears more than once; only its first "
                "record is briefed (give each cluster its own id)"))
            continue
        seen.order[cluster.id] = len(seen.order)
        if cluster.id in done and briefing_some:
            seen.out_of_order = True
        if cluster.id not in done:
            briefing_some = True
        if cluster.id in done:
            summary.skipped += 1
            continue
        yield cluster
