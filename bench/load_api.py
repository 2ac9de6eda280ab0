"""Load benchmark of the web API: throughput and p50/p99 latency at a given concurrency.

Starts ``ictrade serve`` (uvicorn) in a subprocess on a free loopback port, warms the caches,
then sends each endpoint a bounded number of requests (and stops at a time limit) from
``--concurrency`` keep-alive connections. ``/api/ping`` (a constant small answer) is the same
server's floor: the ratios say how much of the cost is the endpoint's own.

    PYTHONPATH=src python bench/load_api.py [--requests 4000] [--concurrency 32]
    PYTHONPATH=src python bench/load_api.py --mixed [--requests 2000] [--concurrency 16]

Targets on a 2-core machine: /api/facts p99 <= 50 ms and >= 500 requests/s on a warm cache.

``--mixed`` serves a store file (the default dataset ingested into it) and sends a mix of good
requests, bad ones (4xx expected) and requests with an ``as_of`` date not asked before, at
concurrency 16: target no 5xx and p99 under 100 ms; then the same requests again (all cached:
the warm path). It then runs the mix while ``ictrade ingest`` loads a revision of the data (up
to ``--ingest-lines`` lines in force, as a new vintage) into the served store: target no 5xx
and no connection closed or reset.
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import json
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from collections.abc import Awaitable, Callable
from pathlib import Path

ENDPOINTS = [
    "/api/ping",
    "/api/facts/2020-11",
    "/api/series?flow=export&item=semiconductors&region=world&measure=yoy",
    "/api/facts/2020-11 identity",  # a client that does not accept gzip
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


SRC = str(Path(__file__).resolve().parents[1] / "src")
COMMAND = "from ictrade.cli import main; main()"


def ictrade(*args: str, **kwargs: object) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONPATH": SRC, "ICTRADE_API_KEY": ""}
    return subprocess.Popen([sys.executable, "-c", COMMAND, *args], env=env, **kwargs)  # type: ignore[call-overload]


def start_server(port: int, store: Path | None = None) -> subprocess.Popen[bytes]:
    where = ["--store", str(store)] if store else ["--dataset", "default"]
    proc = ictrade("serve", *where, "--host", "127.0.0.1", "--port", str(port))
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/ping", timeout=1):
                return proc
        except OSError:
            if proc.poll() is not None:
                raise SystemExit(f"the server exited with status {proc.returncode}") from None
            time.sleep(0.2)
    proc.terminate()
    raise SystemExit("the server did not start within 60 s")


async def fetch(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, path: str
) -> tuple[bytes, bool]:
    """One keep-alive GET accepting gzip, as browsers and HTTP libraries send it; returns the
    body as sent and whether it is gzipped (HTTP/1.1 with Content-Length). A path ending in
    ' identity' asks for the answer uncompressed."""
    path, _, identity = path.partition(" ")
    accept = "" if identity else "Accept-Encoding: gzip\r\n"
    writer.write(f"GET {path} HTTP/1.1\r\nHost: bench\r\n{accept}\r\n".encode())
    await writer.drain()
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    length, gzipped = 0, False
    for line in head.lower().split(b"\r\n"):
        if line.startswith(b"content-length:"):
            length = int(line.split(b":", 1)[1])
        gzipped = gzipped or line.replace(b" ", b"") == b"content-encoding:gzip"
    body = await reader.readexactly(length)
    if status != 200:
        raise RuntimeError(f"{path}: status {status}")
    return body, gzipped


async def check_answer(port: int, path: str) -> int:
    """The answer decoded: a JSON envelope with ok true; returns its decoded size."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port, limit=1 << 22)
    try:
        body, gzipped = await fetch(reader, writer, path)
    finally:
        writer.close()
    text = gzip.decompress(body) if gzipped else body
    if json.loads(text).get("ok") is not True:
        raise RuntimeError(f"{path}: not an ok envelope")
    return len(text)


async def load(port: int, path: str, total: int, concurrency: int, limit_s: float) -> dict:
    latencies: list[float] = []
    remaining = total
    deadline = time.perf_counter() + limit_s
    size = 0

    async def worker() -> None:
        nonlocal remaining, size
        reader, writer = await asyncio.open_connection("127.0.0.1", port, limit=1 << 22)
        try:
            while remaining > 0 and time.perf_counter() < deadline:
                remaining -= 1
                t0 = time.perf_counter()
                body, _ = await fetch(reader, writer, path)
                size = len(body)
                latencies.append(time.perf_counter() - t0)
        finally:
            writer.close()

    elapsed = await _gather(worker, concurrency)
    return {
        "path": path,
        "requests": len(latencies),
        "seconds": elapsed,
        "rps": len(latencies) / elapsed,
        **_percentiles(latencies),
        "bytes": size,
    }


async def _gather(worker: Callable[[], Awaitable[None]], concurrency: int) -> float:
    """Run ``concurrency`` workers to their end; the seconds it took."""
    start = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return time.perf_counter() - start


def _percentiles(latencies: list[float]) -> dict[str, float]:
    ordered = sorted(latencies)
    return {
        "p50_ms": statistics.median(ordered) * 1000,
        "p99_ms": ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000,
    }


