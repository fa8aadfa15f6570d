"""Load test: 50 concurrent clients against a real ``storyweave serve`` on loopback.

    python benchmarks/load_server.py [--clients 50] [--seconds 40] [--max-requests 20000]
                                     [--model minilm|lexical]
    python benchmarks/load_server.py --scenario flood|memory|abandon|slow-urls

The default scenario (``mix``) is described below. The others each replay one way a busy
or hostile client load went wrong before (issue 17) and report what the server does now:

* ``flood``: eight 20 MB bodies of 1.6 million tiny articles at once, while a client
  checks health every 50 ms (health latency, the floods' answers);
* ``memory``: eight 12 MB requests of one story plus 850,000 "Advertisement" lines, one
  after another (server RSS after each: the briefing cache is bounded in bytes);
* ``abandon``: four large briefing requests whose clients hang up at once, then one
  small request (its latency), then 20 at once (how many get 503 + Retry-After);
* ``slow-urls``: two requests whose URL takes 40 s to answer, then a paste-only one
  (its latency: URLs are fetched outside the compute slots).

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

Reported: requests/s, p50/p99 latency per kind, status codes (no 5xx expected but 503,
the server's answer when its queue of briefings is full; a client then waits the
``Retry-After`` it was given), and the server's resident memory (from /proc) at the
start, eight times during the run and at the end. Plain sockets and asyncio only (no
extra dependency), loopback only.
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
                  body: bytes = b"", answer: dict[str, str] | None = None) -> int:
    """Send ``raw`` (then ``body``, slowly when ``trickle`` > 0); return the status code.
    ``answer`` (if given) receives the response headers, lower-cased."""
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
        rest = await reader.read()  # the whole answer (Connection: close)
        if answer is not None:
            for line in rest.split(b"\r\n\r\n", 1)[0].decode("latin-1").splitlines():
                name, _, value = line.partition(":")
                answer[name.strip().lower()] = value.strip()
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


async def one(kind: str, port: int, client: int, n: int,
              answer: dict[str, str] | None = None) -> int:
    if kind == "health":
        return await request(port, head("GET", "/api/health"))
    if kind == "brief":
        # Vary the budget so that the server briefs anew rather than only answering
        # from its store (identical input gives an identical, stored briefing).
        words = 40 + (client * 7 + n) % 120
        body = json.dumps({"articles": STORY, "options": {"words": words}}).encode()
        return await request(port, head("POST", "/api/briefings", len(body)), body=body,
                             answer=answer)
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
        answer: dict[str, str] = {}
        try:
            status = await asyncio.wait_for(one(kind, port, client, n, answer), timeout=60)
        except (OSError, asyncio.TimeoutError, ValueError, IndexError) as error:
            results.errors[f"{kind}: {type(error).__name__}"] += 1
            continue
        results.add(kind, time.perf_counter() - started, status)
        if status == 503:
            # A well-behaved client waits as long as the server asks before trying again.
            retry = answer.get("retry-after", "1")
            await asyncio.sleep(min(float(retry) if retry.isdigit() else 1.0,
                                    max(0.0, deadline - time.monotonic())))


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


def start_server(port: int, model: str, private_urls: bool = False) -> subprocess.Popen[bytes]:
    options = f"model={model!r}" + (", allow_private_urls=True, url_timeout=60" if private_urls else "")
    code = (
        "import uvicorn\n"
        "from storyweave.options import BriefOptions\n"
        "from storyweave.web.app import create_app\n"
        f"app = create_app(BriefOptions({options}))\n"
        f"uvicorn.run(app, host={HOST!r}, port={port}, log_level='warning')\n"
    )
    return subprocess.Popen([sys.executable, "-c", code])


# --- the scenarios of issue 17 -------------------------------------------------------------


def _post(body: bytes) -> bytes:
    return head("POST", "/api/briefings", len(body))


async def scenario_flood(port: int) -> dict[str, object]:
    """Eight 20 MB floods of tiny articles while health is polled every 50 ms."""
    body = b'{"articles": [' + b'{"text":"x"},' * 1_600_000 + b'{"text":"x"}]}'
    health: list[float] = []
    done = asyncio.Event()

    async def poll() -> None:
        while not done.is_set():
            started = time.perf_counter()
            await request(port, head("GET", "/api/health"))
            health.append(time.perf_counter() - started)
            await asyncio.sleep(0.05)

    async def flood() -> tuple[int, float]:
        started = time.perf_counter()
        status = await request(port, _post(body), body=body)
        return status, time.perf_counter() - started

    poller = asyncio.create_task(poll())
    floods = await asyncio.gather(*(flood() for _ in range(8)))
    done.set()
    await poller
    return {
        "flood answers": sorted({status for status, _ in floods}),
        "flood seconds (max)": round(max(t for _, t in floods), 2),
        "health p50/p99/max ms": [round(1000 * statistics.median(health)),
                                  round(1000 * percentile(health, 0.99)),
                                  round(1000 * max(health))],
        "health checks": len(health),
    }


def _story(words: int, extra: str = "") -> bytes:
    articles = [dict(a) for a in STORY]
    if extra:
        articles.append({"outlet": "Ad server", "text": STORY[0]["text"] + "\n" + extra})
    return json.dumps({"articles": articles, "options": {"words": words}}).encode()


async def scenario_memory(port: int, pid: int) -> dict[str, object]:
    """Eight 12 MB requests of boilerplate lines, one after another; RSS after each."""
    adverts = "Advertisement\n" * 850_000
    memory = [round(rss_mb(pid))]
    statuses = []
    for i in range(8):
        body = _story(60 + i, adverts)
        statuses.append(await request(port, _post(body), body=body))
        memory.append(round(rss_mb(pid)))
    return {"statuses": statuses, "body MB": round(len(_story(60, adverts)) / 2**20, 1),
            "server RSS MB (start, after each)": memory}


async def _abandon(port: int, body: bytes) -> None:
    """Send a whole request, then hang up without reading the answer."""
    _, writer = await asyncio.open_connection(HOST, port)
    writer.write(_post(body) + body)
    await writer.drain()
    writer.close()


async def scenario_abandon(port: int) -> dict[str, object]:
    """Four big requests abandoned at once, then a small one; then 20 at once."""
    big = json.dumps({"articles": [dict(a, text=a["text"] + f" Report {i}.") for i in range(60)
                                   for a in STORY][:150]}).encode()
    for _ in range(4):
        await _abandon(port, big)
    await asyncio.sleep(0.5)
    small = _story(50)
    started = time.perf_counter()
    status = await request(port, _post(small), body=small)
    seconds = time.perf_counter() - started
    bodies = [_story(40 + i) for i in range(20)]
    statuses = await asyncio.gather(*(request(port, _post(b), body=b) for b in bodies))
    return {"small request after 4 abandoned": f"{status} in {seconds:.1f} s",
            "20 at once": {code: statuses.count(code) for code in sorted(set(statuses))}}


async def scenario_slow_urls(port: int, slow_url: str) -> dict[str, object]:
    """Two requests with a URL that answers after 40 s, then one of pasted text only."""
    with_url = json.dumps({"articles": STORY[:2], "urls": [slow_url]}).encode()
    waiting = [asyncio.create_task(request(port, _post(with_url), body=with_url)) for _ in range(2)]
    await asyncio.sleep(1.0)
    pasted = _story(70)
    started = time.perf_counter()
    status = await request(port, _post(pasted), body=pasted)
    seconds = time.perf_counter() - started
    for task in waiting:
        task.cancel()
    return {"paste-only request behind two slow URLs": f"{status} in {seconds:.1f} s"}


def _slow_site() -> tuple[str, object]:
    """A loopback site that answers after 40 s (in a thread of this process)."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    class Slow(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            time.sleep(40)
            body = b"<html><body><p>Late.</p></body></html>"
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    site = ThreadingHTTPServer((HOST, 0), Slow)
    threading.Thread(target=site.serve_forever, daemon=True).start()
    return f"http://{HOST}:{site.server_address[1]}/story", site


