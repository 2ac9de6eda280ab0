"""Cubes at any vintage from one pass over a read-only store.

A line is in force from its vintage until the vintage that supersedes it, so the store's
cube rows summed by that span (``interval_rows``) hold every vintage's cube: the cube as of a
date is the weighted count of the rows in force then. A month's part of it changes only on
the days a line of that month is published or superseded, so each month's slice is made once
per set of its lines in force and a new date mostly reuses the slices of others.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from ..classify import regions, taxonomy
from ..classify.partners import WORLD
from ..errors import NoDataError
from ..store.query import interval_rows
from ..store.store import Store
from .cube import FLOWS, Cells, Cube, load_cube, mask_partial
from .cube_sums import membership_tensor, rollup, to_regions

NEVER = np.iinfo(np.int64).max  # a line not superseded
_DAYS = 1 << 32  # a month's events are its number times this plus the day
PREPARED_SLICES = 5000  # slices made ahead for a new snapshot (the default data: about 400)


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
            self.slices = MonthSlices(self.cells, self.vintage, self.superseded)

    def prepare(self, limit: int = PREPARED_SLICES) -> None:
        """Every month's slice at each set of its lines in force, the latest first, up to
        ``limit``: a date asked later assembles kept slices (the first dates asked of a
        fresh server built most of theirs, each request then taking several times as long)."""
        if self.cells is not None:
            self.slices.prepare(limit)

    def cube(self, store: Store, as_of: dt.date | None) -> Cube:
        """As ``load_cube(store, as_of)``; lines counted one by one (``needs_counting``), the
        latest figures and dates with nothing in force go there."""
        if self.cells is None or as_of is None:
            return load_cube(store, as_of)
        try:
            cube = self.slices.cube(int(_days(np.datetime64(as_of, "D"))))
        except NoDataError:
            return load_cube(store, as_of)  # says what the store holds
        mask_partial(cube, store, as_of)
        return cube


@dataclass(frozen=True)
class Slice:
    """A month's part of the cube, for one set of its lines in force."""

    value: np.ndarray  # [flow, item, region]: in the month's regions
    # [flow, item, region]: in the regions of the month a year later (its prior, like for like)
    year_later: np.ndarray
    estimated: np.ndarray | None  # [flow, item, region]
    unattributed: np.ndarray  # [flow, item]: on WORLD lines
    flows: np.ndarray  # [flow]: whether a line of the flow is in force
    held: bool  # whether any line is


class MonthSlices:
    """``Cells.cube`` of the rows in force at a date, from each month's slice (made as
    ``Cells.cube`` makes it: the same sums in the same order)."""

    def __init__(self, cells: Cells, vintage: np.ndarray, superseded: np.ndarray) -> None:
        self.cells, self.vintage, self.superseded = cells, vintage, superseded
        n_months = cells.shape[3]
        self.order = np.argsort(cells.t, kind="stable")  # by month, in vintage order within
        self.bounds = np.searchsorted(cells.t[self.order], np.arange(n_months + 1))
        self.cell = cells.cell // n_months  # the cell within a month
        # the days each month's lines in force change on
        ends = superseded != NEVER
        self.events = np.unique(
            np.r_[cells.t * _DAYS + vintage, cells.t[ends] * _DAYS + superseded[ends]]
        )
        self.first_event = np.searchsorted(self.events, np.arange(n_months) * _DAYS)
        self.tax, self.region_ids = taxonomy(cells.scheme_name), regions().ids
        # [region, partner, month]: the members of each month's regions and a year later's
        later = [cells.months[0] + k for k in range(n_months + 12)]
        self.members = membership_tensor(self.region_ids, cells.partners, later)
        # a slice per month and set of its lines in force: its regions, not its partners
        self.kept: dict[tuple[int, int], Slice] = {}
        shape = (len(FLOWS), len(cells.items), len(self.region_ids))
        estimated = np.zeros(shape) if cells.estimated is not None else None
        nothing = np.zeros(len(FLOWS), dtype=bool)
        zeros = np.zeros(shape)
        self.empty = Slice(zeros, zeros, estimated, np.zeros(shape[:2]), nothing, False)

    def prepare(self, limit: int) -> None:
        """The slices of the sets of lines in force each month goes through (each starts on
        an event's day), from the latest events back, up to ``limit``."""
        month = np.searchsorted(self.first_event, np.arange(len(self.events)), side="right") - 1
        for i in np.argsort(-self.events, kind="stable")[:limit].tolist():
            m = int(month[i])
            key = (m, i + 1 - int(self.first_event[m]))
            if key not in self.kept:
                self._slice(*key, int(self.events[i]) - m * _DAYS)

    def cube(self, day: int) -> Cube:
        cells = self.cells
        n_months = cells.shape[3]
        state = np.searchsorted(self.events, np.arange(n_months) * _DAYS + day, side="right")
        keys = list(enumerate((state - self.first_event).tolist()))
        kept = self.kept
        slices = [kept.get(key) or self._slice(*key, day) for key in keys]
        held = [m for m, s in enumerate(slices) if s.held]
        if not held:
            raise NoDataError("no ICT lines in force at that date")
        a, b = held[0], held[-1] + 1
        within = slices[a:b]
        value = np.stack([s.value for s in within], axis=-1)
        estimated = None
        if cells.none_estimated:
            estimated = np.zeros_like(value)
        elif cells.estimated is not None:
            estimated = np.stack([s.estimated for s in within], axis=-1)  # type: ignore[misc]
        prior = np.full_like(value, np.nan)  # nan in the cube's first year
        if b - a > 12:
            prior[..., 12:] = np.stack([s.year_later for s in within[:-12]], axis=-1)
        unattributed = np.stack([s.unattributed for s in within], axis=-1)
        flows = np.any([s.flows for s in within], axis=0)
        return Cube(
            cells.months[a:b],
            cells.items,
            self.region_ids,
            value,
            prior,
            [f for n, f in enumerate(FLOWS) if flows[n]],
            unattributed,
            estimated,
            cells.scheme_name,
        )

    def _slice(self, m: int, state: int, day: int) -> Slice:
        cells = self.cells
        rows = self.order[self.bounds[m] : self.bounds[m + 1]]
        rows = rows[(self.vintage[rows] <= day) & (self.superseded[rows] > day)]
        if not len(rows):  # (a month before its first vintage: most months of early dates)
            found = self.kept[(m, state)] = self.empty
            return found
        shape = cells.shape[:3]
        size = int(np.prod(shape))

        def summed(weights: np.ndarray) -> np.ndarray:
            full = np.bincount(self.cell[rows], weights=weights[rows], minlength=size)
            return rollup(cells.items, full.reshape(shape), self.tax)

        at, year_later = self.members[..., m : m + 1], self.members[..., m + 12 : m + 13]
        rolled = summed(cells.value)
        estimated = None
        if cells.estimated is not None and not cells.none_estimated:
            estimated = to_regions(summed(cells.estimated)[..., None], at)[..., 0]
        partners = cells.partners
        found = self.kept[(m, state)] = Slice(
            to_regions(rolled[..., None], at)[..., 0],
            to_regions(rolled[..., None], year_later)[..., 0],
            estimated,
            rolled[:, :, partners.index(WORLD)] if WORLD in partners else np.zeros(shape[:2]),
            np.bincount(cells.flow_idx[rows], minlength=len(FLOWS)) > 0,
            True,
        )
        return found
