"""The benchmark of the store and facts engine against plain pandas and raw DuckDB.

    PYTHONPATH=src python bench/run.py --lines 1000000 10000000

For each size, on one generated Parquet file (bench/generate.py, kept under bench/out/):

* ingest: ``ingest_file`` into a fresh DuckDB file store (reading, validation, classification
  included): lines per second, store size on disk;
* facts: ``build_facts`` for 2023-12 on that store, in-process and warm: median of several runs;
* pandas: the same aggregation (month x flow x item x region, the store's code -> item map and
  the dated partner -> region membership) as an analyst would write it in pandas;
* duckdb: the same aggregation as one raw DuckDB SQL query over the Parquet file.

Every step runs in its own subprocess, whose RSS high-water mark (ru_maxrss) is its peak memory;
each reports wall and CPU time (all threads). A last step takes facts, pandas and raw DuckDB in
turns, round after round, so that they share the machine's load: the ratios come from it.
Figures are printed as a table and written to bench/out/results-<lines>.json and appended to
bench/out/history.jsonl (see bench/summary.py).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
MONTH = "2023-12"
TARGETS = {"facts_vs_pandas": 20.0, "facts_vs_duckdb": 2.0, "ingest_lines_s": 2e6, "peak_gb": 2.0}


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


class Clock:
    """Wall and CPU seconds (all threads of the process) since the last lap.

    CPU time is the figure to trust when other processes share the cores: wall time then
    includes waiting for a core."""

    def __init__(self) -> None:
        self.wall, self.cpu = time.perf_counter(), _cpu()

    def lap(self) -> tuple[float, float]:
        wall, cpu = time.perf_counter(), _cpu()
        out = (wall - self.wall, cpu - self.cpu)
        self.wall, self.cpu = wall, cpu
        return out


def step_generate(args: argparse.Namespace) -> dict[str, Any]:
    sys.path.insert(0, str(ROOT / "bench"))
    from generate import write

    clock = Clock()
    write(args.lines, Path(args.file), args.seed)
    seconds, cpu = clock.lap()
    return {"seconds": seconds, "cpu_seconds": cpu}


def step_ingest(args: argparse.Namespace) -> dict[str, Any]:
    from ictrade.load import ingest_file
    from ictrade.store.store import open_store

    store_path = Path(args.store)
    for p in (store_path, store_path.with_suffix(".duckdb.wal")):
        p.unlink(missing_ok=True)
    clock = Clock()
    with open_store(store_path) as store:
        report = ingest_file(store, args.file, source="synthetic")
        store.con.execute("CHECKPOINT")
    seconds, cpu = clock.lap()
    size = sum(p.stat().st_size for p in store_path.parent.glob(store_path.name + "*"))
    return {
        "seconds": seconds,
        "cpu_seconds": cpu,
        "lines_added": report.lines_added,
        "lines_s": report.lines_seen / seconds,
        "store_mb": size / 1e6,
    }


def _facts_runner(args: argparse.Namespace) -> Callable[[], Any]:
    from ictrade.months import Month
    from ictrade.stats.facts import build_facts
    from ictrade.store.store import open_store

    store = open_store(args.store, read_only=True)
    month = Month.parse(MONTH)
    return lambda: build_facts(store, month)


def _reference_tables(store_path: str) -> tuple[Any, Any]:
    """The store's code -> item map and the dated partner -> region membership, as Arrow."""
    import duckdb
    import pyarrow as pa

    from ictrade.classify import membership, regions
    from ictrade.classify.partners import partner_codes
    from ictrade.months import Month

    con = duckdb.connect(store_path, read_only=True)
    codes = con.sql(
        "SELECT hs_code, valid_from, valid_to, item FROM code_map WHERE item <> 'non_ict'"
    ).to_arrow_table()
    con.close()
    far = Month(2999, 12).first_day()
    rows: list[tuple[Any, ...]] = [
        (p, "world", Month(1900, 1).first_day(), far) for p in sorted(partner_codes())
    ]
    for span in membership().spans:
        end = Month.from_index(min(span.end, Month(2999, 12).index)).first_day()
        start = Month.from_index(max(span.start, Month(1900, 1).index)).first_day()
        rows.append((span.iso2, span.region, start, end))
    assert {r[1] for r in rows} <= set(regions().ids)
    members = pa.table(
        {
            k: [r[n] for r in rows]
            for n, k in enumerate(["partner", "region", "valid_from", "valid_to"])
        }
    )
    return codes, members


