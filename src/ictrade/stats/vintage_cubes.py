"""Cubes at any vintage from one pass over a read-only store.

A line is in force from its vintage until the vintage that supersedes it, so the store's
cube rows summed by that span (``interval_rows``) hold every vintage's cube: the cube as of a
date is the weighted count of the rows in force then. Placing the rows in their cells once
makes each new date a mask and a count (milliseconds), not an aggregation of all the lines.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from ..store.query import interval_rows
from ..store.store import Store
from .cube import Cells, Cube, load_cube, mask_partial

NEVER = np.iinfo(np.int64).max  # a line not superseded


def _days(dates: np.ndarray | np.datetime64) -> np.ndarray:
    """Days since 1970-01-01."""
    return np.asarray(np.asarray(dates).astype("datetime64[D]").astype(np.int64))


class VintageCubes:
    """The cubes of ``store`` (a snapshot that does not change) at any vintage date."""

    def __init__(self, store: Store) -> None:
        rows = interval_rows(store)
        self.cells: Cells | None = None
        if rows is not None and rows.num_rows:
            # by vintage: the rows published by a date come first (the rows of a cell in force
            # at once are then summed in vintage order; DuckDB returns them in any order)
            order = np.argsort(rows.column("vintage").to_numpy(), kind="stable")
            rows = rows.take(order)
            self.vintage = _days(rows.column("vintage").to_numpy())
            superseded = rows.column("superseded_by").to_numpy(zero_copy_only=False)
            self.superseded = np.where(np.isnat(superseded), NEVER, _days(superseded))
            self.cells = Cells(rows.drop_columns(["vintage", "superseded_by"]), store.scheme_name)

    def cube(self, store: Store, as_of: dt.date | None) -> Cube:
        """As ``load_cube(store, as_of)``; lines counted one by one (``needs_counting``), the
        latest figures and dates with nothing in force go there."""
        if self.cells is None or as_of is None:
            return load_cube(store, as_of)
        day = _days(np.datetime64(as_of, "D"))
        published = int(np.searchsorted(self.vintage, day, side="right"))
        keep = self.superseded[:published] > day
        if not keep.any():
            return load_cube(store, as_of)  # says what the store holds
        cube = self.cells.cube(keep, upto=published)
        mask_partial(cube, store, as_of)
        return cube
