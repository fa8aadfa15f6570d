"""The Dask engine of the batch runner (:func:`storyweave.batch.run_batch`) (imported only when ``--engine dask`` runs).

Each worker process holds one loaded :class:`~storyweave.pipeline.Briefer` in a worker
plugin, so the model is loaded once per worker, never per task and never in a module
global. Clusters go out in a bounded window and results are written in input order.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterator
from dataclasses import replace
from typing import Any, cast

from distributed import Client, LocalCluster, WorkerPlugin, get_worker, wait

from ..ingest.datasets import DatasetCluster
from ..options import BriefOptions
from .records import DEFAULT_WORKERS, brief_record

#: Clusters in flight per Dask worker: enough to keep each busy while results travel
#: back, few enough that a large dataset never sits in the scheduler's memory.
WINDOW_PER_WORKER = 4
_PLUGIN_NAME = "storyweave-briefer"


def run_dask(
    clusters: Iterator[DatasetCluster],
    options: BriefOptions,
    write: Callable[[dict[str, Any]], None],
    *,
    scheduler: str | None,
    workers: int = DEFAULT_WORKERS,
) -> None:
    """Brief ``clusters`` on Dask, calling ``write`` with each record in input order."""
    with warnings.catch_warnings():
        # Starting a LocalCluster warns about ports and scratch space in some sandboxes;
        # those are about Dask's own set-up, not our results.
        warnings.simplefilter("ignore")
        if scheduler:
            client = Client(scheduler)
            local = None
        else:
            local = LocalCluster(
                n_workers=workers,
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
                silence_logs=40,
                env={"OMP_NUM_THREADS": "1"},  # numpy's BLAS: one thread per worker too
            )
            client = Client(local)
    try:
        # One model thread per worker on a local cluster, so the workers share the cores
        # instead of each running the model on all of them (the vectors are the same).
        worker_options = options if scheduler or options.threads else replace(options, threads=1)
        client.register_plugin(BrieferPlugin(worker_options), name=_PLUGIN_NAME)
        window = WINDOW_PER_WORKER * max(1, len(client.scheduler_info()["workers"]))
        in_flight: dict[int, Any] = {}
        ready: dict[int, dict[str, Any]] = {}
        next_out = 0
        submitted = 0
        source = iter(clusters)
        exhausted = False
        while True:
            while not exhausted and len(in_flight) + len(ready) < window:
                cluster = next(source, None)
                if cluster is None:
                    exhausted = True
                    break
                # pure=False: two clusters with equal content still get their own task.
                in_flight[submitted] = client.submit(_brief_on_worker, cluster, pure=False)
                submitted += 1
            if not in_flight and not ready:
                break
            if in_flight:
                finished = wait(list(in_flight.values()), return_when="FIRST_COMPLETED").done
                for position, future in list(in_flight.items()):
                    if future in finished:
                        ready[position] = future.result()
                        del in_flight[position]
            # Write in input order, so the output file is the same whichever engine ran.
            while next_out in ready:
                write(ready.pop(next_out))
                next_out += 1
    finally:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            client.close()
            if local is not None:
                local.close()


class BrieferPlugin(WorkerPlugin):
    """A Dask worker plugin that holds one loaded Briefer per worker process."""

    def __init__(self, options: BriefOptions) -> None:
        self.options = options
        self.briefer: Any = None

    def setup(self, worker: Any) -> None:
        """Load the model once when the worker starts (or when the plugin is registered)."""
        from ..pipeline import Briefer

        self.briefer = Briefer(self.options)
        self.briefer.embedder  # noqa: B018 - load now, not inside the first task

    def teardown(self, worker: Any) -> None:
        """Drop the model."""
        self.briefer = None


def _brief_on_worker(cluster: DatasetCluster) -> dict[str, Any]:
    """The Dask task: brief one cluster with this worker's Briefer."""
    plugin = cast(BrieferPlugin, get_worker().plugins[_PLUGIN_NAME])
    return brief_record(cluster, plugin.briefer)
