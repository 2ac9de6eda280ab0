"""The cube as the entries of a facts document read it: every series (flow, item, region) a
row of one [series, t] array, balance included; and the columns entries are written from."""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from ..months import Month
from .cube import FLOWS, SERIES_FLOWS, Cube
from .facts_doc import Coverage
from .history import yoy_pct


@lru_cache(maxsize=16)
def _keys(items: tuple[str, ...], regions: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray]:
    """Each series' flow, item and region as a [series, 3] object array (to pick the keys of
    many series at once), and whether it is of a trade flow (not a balance). Kept: every cube
    of a store has the same items and regions."""
    keys = [(f, i, r) for f in SERIES_FLOWS for i in items for r in regions]
    columns = np.empty((len(keys), 3), dtype=object)
    columns[:] = keys
    trade = np.repeat(np.array([f != "balance" for f in SERIES_FLOWS]), len(items) * len(regions))
    return columns, trade


class FlatSeries:
    """The cube flattened to [series, t] with a key per series, balance included."""

    def __init__(self, cube: Cube) -> None:
        balance = cube.value[0] - cube.value[1]
        balance_prior = cube.prior[0] - cube.prior[1]
        value = np.concatenate([cube.value, balance[None]], axis=0)
        prior = np.concatenate([cube.prior, balance_prior[None]], axis=0)
        n_f, n_i, n_r, n_t = value.shape
        self._columns, self.trade = _keys(tuple(cube.items), tuple(cube.regions))
        self.value = value.reshape(n_f * n_i * n_r, n_t)
        self.prior = prior.reshape(n_f * n_i * n_r, n_t)
        self.yoy = yoy_pct(self.value, self.prior)
        self.shape: tuple[int, int, int] = (int(n_f), int(n_i), int(n_r))
        self.cube = cube

    def estimated(self, t: int) -> np.ndarray:
        """[series] the part of month t's values resting on estimated splits (cube.py)."""
        cube = self.cube
        at = np.zeros(cube.value.shape[:-1]) if cube.estimated is None else cube.estimated[..., t]
        none = np.full((1, *at.shape[1:]), np.nan)  # a balance is not a sum of lines
        return np.concatenate([at, none], axis=0).ravel()

    def key_columns(self, rows: np.ndarray) -> tuple[list[str], list[str], list[str]]:
        """The flows, items and regions of ``rows``, as lists to write entries from."""
        picked = self._columns[rows]
        return picked[:, 0].tolist(), picked[:, 1].tolist(), picked[:, 2].tolist()


def labels(months: list[Month]) -> np.ndarray:
    """Each month as an entry names it ('YYYY-MM'), to pick many at once."""
    out = np.empty(len(months), dtype=object)
    out[:] = [str(m) for m in months]
    return out


def nums(values: np.ndarray) -> list[float | None]:
    """Each value as a Python float; None where not finite (JSON has no nan)."""
    out: list[float | None] = values.tolist()
    for k in np.flatnonzero(~np.isfinite(values)).tolist():
        out[k] = None
    return out


def _held(flow: str, region: str, covered: Coverage) -> bool:
    """Whether the month's data hold ``flow`` for ``region`` at all (balance: both flows): a
    store without import lines, or without partner lines, says nothing of them, not zero."""
    flows = FLOWS if flow == "balance" else (flow,)
    if any(f not in covered["flows"] for f in flows):
        return False
    shares = covered["partner_share_pct"]
    return region == "world" or all(shares.get(f, 100.0) > 0 for f in flows)


def held_mask(s: FlatSeries, covered: Coverage) -> np.ndarray:
    """[series]: ``_held`` of each series' flow and region."""
    regions = s.cube.regions
    held = np.array([[_held(f, r, covered) for r in regions] for f in SERIES_FLOWS])
    return np.broadcast_to(held[:, None, :], s.shape).ravel()