# ---- --mixed: good, bad and new-as_of requests on a store file, and beside an ingest ------

GOOD = [
    "/api/facts/2020-11",
    "/api/series?flow=export&item=semiconductors&region=world&measure=yoy",
    "/api/cube?drilldowns=month,item&from=2019-01&to=2020-11",
    "/api/meta",
    "/api/facts/2019-06?as_published=true",
]
BAD = [
    "/api/cube?item=,",
    "/api/cube?month=,",
    "/api/facts/2099-01",
    "/api/series?as_of=0000-01",
    "/api/cube?month=2020-13",
    "/api/release/2020-11?format=nope",
    "/api/series?item=nothing",
]


def mixed_paths(count: int, seed: int) -> list[str]:
    """Good, bad and new-as_of requests in a fixed shuffled order: a third each."""
    import datetime as dt
    import random

    rng = random.Random(seed)
    paths = []
    for n in range(count):
        kind = n % 3
        if kind == 0:
            paths.append(rng.choice(GOOD))
        elif kind == 1:
            paths.append(rng.choice(BAD))
        else:  # a date never asked before (2013-2024), on facts, series or cube
            day = dt.date(2013, 3, 1) + dt.timedelta(days=rng.randrange(4000))
            target = rng.choice(["/api/facts/2012-12", "/api/series?item=total", "/api/cube"])
            if target.startswith("/api/facts"):
                target = f"/api/facts/{(day.replace(day=1) - dt.timedelta(days=1)):%Y-%m}"
            sep = "&" if "?" in target else "?"
            paths.append(f"{target}{sep}as_of={day}")
    rng.shuffle(paths)
    return paths


async def request(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, path: str) -> int:
    """One keep-alive GET; the status (the body is read and dropped)."""
    writer.write(f"GET {path} HTTP/1.1\r\nHost: bench\r\nAccept-Encoding: gzip\r\n\r\n".encode())
    await writer.drain()
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    length = 0
    for line in head.lower().split(b"\r\n"):
        if line.startswith(b"content-length:"):
            length = int(line.split(b":", 1)[1])
    await reader.readexactly(length)
    if b"connection: close" in head.lower():
        raise ConnectionError(f"{path}: the server closed the connection after {status}")
    return status


async def load_mixed(port: int, paths: list[str], concurrency: int, until: float | None) -> dict:
    """Send ``paths`` from ``concurrency`` connections (again and again until ``until``, a
    perf_counter time, when given); statuses and latencies by request kind."""
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    queue = list(reversed(paths))
    served = 0
    broken: list[str] = []  # requests whose connection the server closed or reset

    async def worker() -> None:
        nonlocal served
        reader, writer = await asyncio.open_connection("127.0.0.1", port, limit=1 << 22)
        try:
            while True:
                if not queue:
                    if until is None or time.perf_counter() >= until:
                        return
                    queue.extend(reversed(paths))
                path = queue.pop()
                t0 = time.perf_counter()
                try:
                    status = await request(reader, writer, path)
                except (OSError, asyncio.IncompleteReadError) as exc:
                    broken.append(f"{path}: {type(exc).__name__} {exc}")
                    writer.close()
                    reader, writer = await asyncio.open_connection("127.0.0.1", port)
                    continue
                latencies.append(time.perf_counter() - t0)
                statuses[status] = statuses.get(status, 0) + 1
                served += 1
        finally:
            writer.close()

    elapsed = await _gather(worker, concurrency)
    return {
        "requests": served,
        "seconds": elapsed,
        "statuses": dict(sorted(statuses.items())),
        "5xx": sum(v for k, v in statuses.items() if k >= 500),
        "broken": broken,
        **_percentiles(latencies),
    }


def revision_file(default: Path, out: Path, lines: int) -> int:
    """A revision of the served data: up to ``lines`` of the dataset's lines in force, 1%
    higher, as a new vintage (what a monthly re-publication brings); the lines written."""
    import duckdb

    con = duckdb.connect()
    con.execute(
        f"""COPY (SELECT * REPLACE (round(value_usd * 1.01) AS value_usd,
                DATE '2026-03-15' AS vintage, 'confirmed' AS status)
            FROM read_parquet('{default}')
            QUALIFY row_number() OVER (PARTITION BY month, flow, hs_code, partner
                ORDER BY vintage DESC) = 1
            ORDER BY month, flow, hs_code, partner LIMIT {int(lines)})
        TO '{out}' (FORMAT parquet)"""
    )
    return int(con.execute(f"SELECT count(*) FROM '{out}'").fetchall()[0][0])


def run_mixed(requests: int, concurrency: int, ingest_lines: int) -> None:
    import tempfile

    with tempfile.TemporaryDirectory(prefix="ictrade-load-") as folder:
        _run_mixed(Path(folder), requests, concurrency, ingest_lines)


