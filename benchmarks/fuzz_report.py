"""Run the property-based fuzz tests with many cases and report how many ran and failed.

    python benchmarks/fuzz_report.py [--examples 2000]

Runs ``tests/test_fuzz.py`` in pytest with ``STORYWEAVE_FUZZ_EXAMPLES`` set and
Hypothesis' statistics on, then sums, per property, the generated cases that passed,
failed or were rejected as invalid (a strategy's filter). A failing property prints
Hypothesis' minimal failing example above the table. Exit status is pytest's.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
#: "- 1000 passing, 0 failing, and 12 invalid test cases" (one line per phase).
_COUNTS = re.compile(r"(\d+) passing, (\d+) failing, and (\d+) invalid")
_TEST = re.compile(r"^(tests/\S+::\S+):$")


def parse_statistics(output: str) -> dict[str, list[int]]:
    """Per test: [passing, failing, invalid] summed over Hypothesis' phases."""
    totals: dict[str, list[int]] = {}
    current = None
    for line in output.splitlines():
        test = _TEST.match(line.strip())
        if test:
            current = test.group(1)
            totals.setdefault(current, [0, 0, 0])
            continue
        counts = _COUNTS.search(line)
        if counts and current is not None:
            for i, value in enumerate(counts.groups()):
                totals[current][i] += int(value)
    return totals


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--examples", type=int, default=2000, help="cases per property")
    args = parser.parse_args()
    env = os.environ | {"STORYWEAVE_FUZZ_EXAMPLES": str(args.examples)}
    command = [sys.executable, "-m", "pytest", "tests/test_fuzz.py", "-q", "-p",
               "no:cacheprovider", "--hypothesis-show-statistics", "--show-capture=no",
               "--hypothesis-seed=0", "-o", "timeout=0"]
    started = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True,
                          check=False)  # failures are reported, not raised
    seconds = time.perf_counter() - started
    totals = parse_statistics(done.stdout)
    failures = [line for line in done.stdout.splitlines() if line.startswith("FAILED")]
    for line in done.stdout.splitlines():
        if line.startswith(("E ", "FAILED")) or "Falsifying" in line:
            print(line)
    print(f"python benchmarks/fuzz_report.py --examples {args.examples}"
          f"  ({seconds:.0f} s, seed 0)\n")
    print("| property | cases run | failing | invalid (filtered) |")
    print("|---|---:|---:|---:|")
    for test, (passing, failing, invalid) in totals.items():
        name = test.split("::", 1)[1]
        print(f"| {name} | {passing + failing} | {failing} | {invalid} |")
    run = sum(p + f for p, f, _ in totals.values())
    print(f"| **total** | **{run}** | **{sum(f for _, f, _ in totals.values())}** | "
          f"{sum(i for _, _, i in totals.values())} |")
    summary = done.stdout.strip().splitlines()[-1] if done.stdout.strip() else ""
    print(f"\npytest: {summary}; {len(failures)} failing propert(y/ies)")
    return done.returncode


if __name__ == "__main__":
    sys.exit(main())
