"""Ingest: validated, atomic, idempotent appends of customs lines, keeping every vintage.

A batch is checked as a whole before anything is written (flows, HS codes, partners, values,
statuses, duplicated keys), then written in one transaction (``batch.append_batch``): a failure
leaves the store exactly as it was. Lines identical to stored ones are skipped, so loading a
file twice changes nothing; a line whose key and vintage match a stored line with another
value is refused. Reading files is ``ictrade.load``'s job.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Unpack

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from ..errors import LineOf, error_at_row
from ..months import Month
from .base import Store, first_row
from .batch import WRITE_STEPS, FileRecord, IngestReport, append_batch
from .classify_codes import refresh_code_map
from .coverage import incomplete_months
from .query import refresh_cube
from .schema import DEFAULT_REPORTER, KEY_SQL, LINE_KEY, LINE_SCHEMA, encoded_schema
from .steps import step
from .validate import distinct_values, validate

__all__ = ["IngestReport", "ingest_table", "load_parquet_lines"]

_KEY_JOIN = " AND ".join(f"a.{k} = b.{k}" for k in LINE_KEY)


def ingest_table(
    store: Store,
    table: pa.Table,
    *,
    origin: str,
    first_line: LineOf = None,
    **record: Unpack[FileRecord],
) -> IngestReport:
    """Validate and append ``table`` (LINE_SCHEMA) to the store, atomically.

    ``raw`` (the file's bytes) is kept in the store; ``sha256`` (the file's hash, for files
    too big to keep) and ``options`` (how it was read) identify a file already loaded.
    ``first_line``: where the table's rows sit in the file (errors.LineOf).
    """
    table = _conform(table)

    def check(con: duckdb.DuckDBPyConnection) -> bool:
        return validate(con, table, origin, first_line)

    def write(con: duckdb.DuckDBPyConnection, multi: object) -> int:
        step("writing", 0, WRITE_STEPS)
        added = _write(con, table, origin, first_line, multi=bool(multi))
        step("writing", 1, WRITE_STEPS)
        codes = distinct_values(table["hs_code"]).to_pylist() if added else []
        refresh_code_map(con, store.scheme_name, only_new=True, candidates=codes)
        step("writing", 2, WRITE_STEPS)
        if added:
            bounds = pc.min_max(table["month"])
            refresh_cube(con, store.scheme_name, (bounds["min"].as_py(), bounds["max"].as_py()))
        return added

    report = append_batch(
        store,
        table,
        origin=origin,
        check=check,
        write=write,
        **record,
    )
    if not report.lines_added:
        return report
    return dataclasses.replace(
        report,
        vintages=tuple(sorted(distinct_values(table["vintage"]).to_pylist())),
        incomplete=_incomplete(store, table),
    )


def _incomplete(store: Store, table: pa.Table) -> tuple[str, ...]:
    """The batch's months that look incomplete, judged for each reporter of the batch on its
    own lines (named unless the batch holds the store's reporter's lines only)."""
    bounds = pc.min_max(table["month"])
    months = (Month.from_date(bounds["min"].as_py()), Month.from_date(bounds["max"].as_py()))
    held = sorted(distinct_values(table["reporter"]).to_pylist())
    out = []
    for reporter in held:
        view = Store(
            store.con,
            store.name,
            read_only=store.read_only,
            scheme_name=store.scheme_name,
            reporter=reporter,
        )
        named = "" if held == [store.reporter] else f"reporter {reporter}: "
        out += [named + gap.describe() for gap in incomplete_months(view, months)]
    return tuple(out)


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
    first_line: LineOf,
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
    con: duckdb.DuckDBPyConnection, origin: str, first_line: LineOf, span: list[object]
) -> None:
    """Refuse a line whose key and vintage are stored with another value or status."""
    differs = "(a.value_usd IS DISTINCT FROM b.value_usd OR a.status <> b.status)"
    found = f"""FROM lines a JOIN batch b ON {_KEY_JOIN} AND a.vintage = b.vintage
        WHERE a.month BETWEEN ? AND ? AND {differs}"""
    if not con.execute(f"SELECT 1 {found} LIMIT 1", span).fetchall():
        return
    # Rare: number the batch's rows to name the first conflicting one.
    conflict = first_row(
        con.execute(
            f"""SELECT b.rn, a.value_usd, b.value_usd, a.status, b.status FROM lines a JOIN
            (SELECT row_number() OVER () - 1 AS rn, * FROM batch) b
            ON {_KEY_JOIN} AND a.vintage = b.vintage
            WHERE {differs} ORDER BY b.rn LIMIT 1"""
        ).fetchall()
    )
    assert conflict is not None
    row, stored, given, stored_status, given_status = conflict
    field, what = "value_usd", f"value {given} differs from the stored {stored}"
    if stored == given:
        field, what = "status", f"status {given_status} differs from the stored {stored_status}"
    raise error_at_row(
        f"{what} for the same line and vintage; give the new figures their own vintage "
        "(e.g. --vintage YYYY-MM-DD)",
        field=field,
        file=origin,
        first_line=first_line,
        row=int(row),
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
                (PARTITION BY {KEY_SQL} ORDER BY vintage) AS superseded_by FROM {source}"""
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
            (PARTITION BY {KEY_SQL} ORDER BY vintage) AS superseded_by
            FROM (SELECT {columns} FROM read_parquet(?))""",
        [str(path)],
    )
