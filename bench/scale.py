"""The lake at scale: ingest and the whole-history cube on DuckDB and on Spark local[2].

For each size (lines of the synthetic generator, bench/synthetic.py: 10 reporters, 2014-01 to
2023-12, HS6 codes of each edition, ~10% revised a year later) it measures, each step in its own
process as a user runs it:

* ``ictrade lake ingest`` of the reporters' Parquet files into a new lake;
* ``ictrade lake cube --reporter all`` (every reporter, every month, the latest vintages) with
  ``--engine duckdb`` and ``--engine spark`` (ICTRADE_SPARK_MASTER=local[2]), then the same as
  of an earlier vintage;

wall time, CPU time and peak memory (resident set of the process and all its children, the
JVM included, sampled every 0.1 s from /proc), and how each grows from one size to the next
(the ratio of times against the ratio of lines: below 1.0 is better than linear).

    nice python bench/scale.py --sizes 1000000 10000000 100000000 --work /tmp/ictrade-scale

An input folder (``WORK/input-SIZE``) is reused when it exists; the lake (``WORK/lake-SIZE``)
is written anew. Disk at 100M lines: about 0.9 GB of input and 1 GB of lake, plus the staging of
one input file at a time (its lines, LZ4-compressed, removed after it).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.synthetic import write  # noqa: E402

TICK = os.sysconf("SC_CLK_TCK")
PAGE = os.sysconf("SC_PAGE_SIZE")


def _tree(root: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as fh:
                    ppid = int(fh.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry))
    out, todo = [], [root]
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo += children.get(pid, [])
    return out


def _sample(pids: list[int], cpu: dict[int, float]) -> int:
    """Resident bytes of ``pids`` now; updates each one's CPU seconds."""
    rss = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
            with open(f"/proc/{pid}/statm") as fh:
                rss += int(fh.read().split()[1]) * PAGE
        except (OSError, IndexError, ValueError):
            continue
        cpu[pid] = (int(fields[11]) + int(fields[12])) / TICK
    return rss


def measure(args: list[str], env: dict[str, str] | None = None) -> dict[str, float]:
    """Run a command; its wall and CPU seconds and peak memory (GB, the process tree)."""
    began = time.perf_counter()
    proc = subprocess.Popen(
        args,
        env={**os.environ, **(env or {})},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    cpu: dict[int, float] = {}
    peak = 0
    while proc.poll() is None:
        peak = max(peak, _sample(_tree(proc.pid), cpu))
        time.sleep(0.1)
    wall = time.perf_counter() - began
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed:\n{proc.stderr.read() if proc.stderr else ''}")
    return {
        "wall_s": round(wall, 2),
        "cpu_s": round(sum(cpu.values()), 2),
        "peak_gb": round(peak / 1e9, 2),
    }


def run(
    sizes: list[int], work: Path, engines: list[str], latest_only: bool = False
) -> list[dict[str, object]]:
    ictrade = str(Path(sys.executable).parent / "ictrade")
    results: list[dict[str, object]] = []
    for size in sizes:
        data, lake = work / f"input-{size}", work / f"lake-{size}"
        shutil.rmtree(lake, ignore_errors=True)
        if not data.is_dir():
            began = time.perf_counter()
            lines = write(size, data, reporters=10, first="2014-01", n_months=120)
            print(f"generated {lines} lines in {time.perf_counter() - began:.0f} s", flush=True)
        files = sorted(str(p) for p in data.glob("*.parquet"))
        row: dict[str, object] = {"lines": size}
        row["ingest"] = measure([ictrade, "lake", "ingest", *files, "--lake", str(lake)])
        print(size, "ingest", row["ingest"], flush=True)
        for engine in engines:
            views = [("latest", [])] + (
                [] if latest_only else [("as_of", ["--as-of", "2020-06-30"])]
            )
            for label, extra in views:
                out = work / f"cube-{size}-{engine}-{label}.parquet"
                args = [
                    ictrade,
                    "lake",
                    "cube",
                    "--lake",
                    str(lake),
                    "--reporter",
                    "all",
                    "--engine",
                    engine,
                    "--out",
                    str(out),
                    *extra,
                ]
                got = measure(args, {"ICTRADE_SPARK_MASTER": "local[2]"})
                row[f"{engine}_{label}"] = got
                print(size, engine, label, got, flush=True)
        results.append(row)
    return results


def growth(results: list[dict[str, object]]) -> list[str]:
    """How each step's CPU and wall time grow against the lines (1.0: linear). CPU time is the
    measure of cost on a shared machine; wall time is mostly waiting there."""
    out = []
    for a, b in zip(results, results[1:], strict=False):
        factor = int(b["lines"]) / int(a["lines"])  # type: ignore[call-overload]
        for step in (k for k in b if k != "lines"):
            ca, cb = a[step]["cpu_s"], b[step]["cpu_s"]  # type: ignore[index]
            ta, tb = a[step]["wall_s"], b[step]["wall_s"]  # type: ignore[index]
            out.append(
                f"{a['lines']}->{b['lines']} {step}: x{cb / ca:.2f} CPU, x{tb / ta:.2f} wall for "
                f"x{factor:.0f} lines (ratio to linear: CPU {cb / ca / factor:.2f}, wall "
                f"{tb / ta / factor:.2f}); peak {b[step]['peak_gb']} GB"  # type: ignore[index]
            )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000_000, 10_000_000])
    parser.add_argument("--engines", nargs="+", default=["duckdb", "spark"])
    parser.add_argument("--work", type=Path, default=ROOT / "bench" / "out" / "scale")
    parser.add_argument("--latest-only", action="store_true", help="skip the as-of cubes")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    results = run(args.sizes, args.work, args.engines, args.latest_only)
    print(json.dumps(results, indent=1))
    print("\n".join(growth(results)))


if __name__ == "__main__":
    main()
