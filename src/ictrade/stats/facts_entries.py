"""The entries of a facts document (cells, streaks, turns, records, year to date), computed
from the cube over all its series at once. Each is built as the TypedDict of facts_doc.py that
describes it, so mypy checks the writer as it checks the readers."""

from __future__ import annotations

import math
from typing import SupportsIndex, TypedDict

import numpy as np

from ..classify import taxonomy
from ..months import Month
from .cube import FLOWS, SERIES_FLOWS, Cube
from .facts_doc import Cell, Coverage, Record, Streak, Turn, Ytd
from .history import rank_high, rank_low, run_lengths, yoy_pct

THRESHOLDS_BN = (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 15, 20, 25, 30)


class _Key(TypedDict):
    """The series an entry speaks of: the first keys of every entry."""

    flow: str
    item: str
    region: str


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

    def index(self, flow: str, item: str, region: str) -> int:
        n_f, n_i, n_r = self.shape
        return (
            SERIES_FLOWS.index(flow) * n_i + self.cube.items.index(item)
        ) * n_r + self.cube.regions.index(region)

    def key(self, n: SupportsIndex) -> _Key:
        flow, item, region = self.keys[n]
        return {"flow": flow, "item": item, "region": region}


def _held(flow: str, region: str, covered: Coverage) -> bool:
    """Whether the month's data hold ``flow`` for ``region`` at all (balance: both flows): a
    store without import lines, or without partner lines, says nothing of them, not zero."""
    flows = FLOWS if flow == "balance" else (flow,)
    if any(f not in covered["flows"] for f in flows):
        return False
    shares = covered["partner_share_pct"]
    return region == "world" or all(shares.get(f, 100.0) > 0 for f in flows)


def _held_mask(s: FlatSeries, covered: Coverage) -> np.ndarray:
    """[series]: ``_held`` of each series' flow and region."""
    held = np.array([[_held(f, r, covered) for r in s.cube.regions] for f in SERIES_FLOWS])
    return np.broadcast_to(held[:, None, :], s.shape).ravel()


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
    keep = np.isfinite(value) & ((value != 0) | prior_held) & _held_mask(s, covered)
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
    trade = s.trade
    with np.errstate(invalid="ignore"):
        kinds = {
            "yoy_growth": s.yoy > 0,
            "yoy_decline": s.yoy < 0,
            "yoy_double_digit_growth": s.yoy >= 10,
            "yoy_double_digit_decline": s.yoy <= -10,
        }
    for kind, condition in kinds.items():
        runs = run_lengths(condition & trade[:, None], t)
        out += _runs_to_streaks(s, runs, t, months, data_start_t, kind, {})
    for bn in THRESHOLDS_BN:
        above = (s.value > bn * 1e9) & trade[:, None]
        runs = run_lengths(above, t)
        threshold: _Threshold = {"threshold_usd": bn * 1e9}
        out += _runs_to_streaks(s, runs, t, months, 0, "above_threshold", threshold)
    return out


def _runs_to_streaks(
    s: FlatSeries,
    runs: np.ndarray,
    t: int,
    months: list[Month],
    start_t: int,
    kind: str,
    threshold: _Threshold,
) -> list[Streak]:
    out: list[Streak] = []
    lengths = runs.tolist()
    for n in np.nonzero(runs >= 2)[0].tolist():
        flow, item, region = s.keys[n]
        since = t - lengths[n] + 1
        out.append(
            {
                "flow": flow,
                "item": item,
                "region": region,
                "kind": kind,
                **threshold,
                "months": lengths[n],
                "since": str(months[since]),
                "from_data_start": since <= start_t,
            }
        )
    return out


def turns(s: FlatSeries, t: int) -> list[Turn]:
    if t < 1:
        return []
    out: list[Turn] = []
    growth, decline = s.yoy > 0, s.yoy < 0
    for kind, now, before in (
        ("growth_after_decline", growth, decline),
        ("decline_after_growth", decline, growth),
    ):
        runs = run_lengths(before, t - 1)
        for n in np.nonzero(now[:, t] & (runs > 0))[0]:
            if s.keys[n][0] == "balance":
                continue
            out.append({**s.key(n), "kind": kind, "previous_months": int(runs[n])})
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
    for n in np.nonzero(chosen)[0].tolist():
        if high[n]:
            record = _record(s.keys[n], scope, kind + "_high", compared[n], int(highs[n]))
            period = labels[int(best[n])]
            record["previous_record_period"] = period
            record["previous_record_usd"] = best_usd[n]
            if scope == "month":
                record["previous_record_month"] = period
            out.append(record)
        if low[n] and (s.keys[n][0] == "balance" or positive[n]):
            out.append(_record(s.keys[n], scope, kind + "_low", compared[n], int(lows[n])))
    return out


def _record(key: tuple[str, str, str], scope: str, kind: str, compared: int, rank: int) -> Record:
    flow, item, region = key
    return {
        "flow": flow,
        "item": item,
        "region": region,
        "scope": scope,
        "kind": kind,
        "periods_compared": compared,
        "rank": rank,
    }


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
    chosen = (value != 0) & np.isfinite(value) & _held_mask(s, covered)
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
