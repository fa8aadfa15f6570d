"""Batch throughput: serial vs Dask (LocalCluster, 2 worker processes), and memory per worker.

Briefs the first ``--clusters`` clusters of the Multi-News+ test file (5,522 clusters,
truncated text) with the default model, once serially and once on a 2-worker
LocalCluster, into fresh output files, and checks the two outputs are identical.
Memory is the peak resident set size (VmHWM) of each process.

Usage::

    python benchmarks/bench_batch.py                  # 200 clusters
    python benchmarks/bench_batch.py --clusters 5522  # the whole file (long)
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import tempfile
import time
import warnings
from collections.abc import Sequence
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DATASET = REPO.parent / "shared" / "data" / "multi_news" / "multinews_plus_test_truncated.jsonl.gz"


def _peak_rss_mb() -> float:
    """Peak resident memory of this process in MB (VmHWM; ru_maxrss as a fallback)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    # ru_maxrss is in kilobytes on Linux.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(argv: Sequence[str] | None = None) -> int:
    from distributed import Client, LocalCluster

    from storyweave import BriefOptions
    from storyweave.batch import run_batch

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clusters", type=int, default=200)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--model", default="minilm")
    parser.add_argument("--out", type=Path, help="write the figures as JSON here")
    args = parser.parse_args(argv)
    if not DATASET.is_file():
        print(f"no dataset at {DATASET}", file=sys.stderr)
        return 1
    options = BriefOptions(model=args.model)
    with tempfile.TemporaryDirectory() as folder:
        serial_out, dask_out = Path(folder) / "serial.jsonl", Path(folder) / "dask.jsonl"
        serial = run_batch(DATASET, serial_out, options, limit=args.clusters)
        serial_rss = _peak_rss_mb()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            cluster = LocalCluster(
                n_workers=args.workers, threads_per_worker=1, processes=True,
                dashboard_address=None, silence_logs=40, env={"OMP_NUM_THREADS": "1"},
            )
            client = Client(cluster)
        try:
            started = time.perf_counter()
            dask = run_batch(
                DATASET, dask_out, options, engine="dask",
                scheduler=cluster.scheduler_address, limit=args.clusters,
            )
            wall = time.perf_counter() - started
            worker_rss = client.run(_peak_rss_mb)
        finally:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                client.close()
                cluster.close()
        identical = serial_out.read_bytes() == dask_out.read_bytes()
    result = {
        "dataset": DATASET.name,
        "clusters": args.clusters,
        "model": args.model,
        "serial_clusters_per_s": round(serial.written / serial.seconds, 2),
        "serial_seconds": round(serial.seconds, 1),
        "serial_peak_rss_mb": round(serial_rss),
        "dask_workers": args.workers,
        "dask_clusters_per_s": round(dask.written / dask.seconds, 2),
        "dask_seconds": round(dask.seconds, 1),
        "dask_seconds_with_startup": round(wall, 1),
        "dask_worker_peak_rss_mb": sorted(round(v) for v in worker_rss.values()),
        "failed_clusters": serial.failed,
        "outputs_identical": identical,
    }
    text = json.dumps(result, indent=2)
    print(text)
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
