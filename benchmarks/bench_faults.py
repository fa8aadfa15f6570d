"""Kill -9 storyweave ingest and batch many times and count the damage.

The figures for the README's Reliability section. Each trial starts a fresh store (or
output file), kills the child ``--per-trial`` times at seeded random points (after N
articles committed / N lines written, plus up to 20 ms of jitter), resumes it to the
end and compares the result with an uninterrupted run of the same fictional dataset
(``tests/fault_harness.py``).

Usage::

    python benchmarks/bench_faults.py                       # 50 ingest kills, 50 batch kills
    python benchmarks/bench_faults.py --ingest-kills 200 --batch-kills 200 --dask-kills 5
    python benchmarks/bench_faults.py --json > faults.json
    python benchmarks/bench_faults.py --ingest-kills 0 --batch-kills 0 --concurrent 10 \
        --postgres auto --postgres-kills 20

``--concurrent N`` runs N trials of two ingests started together on a new store (the two
halves of the dataset; and the same file twice) and counts the trials whose store differs
from one run of everything; ``--postgres URL`` (or ``auto`` for a throwaway server from
``scripts/start-postgres.sh``) runs them on PostgreSQL too, with ``--postgres-kills``
kill -9 of ingest into PostgreSQL.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import random
import signal
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # the harness lives with the tests that use it

from tests.fault_harness import (
    Db,
    FaultReport,
    batch_with_kills,
    committed_articles,
    complete_lines,
    create_database,
    ingest_at_once,
    ingest_with_kills,
    make_dataset,
    origins,
    partition,
    postgres_server,
    run_clean,
    run_statuses,
    split_dataset,
)


def _merge(total: FaultReport, part: FaultReport) -> None:
    total.rounds += part.rounds
    total.kills += part.kills
    total.integrity_failures += part.integrity_failures
    total.lost += part.lost
    total.duplicates += part.duplicates
    total.corrupt += part.corrupt
    total.left_running += part.left_running
    total.orphans += part.orphans
    total.helper_seconds += part.helper_seconds
    total.recover_seconds += part.recover_seconds
    total.kill_points += part.kill_points


def _trials(kills: int, per_trial: int) -> list[int]:
    """Kills per trial so that they add up to ``kills``."""
    return [min(per_trial, kills - start) for start in range(0, kills, per_trial)]


def _final_state(db: Db) -> tuple[object, ...]:
    """What a finished store must equal: articles, inputs (without the file part of each
    origin, which differs between the halves and the whole) and stories."""
    documents = sorted((o.split("#", 1)[1], h) for o, h in origins(db))
    return sorted(committed_articles(db).values()), documents, partition(db)


def _clean_store(work: Path, dataset: Path) -> Path:
    clean = work / "clean.db"
    if not clean.exists():
        run_clean(["ingest", str(dataset), "--db", str(clean), "--model", "lexical", "-q"], work)
    return clean


def bench_concurrent(work: Path, dataset: Path, trials: int, postgres: str | None) -> dict[str, object]:
    """Trials of two ingests at once on a new store: how many end unlike one serial run."""
    from storyweave.monitor.store import Store

    expected = _final_state(_clean_store(work, dataset))
    halves = split_dataset(dataset, work)
    row: dict[str, object] = {"case": "two ingests at once" + (" (PostgreSQL)" if postgres else ""),
                              "trials": trials}
    started = time.perf_counter()
    for label, inputs in (("halves", list(halves)), ("same file", [dataset, dataset])):
        differ = failed_runs = integrity = not_done = 0
        for number in range(trials):
            trial = work / f"concurrent-{label.replace(' ', '-')}-{number}{'-pg' if postgres else ''}"
            trial.mkdir()
            db: Db = (create_database(postgres, f"bench_{label[:4]}_{number}") if postgres
                      else trial / "store.db")
            codes = ingest_at_once(inputs, db, trial)
            failed_runs += sum(code != 0 for code in codes)
            for i, code in enumerate(codes):
                if code != 0:  # say why: the trial's folder is gone once the run ends
                    tail = (trial / f"concurrent-{i}.log").read_text("utf-8", "replace")
                    print(f"{row['case']}, {label}, trial {number}, run {i}: exit {code}: "
                          + " | ".join(tail.strip().splitlines()[-3:]), file=sys.stderr)
            with Store(db if isinstance(db, str) else str(db)) as store:
                integrity += bool(store.integrity_problems())
            differ += _final_state(db) != expected
            not_done += set(run_statuses(db).values()) != {"done"}
        row[f"{label}: runs failed"] = failed_runs
        row[f"{label}: integrity failures"] = integrity
        row[f"{label}: stores unlike one run"] = differ
        row[f"{label}: runs not done"] = not_done
    row["seconds"] = round(time.perf_counter() - started, 1)
    return row


def bench_ingest(work: Path, dataset: Path, distinct: int, kills: int, per_trial: int,
                 seed: int, signals: tuple[int, ...],
                 postgres: str | None = None) -> tuple[FaultReport, int, float]:
    """(report, trials whose final store differs from the clean one, seconds)."""
    clean = _clean_store(work, dataset)
    expected = (sorted(committed_articles(clean).values()), origins(clean), partition(clean))
    total, mismatches, started = FaultReport(), 0, time.perf_counter()
    for number, planned in enumerate(_trials(kills, per_trial)):
        trial = work / f"ingest-{number}{'-pg' if postgres else ''}"
        trial.mkdir()
        db: Db = (create_database(postgres, f"bench_kill_{number}") if postgres
                  else trial / "store.db")
        report = ingest_with_kills(dataset, db, trial, planned, random.Random(seed + number),
                                   distinct, signals)
        _merge(total, report)
        final = (sorted(committed_articles(db).values()), origins(db), partition(db))
        mismatches += final != expected
    return total, mismatches, time.perf_counter() - started


def bench_batch(work: Path, dataset: Path, kills: int, per_trial: int, seed: int,
                engine: str, signals: tuple[int, ...]) -> tuple[FaultReport, int, float]:
    """(report, trials whose final file differs from the clean one, seconds)."""
    clean = work / "clean.jsonl"
    if not clean.exists():
        run_clean(["batch", str(dataset), "--out", str(clean), "--model", "lexical", "-w", "60",
                   "-q"], work)
    reference = complete_lines(clean)
    total, mismatches, started = FaultReport(), 0, time.perf_counter()
    for number, planned in enumerate(_trials(kills, per_trial)):
        trial = work / f"batch-{engine}-{number}"
        trial.mkdir()
        out = trial / "out.jsonl"
        report = batch_with_kills(dataset, out, trial, planned, random.Random(seed + number),
                                  reference, engine=engine, signals=signals)
        _merge(total, report)
        mismatches += out.read_bytes() != clean.read_bytes()
    return total, mismatches, time.perf_counter() - started


def _figures(name: str, report: FaultReport, mismatches: int, seconds: float) -> dict[str, object]:
    recover = report.recover_seconds
    return {
        "case": name,
        "runs": report.rounds,
        "kills": report.kills,
        "integrity_failures": len(report.integrity_failures),
        "lost": report.lost,
        "duplicated": report.duplicates,
        "corrupt_lines": report.corrupt,
        "runs_left_running": len(report.left_running),
        "orphan_process_groups": report.orphans,
        "helpers_lived_max_s": round(max(report.helper_seconds), 2) if report.helper_seconds else None,
        "final_state_differs": mismatches,
        "recover_median_s": round(statistics.median(recover), 3) if recover else None,
        "recover_max_s": round(max(recover), 3) if recover else None,
        "seconds": round(seconds, 1),
        "problems": (report.integrity_failures + report.left_running)[:5],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ingest-kills", type=int, default=50)
    parser.add_argument("--batch-kills", type=int, default=50)
    parser.add_argument("--dask-kills", type=int, default=0, help="Dask batch kills (slow start-up)")
    parser.add_argument("--per-trial", type=int, default=5, help="kills before a trial finishes")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--with-ctrl-c", action="store_true",
                        help="send SIGINT instead of SIGKILL for a random half of the kills")
    parser.add_argument("--concurrent", type=int, default=0,
                        help="trials of two ingests at once on a new store")
    parser.add_argument("--postgres", help="a PostgreSQL server URL, or 'auto' to start one")
    parser.add_argument("--postgres-kills", type=int, default=0,
                        help="kill -9 of ingest into PostgreSQL (needs --postgres)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    signals = (signal.SIGKILL, signal.SIGINT) if args.with_ctrl_c else (signal.SIGKILL,)
    rows = []
    concurrent_rows: list[dict[str, object]] = []
    with tempfile.TemporaryDirectory(prefix="storyweave-faults-") as scratch, \
            contextlib.ExitStack() as stack:
        work = Path(scratch)
        dataset = work / "clusters.jsonl"
        distinct = make_dataset(dataset)
        postgres = args.postgres
        if postgres == "auto":
            postgres = stack.enter_context(postgres_server())
        if args.concurrent:
            concurrent_rows.append(bench_concurrent(work, dataset, args.concurrent, None))
            if postgres:
                concurrent_rows.append(bench_concurrent(work, dataset, args.concurrent, postgres))
        if postgres and args.postgres_kills:
            rows.append(_figures("ingest (PostgreSQL)", *bench_ingest(
                work, dataset, distinct, args.postgres_kills, args.per_trial, args.seed, signals,
                postgres)))
        if args.ingest_kills:
            rows.append(_figures("ingest", *bench_ingest(work, dataset, distinct, args.ingest_kills,
                                                         args.per_trial, args.seed, signals)))
        if args.batch_kills:
            rows.append(_figures("batch (serial)", *bench_batch(work, dataset, args.batch_kills,
                                                                args.per_trial, args.seed, "local", signals)))
        if args.dask_kills:
            rows.append(_figures("batch (dask)", *bench_batch(work, dataset, args.dask_kills, 1,
                                                              args.seed, "dask", signals)))
    if args.json:
        print(json.dumps(rows + concurrent_rows, indent=2))
    else:
        for row in concurrent_rows:
            print("  ".join(f"{key}={value}" for key, value in row.items()))
        print(f"dataset: {distinct} articles (+2 duplicate inputs), 40 clusters; "
              f"recovery = restart to first new commit / line")
        header = ("case", "runs", "kills", "integrity_failures", "lost", "duplicated",
                  "corrupt_lines", "runs_left_running", "orphan_process_groups",
                  "final_state_differs", "recover_median_s", "recover_max_s", "helpers_lived_max_s",
                  "seconds")
        for row in rows:
            print("  ".join(f"{key}={row[key]}" for key in header))
            for problem in row["problems"]:  # type: ignore[attr-defined]
                print(f"    {problem}")
    damaged = any(row[k] for row in rows for k in ("integrity_failures", "lost", "duplicated",
                  "corrupt_lines", "runs_left_running", "orphan_process_groups",
                  "final_state_differs"))
    damaged |= any(value for row in concurrent_rows for key, value in row.items()
                   if ":" in key)
    return 1 if damaged else 0


if __name__ == "__main__":
    sys.exit(main())
