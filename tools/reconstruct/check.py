"""Check every in-scope primary published figure (both files) against lines.parquet, as of its
vintage.

python -m tools.reconstruct.check [--verbose]: prints matched/mismatched counts (conflicts listed
in conflicts.csv are counted apart). A month is read, for a figure of vintage D, at the latest
vintage <= D of each line key (the store's rule; restatements are complete, so per month).
"""

from __future__ import annotations

import csv
import datetime as dt
import sys
from collections import defaultdict

import numpy as np
import pyarrow.parquet as pq

from ictrade.classify import membership, regions, scheme, taxonomy
from ictrade.months import Month
from ictrade.numbers import matches

from .inputs import EXT_FIRST, EXT_LAST, EXTENSION, OUT, Figure, load_figures

Agg = dict[tuple[str, str], float]  # (leaf item, partner) -> USD


def load(path: str) -> dict[tuple[Month, str], dict[dt.date, Agg]]:
    t = pq.read_table(path, columns=["month", "flow", "hs_code", "partner", "value_usd",
                                     "vintage"]).to_pydict()
    sch = scheme("kr-ict")
    out: dict[tuple[Month, str], dict[dt.date, Agg]] = defaultdict(dict)
    cache: dict[tuple[str, Month], str] = {}
    for mo, fl, code, partner, val, vin in zip(t["month"], t["flow"], t["hs_code"], t["partner"],
                                                t["value_usd"], t["vintage"], strict=True):
        m = Month.from_date(mo)
        key = (code, m)
        if key not in cache:
            cache[key] = sch.classify(code, m).item
        agg = out[(m, fl)].setdefault(vin, defaultdict(float))
        agg[(cache[key], partner)] += val
    return out


class View:
    def __init__(self, data: dict[tuple[Month, str], dict[dt.date, Agg]]) -> None:
        self.data = data

    def value(self, m: Month, flow: str, item: str, region: str, as_of: dt.date,
              region_month: Month | None = None) -> float | None:
        vins = [v for v in self.data.get((m, flow), {}) if v <= as_of]
        if not vins:
            return None
        agg = self.data[(m, flow)][max(vins)]
        items = set(taxonomy().descendants(item))
        members = membership().members(region, region_month or m)
        return sum(v for (i, p), v in agg.items() if i in items and p in members)


def evaluate(view: View, f: Figure) -> list[tuple[str, bool, float | None]]:
    """(what, matched, computed) for the level and the growth rate of a figure."""
    out: list[tuple[str, bool, float | None]] = []

    def val(m: Month, flow: str, rm: Month | None = None) -> float | None:
        if flow == "balance":
            e = view.value(m, "export", f.series, f.region, f.vintage, rm)
            i = view.value(m, "import", f.series, f.region, f.vintage, rm)
            return None if e is None or i is None else e - i
        return view.value(m, flow, f.series, f.region, f.vintage, rm)

    if f.value is not None and f.prec is not None:
        v = val(f.month, f.flow)
        out.append(("level", v is not None and matches(f.value, v / 1e6, f.prec),
                    None if v is None else v / 1e6))
    if f.yoy is not None and f.yprec is not None:
        v1, v0 = val(f.month, f.flow), val(f.month - 12, f.flow, f.month)
        pct = None if not v1 or not v0 else (v1 / v0 - 1) * 100
        out.append(("yoy", pct is not None and matches(f.yoy, pct, f.yprec), pct))
    return out


def conflicts() -> set[tuple[str, int, str]]:
    with open(OUT / "conflicts.csv", encoding="utf-8") as fh:
        return {(r["figures_file"], int(r["figures_line"]), r["measure"])
                for r in csv.DictReader(fh)}


def main() -> None:
    verbose = "--verbose" in sys.argv
    view = View(load(str(OUT / "lines.parquet")))
    known = conflicts()
    counts = {"matched": 0, "mismatched": 0, "conflict": 0, "conflict_but_matched": 0}
    assert set(regions().ids)
    figs = load_figures() + load_figures(file=EXTENSION, first=EXT_FIRST, last=EXT_LAST)
    for f in figs:
        for what, ok, got in evaluate(view, f):
            listed = (f.file, f.row, what) in known
            kind = ("conflict_but_matched" if ok else "conflict") if listed else (
                "matched" if ok else "mismatched")
            counts[kind] += 1
            if verbose and kind != "matched" or kind == "mismatched":
                stated = f.value if what == "level" else f.yoy
                got_s = "n/a" if got is None else f"{got:.4f}"
                print(f"{kind}: {f.label()} {what} stated {stated} computed {got_s}")
    total = sum(counts.values())
    print(f"figures checked: {total}; " + ", ".join(f"{k} {v}" for k, v in counts.items()))
    _ = np
    sys.exit(1 if counts["mismatched"] else 0)


if __name__ == "__main__":
    main()
