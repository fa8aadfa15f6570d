"""What both batch engines share: one cluster's output record, and the output files.

A record is one JSON line: ``{"id", "briefing"}`` or ``{"id", "error"}``. The local engine
(:func:`storyweave.batch.run_batch`) and the Dask engine (:mod:`.dask_engine`) both make
records with :func:`brief_record`, so their outputs are identical.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
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
    """Ids already briefed in ``output``; a trailing partial line (a kill) is cut off.

    Clusters recorded as failed are not done: :func:`drop_failed` takes them out of the
    file so that a resumed run tries them again (the model may load now, a limit may have
    been raised)."""
    return {cluster_id for cluster_id, failed in _records(output) if not failed}


def drop_failed(output: Path) -> set[str]:
    """Remove the lines of failed clusters from ``output`` (atomically: a kill leaves the old
    file or the new one); returns their ids."""
    failed = {cluster_id for cluster_id, bad in _records(output) if bad}
    if failed:
        _rewrite(output, lambda lines: [line for line in lines if not _failed_line(line)])
    return failed


def in_input_order(output: Path, order: dict[str, int]) -> None:
    """Rewrite ``output`` with its lines in the dataset's order (``order``: id -> position);
    lines of ids the dataset no longer has keep their place at the end."""

    def position(item: tuple[int, bytes]) -> tuple[int, int]:
        index, line = item
        try:
            cluster_id = str(json.loads(line)["id"])
        except (ValueError, KeyError, TypeError):
            return (len(order), index)
        return (order.get(cluster_id, len(order)), index)

    _rewrite(output, lambda lines: [line for _, line in sorted(enumerate(lines), key=position)])


def _records(output: Path) -> list[tuple[str, bool]]:
    """``(id, failed)`` of each complete line of ``output``; a torn last line is cut off."""
    if not output.exists():
        return []
    found: list[tuple[str, bool]] = []
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
                found.append((str(record["id"]), "briefing" not in record))
            good += len(line)
    if good != output.stat().st_size:
        with output.open("r+b") as handle:
            handle.truncate(good)
    return found


def _failed_line(line: bytes) -> bool:
    try:
        record = json.loads(line)
    except ValueError:
        return False
    return isinstance(record, dict) and "id" in record and "briefing" not in record


def _rewrite(output: Path, change: Callable[[list[bytes]], list[bytes]]) -> None:
    """Replace ``output`` by ``change`` of its lines, through a temporary file."""
    with output.open("rb") as handle:
        lines = handle.readlines()
    temporary = output.with_name(output.name + f".{os.getpid()}.tmp")
    with temporary.open("wb") as handle:
        handle.writelines(change(lines))
        handle.flush()
        os.fsync(handle.fileno())
    temporary.replace(output)


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
