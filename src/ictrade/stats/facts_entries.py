"""The entries of a facts document (cells, streaks, turns, year to date; records in
facts_records.py), computed from the cube over all its series at once. Each is built as the
TypedDict of facts_doc.py that describes it, so mypy checks the writer as it checks the readers.

Entries are written column by column: the arrays of the entries kept, then one dict per entry
from lists (a new document's entries are its main cost: a few thousand of them). The columns
are of one length by construction: their zips are not strict (a strict one costs a fifth more)."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

import numpy as np

from ..classify import taxonomy
from .facts_doc import Cell, Coverage, Streak, Turn, Ytd
from .facts_series import FlatSeries, held_mask, nums
from .history import run_lengths, yoy_pct

THRESHOLDS_BN = (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 15, 20, 25, 30)


@lru_cache(maxsize=8)
def _tree(scheme: str, items: tuple[str, ...]) -> tuple[np.ndarray, list[int]]:
    """[child, parent]: whether an item is a child of another; and each item's parent (the
    root's: itself). Kept: every cube of a store has the same items."""
    tax = taxonomy(scheme)
    child_of = np.zeros((len(items), len(items)), dtype=np.int32)
    for p, item in enumerate(items):
        child_of[[items.index(c) for c in tax.children.get(item, [])], p] = 1
    return child_of, [items.index(tax.by_id[item].parent or item) for item in items]


def cells(s: FlatSeries, t: int, covered: Coverage) -> list[Cell]:
    items = s.cube.items
    child_of, parents = _tree(s.cube.scheme, tuple(items))
    value, prior = s.value[:, t], s.prior[:, t]
    grid, prior_grid = value.reshape(s.shape), prior.reshape(s.shape)
    # a total the data do not give (only some items): zero where a child is not
    children_held = np.einsum("fcr,cp->fpr", (grid != 0).astype(np.int32), child_of) > 0
    prior_held = np.isfinite(prior) & (prior != 0)
    keep = np.isfinite(value) & ((value != 0) | prior_held) & held_mask(s, covered)
    keep &= ~((value == 0) & children_held.ravel())
    total = np.broadcast_to(grid[:, [items.index("total")], :], s.shape).ravel()
    w = s.cube.regions.index("world")
    world = np.broadcast_to(grid[:, :, [w]], s.shape).ravel()
    parent_prior = prior_grid[:, parents, :].ravel()
    rows = np.flatnonzero(keep)
    value, trade = value[rows], s.trade[rows]
    total, world, parent_prior = total[rows], world[rows], parent_prior[rows]
    with np.errstate(divide="ignore", invalid="ignore"):
        # a balance has no share or contribution: nan, written null
        share = np.where(trade & (total != 0), value / total * 100, np.nan)
        share_of_world = np.where(trade & (world != 0), value / world * 100, np.nan)
        growth = value - prior[rows]
        contribution = np.where(trade & (parent_prior > 0), growth / parent_prior * 100, np.nan)
        estimated = np.where(value != 0, s.estimated(t)[rows] / value * 100, np.nan)
    flows, item_of, regions = s.key_columns(rows)
    return [
        {
            "flow": flow,
            "item": item,
            "region": region,
            "value_usd": v,
            "prev_year_value_usd": p,
            "yoy_pct": y,
            "share_pct": sh,
            "share_of_world_pct": sw,
            "contribution_pp": c,
            "estimated_pct": e,
        }
        for flow, item, region, v, p, y, sh, sw, c, e in zip(
            flows,
            item_of,
            regions,
            value.tolist(),
            nums(prior[rows]),
            nums(s.yoy[rows, t]),
            nums(share),
            nums(share_of_world),
            nums(contribution),
            nums(estimated),
            strict=False,
        )
    ]


# The kinds of streak of the growth rate, in the order a document lists them: each holds while
# the running minimum (``True``) or maximum (``False``) of the rate back from the month
# passes a test (a run of "above x" lasts while the running minimum is above x; a nan ends
# it, as np.minimum keeps it).
YOY_KINDS: tuple[tuple[str, bool, Callable[[np.ndarray], np.ndarray]], ...] = (
    ("yoy_growth", True, lambda bound: bound > 0),
    ("yoy_decline", False, lambda bound: bound < 0),
    ("yoy_double_digit_growth", True, lambda bound: bound >= 10),
    ("yoy_double_digit_decline", False, lambda bound: bound <= -10),
)


