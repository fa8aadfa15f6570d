"""What both batch engines share: one cluster's output record, and the output files.

A record is one JSON line: ``{"id", "briefing"}`` or ``{"id", "error"}``. The local engine
(:func:`storyweave.batch.run_batch`) and the Dask engine (:mod:`.dask_engine`) both make
records with :func:`brief_record`, so their outputs are identical.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from ..errors import MissingDependency, StoryweaveError
from ..ingest.datasets import DatasetCluster

#: Default local Dask cluster size: the reference machine has two cores.
DEFAULT_WORKERS = 2


def brief_record(cluster: DatasetCluster, briefer: Any) -> dict[str, Any]:
    """One output line for one cluster (``briefer`` is a :class:`Briefer`)."""
    from ..render.json import to_dict

    if not cluster.articles:
        return {"id": cluster.id, "error": "no usable article in this cluster"}
    try:
        briefing = briefer.brief(cluster.articles, cluster.problems)
    except StoryweaveError as error:
        return {"id": cluster.id, "error": str(error)}
    if not briefing.sources:
        return {"id": cluster.id, "error": "no usable article in this cluster"}
    return {"id": cluster.id, "briefing": to_dict(briefing)}


def done_ids(output: Path) -> set[str]:
    """Ids already written to ``output``; a trailing partial line (a kill) is cut off."""
    if not output.exists():
        return set()
    ids: set[str] = set()
    good = 0
    with output.open("rb") as handle:
        for line in handle:
            if not line.endswith(b"\n"):
                break
            try:
                record = json.loads(line)
            except json.JSONDecodeError:
                break
            if isinstance(record, dict) and "id" in record:
                ids.add(str(record["id"]))
            good += len(line)
    if good != output.stat().st_size:
        with output.open("r+b") as handle:
            handle.truncate(good)
    return ids


def write_parquet(jsonl: Path, target: Path) -> None:
    """Write a batch output file as Parquet: ``id``, ``briefing`` (JSON text), ``error``."""
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError as error:
        raise MissingDependency("pyarrow", "monitor") from error
    ids, briefings, errors = [], [], []
    with jsonl.open(encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            ids.append(str(record["id"]))
            briefing = record.get("briefing")
            briefings.append(json.dumps(briefing, sort_keys=True) if briefing is not None else None)
            errors.append(record.get("error"))
    table = pa.table(
        {
            "id": pa.array(ids, pa.string()),
            "briefing": pa.array(briefings, pa.string()),
            "error": pa.array(errors, pa.string()),
        }
    )
    temporary = target.with_name(target.name + f".{os.getpid()}.tmp")
    pq.write_table(table, temporary)
    temporary.replace(target)  # never leave a half-written Parquet file behind