def _pandas_runner(args: argparse.Namespace) -> Callable[[], Any]:
    import pandas as pd

    codes_t, members_t = _reference_tables(args.store)
    codes, members = codes_t.to_pandas(), members_t.to_pandas()
    for frame in (codes, members):
        for col in ("valid_from", "valid_to"):
            frame[col] = pd.to_datetime(frame[col])

    def run() -> Any:
        lines = pd.read_parquet(
            args.file, columns=["month", "flow", "hs_code", "partner", "value_usd"]
        )
        lines["month"] = pd.to_datetime(lines["month"])
        df = lines.merge(codes, on="hs_code")
        df = df[(df["month"] >= df["valid_from"]) & (df["month"] <= df["valid_to"])]
        df = df.drop(columns=["valid_from", "valid_to"]).merge(members, on="partner")
        df = df[(df["month"] >= df["valid_from"]) & (df["month"] <= df["valid_to"])]
        return df.groupby(["month", "flow", "item", "region"], as_index=False)["value_usd"].sum()

    return run


DUCKDB_SQL = """
SELECT l.month, l.flow, c.item, r.region, sum(l.value_usd) AS value_usd
FROM read_parquet(?) l
JOIN codes c ON c.hs_code = l.hs_code AND l.month BETWEEN c.valid_from AND c.valid_to
JOIN members r ON r.partner = l.partner AND l.month BETWEEN r.valid_from AND r.valid_to
GROUP BY ALL
"""


def _duckdb_runner(args: argparse.Namespace) -> Callable[[], Any]:
    import duckdb

    codes, members = _reference_tables(args.store)
    con = duckdb.connect()
    con.register("codes", codes)
    con.register("members", members)
    return lambda: con.execute(DUCKDB_SQL, [args.file]).to_arrow_table()


RUNNERS = {"facts": _facts_runner, "pandas": _pandas_runner, "duckdb": _duckdb_runner}


def _timed(run: Callable[[], Any], repeat: int) -> dict[str, Any]:
    """A first (warming) run, then the median of ``repeat`` runs, wall and CPU."""
    clock = Clock()
    run()
    cold, _ = clock.lap()
    walls, cpus = [], []
    for _ in range(repeat):
        run()
        wall, cpu = clock.lap()
        walls.append(wall)
        cpus.append(cpu)
    return {
        "seconds": statistics.median(walls),
        "cpu_seconds": statistics.median(cpus),
        "runs": walls,
        "cold_seconds": cold,
    }


def step_facts(args: argparse.Namespace) -> dict[str, Any]:
    from ictrade.stats.cube import build_cube
    from ictrade.store.query import cube_rows
    from ictrade.store.store import open_store

    result = _timed(_facts_runner(args), args.repeat)
    with open_store(args.store, read_only=True) as store:
        # Where the time goes: the aggregation query, the cube, the rest (facts proper).
        clock = Clock()
        rows = cube_rows(store, None)
        result["query_seconds"], _ = clock.lap()
        build_cube(rows)
        result["cube_seconds"], _ = clock.lap()
    return {**result, "cube_rows": rows.num_rows}


def step_pandas(args: argparse.Namespace) -> dict[str, Any]:
    return _timed(_pandas_runner(args), args.repeat)


def step_duckdb(args: argparse.Namespace) -> dict[str, Any]:
    return _timed(_duckdb_runner(args), args.repeat)


def step_compare(args: argparse.Namespace) -> dict[str, Any]:
    """The three aggregations taken in turn, round after round, so that they share whatever
    load the machine has at the time; the ratios come from here."""
    runners = {name: make(args) for name, make in RUNNERS.items()}
    for run in runners.values():
        run()  # warm
    walls: dict[str, list[float]] = {name: [] for name in runners}
    cpus: dict[str, list[float]] = {name: [] for name in runners}
    for _ in range(args.repeat):
        for name, run in runners.items():
            clock = Clock()
            run()
            wall, cpu = clock.lap()
            walls[name].append(wall)
            cpus[name].append(cpu)
    out: dict[str, Any] = {"seconds": 0.0, "cpu_seconds": 0.0}
    for name in runners:
        out[name] = {
            "seconds": statistics.median(walls[name]),
            "cpu_seconds": statistics.median(cpus[name]),
            "runs": walls[name],
        }
    return out


