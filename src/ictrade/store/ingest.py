"""Ingest: validated, atomic, idempotent appends of customs lines, keeping every vintage.

A batch is checked as a whole before anything is written (flows, HS codes, partners, values,
statuses, duplicated keys), then written in one transaction: a failure leaves the store exactly
as it was. Lines identical to stored ones are skipped, so loading a file twice changes nothing;
a line whose key and vintage match a stored line with another value is refused.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from ..errors import InputError, StoreError, error_at_row
from .classify_codes import refresh_code_map
from .query import refresh_cube
from .schema import DEFAULT_REPORTER, LINE_KEY, LINE_SCHEMA, RAW_KEPT_MAX, encoded_schema
from .store import Store, first_row
from .validate import distinct_values, validate

_KEY = ", ".join(LINE_KEY)
_KEY_JOIN = " AND ".join(f"a.{k} = b.{k}" for k in LINE_KEY)


@dataclass(frozen=True)
class IngestReport:
    origin: str
    lines_seen: int
    lines_added: int
    already_loaded: bool = False
    noun: ClassVar[str] = "lines"  # what a row of the file is, in the summary
    skipped_note: ClassVar[str] = "identical to stored lines"

    def summary(self) -> str:
        if self.already_loaded:
            return f"{self.origin}: already loaded; nothing changed"
        skipped = self.lines_seen - self.lines_added
        extra = f" ({skipped} {self.skipped_note}, skipped)" if skipped else ""
        return f"{self.origin}: {self.lines_added} {self.noun} added of {self.lines_seen}{extra}"


def ingest_table(
    store: Store,
    table: pa.Table,
    *,
    origin: str,
    first_line: int | None = None,
    raw: bytes | None = None,
    retrieved_at: dt.datetime | None = None,
    sha256: str | None = None,
) -> IngestReport:
    """Validate and append ``table`` (LINE_SCHEMA) to the store, atomically.

    ``raw`` (the file's bytes) is kept in the store; ``sha256`` (the file's hash, for files
    too big to keep) identifies a file already loaded.
    """
    if store.read_only:
        raise StoreError(f"{store.name} is read-only; ingest into your own store (--store PATH)")
    table = _conform(table)
    sha = sha256 or (hashlib.sha256(raw).hexdigest() if raw is not None else None)
    if raw is not None and len(raw) > RAW_KEPT_MAX:
        raw = None  # recorded by its hash only
    con = store.con
    if sha and con.execute("SELECT 1 FROM ingests WHERE sha256 = ?", [sha]).fetchall():
        return IngestReport(origin, table.num_rows, 0, already_loaded=True)
    con.register("batch", table)
    try:
        multi = validate(con, table, origin, first_line)
        con.execute("BEGIN TRANSACTION")
        try:
            added = _write(con, table, origin, first_line, multi=multi)
            record = [origin, sha, added, table.num_rows, retrieved_at, dt.datetime.now(), raw]
            con.execute(
                "INSERT INTO ingests SELECT coalesce(max(id), 0) + 1, ?, ?, ?, ?, ?, ?, ? "
                "FROM ingests",
                record,
            )
            codes = distinct_values(table["hs_code"]).to_pylist() if added else []
            refresh_code_map(con, store.scheme_name, only_new=True, candidates=codes)
            if added:
                bounds = pc.min_max(table["month"])
                span = (bounds["min"].as_py(), bounds["max"].as_py())
                refresh_cube(con, store.scheme_name, span)
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
    finally:
        con.unregister("batch")
    return IngestReport(origin, table.num_rows, added)


def _conform(table: pa.Table) -> pa.Table:
    """The columns of LINE_SCHEMA in order and type (dictionary-encoded strings kept as such);
    a table without reporters holds the default reporter's lines."""
    if "reporter" not in table.column_names:
        table = table.append_column(
            "reporter", pa.repeat(pa.scalar(DEFAULT_REPORTER), table.num_rows)
        )
    table = table.select(LINE_SCHEMA.names)
    return table.cast(encoded_schema(dict(zip(table.column_names, table.columns, strict=True))))


