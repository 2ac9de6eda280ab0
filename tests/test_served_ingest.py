"""A served store that an ingest changes: no answer computed from the old snapshot is kept
under the new snapshot's stamp (it would be served until the next ingest)."""

from __future__ import annotations

import threading
import time
import warnings
from pathlib import Path
from typing import Any

import pytest

from ictrade.store import store as store_module
from ictrade.store.ingest import ingest_table
from ictrade.store.store import StoreChoice, open_store, snapshot_store
from ictrade.web import create_app
from ictrade.web import handles as handles_module

from conftest import lines_table, series_rows

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message=".*httpx2", category=UserWarning)
    from starlette.testclient import TestClient

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


def test_a_broken_store_file_is_named_without_the_servers_directories(store_file):
    with TestClient(create_app(str(store_file), api_key="")) as c:
        assert c.get("/api/meta").status_code == 200
        store_file.write_bytes(b"not a database" * 1000)  # replaced under the running server
        answer = c.get("/api/meta")
    assert answer.status_code == 503
    assert "store.duckdb" in answer.text and str(store_file.parent) not in answer.text


def test_snapshots_of_one_file_are_taken_one_at_a_time(store_file, monkeypatch):
    """Two schemes' handles snapshot the same file: DuckDB refuses a connection to a file
    attached with other settings in the same process."""
    inside, most = [0], [0]
    real = store_module.open_choice

    def counted(*args: Any, **kwargs: Any) -> Any:
        inside[0] += 1
        most[0] = max(most[0], inside[0])
        time.sleep(0.05)
        try:
            return real(*args, **kwargs)
        finally:
            inside[0] -= 1

    monkeypatch.setattr(store_module, "open_choice", counted)
    choices = [StoreChoice(store_file, None, "", s, "KR") for s in ("kr-ict", "oecd-ict") * 3]
    threads = [threading.Thread(target=lambda c=c: snapshot_store(c).close()) for c in choices]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert most[0] == 1
