"""Official vs computed ICT exports per series and month, on real customs data.

    .venv/bin/python bench/accuracy.py                 # prints the table
    .venv/bin/python bench/accuracy.py --write docs/accuracy.md

Two paths: the shipped ``kcs-sample`` dataset, and a store holding only the HS6 world file of
../shared (``hs6_exports_world_monthly.csv``). The official figures are the primary rows of
../shared/data/official/published_figures_2024_2025h1.csv for 2025-01..2025-06 (world,
exports). Run by hand: it reads ../shared.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import sys
from pathlib import Path

import numpy as np

from ictrade.load import ingest_file
from ictrade.months import Month, month_range
from ictrade.stats.cube import build_cube
from ictrade.store.query import cube_rows
from ictrade.store.store import Store, open_store

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent.parent / "shared" / "data"
if not SHARED.is_dir():
    SHARED = Path("/work/shared/data")
OFFICIAL = SHARED / "official" / "published_figures_2024_2025h1.csv"
HS6 = SHARED / "kcs_trade_dashboard" / "hs6_exports_world_monthly.csv"
MONTHS = list(month_range(Month(2025, 1), Month(2025, 6)))

# (series, kcs-sample target %, HS6-only target %)
SERIES = [
    ("total", 2, 3),
    ("semiconductors", 2, 3),
    ("memory", 2, 10),
    ("system_semiconductors", 2, 10),
    ("ssd", 2, 10),
    ("displays", 5, 10),
    ("mobile_phones", 5, 10),
    ("computers_peripherals", 5, 10),
    ("telecom_equipment", 5, 10),
    ("oled", 8, 10),
    ("lcd", 8, 10),
    ("mobile_finished", 8, 10),
    ("mobile_parts", 8, 10),
]


def official() -> dict[tuple[str, Month], float]:
    """Primary (else first) stated export value to the world, USD millions."""
    found: dict[tuple[str, Month], tuple[bool, float]] = {}
    with OFFICIAL.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["flow"] != "export" or row["region"] != "world":
                continue
            if not row["value_usd_millions"]:
                continue
            key = (row["series"], Month.parse(row["month"]))
            primary = row["is_primary_source"] == "1"
            if key not in found or (primary and not found[key][0]):
                found[key] = (primary, float(row["value_usd_millions"]))
    return {k: v for k, (_, v) in found.items()}


def computed(store: Store) -> dict[tuple[str, Month], float]:
    cube = build_cube(cube_rows(store, None))
    world = cube.regions.index("world")
    out = {}
    for item, *_ in SERIES:
        i = cube.items.index(item)
        for month in MONTHS:
            if cube.holds(month):
                out[(item, month)] = float(cube.value[0, i, world, cube.t(month)]) / 1e6
    return out


def hs6_store() -> Store:
    store = open_store(":memory:")
    ingest_file(store, HS6, vintage=dt.date(2026, 7, 16))
    return store


def table(paths: dict[str, dict[tuple[str, Month], float]]) -> str:
    truth = official()
    heads = "| series | month | official | " + " | ".join(f"{name} | err %" for name in paths)
    lines = [heads + " |", "|---" * (3 + 2 * len(paths)) + "|"]
    summary = ["| series | " + " | ".join(f"{n}: MAE % (target)" for n in paths) + " |"]
    summary.append("|---" * (1 + len(paths)) + "|")
    for item, *targets in SERIES:
        errors: dict[str, list[float]] = {name: [] for name in paths}
        for month in MONTHS:
            want = truth.get((item, month))
            cells = []
            for name, got in paths.items():
                value = got.get((item, month))
                if value is None or want is None:
                    cells += [f"{value:,.0f}" if value is not None else "", ""]
                    continue
                err = 100 * (value - want) / want
                errors[name].append(err)
                cells += [f"{value:,.0f}", f"{err:+.1f}"]
            if want is not None:
                lines.append(f"| {item} | {month} | {want:,.0f} | " + " | ".join(cells) + " |")
        marks = []
        for errs, target in zip(errors.values(), targets, strict=True):
            if not errs:
                marks.append(f"no official figure ({target}%)")
                continue
            mae = float(np.mean(np.abs(errs)))
            ok = "ok" if mae <= target else "MISSED"
            marks.append(f"{mae:.1f} ({target}%, {ok}; bias {np.mean(errs):+.1f}, n={len(errs)})")
        summary.append(f"| {item} | " + " | ".join(marks) + " |")
    return "\n".join(summary) + "\n\n" + "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", type=Path, help="write the tables into this Markdown file")
    args = parser.parse_args()
    paths = {
        "kcs-sample": computed(open_store(dataset="kcs-sample")),
        "HS6 only": computed(hs6_store()),
    }
    text = table(paths)
    if args.write:
        doc = args.write.read_text(encoding="utf-8")
        start, end = "<!-- accuracy:start -->", "<!-- accuracy:end -->"
        head, _, rest = doc.partition(start)
        _, _, tail = rest.partition(end)
        args.write.write_text(f"{head}{start}\n{text}{end}{tail}", encoding="utf-8")
    sys.stdout.write(text)


if __name__ == "__main__":
    main()
