"""Opening a store: the user's DuckDB file, a path, or a shipped dataset (read-only); which
one a command uses is choice.py's (its names are exported here too); creating its tables and
bringing an older store up to date, upgrade.py's."""

from __future__ import annotations

import contextlib
import json
import re
import threading
import time
from pathlib import Path

import duckdb

from ..errors import StoreBusyError, StoreError
from .base import Store, first_row
from .choice import (
    StoreChoice,
    available_datasets,
    check_reporter,
    choose_store,
    dataset_path,
    default_store_path,
    writable_store_path,
    writer_wait,
)
from .classify_codes import refresh_code_map
from .ingest import load_parquet_lines
from .query import refresh_cube
from .schema import DEFAULT_REPORTER
from .storefile import check_store_file, check_tables
from .upgrade import create_schema, ensure_code_map, outdated

__all__ = [
    "Store",
    "StoreChoice",
    "available_datasets",
    "choose_store",
    "dataset_path",
    "default_store_path",
    "first_row",
    "open_choice",
    "open_store",
    "writable_store_path",
    "writer_wait",
]

def open_store(
    path: str | Path | None = None,
    *,
    dataset: str | None = None,
    read_only: bool = False,
    scheme_name: str = "kr-ict",
    reporter: str = DEFAULT_REPORTER,
    wait: float = 0.0,
) -> Store:
    """Open (creating if needed) the store at ``path``, or load a shipped dataset read-only.

    With neither, open the store the command line would (``ICTRADE_STORE``, else your store,
    else the shipped ``default`` dataset); ``open_store(":memory:")`` is an empty, writable
    store (handy in tests). Statistics
    read the lines of ``reporter`` classified by ``scheme_name``. While another program holds
    the file (an ingest writing, a server taking its snapshot), wait up to ``wait`` seconds,
    then raise StoreBusyError.
    """
    reporter = check_reporter(reporter)
    if dataset is None and path is None:
        chosen = choose_store(scheme_name=scheme_name, reporter=reporter)
        path, dataset = chosen.path, chosen.dataset
    if dataset is not None:
        return _open_dataset(dataset, scheme_name, reporter)
    target = str(path)
    if target != ":memory:":
        if read_only and not Path(target).exists():
            raise StoreError(f"no store at {target}; create one with 'ictrade ingest FILE'")
        check_store_file(target)
        Path(target).parent.mkdir(parents=True, exist_ok=True)
    con = _connect(target, read_only=read_only and target != ":memory:", wait=wait)
    if target != ":memory:":
        check_tables(con, target)
    if not read_only:
        try:
            create_schema(con)
        except duckdb.Error as exc:
            con.close()
            raise StoreError(f"{target} is not an ictrade store ({_first_line(exc)})") from None
    elif target != ":memory:" and outdated(con, scheme_name):
        # A store written before reporters, or not yet classified by this scheme: brought up
        # to date once (when the file is writable), then read as asked.
        con.close()
        with contextlib.suppress(StoreError):  # read-only file: read it as it is
            open_store(target, scheme_name=scheme_name).close()
        con = _connect(target, read_only=True, wait=wait)
    if read_only and not con.execute(
        "SELECT 1 FROM duckdb_tables() WHERE table_name = 'lines' AND database_name = "
        "current_database()"
    ).fetchall():
        con.close()
        raise StoreError(f"{target} is a DuckDB file but not an ictrade store (no lines table)")
    store = Store(con, target, read_only=read_only, scheme_name=scheme_name, reporter=reporter)
    if not read_only:
        ensure_code_map(store)
    return store


def _first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


LOCKED = re.compile(r"\block\b", re.IGNORECASE)  # DuckDB's lock errors; not '... in block 8192'


def _connect(target: str, *, read_only: bool, wait: float = 0.0) -> duckdb.DuckDBPyConnection:
    """Connect, waiting up to ``wait`` seconds for another program's lock to go; DuckDB's
    messages (which name the holder's interpreter path and process id) are not shown."""
    deadline = time.monotonic() + wait
    while True:
        try:
            return duckdb.connect(target, read_only=read_only)
        except duckdb.Error as exc:
            if not LOCKED.search(str(exc)):
                fix = (
                    "the file may be damaged: restore it from a copy, or give a new path"
                    if Path(target).exists()
                    else "check that its folder exists and that you may write to it"
                )
                raise StoreError(
                    f"cannot open the store {target}: {_first_line(exc)}; {fix}"
                ) from None
            if time.monotonic() >= deadline:
                raise StoreBusyError(
                    f"the store {target} is in use by another program (an ingest writing to "
                    "it); try again when it finishes"
                ) from None
            time.sleep(0.1)


# One snapshot at a time in a process: DuckDB refuses a second connection to a file that one
# is attached to with other settings (two schemes' snapshots of one store, taken at once).
_SNAPSHOTS = threading.Lock()


def snapshot_store(choice: StoreChoice) -> Store:
    """An in-memory copy of a store file's tables (the ingest log without the files kept),
    read-only: a server answers from it while ``ictrade ingest`` writes to the file. The file
    is held only while copying. Raises StoreBusyError while a writer holds the file."""
    with _SNAPSHOTS:
        return _copy(choice)


def _copy(choice: StoreChoice) -> Store:
    assert choice.path is not None
    open_choice(choice).close()  # names a missing or bad file; brings an old one up to date
    con = duckdb.connect(":memory:")
    quoted = str(choice.path).replace("'", "''")
    try:
        con.execute(f"ATTACH '{quoted}' AS src (READ_ONLY)")
    except duckdb.Error as exc:
        con.close()
        if "lock" in str(exc).lower():
            raise StoreBusyError(f"the store {choice.path} is being written; try again") from None
        raise StoreError(f"cannot open the store {choice.path}: {_first_line(exc)}") from None
    try:
        tables = con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE database_name = 'src'"
        ).fetchall()
        for (table,) in tables:
            kept = " REPLACE (NULL::BLOB AS raw)" if table == "ingests" else ""
            con.execute(f'CREATE TABLE "{table}" AS SELECT *{kept} FROM src."{table}"')
    finally:
        con.execute("DETACH src")
    return Store(
        con,
        str(choice.path),
        read_only=True,
        scheme_name=choice.scheme,
        reporter=choice.reporter,
    )


def _open_dataset(name: str, scheme_name: str, reporter: str) -> Store:
    path = dataset_path(name)
    con = duckdb.connect(":memory:")
    create_schema(con)
    load_parquet_lines(con, path)
    refresh_code_map(con, scheme_name, only_new=False)
    refresh_cube(con, scheme_name)
    store = Store(
        con, f"dataset:{name}", read_only=True, scheme_name=scheme_name, reporter=reporter
    )
    store.compare_by_lines = False
    meta = path.with_name("meta.json")
    if meta.is_file():
        info = json.loads(meta.read_text(encoding="utf-8"))
        store.completeness = info.get("complete")
        store.description = info.get("description")
    return store


def open_choice(choice: StoreChoice, *, read_only: bool = True) -> Store:
    if choice.dataset is not None:
        return open_store(
            dataset=choice.dataset, scheme_name=choice.scheme, reporter=choice.reporter
        )
    return open_store(
        choice.path, read_only=read_only, scheme_name=choice.scheme, reporter=choice.reporter
    )
