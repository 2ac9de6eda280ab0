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
    if t < 0:
        return np.zeros(condition.shape[0], dtype=int)
    broken = ~condition[:, t::-1]  # months t, t - 1, ... 0
    # the first month back that breaks the run; a run through every month is t + 1 long
    return np.where(broken.any(axis=1), np.argmax(broken, axis=1), t + 1)


def rank_high(history: np.ndarray, current: np.ndarray) -> np.ndarray:
    """1 + how many values of ``history`` [series, n] exceed ``current`` [series] (a nan is
    neither above nor below anything)."""
    return np.asarray(1 + np.sum(history > current[:, None], axis=1))


def rank_low(history: np.ndarray, current: np.ndarray) -> np.ndarray:
    return np.asarray(1 + np.sum(history < current[:, None], axis=1))
