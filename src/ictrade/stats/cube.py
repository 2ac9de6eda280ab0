"""The cube: values by flow, item, region and month, from one aggregation of the lines.

Items roll up their descendants (and any line classified at the item itself). Regions are
built month by month from their members at that month; ``prior`` holds, for each month, the
value of twelve months earlier with the *same* members (those of the current month), so a
region whose membership changed (the EU without the UK from 2020-02) is compared like for like.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..classify import regions, taxonomy
from ..classify.partners import WORLD
from ..errors import NoDataError
from ..months import Month, month_range
from ..store.base import in_force, remembered
from ..store.coverage import check_published_by
from ..store.layers import layer_arrays
from ..store.query import cube_rows, data_span_hint
from ..store.schema import FLOWS as FLOWS  # the cube's first axis
from ..store.store import Store
from .comparable import Comparability, comparability, mask_not_comparable
from .cube_sums import membership_tensor, month_indexes, positions, rollup, to_regions

SERIES_FLOWS = (*FLOWS, "balance")  # what a series or a facts cell may be of


@dataclass
class Cube:
    months: list[Month]  # consecutive, first to last month of data
    items: list[str]
    regions: list[str]
    value: np.ndarray  # [flow, item, region, t]
    prior: np.ndarray  # [flow, item, region, t]; nan before the data's second year
    flows_present: list[str]
    # [flow, item, t]: value on WORLD lines, which name no partner and so reach no region
    unattributed: np.ndarray | None = None
    # [flow, item, region, t]: the part of ``value`` that comes from estimated splits (coarse
    # codes apportioned by shares, partner lines split in the world's mix)
    estimated: np.ndarray | None = None
    scheme: str = "kr-ict"  # whose items ``items`` are
    # which months are made of the same goods (stats.comparable); None: all of them
    comparable: Comparability | None = None

    def t(self, month: Month) -> int:
        return month.index - self.months[0].index

    def holds(self, month: Month) -> bool:
        return bool(self.months) and self.months[0] <= month <= self.months[-1]


def build_cube(rows: pa.Table, scheme_name: str = "kr-ict") -> Cube:
    """Turn month x flow x item x partner sums (items of ``scheme_name``) into the rolled-up
    cube."""
    return Cells(rows, scheme_name).cube()


class Cells:
    """Rows placed once in the cells of a cube spanning all their months and partners, so that
    the cube of any subset of them (the lines in force at a vintage) is one weighted count.
    Rows may repeat a cell: their values add up."""

    def __init__(self, rows: pa.Table, scheme_name: str = "kr-ict") -> None:
        if rows.num_rows == 0:
            raise NoDataError("the store holds no ICT lines; load data with 'ictrade ingest FILE'")
        self.scheme_name = scheme_name
        self.items = taxonomy(scheme_name).ids
        month_idx = month_indexes(rows.column("month"))
        self.first = int(month_idx.min())
        self.t = month_idx - self.first
        last = Month.from_index(int(month_idx.max()))
        self.months = list(month_range(Month.from_index(self.first), last))
        self.partners = sorted(pc.unique(rows.column("partner")).to_pylist())
        self.flow_idx = positions(rows.column("flow"), list(FLOWS))
        self.shape = (len(FLOWS), len(self.items), len(self.partners), len(self.months))
        self.cell = np.ravel_multi_index(
            (
                self.flow_idx,
                positions(rows.column("item"), self.items),
                positions(rows.column("partner"), self.partners),
                self.t,
            ),
            self.shape,
        )
        self.value = rows.column("value_usd").to_numpy()
        self.estimated = (
            rows.column("estimated_usd").to_numpy()
            if "estimated_usd" in rows.column_names
            else None
        )
        # no estimated part anywhere (no split applies): none in any subset either
        self.none_estimated = self.estimated is not None and not self.estimated.any()

    def cube(self, keep: np.ndarray | None = None, upto: int | None = None) -> Cube:
        """The cube of the rows where ``keep`` (a boolean mask) is true; all rows by default.
        ``upto``: only the rows before it count (``keep`` is then of those rows)."""
        rows = slice(upto)
        cell, t, flow_idx = self.cell[rows], self.t[rows], self.flow_idx[rows]
        if keep is not None:
            cell, t, flow_idx = cell[keep], t[keep], flow_idx[keep]
        if not len(cell):
            raise NoDataError("no ICT lines in force at that date")
        a, b = int(t.min()), int(t.max()) + 1
        months = self.months[a:b]
        tax, region_ids = taxonomy(self.scheme_name), regions().ids
        size = int(np.prod(self.shape))

        # bincount sums the rows into their cells in one pass (np.add.at is far slower)
        def summed(weights: np.ndarray) -> np.ndarray:
            weights = weights[rows] if keep is None else weights[rows][keep]
            full = np.bincount(cell, weights=weights, minlength=size).reshape(self.shape)
            return full[..., a:b] if (a, b) != (0, self.shape[3]) else full

        partners = self.partners
        rolled = rollup(self.items, summed(self.value), tax)
        tensor = membership_tensor(region_ids, partners, months)
        value = to_regions(rolled, tensor)
        estimated = None
        if self.none_estimated:
            estimated = np.zeros_like(value)
        elif self.estimated is not None:
            estimated = to_regions(rollup(self.items, summed(self.estimated), tax), tensor)
        # prior at t: the value at t - 12 summed over the members at t (like for like)
        shifted = np.zeros_like(rolled)
        shifted[..., 12:] = rolled[..., :-12]
        prior = to_regions(shifted, tensor)
        prior[..., :12] = np.nan
        present = [f for n, f in enumerate(FLOWS) if (flow_idx == n).any()]
        unattributed = (
            rolled[:, :, partners.index(WORLD), :]
            if WORLD in partners
            else np.zeros((len(FLOWS), len(self.items), len(months)))
        )
        return Cube(
            months,
            self.items,
            region_ids,
            value,
            prior,
            present,
            unattributed,
            estimated,
            self.scheme_name,
        )


def cube_from_regions(rows: pa.Table, scheme_name: str = "kr-ict") -> Cube:
    """The rolled-up cube from an engine's month x flow x item x region sums (``engine``'s
    CUBE_SQL: ``lag`` 0 rows are the month's values, ``lag`` 12 rows the prior of the month a
    year later, with that month's members; region UNATTRIBUTED holds the WORLD lines).

    Rows are summed in the order given: give them in one order (the engine's is arbitrary)."""
    from ..engine.aggregate import UNATTRIBUTED

    own = pc.equal(rows["lag"], 0)
    if not pc.any(own).as_py():
        raise NoDataError("no ICT lines; load data with 'ictrade lake ingest FILE'")
    tax = taxonomy(scheme_name)
    items, region_ids = tax.ids, [*regions().ids, UNATTRIBUTED]
    month_idx = month_indexes(rows.column("month"))
    valued = month_idx[own.to_numpy(zero_copy_only=False)]
    first, last = Month.from_index(int(valued.min())), Month.from_index(int(valued.max()))
    months = list(month_range(first, last))
    # a value is the prior of the month a year later: shift, and drop what falls past the end
    at = month_idx - first.index + np.asarray(rows["lag"].to_numpy(), dtype=np.int64)
    inside = at < len(months)
    flow_idx = positions(rows.column("flow"), list(FLOWS))
    shape = (2, len(FLOWS), len(items), len(region_ids), len(months))
    cell = np.ravel_multi_index(
        (
            (at != month_idx - first.index).astype(np.int64)[inside],
            flow_idx[inside],
            positions(rows.column("item"), items)[inside],
            positions(rows.column("region"), region_ids)[inside],
            at[inside],
        ),
        shape,
    )
    weights = rows.column("value_usd").to_numpy()[inside]
    sums = np.bincount(cell, weights=weights, minlength=int(np.prod(shape))).reshape(shape)
    value, prior = rollup(items, sums[0], tax), rollup(items, sums[1], tax)
    prior[..., :12] = np.nan
    present = sorted(set(flow_idx[own.to_numpy(zero_copy_only=False)].tolist()))
    return Cube(
        months,
        items,
        region_ids[:-1],
        value[:, :, :-1],
        prior[:, :, :-1],
        [FLOWS[f] for f in present],
        value[:, :, -1],
        None,
        scheme_name,
    )


def load_cube(store: Store, as_of: dt.date | None) -> Cube:
    rows = cube_rows(store, as_of)
    if rows.num_rows == 0:
        check_published_by(store, as_of)  # a date before the first figures: say so
        raise NoDataError(f"no ICT lines of reporter {store.reporter}; {data_span_hint(store)}")
    cube = build_cube(rows, store.scheme_name)
    mask_partial(cube, store, as_of)
    return cube


def mask_partial(cube: Cube, store: Store, as_of: dt.date | None) -> None:
    """What a shipped dataset declares complete, else what the store's lines show to be made
    of the same goods (stats.comparable)."""
    if store.completeness is not None:
        mask_incomplete(cube, store.completeness)
    elif store.compare_by_lines:
        comp = months_compared(store, as_of, cube.months)
        mask_not_comparable(comp, cube.value, cube.prior, cube.regions.index("world"))
        cube.comparable = comp


def months_compared(store: Store, as_of: dt.date | None, months: list[Month]) -> Comparability:
    """Which of the cube's ``months`` compare as of ``as_of``; a snapshot keeps it by the lines
    in force (the server finds it for each vintage ahead: most of a new date's cube)."""
    if store.memo is None:
        return comparability(layer_arrays(store, as_of), months)
    span = (months[0], len(months)) if months else None
    key = ("compared", store.reporter, store.scheme_name, in_force(store, as_of), span)
    return remembered(store, key, lambda: comparability(layer_arrays(store, as_of), months))


def mask_incomplete(cube: Cube, spans: list[dict[str, Any]]) -> None:
    """Blank (nan) what a partial dataset does not fully cover, so that no growth rate, streak
    or record compares a complete month with a partial one.

    ``spans``: [{"items": "all" | [ids], "flows": [..], "regions": [..], "from": "YYYY-MM",
    "to": "YYYY-MM"}]; a cell is complete in a month when a span names its item (or "all") and
    flow and holds the month. Regions a span does not name (default: all) keep their values
    but no growth: their partner detail is not comparable from year to year.
    """
    n_f, n_i, n_r, n_t = cube.value.shape
    complete = np.zeros((n_f, n_i, n_t), dtype=bool)
    comparable = np.ones(n_r, dtype=bool)
    for span in spans:
        items = cube.items if span["items"] == "all" else span["items"]
        flows = [FLOWS.index(f) for f in span.get("flows", FLOWS)]
        first, last = Month.parse(span["from"]), Month.parse(span["to"])
        ts = [t for t, m in enumerate(cube.months) if first <= m <= last]
        # a span naming another scheme's items (dram under oecd-ict) says nothing of this one's
        for item in (i for i in items if i in cube.items):
            for f in flows:
                complete[f, cube.items.index(item), ts] = True
        if "regions" in span:
            comparable &= np.isin(cube.regions, span["regions"])
    before = np.zeros_like(complete)
    before[:, :, 12:] = complete[:, :, :-12]
    full = np.broadcast_to(complete[:, :, None, :], cube.value.shape)
    both = np.broadcast_to((complete & before)[:, :, None, :], cube.value.shape)
    cube.value[~full] = np.nan
    cube.prior[~both] = np.nan
    cube.prior[:, :, ~comparable, :] = np.nan
