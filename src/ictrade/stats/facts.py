"""The facts document (``ictrade.facts/1``, docs/facts.md) for one month.

Every number a release prints comes from here. Values stay unrounded; rounding happens only
when text is printed.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from typing import Any, Final, cast

import numpy as np

from ..classify import taxonomy
from ..errors import NoDataError
from ..months import Month
from ..store.coverage import check_month_held, published_after
from ..store.query import (
    data_span_hint,
    latest_vintage,
    publication_date,
    sources,
)
from ..store.schema import DEFAULT_REPORTER
from ..store.store import Store
from .cube import FLOWS, SERIES_FLOWS, Cube, load_cube
from .facts_doc import Coverage, Facts
from .history import rank_high, rank_low, run_lengths, yoy_pct

SCHEMA: Final = "ictrade.facts/1"
THRESHOLDS_BN = (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 15, 20, 25, 30)

_Part = dict[str, Any]  # an entry of the document while it is built


def _num(x: float) -> float | None:
    return None if x is None or not math.isfinite(x) else float(x)


class _Series:
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

    def index(self, flow: str, item: str, region: str) -> int:
        n_f, n_i, n_r = self.shape
        return (
            SERIES_FLOWS.index(flow) * n_i + self.cube.items.index(item)
        ) * n_r + self.cube.regions.index(region)


def _held(flow: str, region: str, covered: Coverage) -> bool:
    """Whether the month's data hold ``flow`` for ``region`` at all (balance: both flows): a
    store without import lines, or without partner lines, says nothing of them, not zero."""
    flows = FLOWS if flow == "balance" else (flow,)
    if any(f not in covered["flows"] for f in flows):
        return False
    shares = covered["partner_share_pct"]
    return region == "world" or all(shares.get(f, 100.0) > 0 for f in flows)


def _cells(s: _Series, t: int, covered: Coverage) -> list[_Part]:
    tax = taxonomy(s.cube.scheme)
    cells = []
    for n, (flow, item, region) in enumerate(s.keys):
        value, prior = s.value[n, t], s.prior[n, t]
        if not np.isfinite(value) or (value == 0 and not (np.isfinite(prior) and prior)):
            continue
        if not _held(flow, region, covered):
            continue
        children = [s.value[s.index(flow, c, region), t] for c in tax.children.get(item, [])]
        if value == 0 and any(children):  # a total the data do not give (only some items)
            continue
        total = s.value[s.index(flow, "total", region), t]
        world = s.value[s.index(flow, item, "world"), t]
        parent = tax.by_id[item].parent
        parent_prior = s.prior[s.index(flow, parent or item, region), t]
        contribution = (
            (value - prior) / parent_prior * 100 if parent_prior and parent_prior > 0 else math.nan
        )
        cells.append(
            {
                "flow": flow,
                "item": item,
                "region": region,
                "value_usd": float(value),
                "prev_year_value_usd": _num(prior),
                "yoy_pct": _num(s.yoy[n, t]),
                "share_pct": _num(value / total * 100) if flow != "balance" and total else None,
                "share_of_world_pct": _num(value / world * 100)
                if flow != "balance" and world
                else None,
                "contribution_pp": _num(contribution) if flow != "balance" else None,
                "estimated_pct": _num(s.estimated[n, t] / value * 100) if value else None,
            }
        )
    return cells


def _streaks(s: _Series, t: int, months: list[Month], data_start_t: int) -> list[_Part]:
    out: list[_Part] = []
    trade = np.array([k[0] != "balance" for k in s.keys])
    with np.errstate(invalid="ignore"):
        kinds = {
            "yoy_growth": s.yoy > 0,
            "yoy_decline": s.yoy < 0,
            "yoy_double_digit_growth": s.yoy >= 10,
            "yoy_double_digit_decline": s.yoy <= -10,
        }
    for kind, condition in kinds.items():
        runs = run_lengths(condition & trade[:, None], t)
        out += _runs_to_facts(s, runs, t, months, data_start_t, {"kind": kind})
    for bn in THRESHOLDS_BN:
        above = (s.value > bn * 1e9) & trade[:, None]
        runs = run_lengths(above, t)
        out += _runs_to_facts(
            s, runs, t, months, 0, {"kind": "above_threshold", "threshold_usd": bn * 1e9}
        )
    return out


def _runs_to_facts(
    s: _Series, runs: np.ndarray, t: int, months: list[Month], start_t: int, extra: _Part
) -> list[_Part]:
    out = []
    for n in np.nonzero(runs >= 2)[0]:
        flow, item, region = s.keys[n]
        since = t - int(runs[n]) + 1
        out.append(
            {
                "flow": flow,
                "item": item,
                "region": region,
                **extra,
                "months": int(runs[n]),
                "since": str(months[since]),
                "from_data_start": since <= start_t,
            }
        )
    return out


def _turns(s: _Series, t: int) -> list[_Part]:
    if t < 1:
        return []
    out = []
    growth, decline = s.yoy > 0, s.yoy < 0
    for kind, now, before in (
        ("growth_after_decline", growth, decline),
        ("decline_after_growth", decline, growth),
    ):
        runs = run_lengths(before, t - 1)
        for n in np.nonzero(now[:, t] & (runs > 0))[0]:
            if s.keys[n][0] == "balance":
                continue
            flow, item, region = s.keys[n]
            out.append(
                {
                    "flow": flow,
                    "item": item,
                    "region": region,
                    "kind": kind,
                    "previous_months": int(runs[n]),
                }
            )
    return out


def _record_facts(
    s: _Series, current: np.ndarray, history: np.ndarray, labels: list[str], base: _Part
) -> list[_Part]:
    """Rank-1..3 highs and lows of ``current`` [series] against ``history`` [series, n]."""
    if history.shape[1] == 0:
        return []
    out = []
    highs, lows = rank_high(history, current), rank_low(history, current)
    filled = np.nan_to_num(history, nan=-np.inf)
    for n in np.nonzero(((highs <= 3) | (lows <= 3)) & (current != 0) & np.isfinite(current))[0]:
        flow, item, region = s.keys[n]
        cell = {
            "flow": flow,
            "item": item,
            "region": region,
            **base,
            "periods_compared": int(np.sum(~np.isnan(history[n]))),
        }
        if highs[n] <= 3:
            record: _Part = {**cell, "kind": base["kind"] + "_high", "rank": int(highs[n])}
            best = int(np.argmax(filled[n]))
            record["previous_record_period"] = labels[best]
            record["previous_record_usd"] = float(history[n, best])
            if base["scope"] == "month":
                record["previous_record_month"] = labels[best]
            out.append(record)
        if lows[n] <= 3 and (flow == "balance" or current[n] > 0):
            out.append({**cell, "kind": base["kind"] + "_low", "rank": int(lows[n])})
    return out


def _records(s: _Series, t: int, months: list[Month]) -> list[_Part]:
    labels = [str(m) for m in months]
    out = _record_facts(
        s, s.value[:, t], s.value[:, :t], labels[:t], {"scope": "month", "kind": "all_time"}
    )
    same = list(range(t - 12, -1, -12))[::-1]
    out += _record_facts(
        s,
        s.value[:, t],
        s.value[:, same],
        [labels[k] for k in same],
        {"scope": "month", "kind": "calendar_month"},
    )
    month = months[t]
    spans = [(k - month.month + 1, k) for k in range(t, -1, -12) if k - month.month + 1 >= 0]
    if len(spans) > 1:
        sums = np.stack([s.value[:, a : b + 1].sum(axis=1) for a, b in spans[::-1]], axis=1)
        out += _record_facts(
            s,
            sums[:, -1],
            sums[:, :-1],
            [str(months[b].year) for _, b in spans[::-1][:-1]],
            {"scope": "ytd", "kind": "all_time"},
        )
    if month.month in (6, 12):
        halves = [(k - 5, k) for k in range(t, -1, -6) if k - 5 >= 0 and months[k].month in (6, 12)]
        if len(halves) > 1:
            sums = np.stack([s.value[:, a : b + 1].sum(axis=1) for a, b in halves[::-1]], axis=1)
            names = [
                f"{months[b].year}-H{1 if months[b].month == 6 else 2}"
                for _, b in halves[::-1][:-1]
            ]
            out += _record_facts(
                s, sums[:, -1], sums[:, :-1], names, {"scope": "half_year", "kind": "all_time"}
            )
    return out


def _ytd(s: _Series, t: int, months: list[Month], covered: Coverage) -> list[_Part]:
    month = months[t]
    start = t - month.month + 1
    if start < 0:
        return []
    value = s.value[:, start : t + 1].sum(axis=1)
    prior = s.prior[:, start : t + 1].sum(axis=1)
    yoy = yoy_pct(value, prior)
    out = []
    for n in np.nonzero((value != 0) & np.isfinite(value))[0]:
        flow, item, region = s.keys[n]
        if not _held(flow, region, covered):
            continue
        out.append(
            {
                "flow": flow,
                "item": item,
                "region": region,
                "from": str(months[start]),
                "to": str(month),
                "value_usd": float(value[n]),
                "prev_year_value_usd": _num(prior[n]),
                "yoy_pct": _num(yoy[n]),
            }
        )
    return out


def coverage(cube: Cube, t: int) -> Coverage:
    """What the month's data cover: flows, major items, and how much names a partner."""
    tax = taxonomy(cube.scheme)
    total, w = cube.items.index("total"), cube.regions.index("world")
    flows = [f for n, f in enumerate(FLOWS) if (cube.value[n, :, w, t] > 0).any()]
    items = [i for i in tax.majors() if cube.value[0, cube.items.index(i), w, t] > 0]
    shares = {}
    for n, flow in enumerate(FLOWS):
        world = cube.value[n, total, w, t]
        if world > 0 and cube.unattributed is not None:
            shares[flow] = float((1 - cube.unattributed[n, total, t] / world) * 100)
    partial = (
        len(flows) < len(FLOWS)
        or len(items) < len(tax.majors())
        or any(share < 99.95 for share in shares.values())
    )
    return {"flows": flows, "partial": partial, "major_items": items, "partner_share_pct": shares}


