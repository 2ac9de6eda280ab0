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

from ..classify import Taxonomy, membership, regions, taxonomy
from ..classify.partners import WORLD
from ..errors import NoDataError
from ..months import Month, month_range
from ..store.query import cube_rows, data_span_hint
from ..store.schema import FLOWS as FLOWS  # the cube's first axis
from ..store.store import Store

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

    def t(self, month: Month) -> int:
        return month.index - self.months[0].index

    def holds(self, month: Month) -> bool:
        return bool(self.months) and self.months[0] <= month <= self.months[-1]


def _rollup(items: list[str], raw: np.ndarray, tax: Taxonomy) -> np.ndarray:
    """[flow, item, ...]: each item plus its descendants, children added to parents deepest
    first (one slice addition per item)."""
    index = {item: n for n, item in enumerate(items)}

    def depth(item: str) -> int:
        parent = tax.by_id[item].parent
        return 0 if not parent else 1 + depth(parent)

    rolled = raw.copy()
    for item in sorted(items, key=depth, reverse=True):
        parent = tax.by_id[item].parent
        if parent:
            rolled[:, index[parent]] += rolled[:, index[item]]
    return rolled


def _membership_tensor(
    region_ids: list[str], partners: list[str], months: list[Month]
) -> np.ndarray:
    """[region, partner, t] = 1 where the partner belongs to the region that month."""
    tensor = np.zeros((len(region_ids), len(partners), len(months)))
    region_index = {r: n for n, r in enumerate(region_ids)}
    partner_index = {p: n for n, p in enumerate(partners) if p != WORLD}
    first = months[0].index
    if "world" in region_index:
        tensor[region_index["world"]] = 1.0
    # A member counts from its span's first month to its last (regions other than 'world').
    for span in membership().spans:
        r, p = region_index.get(span.region), partner_index.get(span.iso2)
        if r is None or p is None or span.region == "world":
            continue
        start, end = max(span.valid_from - first, 0), min(span.valid_to - first, len(months) - 1)
        if start <= end:
            tensor[r, p, start : end + 1] = 1.0
    return tensor


def _positions(column: pa.ChunkedArray, values: list[str]) -> np.ndarray:
    return np.asarray(
        pc.index_in(column, value_set=pa.array(values)).to_numpy(zero_copy_only=False)
    )


def _month_indexes(column: pa.ChunkedArray) -> np.ndarray:
    days = column.to_numpy().astype("datetime64[M]").astype(np.int64)  # months since 1970-01
    return np.asarray(days + 1970 * 12)


def _to_regions(by_partner: np.ndarray, tensor: np.ndarray) -> np.ndarray:
    """[flow, item, partner, t] x [region, partner, t] -> [flow, item, region, t].

    Membership changes rarely (the EU once), so months are taken in runs of equal membership
    and each region is a sum of its members' slices (no per-month matrix products)."""
    n_f, n_i, _, n_t = by_partner.shape
    out = np.zeros((n_f, n_i, tensor.shape[0], n_t))
    changes = np.any(tensor[:, :, 1:] != tensor[:, :, :-1], axis=(0, 1))
    starts = [0, *(np.nonzero(changes)[0] + 1).tolist()]
    for a, b in zip(starts, [*starts[1:], n_t], strict=True):
        for r in range(tensor.shape[0]):
            members = np.nonzero(tensor[r, :, a])[0]
            out[:, :, r, a:b] = by_partner[:, :, members, a:b].sum(axis=2)
    return out


def build_cube(rows: pa.Table, scheme_name: str = "kr-ict") -> Cube:
    """Turn month x flow x item x partner sums (items of ``scheme_name``) into the rolled-up
    cube."""
    if rows.num_rows == 0:
        raise NoDataError("the store holds no ICT lines; load data with 'ictrade ingest FILE'")
    tax = taxonomy(scheme_name)
    items, region_ids = tax.ids, regions().ids
    month_idx = _month_indexes(rows.column("month"))
    first, last = Month.from_index(int(month_idx.min())), Month.from_index(int(month_idx.max()))
    months = list(month_range(first, last))
    partners = sorted(pc.unique(rows.column("partner")).to_pylist())
    flow_idx = _positions(rows.column("flow"), list(FLOWS))
    shape = (len(FLOWS), len(items), len(partners), len(months))
    cell = np.ravel_multi_index(
        (
            flow_idx,
            _positions(rows.column("item"), items),
            _positions(rows.column("partner"), partners),
            month_idx - first.index,
        ),
        shape,
    )
    # bincount sums the rows into their cells in one pass (np.add.at is far slower)
    def summed(column: str) -> np.ndarray:
        weights = rows.column(column).to_numpy()
        return np.bincount(cell, weights=weights, minlength=int(np.prod(shape))).reshape(shape)

    rolled = _rollup(items, summed("value_usd"), tax)
    tensor = _membership_tensor(region_ids, partners, months)
    value = _to_regions(rolled, tensor)
    estimated = None
    if "estimated_usd" in rows.column_names:
        estimated = _to_regions(_rollup(items, summed("estimated_usd"), tax), tensor)
    # prior at t: the value at t - 12 summed over the members at t (like for like)
    shifted = np.zeros_like(rolled)
    shifted[..., 12:] = rolled[..., :-12]
    prior = _to_regions(shifted, tensor)
    prior[..., :12] = np.nan
    present = [f for n, f in enumerate(FLOWS) if (flow_idx == n).any()]
    unattributed = (
        rolled[:, :, partners.index(WORLD), :]
        if WORLD in partners
        else np.zeros((len(FLOWS), len(items), len(months)))
    )
    return Cube(
        months, items, region_ids, value, prior, present, unattributed, estimated, scheme_name
    )


def load_cube(store: Store, as_of: dt.date | None) -> Cube:
    rows = cube_rows(store, as_of)
    if rows.num_rows == 0:
        raise NoDataError(f"no ICT lines of reporter {store.reporter}; {data_span_hint(store)}")
    cube = build_cube(rows, store.scheme_name)
    if store.completeness is not None:
        mask_incomplete(cube, store.completeness)
    return cube


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
        for item in items:
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
