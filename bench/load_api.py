"""Load benchmark of the web API: throughput and p50/p99 latency at a given concurrency.

Starts ``ictrade serve`` (uvicorn) in a subprocess on a free loopback port, warms the caches,
then sends each endpoint a bounded number of requests (and stops at a time limit) from
``--concurrency`` keep-alive connections. ``/api/ping`` (a constant small answer) is the same
server's floor: the ratios say how much of the cost is the endpoint's own.

    PYTHONPATH=src python bench/load_api.py [--requests 4000] [--concurrency 32]

Targets on a 2-core machine: /api/facts p99 <= 50 ms and >= 500 requests/s on a warm cache.
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


def start_server(port: int) -> subprocess.Popen[bytes]:
    src = str(Path(__file__).resolve().parents[1] / "src")
    env = {**os.environ, "PYTHONPATH": src, "ICTRADE_API_KEY": ""}
    command = "from ictrade.cli import main; main()"
    args = ["serve", "--dataset", "default", "--host", "127.0.0.1", "--port", str(port)]
    proc = subprocess.Popen([sys.executable, "-c", command, *args], env=env)
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

    start = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    elapsed = time.perf_counter() - start
    ordered = sorted(latencies)
    return {
        "path": path,
        "requests": len(ordered),
        "seconds": elapsed,
        "rps": len(ordered) / elapsed,
        "p50_ms": statistics.median(ordered) * 1000,
        "p99_ms": ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000,
        "bytes": size,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=4000, help="per endpoint")
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--time-limit", type=float, default=20.0, help="seconds per endpoint")
    args = parser.parse_args()
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
