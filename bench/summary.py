"""The spread of the benchmark's figures over every run kept in bench/out/history.jsonl.

    python bench/summary.py

On a machine shared with other work, wall times move with the load; CPU times much less.
Prints, per size, the best, median and worst of each figure (best = fastest run).
"""

from __future__ import annotations

import json
import statistics
from pathlib import Path
from typing import Any

HISTORY = Path(__file__).resolve().parent / "out" / "history.jsonl"
FIGURES = [
    ("ingest lines/s", lambda r: r["ingest"]["lines_s"], True),
    ("ingest CPU s", lambda r: r["ingest"]["cpu_seconds"], False),
    ("ingest peak MB", lambda r: r["ingest"]["peak_mb"], False),
    ("store MB", lambda r: r["ingest"]["store_mb"], False),
    ("facts s (own step)", lambda r: r["facts"]["seconds"], False),
    ("facts CPU s", lambda r: r["facts"]["cpu_seconds"], False),
    ("facts peak MB", lambda r: r["facts"]["peak_mb"], False),
    ("pandas s (own step)", lambda r: r["pandas"]["seconds"], False),
    ("pandas CPU s", lambda r: r["pandas"]["cpu_seconds"], False),
    ("pandas peak MB", lambda r: r["pandas"]["peak_mb"], False),
    ("raw DuckDB s (own step)", lambda r: r["duckdb"]["seconds"], False),
    ("raw DuckDB CPU s", lambda r: r["duckdb"]["cpu_seconds"], False),
    ("facts x faster than pandas", lambda r: r["ratios"]["facts_vs_pandas"], True),
    ("  in CPU time", lambda r: r["ratios"].get("facts_vs_pandas_cpu"), True),
    ("facts / raw DuckDB", lambda r: r["ratios"]["facts_vs_duckdb"], False),
    ("  in CPU time", lambda r: r["ratios"].get("facts_vs_duckdb_cpu"), False),
    ("load (1 min) during ingest", lambda r: r["ingest"].get("load_1min"), False),
]


def main() -> None:
    runs: dict[int, list[dict[str, Any]]] = {}
    for line in HISTORY.read_text().splitlines():
        record = json.loads(line)
        runs.setdefault(record["lines"], []).append(record)
    for lines, records in sorted(runs.items()):
        print(f"{lines:,} lines, {len(records)} runs: best / median / worst")
        for label, get, higher in FIGURES:
            values = [v for v in (get(r) for r in records) if v is not None]
            if not values:
                continue
            best, worst = (max, min) if higher else (min, max)
            cells = [best(values), statistics.median(values), worst(values)]
            text = " / ".join(f"{v:,.0f}" if v >= 1000 else f"{v:.3g}" for v in cells)
            print(f"  {label:28} {text}")


if __name__ == "__main__":
    main()
