"""python -m tools.reconstruct: build src/ictrade/datasets/default/ from data-raw/reconstruct/."""

from __future__ import annotations

import csv
import json
import sys
import time

import numpy as np
import pyarrow.parquet as pq

from .extend import solve_extension
from .inputs import (
    EXT_FIRST,
    EXT_LAST,
    EXTENSION,
    OUT,
    Figure,
    Vintages,
    constrained_set,
    load_figures,
    release_dates,
    without,
)
from .lines import build_lines, codes, to_table
from .prior import build_prior
from .published import write_published
from .solve import Constraint, Programme, add_figures, add_narrative
from .structure import LEAVES, check_regions, item_leaves

DESCRIPTION = ("A reconstruction consistent with the figures published in Korea's monthly ICT "
               "trade releases (2014-2025), not customs microdata: modelled lines for "
               "2013-01..2025-06, exports and imports, with each release's vintages.")


def context_figures(figs: list[Figure], vint: Vintages) -> list[Figure]:
    """Quoted figures of earlier months that no primary figure states for the same vintage."""

    def parts(f: Figure) -> set[tuple[object, ...]]:
        key = (f.month, f.flow, f.series, f.region, vint.in_force(f.month, f.vintage))
        return ({key + ("level",)} if f.value is not None else set()) | (
            {key + ("yoy",)} if f.yoy is not None else set())

    taken = set().union(*(parts(f) for f in figs))
    out: list[Figure] = []
    seen: set[tuple[object, ...]] = set()
    for f in load_figures(context=True):
        if vint.in_force(f.month, f.vintage) is None or parts(f) & (taken | seen):
            continue
        seen |= parts(f)
        out.append(f)
    return out


def first_stage() -> tuple[np.ndarray, np.ndarray, Vintages, list[tuple[Constraint, float]],
                         list[Figure]]:
    """2013-2023 from published_figures.csv: preliminary and confirmed cells, the dropped parts."""
    t0 = time.time()
    check_regions()
    figs = load_figures()
    vint = Vintages(release_dates(figs))
    context = context_figures(figs, vint)
    dropped: list[tuple[Constraint, float]] = []
    while True:
        parts = {(m.row, m.kind) for m, _ in dropped}
        held = [without(f, parts) for f in figs]
        prog = Programme(build_prior(held + context))
        add_figures(prog, held, vint)
        add_figures(prog, context, vint, soft=True)
        add_narrative(prog, vint)
        p, c, bad = prog.solve()
        print(f"{len(prog.rows)} constraint rows, {len(bad)} not held ({time.time() - t0:.0f}s)",
              file=sys.stderr)
        if not bad:
            break
        # A figure that cannot hold with the others: drop a part and solve again. Levels go
        # first (a misprinted level is the usual culprit: growth rates hold across vintages),
        # the one violated most.
        worst = max(bad, key=lambda b: (b[0].kind == "level", b[1]))
        if worst[0].row == 0:
            raise SystemExit(f"narrative constraint cannot hold: {worst[0].label}")
        dropped.append(worst)
    cols = build_lines({0: p, 1: c}, vint, constrained_set(held + context, vint))
    return p, c, vint, dropped, cols


def main() -> None:
    t0 = time.time()
    p, _, vint, dropped, cols = first_stage()
    more, dropped_ext = solve_extension(p, vint.dates)
    for k, v in more.items():
        cols[k] += v
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "meta.json").write_text(json.dumps({"description": DESCRIPTION}, indent=1) + "\n",
                                   encoding="utf-8")
    figs = load_figures() + load_figures(file=EXTENSION, first=EXT_FIRST, last=EXT_LAST)
    write_conflicts(dropped + dropped_ext, figs)
    write_published()
    table = to_table(cols)
    pq.write_table(table, OUT / "lines.parquet", compression="zstd", compression_level=19)
    print(f"{table.num_rows} lines in {time.time() - t0:.0f}s", file=sys.stderr)


def write_conflicts(dropped: list[tuple[Constraint, float]], figs: list[Figure]) -> None:
    """conflicts.csv: each primary figure part that cannot hold, and the choice made."""
    by_row = {(f.file, f.row): f for f in figs}
    with open(OUT / "conflicts.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["figures_file", "figures_line", "figure", "measure", "stated",
                    "violation_usd_millions", "source_note", "choice"])
        for meta, slack in sorted(dropped, key=lambda d: (d[0].file, d[0].row)):
            f = by_row[(meta.file, meta.row)]
            if not any(codes(LEAVES[i], f.month) for i in item_leaves(f.series)):
                choice = (f"not held: no HS line classifies to {f.series} in {f.month} under the "
                          "kr-ict rules, so the item is empty that month")
            else:
                other = "growth rate" if meta.kind == "level" else "level"
                why = ("its source disagrees with the other reports, which hold: see the note"
                       if meta.disputed else
                       "it cannot hold together with the month's other primary figures")
                choice = (f"{meta.kind} not held ({why}); the {other} of this row and every "
                          "other primary figure hold")
            w.writerow([meta.file, meta.row, meta.label.split(" (")[0], meta.kind, meta.stated,
                        f"{slack:.1f}", f.note, choice])


if __name__ == "__main__":
    main()
