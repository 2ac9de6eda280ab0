"""The sums a cube is made of: items rolled up their taxonomy, partners summed into the regions
they belong to each month. Every sum is made in one order (members in the order of the
partners, children before parents), so a cube made month by month equals one made at once.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..classify import Taxonomy, membership
from ..classify.partners import WORLD
from ..months import Month


def rollup(items: list[str], raw: np.ndarray, tax: Taxonomy) -> np.ndarray:
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


def membership_tensor(
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


def positions(column: pa.ChunkedArray, values: list[str]) -> np.ndarray:
    return np.asarray(
        pc.index_in(column, value_set=pa.array(values)).to_numpy(zero_copy_only=False)
    )


def month_indexes(column: pa.ChunkedArray) -> np.ndarray:
    days = column.to_numpy().astype("datetime64[M]").astype(np.int64)  # months since 1970-01
    return np.asarray(days + 1970 * 12)


def to_regions(by_partner: np.ndarray, tensor: np.ndarray) -> np.ndarray:
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
