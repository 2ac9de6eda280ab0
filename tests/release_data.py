"""A synthetic store for the release tests: three years of exports and imports of every major
item to every major region, with growth that differs by item and partner (so the text has
rises, falls, turns and streaks to say)."""

from __future__ import annotations

import random
from pathlib import Path

from ictrade.months import Month, month_range
from ictrade.store.ingest import ingest_table
from ictrade.store.store import Store

from conftest import lines_table

MONTH = Month(2020, 11)
CODES = {
    "8542321010": 900.0,  # DRAM
    "8542321030": 400.0,  # NAND
    "8542311000": 500.0,  # system semiconductors
    "8529906022": 200.0,  # LCD
    "8529906023": 150.0,  # OLED
    "851712": 120.0,  # finished mobile phones
    "851770": 180.0,  # mobile phone parts
    "847130": 60.0,  # computers
    "8523511000": 90.0,  # SSDs
    "852872": 40.0,  # TVs
}
PARTNERS = {"CN": 3.0, "HK": 1.0, "VN": 1.5, "US": 1.2, "DE": 0.5, "JP": 0.4, "IN": 0.3}


def rows(seed: int = 7) -> list[dict[str, object]]:
    rng = random.Random(seed)
    out: list[dict[str, object]] = []
    months = list(month_range(Month(2017, 1), MONTH))
    for code, base in CODES.items():
        for partner, weight in PARTNERS.items():
            trend = rng.uniform(-0.015, 0.025)
            for flow, scale in (("export", 1e6), ("import", 0.45e6)):
                level = base * weight * scale * rng.uniform(0.7, 1.3)
                for t, month in enumerate(months):
                    value = level * (1 + trend) ** t * (1 + 0.12 * rng.uniform(-1, 1))
                    out.append(
                        {
                            "month": str(month),
                            "flow": flow,
                            "hs_code": code,
                            "partner": partner,
                            "value_usd": round(value, 2),
                        }
                    )
    return out


def fill(store: Store, seed: int = 7) -> Store:
    ingest_table(store, lines_table(rows(seed)), origin="synthetic")
    return store


def write_store(path: Path, seed: int = 7) -> Path:
    from ictrade.store.store import open_store

    with open_store(path) as store:
        fill(store, seed)
    return path