def resolve_as_of(
    store: Store, month: Month, as_of: dt.date | None, as_published: bool
) -> dt.date | None:
    """The vintage date a month's facts are built as of (None: the latest figures)."""
    if as_published:
        return publication_date(store, month)
    return as_of


def facts_from_cube(
    cube: Cube,
    month: Month,
    *,
    store_name: str,
    as_of: dt.date | None,
    data_sources: list[str],
    scheme_name: str = "kr-ict",
    reporter: str = DEFAULT_REPORTER,
) -> Facts:
    """The facts document of ``month`` from an already built cube."""
    if not cube.holds(month):
        raise NoDataError(
            f"no data for {month}: the store holds {cube.months[0]} to "
            f"{cube.months[-1]}; pick a month in that span"
        )
    t = cube.t(month)
    s = _Series(cube)
    covered = coverage(cube, t)
    if not np.any(s.value[:, t]):
        raise NoDataError(f"no data for {month} in the store; pick another month")
    document = {
        "schema": SCHEMA,
        "scheme": scheme_name,
        "reporter": reporter,
        "month": str(month),
        "data": {
            "store": store_name,
            "sources": data_sources,
            "as_of": str(as_of) if as_of else None,
            "first_month": str(cube.months[0]),
            "coverage": covered,
        },
        "cells": _cells(s, t, covered),
        "streaks": _streaks(s, t, cube.months, 12),
        "turns": _turns(s, t),
        "records": _records(s, t, cube.months),
        "ytd": _ytd(s, t, cube.months, covered),
    }
    return cast(Facts, document)  # the entries are built as plain dicts: see facts_doc.py


