"""The facts document's entries as they were computed series by series (before
facts_entries.py, facts_records.py and compare_history.py worked on whole arrays): the
reference tests/test_facts_entries.py holds the array code to, on cubes of its own."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TypedDict

import numpy as np

from ictrade.classify import taxonomy
from ictrade.months import Month
from ictrade.stats.comparable import Comparability
from ictrade.stats.cube import FLOWS, SERIES_FLOWS, Cube
from ictrade.stats.facts import coverage
from ictrade.stats.facts_doc import Cell, Coverage, Record, Streak, Turn, Ytd
from ictrade.stats.facts_series import held_mask
from ictrade.stats.history import rank_high, rank_low, run_lengths, yoy_pct


def entries(cube: Cube, t: int) -> dict:
    """The entries of month ``t``'s facts document, as facts_from_cube wrote them."""
    s = FlatSeries(cube)
    if cube.comparable is not None:
        s.value = s.value.copy()
        mask_history(s.value, s.keys, cube.comparable, t)
    covered = coverage(cube, t)
    out = {
        "cells": cells(s, t, covered),
        "streaks": streaks(s, t, cube.months, 12),
        "turns": turns(s, t),
        "records": records(s, t, cube.months),
        "ytd": ytd(s, t, cube.months, covered),
    }
    if cube.comparable is not None:
        mark_history_start(out["streaks"], out["records"], s, cube.months, t)
    return out


THRESHOLDS_BN = (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 15, 20, 25, 30)


class _Threshold(TypedDict, total=False):
    threshold_usd: float  # only on 'above_threshold' streaks


class FlatSeries:
    """The cube flattened to [series, t] with a key per series, balance included."""

    def __init__(self, cube: Cube) -> None:
        balance = cube.value[0] - cube.value[1]
        balance_prior = cube.prior[0] - cube.prior[1]
        value = np.concatenate([cube.value, balance[None]], axis=0)
        prior = np.concatenate([cube.prior, balance_prior[None]], axis=0)
        n_f, n_i, n_r, n_t = value.shape
        self.keys = [(f, i, r) for f in SERIES_FLOWS for i in cube.items for r in cube.regions]
        self.value = value.reshape(n_f * n_i * n_r, n_t)
        self.prior = prior.reshape(n_f * n_i * n_r, n_t)
        self.yoy = yoy_pct(self.value, self.prior)
        self.shape: tuple[int, int, int] = (int(n_f), int(n_i), int(n_r))
        self.cube = cube
        estimated = np.zeros_like(cube.value) if cube.estimated is None else cube.estimated
        none = np.full_like(balance, np.nan)[None]  # a balance is not a sum of lines
        self.estimated = np.concatenate([estimated, none], axis=0).reshape(n_f * n_i * n_r, n_t)
        self.trade = np.repeat(np.array([f != "balance" for f in SERIES_FLOWS]), n_i * n_r)


def _nums(values: np.ndarray) -> list[float | None]:
    """Each value as a Python float; None where not finite (JSON has no nan)."""
    return [x if math.isfinite(x) else None for x in values.tolist()]


def cells(s: FlatSeries, t: int, covered: Coverage) -> list[Cell]:
    tax = taxonomy(s.cube.scheme)
    items = s.cube.items
    value, prior = s.value[:, t], s.prior[:, t]
    grid, prior_grid = value.reshape(s.shape), prior.reshape(s.shape)
    # a total the data do not give (only some items): zero where a child is not
    children_held = np.zeros(s.shape, dtype=bool)
    for i, item in enumerate(items):
        children = [items.index(c) for c in tax.children.get(item, [])]
        if children:
            children_held[:, i, :] = (grid[:, children, :] != 0).any(axis=1)
    prior_held = np.isfinite(prior) & (prior != 0)
    keep = np.isfinite(value) & ((value != 0) | prior_held) & held_mask(s, covered)
    keep &= ~((value == 0) & children_held.ravel())
    total = np.broadcast_to(grid[:, [items.index("total")], :], s.shape).ravel()
    w = s.cube.regions.index("world")
    world = np.broadcast_to(grid[:, :, [w]], s.shape).ravel()
    parents = [items.index(tax.by_id[item].parent or item) for item in items]
    parent_prior = prior_grid[:, parents, :].ravel()
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(total != 0, value / total * 100, np.nan)
        share_of_world = np.where(world != 0, value / world * 100, np.nan)
        contribution = np.where(parent_prior > 0, (value - prior) / parent_prior * 100, np.nan)
        estimated = np.where(value != 0, s.estimated[:, t] / value * 100, np.nan)
    values, priors, yoys = value.tolist(), _nums(prior), _nums(s.yoy[:, t])
    shares, world_shares = _nums(share), _nums(share_of_world)
    contributions, estimates = _nums(contribution), _nums(estimated)
    out: list[Cell] = []
    for n in np.nonzero(keep)[0].tolist():
        flow, item, region = s.keys[n]
        trade = flow != "balance"
        out.append(
            {
                "flow": flow,
                "item": item,
                "region": region,
                "value_usd": values[n],
                "prev_year_value_usd": priors[n],
                "yoy_pct": yoys[n],
                "share_pct": shares[n] if trade else None,
                "share_of_world_pct": world_shares[n] if trade else None,
                "contribution_pp": contributions[n] if trade else None,
                "estimated_pct": estimates[n],
            }
        )
    return out


