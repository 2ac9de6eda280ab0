"""Coefficients b of the rest-of-month factor exp(X·b), partially pooled over three levels.

    pool (all series)  →  item (all partners of one item_key)  →  series (item × partner)

Each level minimises the model's loss, the smoothed mean absolute percentage error of the
final, plus a ridge pull toward the level above, (pull / n)·|b − b_parent|² with n the level's
cases: the pull fades as the level's own history grows. A level with too few cases keeps its
parent's b. The item pull is fixed; the series pull is chosen by each fit on its own most recent
training months (HOLDOUT_MONTHS), from SERIES_PULLS, where inf means "no series level". So the
fit itself decides, from earlier months only, how far a series may leave its item.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import minimize

Array = NDArray[np.float64]
SeriesKey = tuple[str, str]
K = TypeVar("K", str, SeriesKey)
SMOOTH = 1e-4  # smoothing of |e| in the MAPE loss
ITEM_MIN = 12  # training cases an item needs for its own coefficients
ITEM_PULL = 2.0  # pseudo-cases (in squared-coefficient units) pulling an item to the pool
SERIES_MIN = 12  # training cases a series needs for its own coefficients
SERIES_PULLS = (3.0, 10.0, 30.0, math.inf)  # candidates; inf: the series keep their item's b
HOLDOUT_MONTHS = 12  # latest training months (at most half) the series pull is chosen on
HOLDOUT_MIN = 30  # held-out cases needed to choose
EARLIER_MIN = 6  # earlier months needed to choose
TOO_EARLY = math.inf  # the pull until then: no series level


def mape_fit(
    design: Array, x: Array, rest: Array, y: Array, prior: tuple[Array, float] | None = None
) -> Array:
    """b minimising the smoothed mean |x + rest·exp(design·b) - y| / y; with ``prior`` (b0, w),
    plus w·|b - b0|² (partial pooling toward b0)."""
    b0, w = prior if prior is not None else (np.zeros(design.shape[1]), 0.0)

    def loss(b: Array) -> tuple[float, Array]:
        grow = np.exp(np.clip(design @ b, -30, 30))
        e = (x + rest * grow - y) / y
        root = np.sqrt(e * e + SMOOTH)
        grad = design.T @ (e / root * rest * grow / y) / len(y) + 2 * w * (b - b0)
        return float(root.mean()) + w * float((b - b0) @ (b - b0)), grad

    result = minimize(loss, b0, jac=True, method="BFGS")
    return np.asarray(result.x, dtype=float)


@dataclass(frozen=True)
class Rows:
    """Training cases of one cut as arrays: design X, flash x, working-day rest, final y."""

    design: Array
    x: Array
    rest: Array
    y: Array
    series: list[SeriesKey]
    months: Array

    def subset(self, keep: NDArray[np.bool_]) -> Rows:
        index = np.flatnonzero(keep)
        return Rows(
            self.design[keep],
            self.x[keep],
            self.rest[keep],
            self.y[keep],
            [self.series[i] for i in index],
            self.months[keep],
        )

    def fit(self, keep: NDArray[np.bool_], prior: tuple[Array, float] | None = None) -> Array:
        d, x, r, y = self.design[keep], self.x[keep], self.rest[keep], self.y[keep]
        return mape_fit(d, x, r, y, prior)


@dataclass(frozen=True)
class Coefficients:
    """b per series: its own if it has one, else its item's, else the pool's."""

    pooled: Array
    items: dict[str, Array] = field(default_factory=dict)
    series: dict[SeriesKey, Array] = field(default_factory=dict)

    def __call__(self, key: SeriesKey) -> Array:
        return self.series.get(key, self.items.get(key[0], self.pooled))

    def fitted(self, rows: Rows) -> Array:
        """x + rest·exp(X·b) of each row, with the b of the row's series."""
        b = np.array([self(s) for s in rows.series], dtype=float)
        grow: Array = np.exp(np.sum(rows.design * b, axis=1))
        return rows.x + rows.rest * grow


def _refine(
    rows: Rows, groups: Sequence[K], parent: Callable[[K], Array], minimum: int, pull: float
) -> dict[K, Array]:
    """b per group with at least ``minimum`` cases, pulled toward its parent's b."""
    where: dict[K, list[int]] = {}
    for i, g in enumerate(groups):
        where.setdefault(g, []).append(i)
    fits: dict[K, Array] = {}
    for group, index in sorted(where.items()):
        if len(index) >= minimum:
            keep = np.zeros(len(groups), dtype=bool)
            keep[index] = True
            fits[group] = rows.fit(keep, (parent(group), pull / len(index)))
    return fits


def pool_and_items(rows: Rows) -> Coefficients:
    """The pooled b and the items' b pulled toward it (no series level)."""
    pooled = rows.fit(np.ones(len(rows.y), dtype=bool))
    items = [s[0] for s in rows.series]
    return Coefficients(pooled, _refine(rows, items, lambda _: pooled, ITEM_MIN, ITEM_PULL))


def with_series(rows: Rows, base: Coefficients, pull: float) -> Coefficients:
    """``base`` plus the series' b pulled toward their item's with ``pull`` (inf: none)."""
    if math.isinf(pull):
        return base
    series = _refine(rows, rows.series, base, SERIES_MIN, pull)
    return Coefficients(base.pooled, base.items, series)


def _holdout_mape(rows: Rows, coefficients: Coefficients) -> float:
    return float(np.mean(np.abs(coefficients.fitted(rows) - rows.y) / rows.y))


def choose_series_pull(rows: Rows) -> float:
    """The pull of SERIES_PULLS whose fit on the earlier training months predicts the latest
    HOLDOUT_MONTHS best (MAPE of the point before the series bias and MAPE shift); inf (no
    series level) while the history is too short to judge."""
    months = np.unique(rows.months)
    holdout = min(HOLDOUT_MONTHS, len(months) // 2)
    held = rows.months > rows.months.max() - holdout
    earlier = rows.subset(~held)
    if held.sum() < HOLDOUT_MIN or len(months) - holdout < EARLIER_MIN:
        return TOO_EARLY
    later = rows.subset(held)
    base = pool_and_items(earlier)
    scores = [_holdout_mape(later, with_series(earlier, base, p)) for p in SERIES_PULLS]
    return SERIES_PULLS[int(np.argmin(scores))]


def fit_coefficients(rows: Rows) -> Coefficients:
    """The three levels, with the series pull chosen on the latest training months."""
    return with_series(rows, pool_and_items(rows), choose_series_pull(rows))
