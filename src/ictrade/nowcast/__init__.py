"""Nowcasts of the month's exports from the 10- and 20-day customs flash figures."""

from __future__ import annotations

from .engine import backtest, nowcast_file, run_backtest

__all__ = ["backtest", "nowcast_file", "run_backtest"]
