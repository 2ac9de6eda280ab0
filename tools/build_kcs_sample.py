"""Build the `kcs-sample` dataset from real Korea Customs Service data (data-raw/kcs/).

Run: python tools/build_kcs_sample.py   (deterministic; writes src/ictrade/datasets/kcs-sample/)

The three files are read through the same readers as `ictrade ingest` (the HSK10 item series
through the canonical layout after a small reshaping) and put together as reported; the store
counts nested lines once when it aggregates (`ictrade.store.refine`: an HSK10 line inside an
HS6 line, partner lines inside a WORLD line), as it does for a user who ingests the same files.
Months the sources flag as incomplete are dropped (2026-02 of the dashboard files, 2026-07 of
the item series).
"""

from __future__ import annotations

import csv
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


def item_series() -> pa.Table:
    """The HSK10 series of kcs_items_monthly.csv (rows with one HS code) as lines."""
    rows = []
    with open(RAW / "kcs_items_monthly.csv", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            month = dt.date.fromisoformat(row["month"] + "-01")
            code = row["hs_code"].strip()
            if not code.isdigit() or not row["value_usd"] or month > LAST_SERIES_MONTH:
                continue
            rows.append(
                {
                    "month": month,
                    "flow": {"exp": "export", "imp": "import"}[row["flow"]],
                    "hs_code": code,
                    "partner": row["partner_iso2"] or "WORLD",
                    "value_usd": float(row["value_usd"]),
                    "net_kg": float(row["weight_kg"]) if row["weight_kg"] else None,
                    "quantity": None,
                    "source": "kcs",
                    "vintage": VINTAGE,
                    "status": "confirmed",
                    "imputed": False,
                }
            )
    # The same line can stand under two labels (DRAM for Vietnam is also a company's series).
    unique = {(r["month"], r["flow"], r["hs_code"], r["partner"]): r for r in rows}
    return pa.Table.from_pylist(list(unique.values()), schema=LINE_SCHEMA)


def dashboard(name: str) -> pa.Table:
    table = read_lines(RAW / name, defaults=LineDefaults(source="kcs", vintage=VINTAGE))
    return table.filter(pa.compute.less_equal(table["month"], pa.scalar(LAST_DASHBOARD_MONTH)))


def combine(tables: list[pa.Table]) -> pa.Table:
    """One line per key: the first table that has it wins (series, then item x partner)."""
    seen: set[tuple[object, ...]] = set()
    keep = []
    for table in tables:
        for row in table.to_pylist():
            key = (row["month"], row["flow"], row["hs_code"], row["partner"])
            if key not in seen:
                seen.add(key)
                keep.append({**row, "status": status(row["month"])})
    keep.sort(key=lambda r: (r["month"], r["flow"], r["hs_code"], r["partner"]))
    return pa.Table.from_pylist(keep, schema=LINE_SCHEMA)


def main() -> None:
    lines = combine(
        [
            item_series(),
            dashboard("item_country_monthly.csv"),
            dashboard("hs6_exports_world_monthly.csv"),
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
