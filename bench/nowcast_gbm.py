"""Gradient-boosted trees for the rest of the month, against the nowcast model (docs/nowcast.md,
section 4, "Gradient-boosted trees"). An experiment, not part of the package; needs
scikit-learn (`pip install -e ".[experiments]"`).

    PYTHONPATH=src OMP_NUM_THREADS=1 python bench/nowcast_gbm.py     # about 1 minute

Per cut and origin month, a HistGradientBoostingRegressor (median loss, depth 3, 150 trees,
leaves of 40 cases or more) is fitted on earlier months only, with the same rolling origin as
the model (engine._by_origin), to log(final / working-day extrapolation). Its point gets the
model's series bias and MAPE shift exp(bias - k var) (from its in-sample errors), and the
zero-flash rule of the model. Variants:

- gbm: the trees alone;
- stack: the trees fitted to log(final / the model's pooled point), the pooled point's log
  ratio to the extrapolation added as a feature (correction on in-sample residuals);
- average: the geometric mean of the model and the trees.

Features: everything in features.Case, log level, and without look-ahead: the block-2 vs
block-1 daily rate (cut 20), the item's flash vs level over all its partners at the same cut,
the median gap of all series at the cut, month of year, and the calendar of the rest of the
month (Saturdays, weekday holidays, weekday of the last day, length and working days of block 3).
"""

from __future__ import annotations

import calendar as pycal
import datetime as dt
import math
from collections import defaultdict
from collections.abc import Callable, Sequence

import numpy as np
from sklearn.ensemble import HistGradientBoostingRegressor

from ictrade.months import Month
from ictrade.nowcast import engine, model, pooling
from ictrade.nowcast.calendar import is_holiday, month_calendar
from ictrade.nowcast.data import Panel, build_panel, shipped_history
from ictrade.nowcast.features import Case, panel_cases
from ictrade.nowcast.model import Predictor

TREES = {
    "loss": "absolute_error",
    "max_depth": 3,
    "learning_rate": 0.05,
    "max_iter": 150,
    "min_samples_leaf": 40,
    "l2_regularization": 1.0,
}
Features = dict[Case, list[float]]


def _calendar(m: int, cut: int) -> list[float]:
    """Month of year and the calendar of the days after the cut."""
    mo = Month.from_index(m)
    last = pycal.monthrange(mo.year, mo.month)[1]
    cal = month_calendar(mo)
    days = [dt.date(mo.year, mo.month, d) for d in range(cut + 1, last + 1)]
    saturdays = sum(1 for d in days if d.weekday() == 5 and not is_holiday(d))
    holidays = sum(1 for d in days if d.weekday() < 5 and is_holiday(d))
    end = dt.date(mo.year, mo.month, last).weekday()
    rest = math.log(cal.remaining(cut) / cal.elapsed(cut))
    return [mo.month, saturdays, holidays, end, last - 20, rest, cal.blocks[2]]


def _momentum(panel: Panel, c: Case) -> float:
    """log of the block-2 daily rate over the block-1 rate (cut 20 only)."""
    cal = month_calendar(Month.from_index(c.month))
    x10 = panel.values[c.series][c.month].get(10, math.nan)
    if c.cut != 20 or not x10 > 0 or c.x <= x10 or min(cal.blocks[:2]) <= 0:
        return math.nan
    return math.log(((c.x - x10) / cal.blocks[1]) / (x10 / cal.blocks[0]))


def features(panel: Panel, cases: Sequence[Case]) -> Features:
    """Feature rows; the cross-series ones read other series' figures at the same cut only."""
    item: dict[tuple[str, int, int], list[float]] = defaultdict(lambda: [0.0, 0.0])
    gaps: dict[tuple[int, int], list[float]] = defaultdict(list)
    for c in cases:
        if c.level > 0:
            agg = item[(c.series[0], c.month, c.cut)]
            agg[0] += c.wd_extrapolation
            agg[1] += c.level
            if c.x > 0:
                gaps[(c.month, c.cut)].append(math.log(c.wd_extrapolation / c.level))
    out = {}
    for c in cases:
        ext, (flash, level) = c.wd_extrapolation, item[(c.series[0], c.month, c.cut)]
        out[c] = [
            c.profile,
            math.log(c.level / ext) if c.level > 0 and ext > 0 else math.nan,
            c.volatility,
            c.zero_share,
            math.log(c.last_year) if c.last_year > 0 else math.nan,
            c.remaining_share,
            math.log(c.level) if c.level > 0 else math.nan,
            _momentum(panel, c),
            math.log(flash / level) if flash > 0 and level > 0 else math.nan,
            float(np.median(gaps[(c.month, c.cut)])) if gaps[(c.month, c.cut)] else math.nan,
            *_calendar(c.month, c.cut),
        ]
    return out