def _run_mixed(folder: Path, requests: int, concurrency: int, ingest_lines: int) -> None:
    store = folder / "store.duckdb"
    default = Path(SRC) / "ictrade" / "datasets" / "default" / "lines.parquet"
    if ictrade("ingest", str(default), "--store", str(store), "-q").wait() != 0:
        raise SystemExit("loading the default dataset into a store failed")
    big = folder / "revision.parquet"
    ingest_lines = revision_file(default, big, ingest_lines)
    port = free_port()
    proc = start_server(port, store)
    try:
        asyncio.run(load_mixed(port, GOOD, 2, None))  # warm the latest cube and facts
        quiet = asyncio.run(load_mixed(port, mixed_paths(requests, 1), concurrency, None))
        # the same requests again: every cube and answer cached (the warm path's floor)
        warm = asyncio.run(load_mixed(port, mixed_paths(requests, 1), concurrency, None))
        writer = ictrade("ingest", str(big), "--store", str(store), "-q")
        started = time.perf_counter()
        during: list[dict] = []
        while writer.poll() is None:
            paths = mixed_paths(max(requests // 4, 100), 2 + len(during))
            during.append(asyncio.run(load_mixed(port, paths, concurrency, None)))
        ingest_s = time.perf_counter() - started
        after = asyncio.run(load_mixed(port, mixed_paths(requests // 4, 99), concurrency, None))
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    print(f"mixed requests (good, bad, new as_of), concurrency {concurrency}, store file")
    print(f"  quiet:  {_line(quiet)}")
    print(f"  warm (the same again):  {_line(warm)}")
    statuses: dict[int, int] = {}
    for part in during:
        for k, v in part["statuses"].items():
            statuses[k] = statuses.get(k, 0) + v
    p99 = max((p["p99_ms"] for p in during), default=0.0)
    fives = sum(p["5xx"] for p in during)
    total = sum(p["requests"] for p in during)
    broken = [b for r in (quiet, warm, *during, after) for b in r["broken"]]
    print(
        f"  during an ingest of {ingest_lines:,} lines ({ingest_s:.0f} s, exit "
        f"{writer.returncode}): {total} requests, statuses {statuses}, 5xx {fives}, "
        f"worst p99 of a round {p99:.1f} ms"
    )
    print(f"  after:  {_line(after)}")
    print(f"  connections closed or reset by the server: {len(broken)}", *broken[:5], sep="\n    ")
    ok = quiet["5xx"] == 0 and quiet["p99_ms"] < 100 and fives == 0 and after["5xx"] == 0
    ok = ok and not broken and writer.returncode == 0
    print(
        "target no 5xx or broken connection, p99 < 100 ms quiet, no 5xx during the ingest: "
        + ("met" if ok else "NOT met")
    )


def _line(r: dict) -> str:
    return (
        f"{r['requests']} requests in {r['seconds']:.1f} s, statuses {r['statuses']}, 5xx "
        f"{r['5xx']}, p50 {r['p50_ms']:.1f} ms, p99 {r['p99_ms']:.1f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--requests", type=int, default=None, help="per endpoint (4000; mixed 2000)"
    )
    parser.add_argument("--concurrency", type=int, default=None, help="32 (mixed: 16)")
    parser.add_argument("--time-limit", type=float, default=20.0, help="seconds per endpoint")
    parser.add_argument("--mixed", action="store_true", help="the mixed run on a store file")
    parser.add_argument(
        "--ingest-lines", type=int, default=1_000_000, help="mixed: lines of the revision ingested"
    )
    args = parser.parse_args()
    if args.mixed:
        run_mixed(args.requests or 2000, args.concurrency or 16, args.ingest_lines)
        return
    args.requests = args.requests or 4000
    args.concurrency = args.concurrency or 32
    port = free_port()
    proc = start_server(port)
    try:
        decoded = {path: asyncio.run(check_answer(port, path)) for path in ENDPOINTS}
        for path in ENDPOINTS:  # warm the caches
            asyncio.run(load(port, path, 50, 2, 30.0))
        results = [
            asyncio.run(load(port, path, args.requests, args.concurrency, args.time_limit))
            for path in ENDPOINTS
        ]
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    floor = results[0]
    print(f"concurrency {args.concurrency}, up to {args.requests} requests per endpoint")
    print(
        f"{'endpoint':<70} {'req':>5} {'req/s':>6} {'p50 ms':>6} {'p99 ms':>6} "
        f"{'sent B':>7} {'JSON B':>7} {'cost':>6}"
    )
    for r in results:
        ratio = floor["rps"] / r["rps"]
        print(
            f"{r['path']:<70} {r['requests']:>5} {r['rps']:>6.0f} {r['p50_ms']:>6.1f} "
            f"{r['p99_ms']:>6.1f} {r['bytes']:>7} {decoded[r['path']]:>7} {ratio:>5.2f}x"
        )
    print("cost: the ping floor's requests/s over the endpoint's (1.00x = as cheap as ping)")
    facts = results[1]
    verdict = "met" if facts["p99_ms"] <= 50 and facts["rps"] >= 500 else "NOT met"
    print(f"target /api/facts p99 <= 50 ms and >= 500 req/s: {verdict}")


if __name__ == "__main__":
    main()
