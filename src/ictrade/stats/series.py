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


def check_series_args(
    flow: str, item: str, region: str, measure: str, scheme_name: str | None = None
) -> None:
    if flow not in SERIES_FLOWS:
        raise UsageError(f"unknown flow '{flow}'; flows are: {', '.join(SERIES_FLOWS)}")
    taxonomy(scheme_name).check(item)
    regions().check(region)
    if measure not in MEASURES:
        raise UsageError(f"unknown measure '{measure}'; measures are: {', '.join(MEASURES)}")


def series_from_cube(
    cube: Cube,
    flow: str,
    item: str,
    region: str,
    measure: str = "value",
    start: Month | None = None,
    end: Month | None = None,
) -> list[Point]:
    """The monthly series from ``start`` to ``end`` (default: all the data)."""
    check_series_args(flow, item, region, measure, cube.scheme)
    i, r = cube.items.index(item), cube.regions.index(region)
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
        }[measure]
    first, last = start or cube.months[0], end or cube.months[-1]
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
    # before the cube: that is the slow part
    check_series_args(flow, item, region, measure, store.scheme_name)
    return series_from_cube(load_cube(store, as_of), flow, item, region, measure, start, end)
