"""A Parquet lake of customs lines, for data beyond one machine's DuckDB store.

Layout (Hive-style, readable by DuckDB, Spark and any Parquet reader)::

    LAKE/lines/reporter=KR/month=2020-11-01/<uuid>.parquet
    LAKE/ingests.csv        one row per batch appended: origin, sha256, lines, when

Files hold the LINE_SCHEMA columns but the two partition columns. A batch is appended as new
files and never rewrites one, so every vintage stays readable; which vintage is in force as of
a date is computed when the lake is read (``ictrade.engine``). Appending checks the batch like
the store does (flows, codes, partners, values, duplicated keys), skips lines identical to
stored ones, and refuses a line whose key and vintage are stored with another value.
Checking and staging a batch before it is compared with the lake: lake_stage.py.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import hashlib
import shutil
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path

import duckdb
import pyarrow as pa

from ..errors import InputError, LineOf, StoreError
from .base import first_row
from .batch import LoadReport
from .lake_stage import Staged, quoted, stage_batches, staged_sql
from .nesting import KEY as NESTING_KEY
from .nesting import Nested, find_nested, nested_with
from .schema import LINE_KEY, LINE_SCHEMA
from .steps import step

PARTITIONS = ("reporter", "month")
STAGING = ".staging"  # batches being checked; never read as lines
BATCH_ROWS = 1_000_000  # lines per batch read from a store
MEMORY_LIMIT = "1GB"  # DuckDB's, when comparing a batch with the lake: it spills past it
_KEY_JOIN = " AND ".join(f"a.{k} = b.{k}" for k in (*LINE_KEY, "vintage"))
_NESTED = "nested"  # the table of the batch's lines that nest (store/nesting.py)


# How to load lines that nest (store/nesting.py), said when the lake refuses them.
FILE_FIX = (
    "load it into a store (which counts totals and detail once), or pass --finest to keep "
    "only the finest lines"
)


@dataclass(frozen=True)
class LakeReport(LoadReport):
    set_aside_lines: int = 0  # lines that nest, left out by --finest
    set_aside_usd: float = 0.0
    set_aside_why: str = ""  # how many of each kind (store/nesting.py)

    skipped_note = "identical to lines in the lake"
    destination = " to the lake"
    already_note = "already in the lake"

    def summary(self) -> str:
        if not self.set_aside_lines:
            return super().summary()
        rest = replace(self, lines_seen=self.lines_seen - self.set_aside_lines, set_aside_lines=0)
        return (
            f"{rest.summary()}; {self.set_aside_lines} more lines ({self.set_aside_usd:,.2f} "
            f"USD) set aside by --finest: {self.set_aside_why}"
        )


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


def append_lines(
    lake: Path,
    table: pa.Table,
    *,
    origin: str,
    sha256: str | None = None,
    finest: bool = False,
) -> LakeReport:
    """Check ``table`` (LINE_SCHEMA) and append the lines the lake lacks, as new files."""
    return append_batches(lake, [(table, None)], origin=origin, sha256=sha256, finest=finest)


def append_batches(
    lake: Path,
    batches: Iterable[tuple[pa.Table, LineOf]],
    *,
    origin: str,
    sha256: str | None = None,
    finest: bool = False,
    fix: str = FILE_FIX,
) -> LakeReport:
    """Check the lines of ``batches`` (LINE_SCHEMA; text may be dictionary-encoded; each with
    where its rows sit in ``origin``) as one batch and append the lines the lake lacks.

    Memory is bounded by one batch whatever the file's size: each batch is checked and staged
    as a Parquet file under LAKE/.staging; duplicated keys across batches are found from one
    64-bit hash per line; then DuckDB (spilling to disk past its memory limit) compares the
    staged lines with the lake's and writes the new ones. Nothing reaches ``lines/`` unless the
    whole batch passes. ``sha256``: the origin's digest (else the lines' own, computed on the
    way), by which a batch appended already is recognised.

    Lines that nest in other lines of the batch (store/nesting.py: a total beside its detail)
    are refused, saying ``fix``; with ``finest`` they are set aside instead. Lines that nest
    with lines the lake holds for the same reporter and months are refused either way."""
    if sha256 is not None and sha256 in _ingested(lake):
        return LakeReport(origin, 0, 0, already_loaded=True)
    stage = lake / STAGING / uuid.uuid4().hex
    stage.mkdir(parents=True)
    con = duckdb.connect(config={"memory_limit": MEMORY_LIMIT, "temp_directory": str(stage)})
    try:
        step("checking", 0, 2)
        staged = stage_batches(con, batches, stage, origin, sha256)
        if staged.sha in _ingested(lake):
            return LakeReport(origin, staged.lines, 0, already_loaded=True)
        step("checking", 1, 2)
        nested = find_nested(con, staged_sql(stage), _NESTED) if staged.lines else None
        if nested is not None and not finest:
            raise InputError(nested.message(fix), file=origin)
        step("writing", 0, 1)
        added = _write_new(con, lake, stage, staged, origin, nested) if staged.lines else 0
        step("writing", 1, 1)
    except duckdb.Error as exc:
        raise StoreError(f"cannot write to the lake {lake}: {exc}") from None
    finally:
        con.close()
        shutil.rmtree(stage, ignore_errors=True)
        with contextlib.suppress(OSError):
            (lake / STAGING).rmdir()
    _log(lake, origin, staged.sha, added)
    if nested is None:
        return LakeReport(origin, staged.lines, added)
    return LakeReport(
        origin,
        staged.lines,
        added,
        set_aside_lines=nested.lines,
        set_aside_usd=nested.value_usd,
        set_aside_why=nested.why(),
    )


def _write_new(
    con: duckdb.DuckDBPyConnection,
    lake: Path,
    stage: Path,
    staged: Staged,
    origin: str,
    nested: Nested | None,
) -> int:
    """Write the staged lines the lake lacks, less the ``nested`` ones (table ``nested``);
    refuse one the lake holds with another value, or lines that nest with the lake's."""
    new = staged_sql(stage)
    if nested is not None:
        same = " AND ".join(f"n.{k} = s.{k}" for k in NESTING_KEY)
        new = f"(SELECT * FROM {new} s WHERE NOT EXISTS (SELECT 1 FROM {_NESTED} n WHERE {same}))"
    if has_lines(lake) and staged.months is not None:
        reporters = ", ".join(f"'{r}'" for r in sorted(staged.reporters))  # validated: [A-Z]{2}
        low, high = staged.months
        # literals, so that only the folders of these reporters and months are read
        stored = f"""(SELECT * FROM {read_sql(lake)} WHERE reporter IN ({reporters})
            AND month BETWEEN DATE '{low}' AND DATE '{high}')"""
        _refuse_nesting_with_lake(con, lake, staged, new, stored, origin)
        clash = con.execute(
            f"""SELECT b.hs_code, b.month, b.partner, a.value_usd, b.value_usd
            FROM {stored} a JOIN {new} b ON {_KEY_JOIN}
            WHERE a.value_usd IS DISTINCT FROM b.value_usd LIMIT 1"""
        ).fetchall()
        if clash:
            code, month, partner, old, value = clash[0]
            raise InputError(
                f"value {value} for {code} {month:%Y-%m} partner {partner} differs from the "
                f"{old} in the lake for the same line and vintage; give the new figures "
                "their own vintage (e.g. --vintage YYYY-MM-DD)",
                file=origin,
                field="value_usd",
            )
        new = f"""(SELECT * FROM {new} b
            WHERE NOT EXISTS (SELECT 1 FROM {stored} a WHERE {_KEY_JOIN}))"""
    (lake / "lines").mkdir(parents=True, exist_ok=True)
    written = first_row(
        con.execute(
            f"""COPY (SELECT * FROM {new}) TO '{quoted(lake / "lines")}' (FORMAT parquet,
            PARTITION_BY (reporter, month), APPEND, COMPRESSION zstd)"""
        ).fetchall()
    )
    return int(written[0]) if written else 0


