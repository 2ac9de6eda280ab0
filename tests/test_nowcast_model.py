"""The nowcast model's pieces: item coefficients pulled toward the pool, a robust spread."""

from __future__ import annotations

import numpy as np

from ictrade.nowcast import model


def _item_cases(n: int, slope: float, rng: np.random.Generator) -> tuple[np.ndarray, ...]:
    """Cases whose rest of the month grows as exp(slope * feature), with a little noise."""
    feature = rng.normal(size=n)
    design = np.column_stack([np.ones(n), feature])
    x = np.full(n, 100.0)
    rest = np.full(n, 50.0)
    y = x + rest * np.exp(slope * feature) * np.exp(rng.normal(scale=0.02, size=n))
    return design, x, rest, y


Fits = dict[str, np.ndarray]


def _fit_items(sizes: dict[str, int], slope: float) -> tuple[Fits, Fits]:
    rng = np.random.default_rng(1)
    parts = {name: _item_cases(n, slope, rng) for name, n in sizes.items()}
    stacked = [np.concatenate([p[i] for p in parts.values()]) for i in range(4)]
    items = [name for name, n in sizes.items() for _ in range(n)]
    fits = model._item_fits(*stacked, items, np.zeros(2))
    return fits, {name: model._mape_fit(*p) for name, p in parts.items()}


def test_an_item_with_history_gets_its_own_coefficients_pulled_toward_the_pool() -> None:
    fits, alone = _fit_items({"short": 20, "long": 400, "tiny": model.ITEM_MIN - 1}, 0.5)
    assert "tiny" not in fits  # too little history: the pooled coefficients
    assert 0 < fits["short"][1] < alone["short"][1] - 0.02  # visibly pulled toward the pool's 0
    assert abs(fits["long"][1] - alone["long"][1]) < 0.01  # the pull fades with history
    assert abs(alone["long"][1] - 0.5) < 0.05


def test_spread_ignores_a_few_wild_months() -> None:
    body = list(np.random.default_rng(2).normal(scale=0.1, size=40))
    wild = body + [1.0, -1.0]
    assert abs(model._spread(body) - 0.01) < 0.005
    assert model._spread(wild) < 2 * model._spread(body) < np.var(wild)