def streaks(
    s: FlatSeries, t: int, labels: np.ndarray, data_start_t: int, *, gaps: bool = False
) -> list[Streak]:
    """Runs of growth, decline and values above thresholds up to month t, of the series where
    they hold at t and t - 1. ``gaps``: the history holds months left out (blank,
    compare_history.py): a streak that starts right after one runs "as far back as the data
    go"."""
    if t < 1:
        return []
    bounds = {}
    with np.errstate(invalid="ignore"):
        for low in (True, False):
            edge = s.yoy[:, t - 1 : t + 1]
            rows = np.flatnonzero(s.trade & ((edge > 0) if low else (edge < 0)).all(axis=1))
            back = s.yoy[rows, t::-1]
            running = np.minimum if low else np.maximum
            bounds[low] = rows, running.accumulate(back, axis=1)
        kinds, rows_of, runs_of = [], [], []
        for kind, low, test in YOY_KINDS:
            rows, bound = bounds[low]
            runs = test(bound).sum(axis=1)
            held = runs >= 2
            kinds += [kind] * int(held.sum())
            rows_of.append(rows[held])
            runs_of.append(runs[held])
        rows, runs = np.concatenate(rows_of), np.concatenate(runs_of)
        before = s.prior if gaps else None
        out = _streaks(s, rows, runs, kinds, t, labels, data_start_t, before)
        bars = np.array(THRESHOLDS_BN) * 1e9
        rows = np.flatnonzero(s.trade & (s.value[:, t - 1 : t + 1] > bars[0]).all(axis=1))
        bound = np.minimum.accumulate(s.value[rows, t::-1], axis=1)
        runs_by_bar = (bound[None] > bars[:, None, None]).sum(axis=2)
    # every threshold's streaks at once, by threshold then series
    n_bar, held = np.nonzero(runs_by_bar >= 2)
    before = s.value if gaps else None
    bar_of = bars[n_bar].tolist()
    out += _streaks(s, rows[held], runs_by_bar[n_bar, held], None, t, labels, 0, before, bar_of)
    return out


def _streaks(
    s: FlatSeries,
    rows: np.ndarray,
    runs: np.ndarray,
    kinds: list[str] | None,
    t: int,
    labels: np.ndarray,
    start_t: int,
    before: np.ndarray | None,
    thresholds: list[float] | None = None,
) -> list[Streak]:
    """The streaks of ``rows``, ``runs`` months long, of ``kinds`` (None: above
    ``thresholds``); ``before``: the data whose blank month right before a streak means it
    starts where the comparable history does."""
    since = t - runs + 1
    from_start = since <= start_t
    if before is not None:  # (a streak from month 0 is from the start already)
        from_start |= ~np.isfinite(before[rows, np.maximum(since - 1, 0)])
    flows, items, regions = s.key_columns(rows)
    columns = (runs.tolist(), labels[since].tolist(), from_start.tolist())
    if thresholds is None:
        assert kinds is not None
        return [
            {
                "flow": flow,
                "item": item,
                "region": region,
                "kind": kind,
                "months": months,
                "since": first,
                "from_data_start": start,
            }
            for flow, item, region, kind, months, first, start in zip(
                flows, items, regions, kinds, *columns, strict=False
            )
        ]
    return [
        {
            "flow": flow,
            "item": item,
            "region": region,
            "kind": "above_threshold",
            "threshold_usd": threshold,
            "months": months,
            "since": first,
            "from_data_start": start,
        }
        for flow, item, region, threshold, months, first, start in zip(
            flows, items, regions, thresholds, *columns, strict=False
        )
    ]


def turns(s: FlatSeries, t: int) -> list[Turn]:
    if t < 1:
        return []
    out: list[Turn] = []
    growth, decline = s.yoy[:, : t + 1] > 0, s.yoy[:, : t + 1] < 0
    for kind, now, before in (
        ("growth_after_decline", growth, decline),
        ("decline_after_growth", decline, growth),
    ):
        rows = np.flatnonzero(now[:, t] & before[:, t - 1] & s.trade)
        runs = run_lengths(before[rows], t - 1).tolist()
        flows, items, regions = s.key_columns(rows)
        out += [
            {
                "flow": flow,
                "item": item,
                "region": region,
                "kind": kind,
                "previous_months": previous,
            }
            for flow, item, region, previous in zip(flows, items, regions, runs, strict=False)
        ]
    return out


def ytd(s: FlatSeries, t: int, months: np.ndarray, covered: Coverage) -> list[Ytd]:
    """Year-to-date sums up to month t (``months``: the cube's months as labels)."""
    start = t - s.cube.months[t].month + 1
    if start < 0:
        return []
    value = s.value[:, start : t + 1].sum(axis=1)
    prior = s.prior[:, start : t + 1].sum(axis=1)
    rows = np.flatnonzero((value != 0) & np.isfinite(value) & held_mask(s, covered))
    value, prior = value[rows], prior[rows]
    frm, to = months[start], months[t]
    flows, items, regions = s.key_columns(rows)
    return [
        {
            "flow": flow,
            "item": item,
            "region": region,
            "from": frm,
            "to": to,
            "value_usd": v,
            "prev_year_value_usd": p,
            "yoy_pct": y,
        }
        for flow, item, region, v, p, y in zip(
            flows,
            items,
            regions,
            value.tolist(),
            nums(prior),
            nums(yoy_pct(value, prior)),
            strict=False,
        )
    ]
