"""Staging a batch on its way into the lake (lake.py): each piece of the batch is checked
like the store checks lines (store/validate.py) and written as a Parquet file under
LAKE/.staging/<uuid>, so that memory holds one piece whatever the file's size. Keys duplicated
across pieces are found from one 64-bit hash per line; the batch's digest, reporters, months
and partitions are gathered on the way, for lake.py to recognise a batch appended already and
to read only the lake's folders the batch may touch.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from ..errors import InputError, LineOf
from .base import first_row
from .schema import KEY_SQL, LINE_SCHEMA
from .validate import validate


@dataclass
class Staged:
    """What a staged batch holds: its digest, line count, reporters, months and folders."""

    sha: str
    lines: int = 0
    reporters: set[str] = field(default_factory=set)
    months: tuple[dt.date, dt.date] | None = None
    partitions: set[tuple[str, dt.date]] = field(default_factory=set)  # reporter, month


def stage_batches(
    con: duckdb.DuckDBPyConnection,
    batches: Iterable[tuple[pa.Table, LineOf]],
    stage: Path,
    origin: str,
    sha256: str | None,
) -> Staged:
    """Check each batch and write it to ``stage``; refuse keys duplicated across batches."""
    digest = hashlib.sha256()
    staged = Staged(sha256 or "")
    hashes = []
    for n, (table, first_line) in enumerate(batches):
        con.register("batch", table)
        validate(con, table, origin, first_line)
        hashes.append(con.sql(f"SELECT hash({KEY_SQL}, vintage) AS h FROM batch").fetchnumpy()["h"])
        parts = con.execute("SELECT DISTINCT reporter, month FROM batch").fetchall()
        staged.partitions |= {(str(r), m) for r, m in parts}
        con.unregister("batch")
        plain = table.select(LINE_SCHEMA.names).cast(LINE_SCHEMA)
        if sha256 is None:
            digest.update(_table_bytes(plain))
        pq.write_table(plain, stage / f"{n:06d}.parquet", compression="lz4")
        staged.lines += plain.num_rows
        staged.reporters |= set(pc.unique(plain["reporter"]).to_pylist())
        bounds = pc.min_max(plain["month"])
        low, high = bounds["min"].as_py(), bounds["max"].as_py()
        if staged.months is not None:
            low, high = min(low, staged.months[0]), max(high, staged.months[1])
        staged.months = (low, high)
    staged.sha = sha256 or digest.hexdigest()
    if len(hashes) > 1:
        _refuse_duplicates(con, stage, hashes, origin)
    return staged


def _refuse_duplicates(
    con: duckdb.DuckDBPyConnection, stage: Path, hashes: list[np.ndarray], origin: str
) -> None:
    keys = np.sort(np.concatenate(hashes))
    twice = np.unique(keys[1:][keys[1:] == keys[:-1]])
    if not len(twice):
        return
    con.register("twice", pa.table({"h": pa.array(twice[:1000], pa.uint64())}))
    dup = first_row(
        con.execute(
            f"""SELECT {KEY_SQL}, vintage FROM {staged_sql(stage)}
            WHERE hash({KEY_SQL}, vintage) IN (SELECT h FROM twice)
            GROUP BY ALL HAVING count(*) > 1 LIMIT 1"""
        ).fetchall()
    )
    if dup:  # else the hashes collided: the keys differ
        source, reporter, month, flow, code, partner, vintage = dup
        raise InputError(
            f"duplicated line: {reporter} {flow} {code} {month:%Y-%m} partner {partner} of "
            f"source {source} and vintage {vintage} comes twice; remove one of them or give "
            "them different vintages",
            file=origin,
        )


def staged_sql(stage: Path) -> str:
    """A DuckDB table expression of the lines staged under ``stage``."""
    return f"read_parquet('{quoted(stage / '*.parquet')}')"


def quoted(path: Path) -> str:
    """``path`` inside a single-quoted SQL string."""
    return str(path).replace("'", "''")


def _table_bytes(table: pa.Table) -> bytes:
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return bytes(sink.getvalue().to_pybytes())
