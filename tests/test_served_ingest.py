"""A served store that an ingest changes: no answer computed from the old snapshot is kept
under the new snapshot's stamp (it would be served until the next ingest)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from ictrade.store.ingest import ingest_table
from ictrade.store.store import open_store
from ictrade.web import create_app
from ictrade.web import handles as handles_module

from conftest import lines_table, series_rows

OLD, NEW = 100.0, 250.0


@pytest.fixture
def store_file(tmp_path: Path) -> Path:
    path = tmp_path / "store.duckdb"
    with open_store(path) as store:
        rows = series_rows({"8542321010": [OLD] * 13}, "2019-01")
        ingest_table(store, lines_table(rows), origin="first")
    return path


def revise(path: Path) -> None:
    """An ingest of a later vintage of the last month, while the server runs."""
    with open_store(path) as store:
        rows = series_rows({"8542321010": [NEW]}, "2020-01")
        for row in rows:
            row["vintage"] = "2021-06-15"
        ingest_table(store, lines_table(rows), origin="revision")


def latest(handle: Any) -> float:
    cube = handle.cube(None)
    return float(cube.value[0, cube.items.index("total"), cube.regions.index("world"), -1])


def test_a_cube_built_from_a_store_in_use_is_kept_under_that_stores_stamp(store_file):
    handle = create_app(str(store_file), api_key="").state.api.service.default
    assert latest(handle) == OLD
    with handle.use() as store:  # a facts document in the making holds the old snapshot
        revise(store_file)
        handle.cube(None, store)  # its cube: from the old snapshot
    assert latest(handle) == NEW


def test_the_stamp_never_runs_ahead_of_the_snapshot(store_file, monkeypatch):
    """A request that asks for the cube while the new snapshot is being put in place."""
    handle = create_app(str(store_file), api_key="").state.api.service.default
    assert latest(handle) == OLD
    real = handles_module.snapshot_store
    seen: list[float] = []

    class Peeking:
        """The new snapshot's connection: its first query lets another request in."""

        def __init__(self, con: Any) -> None:
            self.con = con

        def execute(self, sql: str, *args: Any) -> Any:
            if "DISTINCT vintage" in sql and not seen:
                seen.append(latest(handle))
            return self.con.execute(sql, *args)

        def __getattr__(self, name: str) -> Any:
            return getattr(self.con, name)

    def peeking(choice: Any) -> Any:
        store = real(choice)
        store.con = Peeking(store.con)
        return store

    monkeypatch.setattr(handles_module, "snapshot_store", peeking)
    revise(store_file)
    assert latest(handle) == NEW
    assert seen == [OLD]  # the request in between had the old figures, under the old stamp
