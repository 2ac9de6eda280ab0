"""Speed of read_lines on canonical files: prints lines per second for CSV and Parquet.

    PYTHONPATH=src python bench/read_lines_speed.py [N_LINES]   (default 10,000,000)
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from ictrade.sources.files import read_lines


def make_table(n: int) -> pa.Table:
    """n distinct lines: months x flows x partners x HS codes."""
    rng = np.random.default_rng(0)
    idx = np.arange(n)
    months = np.array([f"{2000 + m // 12}-{m % 12 + 1:02d}" for m in range(300)])
    partners = np.array(["US", "CN", "JP", "VN", "DE", "TW", "HK", "SG", "IN", "MX"] * 10)
    partners = np.array([p for p in partners[:10]])
    hs_count = -(-n // (300 * 2 * 10))
    hs = np.array([f"{850000 + i:06d}"[:6] + f"{i % 10000:04d}" for i in range(hs_count)])
    return pa.table({
        "month": months[idx % 300],
        "flow": np.where((idx // 300) % 2 == 0, "export", "import"),
        "partner": partners[(idx // 600) % 10],
        "hs_code": hs[idx // 6000],
        "value_usd": rng.random(n) * 1e6,
        "net_kg": rng.random(n) * 1e3,
    })


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000_000
    table = make_table(n)
    with tempfile.TemporaryDirectory() as tmp:
        csv_path, pq_path = Path(tmp, "lines.csv"), Path(tmp, "lines.parquet")
        pacsv.write_csv(table, csv_path)
        pq.write_table(table, pq_path)
        for path in (csv_path, pq_path):
            start = time.perf_counter()
            lines = read_lines(path)
            took = time.perf_counter() - start
            print(f"{path.suffix[1:]:8s} {lines.num_rows:>11,} lines  {took:6.2f} s  "
                  f"{lines.num_rows / took / 1e6:5.2f} M lines/s")


if __name__ == "__main__":
    main()