def run_scenario(name: str, model: str) -> None:
    port = free_port()
    slow_url, site = _slow_site() if name == "slow-urls" else ("", None)
    server = start_server(port, model, private_urls=name == "slow-urls")
    try:
        wait_ready(port)
        started = rss_mb(server.pid)
        if name == "flood":
            result = asyncio.run(scenario_flood(port))
        elif name == "memory":
            result = asyncio.run(scenario_memory(port, server.pid))
        elif name == "abandon":
            result = asyncio.run(scenario_abandon(port))
        else:
            result = asyncio.run(scenario_slow_urls(port, slow_url))
        result["server RSS MB (start, end)"] = [round(started), round(rss_mb(server.pid))]
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:  # still waiting on a slow site's answer
            server.kill()
            server.wait(timeout=30)
        if site is not None:
            site.shutdown()  # type: ignore[attr-defined]
    print(f"python benchmarks/load_server.py --scenario {name} --model {model}")
    for key, value in result.items():
        print(f"  {key}: {value}")


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
    parser.add_argument("--scenario", default="mix",
                        choices=("mix", "flood", "memory", "abandon", "slow-urls"))
    args = parser.parse_args()
    if args.scenario != "mix":
        run_scenario(args.scenario, args.model)
        return
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
                        for code, count in codes.items() if code >= 500 and code != 503)
    busy = sum(codes.get(503, 0) for codes in results.statuses.values())
    print(f"\n5xx answers other than 503: {server_errors}; 503 (queue full, Retry-After): "
          f"{busy}; client-side errors: {dict(results.errors) or 0}")
    print(f"server RSS (MB) at the start, every {args.seconds / 8:g} s, and at the end: "
          + " / ".join(f"{value:.0f}" for value in memory))


if __name__ == "__main__":
    main()
