"""python -m tools.reconstruct: build src/ictrade/datasets/default/ from data-raw/reconstruct/."""

from __future__ import annotations

import csv
import sys
import time

import pyarrow.parquet as pq

from ictrade.months import Month

from .inputs import OUT, Vintages, load_figures, release_dates
from .lines import build_lines
from .prior import build_prior
from .solve import Constraint, Programme, add_figures, add_narrative
from .structure import check_regions


def constrained_set(figs: list, vint: Vintages) -> set[tuple[Month, str, int]]:
    out = set()
    for f in figs:
        flows = ("export", "import") if f.flow == "balance" else (f.flow,)
        months = [f.month] + ([f.month - 12] if f.yoy is not None else [])
        for m in months:
            v = vint.in_force(m, f.vintage)
            if v is not None:
                out.update((m, fl, v) for fl in flows)
    return out


def main() -> None:
    t0 = time.time()
    check_regions()
    figs = load_figures()
    vint = Vintages(release_dates(figs))
    prior = build_prior(figs)
    dropped: list[tuple[Constraint, float]] = []
    while True:
        prog = Programme(prior)
        add_figures(prog, figs, vint, {(m.row, m.kind) for m, _ in dropped})
        add_narrative(prog)
        p, c, bad = prog.solve()
        print(f"{len(prog.rows)} constraint rows, {len(bad)} not held ({time.time() - t0:.0f}s)",
              file=sys.stderr)
        if not bad:
            break
        # A figure that cannot hold with the others: drop the part violated most, solve again.
        worst = max(bad, key=lambda b: b[1])
        if worst[0].row == 0:
            raise SystemExit(f"narrative constraint cannot hold: {worst[0].label}")
        dropped.append(worst)
    OUT.mkdir(parents=True, exist_ok=True)
    write_conflicts(dropped)
    table = build_lines({0: p, 1: c}, vint, constrained_set(figs, vint))
    pq.write_table(table, OUT / "lines.parquet", compression="zstd", compression_level=19)
    print(f"{table.num_rows} lines in {time.time() - t0:.0f}s", file=sys.stderr)


def write_conflicts(bad: list) -> None:
    seen: dict[tuple[int, str, str], float] = {}
    for meta, slack in bad:
        key = (meta.row, meta.label, meta.kind + ": " + meta.stated)
        seen[key] = max(seen.get(key, 0.0), slack)
    with open(OUT / "conflicts.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["figures_line", "figure", "constraint", "violation_usd_millions", "choice"])
        for (row, label, what), slack in sorted(seen.items()):
            w.writerow([row, label, what, f"{slack:.3f}", "not held: see README"])


if __name__ == "__main__":
    main()