def _shifted(usable: list[Case], pred: np.ndarray) -> Callable[[Case, float], float]:
    """The model's series bias and MAPE shift, measured on the trees' training errors."""
    spread, pooled_var = model._series_spread(usable, pred)
    default = (0.0, pooled_var)
    bias, var = np.array([spread.get(c.series, default) for c in usable]).T
    y = np.array([c.y or 0.0 for c in usable])
    k = model._mape_shift(pred, np.array([c.x for c in usable]), y, bias, var)

    def shift(c: Case, p: float) -> float:
        b, v = spread.get(c.series, default)
        return max(p * math.exp(b - k * v), c.x)

    return shift


def _pooled(train: Sequence[Case]) -> Predictor:
    """The model's pooled point, before its series bias and MAPE shift."""
    usable = [c for c in train if c.y and c.x > 0]
    vols = [c.volatility for c in usable if not math.isnan(c.volatility)]
    fill = float(np.median(vols)) if vols else 0.5
    rest = np.array([model._remaining(c) for c in usable])
    x, y = np.array([c.x for c in usable]), np.array([c.y or 0.0 for c in usable])
    beta = pooling.mape_fit(model._design(usable, fill), x, rest, y)
    return lambda c: c.x + model._remaining(c) * math.exp(float(model._design([c], fill)[0] @ beta))


def gbm(feats: Features, mode: str) -> Callable[[Sequence[Case]], Predictor]:
    """Fitter of the trees alone ('gbm'), stacked on the model ('stack'), or averaged with it."""

    def fitter(train: Sequence[Case]) -> Predictor:
        usable = [c for c in train if c.y and c.x > 0]
        zero, current = model._fit_zero(train), model.fit_model(train)
        if len(usable) < 100:
            return current
        base: Callable[[Case], float] = lambda c: c.wd_extrapolation  # noqa: E731
        if mode == "stack":
            base = _pooled(train)

        def row(c: Case) -> list[float]:
            extra = [math.log(base(c) / c.wd_extrapolation)] if mode == "stack" else []
            return feats[c] + extra

        X = np.array([row(c) for c in usable])
        keep = np.isfinite(X).any(axis=0)  # the momentum is empty at cut 10
        b = np.array([base(c) for c in usable])
        trees = HistGradientBoostingRegressor(**TREES, random_state=0)  # type: ignore[arg-type]
        trees.fit(X[:, keep], np.log(np.array([c.y or 0.0 for c in usable]) / b))
        shift = _shifted(usable, b * np.exp(trees.predict(X[:, keep])))

        def point(c: Case) -> float:
            if c.x <= 0:
                return zero(c)
            grow = float(trees.predict(np.array([row(c)])[:, keep])[0])
            p = shift(c, base(c) * math.exp(grow))
            return math.sqrt(p * current(c)) if mode == "average" else p

        return point

    return fitter


def main() -> None:
    panel = build_panel(shipped_history())
    feats = features(panel, panel_cases(panel))
    methods = {name: gbm(feats, name) for name in ("gbm", "stack", "average")}
    engine.METHODS.update(methods)
    estimates = engine.backtest_estimates(panel)
    print("year,method,cut,mape,median_ape,coverage80,mape_vs_wd,median_vs_wd")
    for year in (None, 2023, 2024, 2025):
        keep = (lambda c: True) if year is None else _in_year(year)
        scores = {(s.method, s.cut): s for s in engine.score(estimates, keep)}
        for name in ("model", *methods):
            for cut in (10, 20):
                s, wd = scores[(name, cut)], scores[("working_days", cut)]
                print(
                    f"{year or 'all'},{name},{cut},{s.mape:.4f},{s.median_ape:.4f},"
                    f"{s.coverage:.3f},{1 - s.mape / wd.mape:+.3f},"
                    f"{1 - s.median_ape / wd.median_ape:+.3f}"
                )


def _in_year(year: int) -> Callable[[Case], bool]:
    return lambda c: Month.from_index(c.month).year == year


if __name__ == "__main__":
    main()
