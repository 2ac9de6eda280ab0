"""The nowcast model and its two baselines: point predictors fitted on earlier cases only.

Model (one fit per cut, pooled across series, refined per item and per series). The final
figure is the cumulative value x plus the rest of the month, and the rest is the working-day
extrapolation of x scaled by exp(X·b):

    final = [x + x · (remaining working days / elapsed working days) · exp(X·b)]
            · exp(bias_series - k · var_series)

X holds the series' own intra-month profile (its recent remaining share relative to the
working-day share, shrunk toward 1) and a learned piecewise-linear function of the gap between
the series' recent level (mean of its last finals) and the extrapolation: the rest of the
month is pulled toward the recent level when the two roughly agree, and left to the flash when
they disagree wildly (a collapse or a jump). b minimises the mean absolute percentage error
(smoothed), the figure the nowcast is judged on; an item with enough history gets its own b,
pulled toward the pooled one, and a series its own, pulled toward its item's (partial pooling,
pooling.py). bias_series is the series' mean log error over
the last year of training cases, shrunk toward 0 (hierarchical shrinkage toward the pool);
var_series the spread of those errors ((IQR / 1.349)², robust to a few wild months), shrunk
toward the pooled spread. exp(-k · var) is the MAPE-optimal discount (k = 1 for log-normal
errors; k is learned on the training months).

A month whose flash is still 0 at the cut gets a MAPE-optimal share of the series' recent
level, learned apart for series reported only at month end (0 flash as a rule: the whole level)
and for the others (the remaining-day share of the level).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import numpy as np
from numpy.typing import NDArray

from .features import Case
from .pooling import Rows, fit_coefficients

Array = NDArray[np.float64]
Predictor = Callable[[Case], float]
KNOTS = (-1.0, -0.3, 0.0, 0.3, 1.0)
GAP_CLIP = 3.0
BIAS_MONTHS = 12  # training months a series' own bias is measured on
BIAS_SHRINK = 10.0  # pseudo-cases pulling a series' bias toward 0
ZERO_MIN = 5  # fewer zero-flash months than this: use half the base
VAR_SHRINK = 5.0  # pseudo-cases pulling a series' error spread toward the pooled one
RESIDUAL_CLIP = 1.0  # one wild month moves a series' bias by at most this (log)
IQR_NORMAL = 1.349  # interquartile range of a standard normal


def _design(cases: Sequence[Case], vol_fill: float) -> Array:
    """One row per case: intercept, profile, hinge pieces of the level gap, gap x volatility."""
    level = np.array([c.level for c in cases], dtype=float)
    extrapolation = np.array([c.wd_extrapolation for c in cases], dtype=float)
    known = (level > 0) & (extrapolation > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        g = np.where(known, np.log(np.where(known, level / extrapolation, 1.0)), 0.0)
    g = np.clip(g, -GAP_CLIP, GAP_CLIP)
    pieces = [np.minimum(g, KNOTS[0]) - KNOTS[0], np.maximum(g, KNOTS[-1]) - KNOTS[-1]]
    pieces += [
        np.clip(g, a, b) - min(max(0.0, a), b) for a, b in zip(KNOTS[:-1], KNOTS[1:], strict=True)
    ]
    vol = np.array([c.volatility for c in cases], dtype=float)
    vol = np.where(np.isnan(vol), vol_fill, vol)
    columns = [np.ones(len(cases)), np.array([c.profile for c in cases], dtype=float)]
    columns += [p * known for p in pieces] + [np.clip(g, -1.0, 1.0) * vol]
    return np.column_stack(columns)


def _remaining(case: Case) -> float:
    return case.x * (case.total_days - case.elapsed_days) / case.elapsed_days


def _rows(cases: Sequence[Case], vol_fill: float) -> Rows:
    return Rows(
        _design(cases, vol_fill),
        np.array([c.x for c in cases], dtype=float),
        np.array([_remaining(c) for c in cases], dtype=float),
        np.array([c.y for c in cases], dtype=float),
        [c.series for c in cases],
        np.array([c.month for c in cases], dtype=float),
    )


def weighted_median_ratio(ratios: Sequence[float]) -> float:
    """The q minimising mean |q - r| / r: the median of r weighted by 1 / r."""
    r = np.sort(np.asarray([v for v in ratios if v > 0], dtype=float))
    cum = np.cumsum(1 / r)
    return float(r[int(np.searchsorted(cum, cum[-1] / 2))])


Spread = dict[tuple[str, str], tuple[float, float]]


def _spread(errors: Sequence[float]) -> float:
    """Variance of the log-normal body of the errors: (IQR / 1.349)², so that a few wild months
    (heavy tails) do not inflate the MAPE shift of the whole series."""
    if len(errors) < 2:
        return 0.0
    q1, q3 = np.percentile(errors, [25, 75])
    return float(((q3 - q1) / IQR_NORMAL) ** 2)


def _series_spread(cases: Sequence[Case], pooled: Array) -> tuple[Spread, float]:
    """Per series, the mean (shrunk toward 0) and spread (shrunk toward the pooled spread) of
    its log errors under the fit over the last BIAS_MONTHS; and the pooled spread."""
    last = max(c.month for c in cases)
    errors: dict[tuple[str, str], list[float]] = {}
    for c, p in zip(cases, pooled, strict=True):
        if c.month > last - BIAS_MONTHS and c.y is not None:
            err = math.log(c.y / p)
            errors.setdefault(c.series, []).append(max(-RESIDUAL_CLIP, min(err, RESIDUAL_CLIP)))
    pooled_var = _spread([e for v in errors.values() for e in v])
    spread = {
        s: (
            sum(v) / (len(v) + BIAS_SHRINK),
            (len(v) * _spread(v) + VAR_SHRINK * pooled_var) / (len(v) + VAR_SHRINK),
        )
        for s, v in errors.items()
    }
    return spread, pooled_var


def _mape_shift(pooled: Array, floor: Array, y: Array, bias: Array, var: Array) -> float:
    """k in exp(bias - k·var) minimising the training MAPE. For log-normal errors the
    MAPE-optimal point lies at exp(-var) times the median (k = 1); k is learned on a grid."""
    grid = np.linspace(0.0, 2.0, 21)
    mape = [
        float(np.mean(np.abs(np.maximum(pooled * np.exp(bias - k * var), floor) - y) / y))
        for k in grid
    ]
    return float(grid[int(np.argmin(mape))])


def fit_model(train: Sequence[Case]) -> Predictor:
    """Fit on training cases of one cut (final figures known); return the point predictor."""
    usable = [c for c in train if c.y is not None and c.y > 0 and c.x > 0]
    zero = _fit_zero(train)
    if not usable:
        return lambda c: c.wd_extrapolation if c.x > 0 else zero(c)
    vols = [c.volatility for c in usable if not math.isnan(c.volatility)]
    vol_fill = float(np.median(vols)) if vols else 0.5
    rows = _rows(usable, vol_fill)
    b = fit_coefficients(rows)
    fitted = b.fitted(rows)
    spread, pooled_var = _series_spread(usable, fitted)
    default = (0.0, pooled_var)
    bias, var = np.array([spread.get(c.series, default) for c in usable]).T
    k = _mape_shift(fitted, rows.x, rows.y, bias, var)

    def point(c: Case) -> float:
        if c.x > 0:
            grow = math.exp(float(_design([c], vol_fill)[0] @ b(c.series)))
            bias_c, v = spread.get(c.series, default)
            return max((c.x + _remaining(c) * grow) * math.exp(bias_c - k * v), c.x)
        return zero(c)

    return point


def _chronic(c: Case) -> bool:
    return c.zero_share >= 0.5  # false for nan


def _zero_base(c: Case) -> float:
    """Recent level; for a series whose flash is usually positive, only the rest of it."""
    return c.level if _chronic(c) else c.level * c.remaining_share


def _fit_zero(train: Sequence[Case]) -> Predictor:
    """Months whose flash is 0 at the cut: a MAPE-optimal share of the series' level, learned
    apart for series reported only at month end (0 flash as a rule) and the others."""
    ratios: dict[bool, list[float]] = {True: [], False: []}
    for c in train:
        if c.y is not None and c.y > 0 and c.x <= 0 and c.level > 0:
            ratios[_chronic(c)].append(c.y / _zero_base(c))
    q = {k: weighted_median_ratio(v) if len(v) >= ZERO_MIN else 0.5 for k, v in ratios.items()}
    return lambda c: q[_chronic(c)] * _zero_base(c) if c.level > 0 else 0.0


def fit_working_days(train: Sequence[Case]) -> Predictor:
    """Cumulative value x working days of the month / working days elapsed."""
    return lambda c: c.wd_extrapolation


def fit_last_year(train: Sequence[Case]) -> Predictor:
    """Cumulative value x (final / cumulative at the same cut) of the same month a year
    earlier; the working-day rule when that month has no genuine flash."""
    return lambda c: c.x * c.last_year if math.isfinite(c.last_year) else c.wd_extrapolation


METHODS: dict[str, Callable[[Sequence[Case]], Predictor]] = {
    "model": fit_model,
    "working_days": fit_working_days,
    "last_year": fit_last_year,
}