STEPS = {
    "generate": step_generate,
    "ingest": step_ingest,
    "facts": step_facts,
    "pandas": step_pandas,
    "duckdb": step_duckdb,
    "compare": step_compare,
}


def run_step(name: str, **kw: Any) -> dict[str, Any]:
    cmd = [sys.executable, __file__, "--step", name]
    for key, value in kw.items():
        cmd += [f"--{key}", str(value)]
    env = {
        **os.environ,
        "PYTHONPATH": f"{ROOT / 'src'}{os.pathsep}{os.environ.get('PYTHONPATH', '')}",
    }
    done = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
    if done.returncode:
        sys.exit(f"step {name} failed:\n{done.stderr}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    if name == "compare":
        seconds = ", ".join(f"{k} {result[k]['seconds']:.3f} s" for k in RUNNERS)
        print(f"  taken in turns: {seconds}; load {result['load_1min']:.1f}", flush=True)
    else:
        print(
            f"  {name}: {result['seconds']:.3f} s (CPU {result['cpu_seconds']:.3f} s), "
            f"peak {result['peak_mb']:.0f} MB, load {result['load_1min']:.1f}",
            flush=True,
        )
    return result


def bench_size(n: int, repeat: int, seed: int, regenerate: bool) -> dict[str, Any]:
    OUT.mkdir(parents=True, exist_ok=True)
    file = OUT / f"lines-{n}.parquet"
    print(f"{n} lines", flush=True)
    results: dict[str, Any] = {"lines": n}
    if regenerate or not file.exists():
        results["generate"] = run_step("generate", lines=n, file=file, seed=seed)
    with tempfile.TemporaryDirectory(dir=OUT) as tmp:
        store = Path(tmp) / "store.duckdb"
        results["ingest"] = run_step("ingest", file=file, store=store)
        for name in ("facts", "pandas", "duckdb"):
            results[name] = run_step(name, file=file, store=store, repeat=repeat)
        results["compare"] = run_step("compare", file=file, store=store, repeat=repeat)
    results["file_mb"] = file.stat().st_size / 1e6
    both = results["compare"]
    facts, facts_cpu = both["facts"]["seconds"], both["facts"]["cpu_seconds"]
    results["ratios"] = {
        "facts_vs_pandas": both["pandas"]["seconds"] / facts,
        "facts_vs_pandas_cpu": both["pandas"]["cpu_seconds"] / facts_cpu,
        "facts_vs_duckdb": facts / both["duckdb"]["seconds"],
        "facts_vs_duckdb_cpu": facts_cpu / both["duckdb"]["cpu_seconds"],
        "ingest_lines_s": results["ingest"]["lines_s"],
        "peak_gb": max(results[s]["peak_mb"] for s in ("ingest", "facts")) / 1024,
    }
    return results


def met(name: str, value: float) -> bool:
    target = TARGETS[name.removesuffix("_cpu")]
    higher = name.startswith("facts_vs_pandas") or name == "ingest_lines_s"
    return value >= target if higher else value <= target


def print_table(all_results: list[dict[str, Any]]) -> None:
    sizes = [r["lines"] for r in all_results]
    head = f"{'':34}" + "".join(f"{n:>14,}" for n in sizes)
    print("\n" + head + "\n" + "-" * len(head))
    rows = [
        ("Parquet file (MB)", lambda r: f"{r['file_mb']:.0f}"),
        ("ingest (s)", lambda r: f"{r['ingest']['seconds']:.2f}"),
        ("ingest CPU (s, all threads)", lambda r: f"{r['ingest']['cpu_seconds']:.2f}"),
        ("ingest (lines/s)", lambda r: f"{r['ingest']['lines_s'] / 1e6:.2f}M"),
        ("store on disk (MB)", lambda r: f"{r['ingest']['store_mb']:.0f}"),
        ("ingest peak RSS (MB)", lambda r: f"{r['ingest']['peak_mb']:.0f}"),
        ("facts 2023-12, warm median (s)", lambda r: f"{r['facts']['seconds']:.3f}"),
        ("facts CPU (s, all threads)", lambda r: f"{r['facts']['cpu_seconds']:.3f}"),
        ("  of which cube query (s)", lambda r: f"{r['facts']['query_seconds']:.3f}"),
        ("  of which build_cube (s)", lambda r: f"{r['facts']['cube_seconds']:.3f}"),
        ("facts peak RSS (MB)", lambda r: f"{r['facts']['peak_mb']:.0f}"),
        ("same, taken in turns: facts (s)", lambda r: f"{r['compare']['facts']['seconds']:.3f}"),
        ("  pandas (s)", lambda r: f"{r['compare']['pandas']['seconds']:.3f}"),
        ("  raw DuckDB (s)", lambda r: f"{r['compare']['duckdb']['seconds']:.3f}"),
        ("pandas aggregation (s)", lambda r: f"{r['pandas']['seconds']:.3f}"),
        ("pandas CPU (s)", lambda r: f"{r['pandas']['cpu_seconds']:.3f}"),
        ("pandas peak RSS (MB)", lambda r: f"{r['pandas']['peak_mb']:.0f}"),
        ("raw DuckDB aggregation (s)", lambda r: f"{r['duckdb']['seconds']:.3f}"),
        ("raw DuckDB CPU (s, all threads)", lambda r: f"{r['duckdb']['cpu_seconds']:.3f}"),
        ("raw DuckDB peak RSS (MB)", lambda r: f"{r['duckdb']['peak_mb']:.0f}"),
    ]
    for label, cell in rows:
        print(f"{label:34}" + "".join(f"{cell(r):>14}" for r in all_results))
    print()
    labels = {
        "facts_vs_pandas": ("facts faster than pandas (x)", ">= 20x", "{:.1f}x"),
        "facts_vs_pandas_cpu": ("  same, in CPU time (x)", ">= 20x", "{:.1f}x"),
        "facts_vs_duckdb": ("facts time / raw DuckDB (x)", "<= 2x", "{:.2f}x"),
        "facts_vs_duckdb_cpu": ("  same, in CPU time (x)", "<= 2x", "{:.2f}x"),
        "ingest_lines_s": ("ingest (lines/s)", ">= 2M/s", "{:,.0f}"),
        "peak_gb": ("peak memory, ingest+facts (GB)", "<= 2 GB", "{:.2f}"),
    }
    for key, (label, target, fmt) in labels.items():
        cells = "".join(
            f"{fmt.format(r['ratios'][key]) + (' ok' if met(key, r['ratios'][key]) else ' NO'):>14}"
            for r in all_results
        )
        print(f"{label:34}{cells}   target {target}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--lines", type=int, nargs="+", default=[1_000_000])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--seed", type=int, default=2014)
    parser.add_argument("--regenerate", action="store_true", help="write the files anew")
    parser.add_argument("--step", choices=STEPS, help=argparse.SUPPRESS)
    parser.add_argument("--file", help=argparse.SUPPRESS)
    parser.add_argument("--store", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.step:
        if args.lines:
            args.lines = args.lines[0]
        result = STEPS[args.step](args)
        result["peak_mb"] = _peak_mb()
        result["load_1min"] = os.getloadavg()[0]  # other processes competing for the cores
        print(json.dumps(result, default=str))
        return
    all_results = [bench_size(n, args.repeat, args.seed, args.regenerate) for n in args.lines]
    print_table(all_results)
    machine = {
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
    }
    stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    for r in all_results:
        record = {"machine": machine, "finished": stamp, **r}
        path = OUT / f"results-{r['lines']}.json"
        path.write_text(json.dumps(record, indent=2, default=str))
        with (OUT / "history.jsonl").open("a") as history:  # every run, to see the spread
            history.write(json.dumps(record, default=str) + "\n")
        print(f"wrote {path} (and a line of bench/out/history.jsonl)")


if __name__ == "__main__":
    main()
