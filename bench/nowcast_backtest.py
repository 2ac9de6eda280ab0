"""Print the nowcast backtest (docs/nowcast.md): all cases, by year, without the cases whose
flash is still 0 at the cut, and how uncertain the gains over the working-day rule are.

    PYTHONPATH=src python bench/nowcast_backtest.py
"""

from __future__ import annotations

from functools import partial

import numpy as np

from ictrade.months import Month
from ictrade.nowcast.data import build_panel, shipped_history
from ictrade.nowcast.engine import backtest_estimates, format_scores, score
from ictrade.nowcast.features import Case
from ictrade.nowcast.intervals import Estimate

DRAWS = 2000


def gain_bands(estimates: dict[str, dict[Case, Estimate]], cut: int) -> str:
    """5/50/95% of the MAPE and median-APE gains over working days when whole months are
    resampled (month-block bootstrap): errors of one month share the month's shocks."""
    model, wd = estimates["model"], estimates["working_days"]
    by_month: dict[int, list[tuple[float, float]]] = {}
    for c, e in model.items():
        if c.cut == cut and c.y:
            ape = (abs(e.value - c.y) / c.y, abs(wd[c].value - c.y) / c.y)
            by_month.setdefault(c.month, []).append(ape)
    months = sorted(by_month)
    arrays = {m: np.array(v) for m, v in by_month.items()}
    rng = np.random.default_rng(0)
    gains = []
    for _ in range(DRAWS):
        a = np.concatenate([arrays[m] for m in rng.choice(months, len(months))])
        gains.append(
            (1 - a[:, 0].mean() / a[:, 1].mean(), 1 - np.median(a[:, 0]) / np.median(a[:, 1]))
        )
    q = np.percentile(np.array(gains), [5, 50, 95], axis=0)
    return (
        f"{cut},mape_vs_wd,{q[0, 0]:+.3f},{q[1, 0]:+.3f},{q[2, 0]:+.3f}\n"
        f"{cut},median_vs_wd,{q[0, 1]:+.3f},{q[1, 1]:+.3f},{q[2, 1]:+.3f}"
    )


def _in_year(year: int, case: Case) -> bool:
    return Month.from_index(case.month).year == year


def main() -> None:
    estimates = backtest_estimates(build_panel(shipped_history()))
    print("# all cases, 2023-01 .. 2025-12")
    print(format_scores(score(estimates)))
    for year in (2023, 2024, 2025):
        print(f"# {year}")
        print(format_scores(score(estimates, partial(_in_year, year))))
    print("# cases whose flash is positive at the cut")
    print(format_scores(score(estimates, lambda c: c.x > 0)))
    print("# cases whose flash is still 0 at the cut")
    print(format_scores(score(estimates, lambda c: c.x <= 0)))
    print(f"# gains of the model, month-block bootstrap ({DRAWS} draws of 36 months)")
    print("cut,gain,p5,p50,p95")
    for cut in (10, 20):
        print(gain_bands(estimates, cut))


if __name__ == "__main__":
    main()