def streaks(s: FlatSeries, t: int, months: list[Month], data_start_t: int) -> list[Streak]:
    out: list[Streak] = []
    labels = [str(m) for m in months]
    kinds: dict[str, Callable[[np.ndarray], np.ndarray]] = {
        "yoy_growth": lambda yoy: yoy > 0,
        "yoy_decline": lambda yoy: yoy < 0,
        "yoy_double_digit_growth": lambda yoy: yoy >= 10,
        "yoy_double_digit_decline": lambda yoy: yoy <= -10,
    }
    for kind, test in kinds.items():
        rows, runs = _long_runs(s.yoy, test, t, s.trade)
        out += _runs_to_streaks(s, rows, runs, t, labels, data_start_t, kind, {})
    for bn in THRESHOLDS_BN:
        rows, runs = _long_runs(s.value, _above(bn * 1e9), t, s.trade)
        threshold: _Threshold = {"threshold_usd": bn * 1e9}
        out += _runs_to_streaks(s, rows, runs, t, labels, 0, "above_threshold", threshold)
    return out


def _above(bar: float) -> Callable[[np.ndarray], np.ndarray]:
    return lambda value: value > bar


def _long_runs(
    data: np.ndarray, test: Callable[[np.ndarray], np.ndarray], t: int, among: np.ndarray
) -> tuple[list[int], list[int]]:
    """The rows (of ``among``) where ``test`` holds on ``data`` at t and t - 1, and how many
    months up to t it holds in a row (the history is read for those rows only)."""
    if t < 1:
        return [], []
    with np.errstate(invalid="ignore"):
        rows = np.nonzero(among & test(data[:, t]) & test(data[:, t - 1]))[0]
        runs = run_lengths(test(data[rows, : t + 1]), t)
    return rows.tolist(), runs.tolist()


def _runs_to_streaks(
    s: FlatSeries,
    rows: list[int],
    runs: list[int],
    t: int,
    labels: list[str],
    start_t: int,
    kind: str,
    threshold: _Threshold,
) -> list[Streak]:
    out: list[Streak] = []
    for n, months in zip(rows, runs, strict=True):
        flow, item, region = s.keys[n]
        since = t - months + 1
        out.append(
            {
                "flow": flow,
                "item": item,
                "region": region,
                "kind": kind,
                **threshold,
                "months": months,
                "since": labels[since],
                "from_data_start": since <= start_t,
            }
        )
    return out


def turns(s: FlatSeries, t: int) -> list[Turn]:
    if t < 1:
        return []
    out: list[Turn] = []
    growth, decline = s.yoy[:, : t + 1] > 0, s.yoy[:, : t + 1] < 0
    for kind, now, before in (
        ("growth_after_decline", growth, decline),
        ("decline_after_growth", decline, growth),
    ):
        rows = np.nonzero(now[:, t] & before[:, t - 1] & s.trade)[0]
        runs = run_lengths(before[rows], t - 1).tolist()
        for n, previous in zip(rows.tolist(), runs, strict=True):
            flow, item, region = s.keys[n]
            turn: Turn = {
                "flow": flow,
                "item": item,
                "region": region,
                "kind": kind,
                "previous_months": previous,
            }
            out.append(turn)
    return out


def _record_facts(
    s: FlatSeries,
    current: np.ndarray,
    history: np.ndarray,
    labels: list[str],
    scope: str,
    kind: str,
) -> list[Record]:
    """Rank-1..3 highs and lows of ``current`` [series] against ``history`` [series, n]."""
    if history.shape[1] == 0:
        return []
    out: list[Record] = []
    highs, lows = rank_high(history, current), rank_low(history, current)
    best = np.argmax(np.nan_to_num(history, nan=-np.inf), axis=1)
    best_usd = history[np.arange(len(best)), best].tolist()
    counts = np.sum(~np.isnan(history), axis=1)
    compared = counts.tolist()
    high, low = (highs <= 3).tolist(), (lows <= 3).tolist()
    positive = (current > 0).tolist()
    # a record against no earlier figure (all blanked as incomplete) is no record
    chosen = ((highs <= 3) | (lows <= 3)) & (current != 0) & np.isfinite(current)
    chosen &= counts > 0
    high_kind, low_kind, periods = kind + "_high", kind + "_low", best.tolist()
    high_ranks, low_ranks = highs.tolist(), lows.tolist()
    for n in np.nonzero(chosen)[0].tolist():
        flow, item, region = s.keys[n]
        if high[n]:
            period = labels[periods[n]]
            record: Record = {
                "flow": flow,
                "item": item,
                "region": region,
                "scope": scope,
                "kind": high_kind,
                "periods_compared": compared[n],
                "rank": high_ranks[n],
                "previous_record_period": period,
                "previous_record_usd": best_usd[n],
            }
            if scope == "month":
                record["previous_record_month"] = period
            out.append(record)
        if low[n] and (flow == "balance" or positive[n]):
            out.append(
                {
                    "flow": flow,
                    "item": item,
                    "region": region,
                    "scope": scope,
                    "kind": low_kind,
                    "periods_compared": compared[n],
                    "rank": low_ranks[n],
                }
            )
    return out