def build_facts(
    store: Store,
    month: Month,
    *,
    as_of: dt.date | None = None,
    as_published: bool = False,
    cube_loader: Callable[[Store, dt.date | None], Cube] = load_cube,
) -> Facts:
    """The facts document of ``month`` as of a vintage date (default: the latest figures).

    ``cube_loader`` lets a caller that keeps cubes (the web server) hand over its own.
    """
    vintage_date = resolve_as_of(store, month, as_of, as_published)
    check_month_held(store, month, vintage_date)
    cube = cube_loader(store, vintage_date)
    if not cube.holds(month):
        raise NoDataError(
            published_after(store, month, vintage_date)
            or f"no data for {month}; {data_span_hint(store)}"
        )
    facts = facts_from_cube(
        cube,
        month,
        store_name=store.name,
        as_of=vintage_date,
        data_sources=sources(store),
        scheme_name=store.scheme_name,
        reporter=store.reporter,
    )
    used = latest_vintage(store, vintage_date)
    facts["data"]["as_of"] = str(used) if used else None
    facts["data"]["as_of_requested"] = str(vintage_date) if vintage_date else None
    if store.description:
        facts["data"]["description"] = store.description
    if store.completeness:
        facts["data"]["coverage"]["complete_spans"] = store.completeness
    return facts
