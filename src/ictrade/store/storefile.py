"""What a store path must be before DuckDB opens it, and what a DuckDB file must hold to be
read as a store: refused otherwise with the path and the fix, never DuckDB's own error."""

from __future__ import annotations

import contextlib
import stat
from collections.abc import Iterator
from pathlib import Path

import duckdb

from ..errors import IctradeError, StoreError
from .schema import LINE_SCHEMA

_NEW_PATH = "give the path of a store ictrade wrote, or a new path for a new store"


def check_store_file(target: str) -> None:
    """Refuse, before DuckDB opens it, a path that is not a DuckDB file: a folder, a device or
    pipe (which would block), an SQLite database (DuckDB would fetch an extension to read it),
    any other file. A missing file is a new store."""
    p = Path(target)
    try:
        target.encode("utf-8")
    except UnicodeEncodeError:  # DuckDB cannot open such a path
        shown = target.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
        raise StoreError(f"the store's path {shown} is not UTF-8 text; {_NEW_PATH}") from None
    try:
        info = p.stat()
    except FileNotFoundError:
        return
    except OSError as exc:
        raise StoreError(f"cannot open the store {target}: {exc.strerror}; {_NEW_PATH}") from None
    if stat.S_ISDIR(info.st_mode):
        raise StoreError(f"the store {target} is a folder; {_NEW_PATH} (a file name)")
    if not stat.S_ISREG(info.st_mode):
        raise StoreError(f"the store {target} is not a regular file; {_NEW_PATH}")
    try:
        with p.open("rb") as fh:
            head = fh.read(16)
    except OSError as exc:
        raise StoreError(f"cannot read the store {target}: {exc.strerror}") from None
    if head[8:12] != b"DUCK":
        kind = (
            "an empty file"
            if not head
            else "an SQLite database"
            if head.startswith(b"SQLite format 3")
            else "another kind of file"
        )
        raise StoreError(f"{target} is not a DuckDB store ({kind}); {_NEW_PATH}")


def check_tables(con: duckdb.DuckDBPyConnection, target: str) -> None:
    """Refuse another program's DuckDB database, or a store whose lines table lacks columns
    (written by an incompatible program), before anything reads or writes it."""
    rows = con.execute(
        "SELECT table_name, column_name FROM duckdb_columns() WHERE database_name = "
        "current_database() AND schema_name = 'main'"
    ).fetchall()
    tables: dict[str, set[str]] = {}
    for table, column in rows:
        tables.setdefault(table, set()).add(column)
    if not tables:
        return  # a new store
    if "lines" not in tables:
        if "ingests" in tables:
            return
        con.close()
        names = ", ".join(sorted(tables)[:5])
        raise StoreError(f"{target} is another program's DuckDB database (tables {names}); "
                         f"{_NEW_PATH}")  # fmt: skip
    lacking = [n for n in LINE_SCHEMA.names if n != "reporter" and n not in tables["lines"]]
    if lacking:
        con.close()
        raise StoreError(
            f"{target}: its table 'lines' lacks the columns {', '.join(lacking)}; it was not "
            f"written by this version of ictrade; {_NEW_PATH}"
        )


@contextlib.contextmanager
def removed_if_refused(path: Path) -> Iterator[None]:
    """A store the block creates is removed again when the block is refused (IctradeError)
    before anything was loaded: a refused first ingest leaves no empty store behind, which
    reading commands would otherwise prefer to the shipped dataset."""
    existed = path.exists()
    try:
        yield
    except IctradeError:
        if not existed and path.is_file() and _loaded_nothing(path):
            for made in (path, path.with_name(path.name + ".wal")):
                with contextlib.suppress(OSError):
                    made.unlink()
        raise


def _loaded_nothing(path: Path) -> bool:
    try:
        with duckdb.connect(str(path), read_only=True) as con:
            rows = con.execute(
                "SELECT (SELECT count(*) FROM ingests) + (SELECT count(*) FROM lines)"
            ).fetchall()
    except duckdb.Error:
        return False  # not ours to judge: keep it
    return rows == [(0,)]
