"""Tables for pandas, polars and Arrow users: facts, series and the cube as ``pyarrow.Table``.

Each function returns an Arrow table; ``.to_pandas()`` (or ``polars.from_arrow``) makes a
DataFrame in one call. ``store`` defaults to the store the command line would use
(``open_store()``: ``ICTRADE_STORE``, else your store, else the shipped default dataset)::

    import ictrade
    cells = ictrade.facts_table(month="2020-11").to_pandas()
    chips = ictrade.series_table(item="semiconductors", measure="yoy").to_pandas()
    cube = ictrade.cube_table(as_of="2021-01-15").to_pandas()
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np
import pyarrow as pa

from .api import checked, date_of, month_of
from .errors import UsageError
from .months import Month
from .stats.cube import FLOWS, load_cube
from .stats.facts import build_facts
from .stats.series import series
from .store.store import Store, open_store

__all__ = ["cube_table", "facts_table", "series_table"]

MonthLike = Month | str
DateLike = dt.date | str | None


def _month(value: MonthLike) -> Month:
    month = month_of(value)
    if month is None:
        raise UsageError("month is required: a Month or text 'YYYY-MM', e.g. '2020-11'")
    return month


@contextmanager
def _opened(store: Store | None) -> Iterator[Store]:
    if store is not None:
        yield store
        return
    with open_store() as chosen:
        yield chosen


@checked
def facts_table(
    store: Store | None = None,
    *,
    month: MonthLike,
    as_of: DateLike = None,
    as_published: bool = False,
) -> pa.Table:
    """The facts of a month (``build_facts``' cells): one row per flow, item and region, with
    value, the year before, growth, shares and contribution; the document's provenance is in
    the table's schema metadata (``ictrade.facts``)."""
    import json

    with _opened(store) as opened:
        facts = build_facts(opened, _month(month), as_of=date_of(as_of), as_published=as_published)
    table = pa.Table.from_pylist(facts["cells"])
    head = {k: v for k, v in facts.items() if k not in ("cells", "streaks", "turns", "records")}
    return table.replace_schema_metadata({"ictrade.facts": json.dumps(head, default=str)})


@checked
def series_table(
    store: Store | None = None,
    *,
    flow: str = "export",
    item: str = "total",
    region: str = "world",
    measure: str = "value",
    start: MonthLike | None = None,
    end: MonthLike | None = None,
    as_of: DateLike = None,
) -> pa.Table:
    """A monthly series: columns ``month`` (first day, a date) and ``value`` (USD for
    'value', percent for 'yoy' and 'share')."""
    with _opened(store) as opened:
        points = series(
            opened,
            flow,
            item,
            region,
            measure=measure,
            start=month_of(start, "start"),
            end=month_of(end, "end"),
            as_of=date_of(as_of),
        )
    return pa.table(
        {
            "month": pa.array([p.month.first_day() for p in points], pa.date32()),
            "value": pa.array([p.value for p in points], pa.float64()),
        }
    )


@checked
def cube_table(store: Store | None = None, *, as_of: DateLike = None) -> pa.Table:
    """The cube every statistic comes from, long: ``month``, ``flow``, ``item`` (items roll up
    their descendants), ``region``, ``value_usd`` and ``prior_usd`` (twelve months before, with
    the region's members of the month); cells without trade are left out."""
    with _opened(store) as opened:
        cube = load_cube(opened, date_of(as_of))
    f, i, r, t = np.nonzero(np.nan_to_num(cube.value) != 0)
    months = np.array([m.first_day() for m in cube.months], dtype="datetime64[D]")
    return pa.table(
        {
            "month": pa.array(months[t], pa.date32()),
            "flow": pa.array(np.array(FLOWS)[f]).dictionary_encode(),
            "item": pa.array(np.array(cube.items)[i]).dictionary_encode(),
            "region": pa.array(np.array(cube.regions)[r]).dictionary_encode(),
            "value_usd": pa.array(cube.value[f, i, r, t], pa.float64()),
            "prior_usd": pa.array(cube.prior[f, i, r, t], pa.float64(), from_pandas=True),
        }
    )
