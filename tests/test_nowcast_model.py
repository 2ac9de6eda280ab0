"""The nowcast model's pieces: coefficients pooled over pool, item and series; a robust spread."""

from __future__ import annotations

import math

import numpy as np

from ictrade.nowcast import model, pooling
from ictrade.nowcast.pooling import Rows


def _cases(n: int, slope: float, rng: np.random.Generator) -> tuple[np.ndarray, ...]:
    """Cases whose rest of the month grows as exp(slope * feature), with a little noise."""
    feature = rng.normal(size=n)
    design = np.column_stack([np.ones(n), feature])
    x = np.full(n, 100.0)
    rest = np.full(n, 50.0)
    y = x + rest * np.exp(slope * feature) * np.exp(rng.normal(scale=0.02, size=n))
    return design, x, rest, y


def _rows(sizes: dict[tuple[str, str], tuple[int, float]], seed: int = 1) -> Rows:
    """Stacked cases of several series, each (n cases, slope), one case per month."""
    rng = np.random.default_rng(seed)
    parts = [_cases(n, slope, rng) for n, slope in sizes.values()]
    stacked = [np.concatenate([p[i] for p in parts]) for i in range(4)]
    keys = [key for key, (n, _) in sizes.items() for _ in range(n)]
    months = np.concatenate([np.arange(n, dtype=float) for n, _ in sizes.values()])
    return Rows(*stacked, keys, months)


def test_an_item_with_history_gets_its_own_coefficients_pulled_toward_the_pool() -> None:
    sizes = {"short": (20, 1.0), "long": (400, 1.0), "big": (600, 0.0)}
    sizes["tiny"] = (pooling.ITEM_MIN - 1, 1.0)
    rows = _rows({(name, "US"): v for name, v in sizes.items()})
    fits = pooling.pool_and_items(rows)
    alone = pooling.mape_fit(*_cases(20, 1.0, np.random.default_rng(1)))
    assert fits.pooled[1] < 0.5  # the pool leans to the biggest item
    assert "tiny" not in fits.items  # too little history: the pooled coefficients
    assert np.array_equal(fits(("tiny", "US")), fits.pooled)
    assert fits.pooled[1] < fits.items["short"][1] < alone[1] - 0.02  # pulled toward the pool
    assert abs(fits.items["long"][1] - 1.0) < 0.03  # the pull fades with history
    assert abs(fits.items["big"][1]) < 0.03


def test_a_series_that_leaves_its_item_gets_its_own_coefficients() -> None:
    rows = _rows(
        {("ramen", "US"): (60, 0.8), ("ramen", "CN"): (60, -0.8), ("ramen", "JP"): (5, 0.0)}
    )
    base = pooling.pool_and_items(rows)
    fits = pooling.with_series(rows, base, 3.0)
    assert fits(("ramen", "US"))[1] > 0.6 and fits(("ramen", "CN"))[1] < -0.6
    assert ("ramen", "JP") not in fits.series  # too few cases: the item's coefficients
    assert np.array_equal(fits(("ramen", "JP")), base.items["ramen"])
    assert pooling.with_series(rows, base, math.inf) is base


def test_the_series_pull_is_chosen_on_the_latest_training_months() -> None:
    apart = _rows(
        {("ramen", "US"): (48, 0.8), ("ramen", "CN"): (48, -0.8), ("ramen", "VN"): (48, 0.8)}
    )
    assert math.isfinite(pooling.choose_series_pull(apart))  # the series differ: a series level
    alike = _rows({("ramen", p): (48, 0.3) for p in ("US", "CN", "VN")}, seed=4)
    assert pooling.choose_series_pull(alike) >= 10.0  # they agree: keep them close to the item
    short = _rows({("ramen", "US"): (8, 0.8), ("ramen", "CN"): (8, -0.8)})
    assert pooling.choose_series_pull(short) == pooling.TOO_EARLY


def test_spread_ignores_a_few_wild_months() -> None:
    body = list(np.random.default_rng(2).normal(scale=0.1, size=40))
    wild = body + [1.0, -1.0]
    assert abs(model._spread(body) - 0.01) < 0.005
    assert model._spread(wild) < 2 * model._spread(body) < np.var(wild)
