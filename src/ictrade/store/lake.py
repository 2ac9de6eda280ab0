"""A Parquet lake of customs lines, for data beyond one machine's DuckDB store.

Layout (Hive-style, readable by DuckDB, Spark and any Parquet reader)::

    LAKE/lines/reporter=KR/month=2020-11-01/<uuid>.parquet
    LAKE/ingests.csv        one row per batch appended: origin, sha256, lines, when

Files hold the LINE_SCHEMA columns but the two partition columns. A batch is appended as new
files and never rewrites one, so every vintage stays readable; which vintage is in force as of
a date is computed when the lake is read (``ictrade.engine``). Appending checks the batch like
the store does (flows, codes, partners, values, duplicated keys), skips lines identical to
stored ones, and refuses a line whose key and vintage are stored with another value.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from ..errors import InputError, StoreError
from .batch import LoadReport
from .schema import LINE_KEY, LINE_SCHEMA
from .validate import validate

PARTITIONS = ("reporter", "month")
_KEY_JOIN = " AND ".join(f"a.{k} = b.{k}" for k in (*LINE_KEY, "vintage"))


class LakeReport(LoadReport):
    skipped_note = "identical to lines in the lake"
    destination = " to the lake"
    already_note = "already in the lake"


def lines_glob(lake: Path) -> str:
    return str(lake / "lines" / "**" / "*.parquet")


def has_lines(lake: Path) -> bool:
    return (lake / "lines").is_dir() and any((lake / "lines").rglob("*.parquet"))


def read_sql(lake: Path) -> str:
    """A DuckDB table expression of the lake's lines (every vintage), LINE_SCHEMA columns."""
    return (
        f"read_parquet('{lines_glob(lake)}', hive_partitioning = true, "
        "hive_types = {'reporter': VARCHAR, 'month': DATE})"
    )


def _ingested(lake: Path) -> set[str]:
    log = lake / "ingests.csv"
    if not log.is_file():
        return set()
    with log.open(encoding="utf-8", newline="") as fh:
        return {row["sha256"] for row in csv.DictReader(fh)}


def _log(lake: Path, origin: str, sha: str, added: int) -> None:
    log = lake / "ingests.csv"
    new = not log.is_file()
    with log.open("a", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        if new:
            writer.writerow(["origin", "sha256", "lines_added", "ingested_at"])
        writer.writerow([origin, sha, added, dt.datetime.now().isoformat(timespec="seconds")])


def _table_sha(table: pa.Table) -> str:
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return hashlib.sha256(sink.getvalue().to_pybytes()).hexdigest()


def append_lines(
    lake: Path, table: pa.Table, *, origin: str, sha256: str | None = None
) -> LakeReport:
    """Check ``table`` (LINE_SCHEMA) and append the lines the lake lacks, as new files."""
    table = table.select(LINE_SCHEMA.names).cast(LINE_SCHEMA)
    sha = sha256 or _table_sha(table)
    if sha in _ingested(lake):
        return LakeReport(origin, table.num_rows, 0, already_loaded=True)
    con = duckdb.connect()
    try:
        con.register("batch", table)
        validate(con, table, origin, None)
        fresh = "batch"
        if has_lines(lake) and table.num_rows:
            bounds = pc.min_max(table["month"])
            con.execute(
                f"""CREATE TEMP TABLE stored AS SELECT * FROM {read_sql(lake)} a
                WHERE a.month BETWEEN ? AND ?
                AND a.reporter IN (SELECT DISTINCT reporter FROM batch)""",
                [bounds["min"].as_py(), bounds["max"].as_py()],
            )
            clash = con.execute(
                f"""SELECT b.hs_code, b.month, b.partner, a.value_usd, b.value_usd
                FROM stored a JOIN batch b ON {_KEY_JOIN}
                WHERE a.value_usd IS DISTINCT FROM b.value_usd LIMIT 1"""
            ).fetchall()
            if clash:
                code, month, partner, old, new = clash[0]
                raise InputError(
                    f"value {new} for {code} {month:%Y-%m} partner {partner} differs from the "
                    f"{old} in the lake for the same line and vintage; give the new figures "
                    "their own vintage (e.g. --vintage YYYY-MM-DD)",
                    file=origin,
                    field="value_usd",
                )
            con.execute(
                f"""CREATE TEMP TABLE fresh AS SELECT * FROM batch b
                WHERE NOT EXISTS (SELECT 1 FROM stored a WHERE {_KEY_JOIN})"""
            )
            fresh = "fresh"
        added = int(con.execute(f"SELECT count(*) FROM {fresh}").fetchall()[0][0])
        if added:
            (lake / "lines").mkdir(parents=True, exist_ok=True)
            target = str(lake / "lines").replace("'", "''")
            con.execute(
                f"""COPY {fresh} TO '{target}' (FORMAT parquet, PARTITION_BY (reporter, month),
                APPEND, COMPRESSION zstd)"""
            )
    except duckdb.Error as exc:
        raise StoreError(f"cannot write to the lake {lake}: {exc}") from None
    finally:
        con.close()
    _log(lake, origin, sha, added)
    return LakeReport(origin, table.num_rows, added)


def export_store(con: duckdb.DuckDBPyConnection, lake: Path, origin: str) -> LakeReport:
    """Append every line of a store (every reporter and vintage) to the lake."""
    columns = ", ".join(LINE_SCHEMA.names)
    table = con.sql(f"SELECT {columns} FROM lines").to_arrow_table()
    return append_lines(lake, table, origin=origin)
