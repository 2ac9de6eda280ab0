"""Statements over the history of a series: runs (streaks), turns and ranks (records).

Everything works on whole arrays of series at once: ``[series, t]``.
"""

from __future__ import annotations

import numpy as np


def yoy_pct(value: np.ndarray, prior: np.ndarray) -> np.ndarray:
    """Year-on-year change in percent; nan where the prior year is missing or not positive."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(prior > 0, (value / prior - 1.0) * 100.0, np.nan)


def run_lengths(condition: np.ndarray, t: int) -> np.ndarray:
    """For each row, how many consecutive months up to and including t satisfy ``condition``."""
    run = np.zeros(condition.shape[0], dtype=int)
    alive = np.ones(condition.shape[0], dtype=bool)
    for k in range(t, -1, -1):
        alive &= condition[:, k]
        if not alive.any():
            break
        run += alive
    return run


def rank_high(history: np.ndarray, current: np.ndarray) -> np.ndarray:
    """1 + how many values of ``history`` [series, n] exceed ``current`` [series]."""
    return np.asarray(1 + np.sum(np.nan_to_num(history, nan=-np.inf) > current[:, None], axis=1))


def rank_low(history: np.ndarray, current: np.ndarray) -> np.ndarray:
    return np.asarray(1 + np.sum(np.nan_to_num(history, nan=np.inf) < current[:, None], axis=1))
