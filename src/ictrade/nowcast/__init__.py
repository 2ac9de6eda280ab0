"""Nowcasts of the month's exports from the 10- and 20-day customs flash figures."""

from __future__ import annotations

from .engine import Nowcast, backtest, nowcast_estimates, nowcast_file, nowcasts, run_backtest

__all__ = [
    "Nowcast",
    "backtest",
    "nowcast_estimates",
    "nowcast_file",
    "nowcasts",
    "run_backtest",
]
