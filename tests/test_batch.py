"""Batch briefing of a dataset: serial and Dask give the same file; runs resume after a kill."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from storyweave.batch import done_ids, run_batch
from storyweave.ingest import load
from storyweave.options import BriefOptions

STORIES = Path(__file__).parent / "data" / "stories"
#: The lexical backend keeps these tests fast; the engines must agree whatever the model.
OPTIONS = BriefOptions(model="lexical", words=60)


@pytest.fixture()
def dataset(tmp_path: Path) -> Path:
    """Four fictional clusters and one whose only document is empty, as a JSONL dataset."""
    lines = []
    for folder in sorted(p for p in STORIES.iterdir() if p.is_dir())[:4]:
        documents = [{"text": a.text, "title": a.title} for a in load([folder]).articles]
        lines.append(json.dumps({"id": folder.name, "documents": documents}))
    lines.append(json.dumps({"id": "empty", "documents": [{"text": "   "}]}))
    path = tmp_path / "clusters.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _records(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_serial_run_writes_one_line_per_cluster(dataset: Path, tmp_path: Path) -> None:
    out = tmp_path / "serial.jsonl"
    summary = run_batch(dataset, out, OPTIONS)
    records = _records(out)
    assert [r["id"] for r in records][-1] == "empty" and len(records) == 5
    assert records[-1]["error"] == "no usable article in this cluster"
    assert all(len(r["briefing"]["sources"]) >= 3 for r in records[:-1])
    assert (summary.written, summary.failed, summary.skipped) == (5, 1, 0)
    assert "generated_at" not in out.read_text()  # nothing time-dependent in the output


def test_dask_and_serial_give_identical_briefings(dataset: Path, tmp_path: Path) -> None:
    pytest.importorskip("distributed", reason="needs dask[distributed] (storyweave[monitor])")
    serial, dask = tmp_path / "serial.jsonl", tmp_path / "dask.jsonl"
    run_batch(dataset, serial, OPTIONS)
    summary = run_batch(dataset, dask, OPTIONS, engine="dask", workers=2)
    assert summary.written == 5
    assert dask.read_bytes() == serial.read_bytes()


def test_a_killed_run_resumes_without_repeating_or_losing_clusters(
    dataset: Path, tmp_path: Path
) -> None:
    full, resumed = tmp_path / "full.jsonl", tmp_path / "resumed.jsonl"
    run_batch(dataset, full, OPTIONS)
    lines = full.read_text(encoding="utf-8").splitlines(keepends=True)
    # What a kill -9 leaves: two whole lines and half of the third.
    resumed.write_text(lines[0] + lines[1] + lines[2][: len(lines[2]) // 2], encoding="utf-8")
    assert done_ids(resumed) == {json.loads(lines[0])["id"], json.loads(lines[1])["id"]}
    assert resumed.read_text(encoding="utf-8") == lines[0] + lines[1]  # partial line dropped
    summary = run_batch(dataset, resumed, OPTIONS)
    assert (summary.skipped, summary.written) == (2, 3)
    assert resumed.read_bytes() == full.read_bytes()


def test_parquet_output(dataset: Path, tmp_path: Path) -> None:
    pq = pytest.importorskip("pyarrow.parquet", reason="needs pyarrow (storyweave[monitor])")
    out, parquet = tmp_path / "b.jsonl", tmp_path / "b.parquet"
    run_batch(dataset, out, OPTIONS, parquet=parquet)
    table = pq.read_table(parquet).to_pydict()
    assert table["id"] == [r["id"] for r in _records(out)]
    first = json.loads(table["briefing"][0])
    assert first == _records(out)[0]["briefing"]
    assert table["error"][-1] == "no usable article in this cluster"


def test_cli_batch_exit_codes(dataset: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from storyweave.cli import main

    out = tmp_path / "cli.jsonl"
    args = ["batch", str(dataset), "--out", str(out), "--model", "lexical", "-q"]
    assert main(args) == 3  # one cluster could not be briefed
    assert "briefed 4 clusters, failed 1" in capsys.readouterr().out
    # The failed cluster is tried again (and fails again); the others are already done.
    assert main(args) == 3
    assert "failed 1, skipped 4 already done (retried 1 that had failed before)" in (
        capsys.readouterr().out
    )