def _write(
    con: duckdb.DuckDBPyConnection,
    table: pa.Table,
    origin: str,
    first_line: int | None,
    *,
    multi: bool,
) -> int:
    """Append new lines and recompute superseded_by for the keys they touch."""
    bounds = pc.min_max(table["month"])
    span = [bounds["min"].as_py(), bounds["max"].as_py()]
    within = "a.month BETWEEN ? AND ?"  # stored lines outside the batch's months cannot match
    if not con.execute(f"SELECT 1 FROM lines a WHERE {within} LIMIT 1", span).fetchall():
        _insert(con, "batch", multi)
        return int(table.num_rows)
    _check_conflicts(con, origin, first_line, span)
    same = first_row(
        con.execute(
            f"""SELECT count(*) FROM lines a JOIN batch b ON {_KEY_JOIN} AND a.vintage = b.vintage
            WHERE {within}""",
            span,
        ).fetchall()
    )
    identical = int(same[0]) if same else 0
    fresh = "batch"
    if identical:
        con.execute(
            f"""CREATE OR REPLACE TEMP TABLE fresh AS SELECT * FROM batch b WHERE NOT EXISTS
                (SELECT 1 FROM lines a WHERE {within} AND {_KEY_JOIN} AND a.vintage = b.vintage)""",
            span,
        )
        fresh = "fresh"
    count = int(table.num_rows) - identical
    if count == 0:
        return 0
    touched = con.execute(
        f"""SELECT 1 FROM lines a WHERE {within} AND EXISTS
            (SELECT 1 FROM {fresh} b WHERE {_KEY_JOIN}) LIMIT 1""",
        span,
    ).fetchall()
    if touched:
        con.execute(
            f"""CREATE OR REPLACE TEMP TABLE fresh AS
                SELECT * EXCLUDE (superseded_by) FROM lines a
                WHERE {within} AND EXISTS (SELECT 1 FROM {fresh} b WHERE {_KEY_JOIN})
                UNION ALL BY NAME SELECT * FROM {fresh}""",
            span,
        )
        con.execute(
            f"""DELETE FROM lines a WHERE {within}
                AND EXISTS (SELECT 1 FROM fresh b WHERE {_KEY_JOIN})""",
            span,
        )
        _insert(con, "fresh", multi=True)
    else:
        _insert(con, fresh, multi)
    return count


def _check_conflicts(
    con: duckdb.DuckDBPyConnection, origin: str, first_line: int | None, span: list[object]
) -> None:
    """Refuse a line whose key and vintage are stored with another value."""
    differs = f"""FROM lines a JOIN batch b ON {_KEY_JOIN} AND a.vintage = b.vintage
        WHERE a.month BETWEEN ? AND ? AND a.value_usd IS DISTINCT FROM b.value_usd"""
    if not con.execute(f"SELECT 1 {differs} LIMIT 1", span).fetchall():
        return
    # Rare: number the batch's rows to name the first conflicting one.
    conflict = first_row(
        con.execute(
            f"""SELECT b.rn, a.value_usd, b.value_usd FROM lines a JOIN
            (SELECT row_number() OVER () - 1 AS rn, * FROM batch) b
            ON {_KEY_JOIN} AND a.vintage = b.vintage
            WHERE a.value_usd IS DISTINCT FROM b.value_usd ORDER BY b.rn LIMIT 1"""
        ).fetchall()
    )
    assert conflict is not None
    raise error_at_row(
        f"value {conflict[2]} differs from the stored {conflict[1]} for the same line and "
        "vintage; give the new figures their own vintage (e.g. --vintage YYYY-MM-DD)",
        field="value_usd",
        file=origin,
        first_line=first_line,
        row=int(conflict[0]),
    )


