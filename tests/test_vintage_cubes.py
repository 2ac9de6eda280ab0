"""Cubes at any vintage from the rows by span in force equal the aggregation of the lines."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pyarrow as pa
import pytest

from ictrade.classify.partners import WORLD
from ictrade.errors import NoDataError
from ictrade.months import Month
from ictrade.stats.cube import Cells, Cube, load_cube
from ictrade.stats.vintage_cubes import NEVER, MonthSlices, VintageCubes
from ictrade.store.ingest import ingest_table
from ictrade.store.store import Store, open_store

from conftest import lines_table, series_rows


def same(a: Cube, b: Cube) -> bool:
    arrays = ("value", "prior", "estimated", "unattributed")
    return (
        a.months == b.months
        and a.flows_present == b.flows_present
        and all(np.array_equal(getattr(a, n), getattr(b, n), equal_nan=True) for n in arrays)
    )


@pytest.fixture(scope="module")
def default() -> Store:
    return open_store(dataset="default")  # its completeness spans blank some cells


@pytest.mark.parametrize(
    "day",
    ["2013-02-15", "2013-03-01", "2016-07-14", "2016-07-15", "2019-08-02", "2025-12-31"],
)
def test_every_date_of_the_default_dataset(default, day):
    as_of = dt.date.fromisoformat(day)
    assert same(VintageCubes(default).cube(default, as_of), load_cube(default, as_of))


def revised(store: Store) -> None:
    """Two items from 2019-01 published on 2020-02-15; 2019-12 and 2020-01 revised on
    2020-06-15 by partner lines."""
    old = series_rows({"8542321010": [100.0] * 13, "8517130000": [7.0] * 13}, "2019-01")
    for row in old:
        row["vintage"] = "2020-02-15"
    ingest_table(store, lines_table(old), origin="first")
    new = series_rows({"8542321010": [150.0, 160.0]}, "2019-12", partner="CN")
    for row in new:
        row["vintage"] = "2020-06-15"
    ingest_table(store, lines_table(new), origin="revision")


def test_slices_made_ahead_are_the_slices_a_date_makes(store):
    """``prepare`` makes each month's slice at every set of its lines in force: a date asked
    afterwards makes none of its own and gets the same cube (a revision, a month superseded
    on the day asked, a date before a month's first vintage)."""
    revised(store)
    ahead, asked = VintageCubes(store), VintageCubes(store)
    ahead.prepare()
    made = dict(ahead.slices.kept)
    assert made and all(s.held for s in made.values())
    for day in ("2020-02-15", "2020-03-01", "2020-06-14", "2020-06-15", "2021-01-01"):
        as_of = dt.date.fromisoformat(day)
        assert same(ahead.cube(store, as_of), asked.cube(store, as_of))
    held = {k: v for k, v in ahead.slices.kept.items() if v.held}
    assert held == made  # every slice holding lines was made ahead


def test_revised_lines_and_dates_before_any_vintage(store):
    revised(store)
    cubes = VintageCubes(store)
    assert cubes.cells is not None
    for day in ("2020-02-15", "2020-06-14", "2020-06-15", "2021-01-01"):
        as_of = dt.date.fromisoformat(day)
        assert same(cubes.cube(store, as_of), load_cube(store, as_of))
    with pytest.raises(NoDataError, match="nothing was published by 2020-01-01.*2020-02-15"):
        cubes.cube(store, dt.date(2020, 1, 1))


def test_lines_counted_one_by_one_take_the_aggregation(store):
    rows = series_rows({"854232": [100.0] * 3, "8542321010": [40.0] * 3}, "2020-01")
    ingest_table(store, lines_table(rows), origin="nested codes")
    cubes = VintageCubes(store)
    assert cubes.cells is None
    as_of = dt.date(2021, 1, 15)
    assert same(cubes.cube(store, as_of), load_cube(store, as_of))


@pytest.mark.parametrize("seed", range(6))
def test_month_slices_make_the_cube_of_the_cells_to_the_last_bit(seed):
    """Fractional values given several times a cell, revised and superseded, estimated parts,
    partners leaving a region (GB and the EU, 2020-02): each month's slices make the same
    cube as the cells summed at once."""
    rng = np.random.default_rng(seed)
    n = 3000
    first = Month(2018, 6)
    months = [first + int(k) for k in rng.integers(0, 37, n)]
    after = rng.integers(0, 400, n).tolist()  # published that many days after the month
    vintage = np.array(
        [(m + 1).first_day() + dt.timedelta(days=d) for m, d in zip(months, after, strict=True)],
        dtype="datetime64[D]",
    )
    order = np.argsort(vintage, kind="stable")
    items = ["dram", "nand", "lcd", "computers", "tv", "other_ict"]
    rows = pa.table(
        {
            "month": pa.array([months[i].first_day() for i in order], pa.date32()),
            "flow": [["export", "import"][k] for k in rng.integers(0, 2, n)],
            "item": [items[k] for k in rng.integers(0, len(items), n)],
            "partner": [["DE", "GB", "US", "CN", "VN", WORLD][k] for k in rng.integers(0, 6, n)],
            "value_usd": rng.random(n) * 10.0 ** rng.integers(0, 9, n),
            "estimated_usd": np.where(rng.random(n) < 0.7, 0.0, rng.random(n) * 1e3),
        }
    )
    days = vintage[order].astype(np.int64)
    lasting = rng.integers(1, 500, n)
    superseded = np.where(rng.random(n) < 0.4, NEVER, days + lasting)
    cells = Cells(rows)
    slices = MonthSlices(cells, days, superseded)
    for day in sorted(rng.integers(int(days.min()) - 5, int(days.max()) + 5, 25).tolist()):
        published = int(np.searchsorted(days, day, side="right"))
        keep = superseded[:published] > day
        if not keep.any():
            with pytest.raises(NoDataError):
                slices.cube(day)
            continue
        assert same(slices.cube(day), cells.cube(keep, upto=published))


def test_which_months_compare_is_kept_by_the_lines_in_force(tmp_path):
    """A snapshot keeps which months compare by the lines in force a date resolves to (the
    server finds it for every vintage ahead): the same answer as found anew, at any date."""
    from ictrade.stats.comparable import comparability
    from ictrade.stats.cube import months_compared
    from ictrade.store.layers import layer_arrays
    from ictrade.store.store import StoreChoice
    from ictrade.web.handles import StoreHandle

    path = tmp_path / "s.duckdb"
    with open_store(str(path)) as s:
        full = series_rows({"8542321010": [100.0] * 14, "8517130000": [50.0] * 14}, "2019-01")
        for row in full:
            row["vintage"] = "2020-03-15"
        ingest_table(s, lines_table(full), origin="first")
        part = series_rows({"8542321010": [110.0]}, "2020-03")  # a month of one code
        for row in part:
            row["vintage"] = "2020-04-20"
        ingest_table(s, lines_table(part), origin="partial")
    handle = StoreHandle(StoreChoice(path, None, "", "kr-ict", "KR"))
    handle.warm()
    with handle.use() as snapshot:
        for day in ("2020-03-20", "2020-04-20", "2020-05-01"):
            as_of = dt.date.fromisoformat(day)
            cube = handle.cube(as_of, snapshot)
            found = comparability(layer_arrays(snapshot, as_of), cube.months)
            kept = months_compared(snapshot, as_of, cube.months)
            assert kept is months_compared(snapshot, as_of + dt.timedelta(days=1), cube.months)
            assert np.array_equal(kept.same, found.same)
            assert np.array_equal(kept.narrow, found.narrow) and kept.wider == found.wider
        assert cube.comparable is kept
