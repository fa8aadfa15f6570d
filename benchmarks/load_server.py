"""Load test: 50 concurrent clients against a real ``storyweave serve`` on loopback.

    python benchmarks/load_server.py [--clients 50] [--seconds 40] [--max-requests 20000]
                                     [--model minilm|lexical]

Starts the server (uvicorn, the app of ``storyweave serve``) in a child process on
127.0.0.1 and a free port, waits until it answers, then runs ``--clients`` client tasks
for ``--seconds`` (or until ``--max-requests``), and stops everything by itself. Nine
clients in ten loop over a mix:

* ``GET /api/health`` (most requests),
* ``POST /api/briefings`` with a small fictional story (three invented outlets),
* an oversized body: 25 MB declared, which must get 413 at once, without the server
  reading it,
and every tenth client is a slow one: it sends a request's headers, then trickles a
small body a few bytes at a time for several seconds, again and again. The figures of
the other kinds are measured while those slow requests are in flight.

Reported: requests/s, p50/p99 latency per kind, status codes (zero 5xx expected), and
the server's resident memory (from /proc) at the start, eight times during the run and
at the end. Plain
sockets and asyncio only (no extra dependency), loopback only.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

HOST = "127.0.0.1"
#: Weights of the request kinds in a regular client's loop (out of 100).
MIX = (("health", 75), ("brief", 15), ("oversized", 10))
#: One client in this many only sends slow requests, all through the run.
SLOW_EVERY = 10
OVERSIZED_BYTES = 25 * 2**20  # over the 20 MB default request limit
SLOW_SECONDS = 6.0  # how long a slow client takes to send its body

STORY = [
    {"outlet": "Tarn Valley Courier", "text": (
        "Flood barriers hold as the river Tarn peaks in Oxley.\n\n"
        "The river Tarn peaked at 5.2 metres in Oxley on Tuesday night, and the town's new "
        "flood barriers held, the county council said. About 300 homes were evacuated as a "
        "precaution on Monday. \"The barriers did exactly what they were built to do,\" said "
        "council leader Ines Varga. Residents are expected to return home on Thursday.")},
    {"outlet": "Oxley Evening Star", "text": (
        "Oxley spared as Tarn crests at record level.\n\n"
        "The Tarn crested at 5.4 metres late on Tuesday, a record for the town, but the "
        "flood barriers finished last spring kept the water out of the centre. At least 350 "
        "homes were emptied on Monday. Council leader Ines Varga said the barriers did "
        "exactly what they were built to do. Families should be back in their homes by "
        "Thursday, officials said.")},
    {"outlet": "Northern Wire", "text": (
        "Oxley flood defences pass first big test.\n\n"
        "Oxley's flood barriers held on Tuesday night as the river Tarn peaked at 5.2 "
        "metres. Some 300 homes were evacuated on Monday. The barriers cost 41 million "
        "pounds and were completed last year. Forecasters expect the river to fall steadily "
        "through Wednesday.")},
]


@dataclass
class Results:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    statuses: dict[str, dict[int, int]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(int))
    )
    errors: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    def add(self, kind: str, seconds: float, status: int) -> None:
        self.latencies[kind].append(seconds)
        self.statuses[kind][status] += 1

    @property
    def total(self) -> int:
        return sum(len(v) for v in self.latencies.values()) + sum(self.errors.values())


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


def rss_mb(pid: int) -> float:
    """Resident memory of ``pid`` from /proc (Linux), in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


