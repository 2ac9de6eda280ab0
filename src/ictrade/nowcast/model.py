"""The nowcast model and its two baselines, each fitted on earlier cases only.

Model: log(final) = log(working-day extrapolation) + X·b, pooled across series, one fit per
cut. X holds the series' own intra-month profile (shrunk toward the working-day share) and a
learned piecewise-linear function of the gap between the series' recent level (mean of its
last finals) and the extrapolation: the flash is pulled toward the recent level when the two
roughly agree and left alone when they disagree wildly (a collapse or a jump). b minimises the
mean absolute percentage error (smoothed), the figure the nowcast is judged on. Intervals are
empirical quantiles of the log errors on the training cases (split-conformal style).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import minimize

from .features import Case

Array = NDArray[np.float64]
KNOTS = (-1.0, -0.3, 0.0, 0.3, 1.0)
LEVEL_OF = 0.8  # central coverage of the intervals
SMOOTH = 1e-4  # smoothing of |e| in the MAPE loss


@dataclass(frozen=True)
class Estimate:
    value: float
    lo: float
    hi: float


Predictor = Callable[[Case], Estimate]


def _gap(case: Case) -> float:
    if case.level > 0 and case.x > 0:
        return math.log(case.level) - math.log(case.wd_extrapolation)
    return math.nan


def _row(case: Case, vol_fill: float) -> list[float]:
    gap = _gap(case)
    has = 0.0 if math.isnan(gap) else 1.0
    g = 0.0 if math.isnan(gap) else gap
    hinge = [min(g, KNOTS[0]) - KNOTS[0]]
    hinge += [
        min(max(g, a), b) - min(max(0.0, a), b) for a, b in zip(KNOTS, KNOTS[1:], strict=False)
    ]
    hinge += [max(g, KNOTS[-1]) - KNOTS[-1]]
    vol = vol_fill if math.isnan(case.volatility) else case.volatility
    return [1.0, case.profile, *(h * has for h in hinge), max(-1.0, min(g, 1.0)) * vol]


def _design(cases: Sequence[Case], vol_fill: float) -> Array:
    return np.array([_row(c, vol_fill) for c in cases], dtype=float)


def _mape_fit(x: Array, target: Array) -> Array:
    """b minimising sum |exp(x·b - target) - 1| (smoothed): MAPE of exp(offset + x·b)."""

    def loss(b: Array) -> tuple[float, Array]:
        u = np.clip(x @ b - target, -30, 30)
        e = np.expm1(u)
        root = np.sqrt(e * e + SMOOTH)
        grad = x.T @ (e / root * np.exp(u))
        return float(root.sum()) / len(target), grad / len(target)

    result = minimize(loss, np.zeros(x.shape[1]), jac=True, method="L-BFGS-B")
    return np.asarray(result.x, dtype=float)


def _quantiles(pred: Sequence[float], actual: Sequence[float]) -> tuple[float, float]:
    """Quantiles of log(actual / predicted): the multiplicative 80% band of past errors."""
    logs = [math.log(a / p) for p, a in zip(pred, actual, strict=True) if p > 0 and a > 0]
    if len(logs) < 10:
        return -math.inf, math.inf
    tail = (1 - LEVEL_OF) / 2
    return float(np.quantile(logs, tail)), float(np.quantile(logs, 1 - tail))


def _estimate(value: float, band: tuple[float, float], floor: float) -> Estimate:
    value = max(value, floor)
    lo = max(value * math.exp(band[0]), floor) if value > 0 else 0.0
    hi = value * math.exp(band[1]) if value > 0 else 0.0
    return Estimate(value, lo, hi)


def fit_model(train: Sequence[Case]) -> Predictor:
    """Fit the pooled model on training cases of one cut (final figures known)."""
    usable = [c for c in train if c.y is not None and c.y > 0 and c.x > 0]
    vols = [c.volatility for c in usable if not math.isnan(c.volatility)]
    vol_fill = float(np.median(vols)) if vols else 0.5
    beta = np.zeros(len(_row(usable[0], vol_fill))) if usable else np.zeros(1)
    if usable:
        offset = np.log([c.wd_extrapolation for c in usable])
        target = np.log([c.y for c in usable if c.y is not None]) - offset
        beta = _mape_fit(_design(usable, vol_fill), target)
    zeros = [c for c in train if c.y is not None and c.y > 0 and c.x <= 0 and c.level > 0]
    ratios = [c.y / c.level for c in zeros if c.y is not None]
    zero_ratio = float(np.median(ratios)) if len(ratios) >= 5 else 0.5

    def point(case: Case) -> float:
        if case.x > 0 and usable:
            return (
                case.x
                * (case.total_days / case.elapsed_days)
                * math.exp(float(np.dot(_row(case, vol_fill), beta)))
            )
        if case.x > 0:
            return case.wd_extrapolation
        return zero_ratio * case.level if case.level > 0 else 0.0

    flows = [c for c in train if c.x > 0]
    band = _quantiles([point(c) for c in flows], [c.y or 0.0 for c in flows])
    zero_band = _quantiles([point(c) for c in zeros], [c.y or 0.0 for c in zeros])
    return lambda c: _estimate(point(c), band if c.x > 0 else zero_band, c.x)


def _fixed(point: Callable[[Case], float], train: Sequence[Case]) -> Predictor:
    """A rule with no parameters; its band comes from its own errors on earlier cases."""
    known = [c for c in train if c.y is not None]
    band = _quantiles([point(c) for c in known], [c.y or 0.0 for c in known])
    return lambda c: _estimate(point(c), band, c.x)


def fit_working_days(train: Sequence[Case]) -> Predictor:
    """Cumulative value x working days of the month / working days elapsed."""
    return _fixed(lambda c: c.wd_extrapolation, train)


def fit_last_year(train: Sequence[Case]) -> Predictor:
    """Cumulative value x (final / cumulative at the same cut) of the same month a year
    earlier; the working-day rule when that month has no genuine flash."""

    def point(c: Case) -> float:
        return c.x * c.last_year if math.isfinite(c.last_year) else c.wd_extrapolation

    return _fixed(point, train)


METHODS: dict[str, Callable[[Sequence[Case]], Predictor]] = {
    "model": fit_model,
    "working_days": fit_working_days,
    "last_year": fit_last_year,
}
