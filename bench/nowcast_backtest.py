"""Print the nowcast backtest (docs/nowcast.md): all cases, by year, and without the cases
whose flash is still 0 at the cut.

    PYTHONPATH=src python bench/nowcast_backtest.py
"""

from __future__ import annotations

from ictrade.months import Month
from ictrade.nowcast.data import build_panel, shipped_history
from ictrade.nowcast.engine import backtest_estimates, format_scores, score


def main() -> None:
    estimates = backtest_estimates(build_panel(shipped_history()))
    print("# all cases, 2023-01 .. 2025-12")
    print(format_scores(score(estimates)))
    for year in (2023, 2024, 2025):
        print(f"# {year}")
        print(
            format_scores(score(estimates, lambda c, y=year: Month.from_index(c.month).year == y))
        )
    print("# cases whose flash is positive at the cut")
    print(format_scores(score(estimates, lambda c: c.x > 0)))
    print("# cases whose flash is still 0 at the cut")
    print(format_scores(score(estimates, lambda c: c.x <= 0)))


if __name__ == "__main__":
    main()
