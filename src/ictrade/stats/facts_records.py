"""The records of a facts document: where a month's value ranks among the same series' earlier
months, the same calendar month of earlier years, earlier years to date and half years."""

from __future__ import annotations

import numpy as np

from ..months import Month
from .facts_doc import Record
from .facts_series import FlatSeries
from .history import rank_high, rank_low


def records(s: FlatSeries, t: int, labels: np.ndarray, *, gaps: bool = False) -> list[Record]:
    """``labels``: the cube's months as labels. ``gaps``: the history holds months left out
    (blank, compare_history.py): a month's record says the first month it compares with
    (``compared_from``) where that is not the data's first."""
    months: list[Month] = s.cube.months
    now = s.value[:, t]
    out = _records(s, now, s.value[:, :t], labels[:t], "month", "all_time", gaps)
    same = list(range(t - 12, -1, -12))[::-1]
    out += _records(s, now, s.value[:, same], labels[same], "month", "calendar_month", gaps)
    month = months[t]
    spans = [(k - month.month + 1, k) for k in range(t, -1, -12) if k - month.month + 1 >= 0]
    if len(spans) > 1:
        sums = np.stack([s.value[:, a : b + 1].sum(axis=1) for a, b in spans[::-1]], axis=1)
        years = np.array([str(months[b].year) for _, b in spans[::-1][:-1]], dtype=object)
        out += _records(s, sums[:, -1], sums[:, :-1], years, "ytd", "all_time")
    if month.month in (6, 12):
        halves = [(k - 5, k) for k in range(t, -1, -6) if k - 5 >= 0 and months[k].month in (6, 12)]
        if len(halves) > 1:
            sums = np.stack([s.value[:, a : b + 1].sum(axis=1) for a, b in halves[::-1]], axis=1)
            names = [
                f"{months[b].year}-H{1 if months[b].month == 6 else 2}"
                for _, b in halves[::-1][:-1]
            ]
            periods = np.array(names, dtype=object)
            out += _records(s, sums[:, -1], sums[:, :-1], periods, "half_year", "all_time")
    return out


def _records(
    s: FlatSeries,
    current: np.ndarray,
    history: np.ndarray,
    labels: np.ndarray,
    scope: str,
    kind: str,
    gaps: bool = False,
) -> list[Record]:
    """Rank-1..3 highs and lows of ``current`` [series] against ``history`` [series, n]
    (``labels``: its periods), a series' high before its low."""
    if history.shape[1] == 0:
        return []
    highs, lows = rank_high(history, current), rank_low(history, current)
    counts = np.count_nonzero(~np.isnan(history), axis=1)
    # a record against no earlier figure (all blanked as incomplete) is no record
    chosen = (current != 0) & np.isfinite(current) & (counts > 0)
    high = np.flatnonzero(chosen & (highs <= 3))
    low = np.flatnonzero(chosen & (lows <= 3) & (~s.trade | (current > 0)))
    # the entries in the order they are listed (by series, a high before a low), one column
    # each: a low's period and previous record are not read
    order = np.argsort(np.concatenate([2 * high, 2 * low + 1]), kind="stable")
    rows = np.concatenate([high, low])[order]
    is_low = (order >= len(high)).tolist()
    ranks = np.concatenate([highs[high], lows[low]])[order].tolist()
    best = np.argmax(np.where(np.isnan(history[rows]), -np.inf, history[rows]), axis=1)
    periods, best_usd = labels[best].tolist(), history[rows, best].tolist()
    columns = zip(
        *s.key_columns(rows), counts[rows].tolist(), ranks, is_low, periods, best_usd,
        strict=False,  # columns of one length (facts_entries.py)
    )  # fmt: skip
    high_kind, low_kind = kind + "_high", kind + "_low"
    out: list[Record] = [
        {
            "flow": flow,
            "item": item,
            "region": region,
            "scope": scope,
            "kind": low_kind,
            "periods_compared": compared,
            "rank": rank,
        }
        if lowest
        else {
            "flow": flow,
            "item": item,
            "region": region,
            "scope": scope,
            "kind": high_kind,
            "periods_compared": compared,
            "rank": rank,
            "previous_record_period": period,
            "previous_record_usd": usd,
        }
        for flow, item, region, compared, rank, lowest, period, usd in columns
    ]
    if scope == "month":  # a month's high names its month again under the older key
        for record, lowest, period in zip(out, is_low, periods, strict=False):
            if not lowest:
                record["previous_record_month"] = period
    if gaps and scope == "month":
        # the first month compared, where earlier ones are left out (they hold other goods)
        first = np.argmax(np.isfinite(history[rows]), axis=1)
        moved = np.flatnonzero(first)
        for k, label in zip(moved.tolist(), labels[first[moved]].tolist(), strict=True):
            out[k]["compared_from"] = label
    return out
