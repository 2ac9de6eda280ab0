"""Build the `kcs-sample` dataset from real Korea Customs Service data (data-raw/kcs/).

Run: python tools/build_kcs_sample.py   (deterministic; writes src/ictrade/datasets/kcs-sample/)

The three files are read through the same readers and layouts as `ictrade ingest` and put
together as reported; the store
counts nested lines once when it aggregates (`ictrade.store.refine`: an HSK10 line inside an
HS6 line, partner lines inside a WORLD line), as it does for a user who ingests the same files.
Months the sources flag as incomplete are dropped (2026-02 of the dashboard files, 2026-07 of
the item series).
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from ictrade.sources.files import LineDefaults, read_lines
from ictrade.store.refine import refine_lines
from ictrade.store.schema import LINE_SCHEMA

ROOT = Path(__file__).resolve().parent.parent
RAW = ROOT / "data-raw" / "kcs"
OUT = ROOT / "src" / "ictrade" / "datasets" / "kcs-sample"
# The snapshot both upstream repositories were taken at (DATA.md): the retrieval date.
VINTAGE = dt.date(2026, 7, 16)
LAST_DASHBOARD_MONTH = dt.date(2026, 1, 1)  # 2026-02 is incomplete
LAST_SERIES_MONTH = dt.date(2026, 6, 1)  # 2026-07 is partial


def status(month: dt.date) -> str:
    """The last two months before the snapshot are preliminary, earlier ones confirmed."""
    months_before = (VINTAGE.year - month.year) * 12 + VINTAGE.month - month.month
    return "preliminary" if months_before <= 2 else "confirmed"


def read(name: str, last: dt.date) -> pa.Table:
    """A file's lines as `ictrade ingest` reads them (its layout's source), up to ``last``."""
    table = read_lines(RAW / name, defaults=LineDefaults(vintage=VINTAGE))
    return table.filter(pa.compute.less_equal(table["month"], pa.scalar(last)))


def combine(tables: list[pa.Table]) -> pa.Table:
    """Every line as reported, with its status; the store counts nested and repeated lines
    once (a line both files give is one figure)."""
    rows = [{**row, "status": status(row["month"])} for t in tables for row in t.to_pylist()]
    rows.sort(key=lambda r: (r["month"], r["flow"], r["hs_code"], r["partner"], r["source"]))
    return pa.Table.from_pylist(rows, schema=LINE_SCHEMA)


def main() -> None:
    lines = combine(
        [
            read("kcs_items_monthly.csv", LAST_SERIES_MONTH),
            read("item_country_monthly.csv", LAST_DASHBOARD_MONTH),
            read("hs6_exports_world_monthly.csv", LAST_DASHBOARD_MONTH),
        ]
    )
    cols = lines.to_pydict()
    refined = refine_lines(
        cols["month"], cols["flow"], cols["hs_code"], cols["partner"], cols["value_usd"]
    )
    OUT.mkdir(parents=True, exist_ok=True)
    pq.write_table(lines, OUT / "lines.parquet", compression="zstd")
    meta = {
        "description": "Real Korea Customs Service data: every HS6 code's world exports "
        "2025-01..2026-01, HSK10 series of key items 2016-01..2026-06, and "
        "item x partner lines 2025-01..2026-01.",
        "complete": [
            {
                "items": "all",
                "flows": ["export"],
                "regions": ["world"],
                "from": "2025-01",
                "to": "2026-01",
            },
            {
                "items": ["dram", "nand", "mcp"],
                "flows": ["export"],
                "regions": ["world"],
                "from": "2016-01",
                "to": "2026-06",
            },
        ],
        "refinement": {
            "lines": lines.num_rows,
            "clamped": refined.clamped,
            "clamped_usd": round(refined.clamped_usd),
        },
    }
    (OUT / "meta.json").write_text(json.dumps(meta, indent=1) + "\n", encoding="utf-8")
    sys.stdout.write(
        f"wrote {OUT / 'lines.parquet'}: {lines.num_rows} lines; "
        f"{refined.clamped} remainders clamped ({refined.clamped_usd:,.0f} USD)\n"
    )


if __name__ == "__main__":
    main()