def _insert(con: duckdb.DuckDBPyConnection, source: str, multi: bool) -> None:
    # Row order in the lines table means nothing (every query orders or aggregates): letting
    # DuckDB insert in parallel halves the time. Only here: row numbers elsewhere need order.
    con.execute("SET preserve_insertion_order = false")
    try:
        if not multi:
            con.execute(f"INSERT INTO lines BY NAME SELECT *, NULL AS superseded_by FROM {source}")
            return
        con.execute(
            f"""INSERT INTO lines BY NAME SELECT *, lead(vintage) OVER
                (PARTITION BY {_KEY} ORDER BY vintage) AS superseded_by FROM {source}"""
        )
    finally:
        con.execute("RESET preserve_insertion_order")


def load_parquet_lines(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    """Load a shipped dataset's lines, computing which vintage supersedes which (files
    without a reporter column hold the default reporter's lines)."""
    described = con.execute("DESCRIBE SELECT * FROM read_parquet(?)", [str(path)]).fetchall()
    stored = {row[0] for row in described}
    columns = ", ".join(
        name if name in stored else f"'{DEFAULT_REPORTER}' AS {name}" for name in LINE_SCHEMA.names
    )
    con.execute(
        f"""INSERT INTO lines BY NAME SELECT *, lead(vintage) OVER
            (PARTITION BY {_KEY} ORDER BY vintage) AS superseded_by
            FROM (SELECT {columns} FROM read_parquet(?))""",
        [str(path)],
    )


# Fields of files that carry both flows in one row.
WIDE_FIELDS = ("export_value_usd", "import_value_usd", "export_net_kg", "import_net_kg")


def parse_mapping(pairs: tuple[str, ...] | list[str]) -> dict[str, str]:
    """'COLUMN=FIELD' options into {column: field}."""
    fields = [*LINE_SCHEMA.names, *WIDE_FIELDS]
    mapping = {}
    for pair in pairs:
        column, sep, field = pair.partition("=")
        if not sep or field.strip() not in fields:
            raise InputError(
                f"--map '{pair}' is not COLUMN=FIELD with FIELD one of: {', '.join(fields)}"
            )
        mapping[column.strip()] = field.strip()
    return mapping


def ingest_file(
    store: Store,
    path: str | Path,
    *,
    layout: str | None = None,
    encoding: str = "auto",
    source: str | None = None,
    vintage: dt.date | None = None,
    status: str = "confirmed",
    mapping: dict[str, str] | None = None,
) -> IngestReport:
    """Read, validate and load a file of customs lines into ``store``."""
    from ..sources._read import file_kind
    from ..sources.files import LineDefaults, read_lines
    from .flash import ingest_flash_file, is_flash_file

    file = Path(path)
    if not file.is_file():
        raise InputError("no such file; check the path", file=str(path))
    if layout == "flash" or (layout is None and is_flash_file(file)):
        return ingest_flash_file(store, file, source=source, vintage=vintage, encoding=encoding)
    raw: bytes | None = None
    if file.stat().st_size > RAW_KEPT_MAX:  # kept by its hash only: no need to hold it
        with file.open("rb") as fh:
            sha = hashlib.file_digest(fh, "sha256").hexdigest()
    else:
        raw = file.read_bytes()
        sha = hashlib.sha256(raw).hexdigest()
    if store.con.execute("SELECT 1 FROM ingests WHERE sha256 = ?", [sha]).fetchall():
        return IngestReport(str(path), 0, 0, already_loaded=True)  # known before reading it
    defaults = LineDefaults(source=source, vintage=vintage, status=status)
    # ingest_table checks the keys of the whole batch: read_lines need not do it twice (it
    # still does where its rows are not the file's rows one for one, to name the lines).
    table = read_lines(
        file,
        layout=layout,
        encoding=encoding,
        mapping=mapping or None,
        defaults=defaults,
        check_keys=False,
        encoded=True,
    )
    # Parquet rows are named as lines 1, 2, ... like read_lines does.
    first_line = 1 if file_kind(file) == "parquet" else None
    return ingest_table(
        store,
        table,
        origin=str(path),
        first_line=first_line,
        raw=raw,
        sha256=sha,
        retrieved_at=dt.datetime.now(),
    )
