"""Monthly series of one flow, item and region: what analysts chart (CLI ``series``, API)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from ..classify import regions, taxonomy
from ..errors import UsageError
from ..months import Month
from ..store.store import Store
from .cube import FLOWS, Cube, load_cube
from .cube import SERIES_FLOWS as SERIES_FLOWS
from .history import yoy_pct

MEASURES = ("value", "yoy", "share")


@dataclass(frozen=True)
class Point:
    month: Month
    value: float | None  # USD for 'value', percent for 'yoy' and 'share'


@dataclass(frozen=True)
class SeriesQuery:
    """Which series: a flow, item, region and measure, over ``start``..``end`` (default: all
    the months of the data)."""

    flow: str
    item: str
    region: str
    measure: str = "value"
    start: Month | None = None
    end: Month | None = None

    def check(self, scheme_name: str | None = None) -> None:
        if self.flow not in SERIES_FLOWS:
            raise UsageError(f"unknown flow '{self.flow}'; flows are: {', '.join(SERIES_FLOWS)}")
        taxonomy(scheme_name).check(self.item)
        regions().check(self.region)
        if self.measure not in MEASURES:
            raise UsageError(
                f"unknown measure '{self.measure}'; measures are: {', '.join(MEASURES)}"
            )
        if self.start and self.end and self.start > self.end:
            raise UsageError(
                f"the first month {self.start} is after the last {self.end}; swap them"
            )


def series_from_cube(cube: Cube, query: SeriesQuery) -> list[Point]:
    """The monthly series ``query`` asks for."""
    query.check(cube.scheme)
    flow, i, r = query.flow, cube.items.index(query.item), cube.regions.index(query.region)
    if flow == "balance":
        value = cube.value[0, i, r] - cube.value[1, i, r]
        prior = cube.prior[0, i, r] - cube.prior[1, i, r]
        total = np.full_like(value, np.nan)
    else:
        f = FLOWS.index(flow)
        value, prior = cube.value[f, i, r], cube.prior[f, i, r]
        total = cube.value[f, cube.items.index("total"), r]
    with np.errstate(divide="ignore", invalid="ignore"):
        numbers = {
            "value": value,
            "yoy": yoy_pct(value, prior),
            "share": np.where(total > 0, value / total * 100, np.nan),
        }[query.measure]
    first, last = query.start or cube.months[0], query.end or cube.months[-1]
    return [
        Point(m, None if np.isnan(numbers[t]) else float(numbers[t]))
        for t, m in enumerate(cube.months)
        if first <= m <= last
    ]


def series(
    store: Store,
    flow: str,
    item: str,
    region: str,
    *,
    measure: str = "value",
    start: Month | None = None,
    end: Month | None = None,
    as_of: dt.date | None = None,
) -> list[Point]:
    """The monthly series of ``flow``, ``item`` and ``region`` in ``store`` (``SeriesQuery``)."""
    query = SeriesQuery(flow, item, region, measure, start, end)
    query.check(store.scheme_name)  # before the cube: that is the slow part
    return series_from_cube(load_cube(store, as_of), query)