async def request(port: int, raw: bytes, *, trickle: float = 0.0,
                  body: bytes = b"") -> int:
    """Send ``raw`` (then ``body``, slowly when ``trickle`` > 0); return the status code."""
    reader, writer = await asyncio.open_connection(HOST, port)
    try:
        writer.write(raw)
        if trickle and body:
            step = max(1, len(body) // 20)
            for i in range(0, len(body), step):
                writer.write(body[i : i + step])
                await writer.drain()
                await asyncio.sleep(trickle / 20)
        elif body:
            writer.write(body)
        await writer.drain()
        status_line = await reader.readline()
        await reader.read()  # the whole answer (Connection: close)
        return int(status_line.split()[1])
    finally:
        writer.close()
        try:
            await writer.wait_closed()
        except ConnectionError:
            pass  # the server may close first after a 413


def head(method: str, path: str, length: int | None = None) -> bytes:
    lines = [f"{method} {path} HTTP/1.1", f"Host: {HOST}", "Connection: close"]
    if length is not None:
        lines += ["Content-Type: application/json", f"Content-Length: {length}"]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


async def one(kind: str, port: int, client: int, n: int) -> int:
    if kind == "health":
        return await request(port, head("GET", "/api/health"))
    if kind == "brief":
        # Vary the budget so that the server briefs anew rather than only answering
        # from its store (identical input gives an identical, stored briefing).
        words = 40 + (client * 7 + n) % 120
        body = json.dumps({"articles": STORY, "options": {"words": words}}).encode()
        return await request(port, head("POST", "/api/briefings", len(body)), body=body)
    if kind == "oversized":
        # Only the headers are sent: a server that waited for 25 MB would hang here.
        return await request(port, head("POST", "/api/briefings", OVERSIZED_BYTES))
    body = json.dumps({"articles": [{"text": "x"}]}).encode()
    return await request(port, head("POST", "/api/briefings", len(body)), body=body,
                         trickle=SLOW_SECONDS)


async def client_loop(client: int, port: int, deadline: float, budget: list[int],
                      results: Results) -> None:
    kinds = [kind for kind, weight in MIX for _ in range(weight)]
    if client % SLOW_EVERY == SLOW_EVERY - 1:
        kinds = ["slow"]
    n = 0
    while time.monotonic() < deadline and budget[0] > 0:
        budget[0] -= 1
        kind = kinds[(client * 37 + n * 13) % len(kinds)]  # a fixed, well-spread order
        n += 1
        started = time.perf_counter()
        try:
            status = await asyncio.wait_for(one(kind, port, client, n), timeout=60)
        except (OSError, asyncio.TimeoutError, ValueError, IndexError) as error:
            results.errors[f"{kind}: {type(error).__name__}"] += 1
            continue
        results.add(kind, time.perf_counter() - started, status)


async def run_load(port: int, pid: int, clients: int, seconds: float,
                   max_requests: int) -> tuple[Results, list[float], float]:
    results = Results()
    memory = [rss_mb(pid)]
    started = time.monotonic()
    deadline = started + seconds
    budget = [max_requests]

    async def sample() -> None:
        # Eight samples over the run: a leak climbs steadily, a warm-up levels off.
        while True:
            await asyncio.sleep(seconds / 8)
            memory.append(rss_mb(pid))

    sampler = asyncio.create_task(sample())
    await asyncio.gather(*(client_loop(c, port, deadline, budget, results)
                           for c in range(clients)))
    elapsed = time.monotonic() - started
    sampler.cancel()
    memory.append(rss_mb(pid))
    return results, memory, elapsed


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def start_server(port: int, model: str) -> subprocess.Popen[bytes]:
    code = (
        "import uvicorn\n"
        "from storyweave.options import BriefOptions\n"
        "from storyweave.web.app import create_app\n"
        f"app = create_app(BriefOptions(model={model!r}))\n"
        f"uvicorn.run(app, host={HOST!r}, port={port}, log_level='warning')\n"
    )
    return subprocess.Popen([sys.executable, "-c", code])


def wait_ready(port: int, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if asyncio.run(request(port, head("GET", "/api/health"))) == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise SystemExit("the server did not answer within two minutes")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=40.0)
    parser.add_argument("--max-requests", type=int, default=20_000)
    parser.add_argument("--model", default="minilm")
    args = parser.parse_args()
    port = free_port()
    server = start_server(port, args.model)
    try:
        wait_ready(port)
        results, memory, elapsed = asyncio.run(
            run_load(port, server.pid, args.clients, args.seconds, args.max_requests)
        )
    finally:
        server.terminate()
        server.wait(timeout=30)
    print(f"python benchmarks/load_server.py --clients {args.clients} --seconds {args.seconds:g}"
          f" --model {args.model}")
    print(f"machine: {os.cpu_count()} cores; server: one uvicorn worker on {HOST}\n")
    print(f"{results.total} requests in {elapsed:.1f} s = {results.total / elapsed:.1f} req/s\n")
    print("| request | count | p50 (ms) | p99 (ms) | status codes |")
    print("|---|---:|---:|---:|---|")
    for kind in [kind for kind, _ in MIX] + ["slow"]:
        times = results.latencies.get(kind, [])
        if not times:
            continue
        codes = ", ".join(f"{code}: {count}" for code, count in sorted(results.statuses[kind].items()))
        print(f"| {kind} | {len(times)} | {1000 * statistics.median(times):.0f} | "
              f"{1000 * percentile(times, 0.99):.0f} | {codes} |")
    server_errors = sum(count for codes in results.statuses.values()
                        for code, count in codes.items() if code >= 500)
    print(f"\n5xx answers: {server_errors}; client-side errors: {dict(results.errors) or 0}")
    print(f"server RSS (MB) at the start, every {args.seconds / 8:g} s, and at the end: "
          + " / ".join(f"{value:.0f}" for value in memory))


if __name__ == "__main__":
    main()
