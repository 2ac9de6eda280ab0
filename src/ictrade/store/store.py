"""Opening a store: the user's DuckDB file, a path, or a shipped dataset (read-only); which
one a command uses is choice.py's (its names are exported here too)."""

from __future__ import annotations

import contextlib
import hashlib
import json
import threading
import time
from pathlib import Path

import duckdb

from ..classify import scheme
from ..classify.splits import splits
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
from .query import cube_ready, refresh_cube
from .schema import DEFAULT_REPORTER, LINES_DDL
from .storefile import check_store_file, check_tables

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

META_DDL = [
    LINES_DDL,
    """CREATE TABLE IF NOT EXISTS ingests (
        id INTEGER PRIMARY KEY, origin VARCHAR, sha256 VARCHAR, lines_added BIGINT,
        lines_seen BIGINT, retrieved_at TIMESTAMP, ingested_at TIMESTAMP, raw BLOB,
        options VARCHAR)""",
    # one row per item of a code and month range; a code the split table apportions has
    # several, with their shares (estimated)
    """CREATE TABLE IF NOT EXISTS code_map (
        scheme VARCHAR, hs_code VARCHAR, valid_from DATE, valid_to DATE, item VARCHAR,
        mixed BOOLEAN, share DOUBLE DEFAULT 1.0, estimated BOOLEAN DEFAULT false)""",
    "CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR)",
    # CUBE_SQL over the lines in force now, kept by ingest (store/query.py, refresh_cube)
    """CREATE TABLE IF NOT EXISTS cube_latest (
        reporter VARCHAR NOT NULL, month DATE NOT NULL, flow VARCHAR NOT NULL,
        item VARCHAR NOT NULL, partner VARCHAR NOT NULL, value_usd DOUBLE,
        scheme VARCHAR NOT NULL, estimated_usd DOUBLE DEFAULT 0)""",
    # customs flash figures: schema.FLASH_SCHEMA
    """CREATE TABLE IF NOT EXISTS flash (
        item_key VARCHAR NOT NULL, hs_code VARCHAR, flow VARCHAR NOT NULL, unit VARCHAR NOT NULL,
        partner_ko VARCHAR NOT NULL, month DATE NOT NULL, cut_day INTEGER NOT NULL,
        cum_value DOUBLE NOT NULL, source VARCHAR NOT NULL, vintage DATE NOT NULL)""",
    # the options a file was read with (JSON; NULL: the defaults), for stores made before it
    "ALTER TABLE ingests ADD COLUMN IF NOT EXISTS options VARCHAR",
]


def rules_fingerprint(scheme_name: str) -> str:
    rules = scheme(scheme_name).rules
    text = "\n".join(f"{r.prefix},{r.item},{r.valid_from},{r.valid_to}" for r in rules)
    text += "\n".join(
        f"{s.code},{s.item},{s.share},{s.valid_from},{s.valid_to}"
        for s in splits(scheme_name).shares
    )
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _ensure_code_map(store: Store) -> None:
    """(Re)classify the store's codes when the shipped rules changed since last time, and
    rebuild the latest cube then (or when the store predates it)."""
    con, scheme_name = store.con, store.scheme_name
    key = f"rules:{scheme_name}"
    fingerprint = rules_fingerprint(scheme_name)
    row = first_row(con.execute("SELECT value FROM meta WHERE key = ?", [key]).fetchall())
    current = bool(row and row[0] == fingerprint)
    if current and cube_ready(con, scheme_name):
        return
    con.execute("BEGIN TRANSACTION")
    try:
        if not current:
            refresh_code_map(con, scheme_name, only_new=False)
            con.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", [key, fingerprint])
        refresh_cube(con, scheme_name)  # whole: every code may have moved
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise


# Stores written before splits: their code map is rebuilt (the rules fingerprint holds the
# split table) and their latest cube too (its marker changed).
MIGRATIONS = [
    "ALTER TABLE code_map ADD COLUMN IF NOT EXISTS share DOUBLE DEFAULT 1.0",
    "ALTER TABLE code_map ADD COLUMN IF NOT EXISTS estimated BOOLEAN DEFAULT false",
    "ALTER TABLE cube_latest ADD COLUMN IF NOT EXISTS estimated_usd DOUBLE DEFAULT 0",
]


def _create_schema(con: duckdb.DuckDBPyConnection) -> None:
    for ddl in META_DDL:
        con.execute(ddl)
    _add_reporters(con)
    for ddl in MIGRATIONS:
        con.execute(ddl)


def _add_reporters(con: duckdb.DuckDBPyConnection) -> None:
    """Bring a store written before reporters existed up to date: its lines are Korea's, and
    its latest cube is rebuilt with the reporter (_ensure_code_map)."""
    columns = {r[0] for r in con.execute("DESCRIBE lines").fetchall()}
    if "reporter" in columns:
        return
    con.execute(f"ALTER TABLE lines ADD COLUMN reporter VARCHAR DEFAULT '{DEFAULT_REPORTER}'")
    con.execute("DROP TABLE cube_latest")
    con.execute("DELETE FROM meta WHERE key LIKE 'cube:%'")
    con.execute(META_DDL[4])


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
            _create_schema(con)
        except duckdb.Error as exc:
            con.close()
            raise StoreError(f"{target} is not an ictrade store ({_first_line(exc)})") from None
    elif target != ":memory:" and _outdated(con, scheme_name):
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
        _ensure_code_map(store)
    return store


def _first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


def _connect(target: str, *, read_only: bool, wait: float = 0.0) -> duckdb.DuckDBPyConnection:
    """Connect, waiting up to ``wait`` seconds for another program's lock to go; DuckDB's
    messages (which name the holder's interpreter path and process id) are not shown."""
    deadline = time.monotonic() + wait
    while True:
        try:
            return duckdb.connect(target, read_only=read_only)
        except duckdb.Error as exc:
            if "lock" not in str(exc).lower():
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


def _outdated(con: duckdb.DuckDBPyConnection, scheme_name: str) -> bool:
    try:
        columns = {r[0] for r in con.execute("DESCRIBE lines").fetchall()}
        key = f"rules:{scheme_name}"
        row = first_row(con.execute("SELECT value FROM meta WHERE key = ?", [key]).fetchall())
    except duckdb.Error:
        return False  # not a store: the first query says so
    return "reporter" not in columns or not row or row[0] != rules_fingerprint(scheme_name)


def _open_dataset(name: str, scheme_name: str, reporter: str) -> Store:
    path = dataset_path(name)
    con = duckdb.connect(":memory:")
    _create_schema(con)
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