def _refuse_nesting_with_lake(
    con: duckdb.DuckDBPyConnection, lake: Path, staged: Staged, new: str, stored: str, origin: str
) -> None:
    """Refuse lines that nest with lines the lake holds (read only when the lake has a folder
    of one of the batch's reporters and months)."""
    folders = (lake / "lines" / f"reporter={r}" / f"month={m}" for r, m in staged.partitions)
    if not any(folder.is_dir() for folder in folders):
        return
    found = nested_with(con, new, stored)
    if found is not None:
        raise InputError(found, file=origin)


def export_store(
    con: duckdb.DuckDBPyConnection, lake: Path, origin: str, *, finest: bool = False
) -> LakeReport:
    """Append every line of a store (every reporter and vintage) to the lake, a batch of
    lines at a time; lines that nest (a total beside its detail) are refused, or with
    ``finest`` set aside."""
    columns = ", ".join(LINE_SCHEMA.names)
    # the store's lines whatever order a scan gives them in: an export already appended is
    # recognised before anything is read
    digest = f"SELECT count(*), sum(hash({columns})::HUGEINT) FROM lines"
    count, total = con.execute(digest).fetchall()[0]
    sha = hashlib.sha256(f"store lines {count} {total}".encode()).hexdigest()
    reader = con.sql(f"SELECT {columns} FROM lines").to_arrow_reader(BATCH_ROWS)
    batches = ((pa.Table.from_batches([b]), None) for b in reader)
    fix = (
        "the store counts totals and detail once: use its figures, or pass --finest to keep "
        "only the finest lines"
    )
    return append_batches(lake, batches, origin=origin, sha256=sha, finest=finest, fix=fix)