def records(s: FlatSeries, t: int, months: list[Month]) -> list[Record]:
    labels = [str(m) for m in months]
    out = _record_facts(s, s.value[:, t], s.value[:, :t], labels[:t], "month", "all_time")
    same = list(range(t - 12, -1, -12))[::-1]
    out += _record_facts(
        s, s.value[:, t], s.value[:, same], [labels[k] for k in same], "month", "calendar_month"
    )
    month = months[t]
    spans = [(k - month.month + 1, k) for k in range(t, -1, -12) if k - month.month + 1 >= 0]
    if len(spans) > 1:
        sums = np.stack([s.value[:, a : b + 1].sum(axis=1) for a, b in spans[::-1]], axis=1)
        years = [str(months[b].year) for _, b in spans[::-1][:-1]]
        out += _record_facts(s, sums[:, -1], sums[:, :-1], years, "ytd", "all_time")
    if month.month in (6, 12):
        halves = [(k - 5, k) for k in range(t, -1, -6) if k - 5 >= 0 and months[k].month in (6, 12)]
        if len(halves) > 1:
            sums = np.stack([s.value[:, a : b + 1].sum(axis=1) for a, b in halves[::-1]], axis=1)
            names = [
                f"{months[b].year}-H{1 if months[b].month == 6 else 2}"
                for _, b in halves[::-1][:-1]
            ]
            out += _record_facts(s, sums[:, -1], sums[:, :-1], names, "half_year", "all_time")
    return out


def ytd(s: FlatSeries, t: int, months: list[Month], covered: Coverage) -> list[Ytd]:
    month = months[t]
    start = t - month.month + 1
    if start < 0:
        return []
    value = s.value[:, start : t + 1].sum(axis=1)
    prior = s.prior[:, start : t + 1].sum(axis=1)
    yoy = yoy_pct(value, prior)
    values, priors, yoys = value.tolist(), _nums(prior), _nums(yoy)
    frm, to = str(months[start]), str(month)
    out: list[Ytd] = []
    chosen = (value != 0) & np.isfinite(value) & held_mask(s, covered)
    for n in np.nonzero(chosen)[0].tolist():
        flow, item, region = s.keys[n]
        out.append(
            {
                "flow": flow,
                "item": item,
                "region": region,
                "from": frm,
                "to": to,
                "value_usd": values[n],
                "prev_year_value_usd": priors[n],
                "yoy_pct": yoys[n],
            }
        )
    return out


def mask_history(
    value: np.ndarray, keys: list[tuple[str, str, str]], comp: Comparability, t: int
) -> None:
    """Blank in ``value`` [series, t'] the months that do not compare with month ``t``."""
    by: dict[tuple[str, str], np.ndarray] = {}
    for n, (flow, _, region) in enumerate(keys):
        key = (flow, "world" if region == "world" else "regions")
        if key not in by:
            flows = [0, 1] if flow == "balance" else [FLOWS.index(flow)]
            by[key] = ~comp.with_month(flows, region, t)
            by[key][t] = False
        value[n, by[key]] = np.nan


def mark_history_start(
    facts_streaks: list[Streak],
    facts_records: list[Record],
    s: FlatSeries,
    months: list[Month],
    t: int,
) -> None:
    """Say where the comparable history of a streak or record begins: a streak that starts
    right after a month that does not compare runs "as far back as the data go"; a record
    compares from its series' first comparable month (``compared_from``), and one compared
    with no month is dropped."""
    labels = [str(m) for m in months]
    at = {label: k for k, label in enumerate(labels)}
    row = {key: n for n, key in enumerate(s.keys)}
    for streak in facts_streaks:
        n = row[(streak["flow"], streak["item"], streak["region"])]
        k = at[streak["since"]] - 1
        before = s.value if streak["kind"] == "above_threshold" else s.prior
        if k < 0 or not np.isfinite(before[n, k]):
            streak["from_data_start"] = True
    facts_records[:] = [r for r in facts_records if r["periods_compared"]]
    # each series' first month with a value among those a record compares with (the months
    # before t, or the same calendar month of earlier years), and the first of those months
    finite = np.isfinite(s.value[:, :t])
    starts: dict[int, tuple[int, np.ndarray, np.ndarray]] = {}
    for step in (1, 12):
        start = t % step
        compared = finite[:, start::step]
        if compared.shape[1]:
            starts[step] = (start, compared.any(axis=1), start + step * compared.argmax(axis=1))
    for record in facts_records:
        step = 12 if record["kind"].startswith("calendar_month") else 1
        if record["scope"] != "month" or step not in starts:
            continue
        n = row[(record["flow"], record["item"], record["region"])]
        start, held, first = starts[step]
        if held[n] and first[n] != start:  # earlier months left out: they hold other goods
            record["compared_from"] = labels[int(first[n])]
