"""The entries of a facts document, computed over whole arrays, are those the series-by-series
code wrote (tests/facts_reference.py), byte for byte: on the default data's cubes and on the
same cubes with months that do not compare (which the shipped datasets never have), zeros and
negative values."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json

import facts_reference
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ictrade.errors import NoDataError
from ictrade.stats.comparable import Comparability
from ictrade.stats.cube import Cube, load_cube
from ictrade.stats.facts import facts_from_cube
from ictrade.store.store import Store

ENTRIES = ("cells", "streaks", "turns", "records", "ytd")


@pytest.fixture(scope="module")
def cubes(default_dataset: Store) -> list[Cube]:
    """The default data at its latest figures and at a vintage of its first years."""
    return [load_cube(default_dataset, None), load_cube(default_dataset, dt.date(2015, 3, 20))]


def same_entries(cube: Cube, t: int) -> None:
    try:
        facts = facts_from_cube(cube, cube.months[t], store_name="s", as_of=None, data_sources=[])
    except NoDataError:
        return  # no figures at t (a blanked month): no document, nothing to compare
    expected = facts_reference.entries(cube, t)
    for name in ENTRIES:
        found = json.dumps(facts[name], ensure_ascii=False)  # type: ignore[literal-required]
        assert found == json.dumps(expected[name], ensure_ascii=False), (name, t)


def test_entries_of_the_default_data(cubes: list[Cube]) -> None:
    for cube in cubes:
        months = len(cube.months)
        for t in sorted({0, 1, 2, 11, 12, 13, 23, 24, months // 2, months - 2, months - 1}):
            if t < months:
                same_entries(cube, t)


def varied(cube: Cube, seed: int) -> Cube:
    """``cube`` with months that compare at random (some months with every other one, as
    when lines of other goods come in) and some figures zero or negative."""
    rng = np.random.default_rng(seed)
    n_t = len(cube.months)
    same = rng.random((2, 2, n_t, n_t)) < rng.uniform(0.3, 1.0)
    same[:, :, :, rng.random(n_t) < 0.5] = True
    value, prior = cube.value.copy(), cube.prior.copy()
    value[rng.random(value.shape) < 0.05] = 0.0
    value[rng.random(value.shape) < 0.02] *= -1
    prior[rng.random(prior.shape) < 0.05] = np.nan
    comparable = Comparability(same, np.zeros((2, n_t), dtype=bool), {})
    return dataclasses.replace(cube, value=value, prior=prior, comparable=comparable)


@settings(max_examples=12)
@given(seed=st.integers(0, 2**32 - 1), at=st.floats(0, 1), which=st.integers(0, 1))
def test_entries_over_months_that_do_not_all_compare(
    cubes: list[Cube], seed: int, at: float, which: int
) -> None:
    cube = varied(cubes[which], seed)
    t = min(int(at * len(cube.months)), len(cube.months) - 1)
    same_entries(cube, t)
    if t > 12:
        same_entries(cube, t - 12 + seed % 3)
