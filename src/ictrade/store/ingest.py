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

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from ..classify.partners import partner_codes
from ..errors import InputError, StoreError, error_at_row
from .classify_codes import refresh_code_map
from .schema import FLOWS, LINE_KEY, LINE_SCHEMA, STATUSES
from .store import Store, first_row

_KEY = ", ".join(LINE_KEY)
_KEY_JOIN = " AND ".join(f"a.{k} = b.{k}" for k in LINE_KEY)


@dataclass(frozen=True)
class IngestReport:
    origin: str
    lines_seen: int
    lines_added: int
    already_loaded: bool = False

    def summary(self) -> str:
        if self.already_loaded:
            return f"{self.origin}: already loaded; nothing changed"
        skipped = self.lines_seen - self.lines_added
        extra = f" ({skipped} identical to stored lines, skipped)" if skipped else ""
        return f"{self.origin}: {self.lines_added} lines added of {self.lines_seen}{extra}"


def _first_true(mask: pa.ChunkedArray | pa.Array) -> int:
    return int(pc.index(pc.fill_null(mask, True), True).as_py())


_CHECKS: list[tuple[str, set[str] | str | None, str]] = [
    # (column, allowed values or a regex, field message)
    ("flow", set(FLOWS), "unknown flow '{bad}'; use one of: " + ", ".join(FLOWS)),
    (
        "hs_code",
        r"^[0-9]{2,10}$",
        "HS code '{bad}' is not 2 to 10 digits (HSK10, HS6 or shorter); keep leading zeros",
    ),
    (
        "partner",
        None,
        "unknown country code '{bad}'; use ISO 3166-1 alpha-2 (e.g. CN, US) or WORLD",
    ),
    ("status", set(STATUSES), "unknown status '{bad}'; use one of: " + ", ".join(STATUSES)),
]


def _bad_mask(values: pa.Array | pa.ChunkedArray, allowed: set[str] | str | None) -> pa.Array:
    if isinstance(allowed, str):
        return pc.invert(pc.match_substring_regex(values, allowed))
    allowed_set = allowed if allowed is not None else set(partner_codes())
    return pc.invert(pc.is_in(values, value_set=pa.array(sorted(allowed_set))))


def validate(
    con: duckdb.DuckDBPyConnection, table: pa.Table, origin: str, first_line: int | None
) -> None:
    """Check a batch as a whole; raise InputError naming the first bad line and field."""
    for column, allowed, message in _CHECKS:
        distinct = pc.unique(table[column])
        if pc.any(pc.fill_null(_bad_mask(distinct, allowed), True)).as_py():
            row = _first_true(_bad_mask(table[column], allowed))
            bad = table[column][row].as_py()
            raise error_at_row(
                message.format(bad=bad), field=column, file=origin, first_line=first_line, row=row
            )
    value = table["value_usd"]
    bad_value = pc.or_(pc.less(value, 0), pc.invert(pc.is_finite(value)))
    if pc.any(pc.fill_null(bad_value, True)).as_py():
        row = _first_true(bad_value)
        raise error_at_row(
            f"value_usd {value[row].as_py()} is not a non-negative amount in US dollars",
            field="value_usd",
            file=origin,
            first_line=first_line,
            row=row,
        )
    _check_duplicates(con, table, origin, first_line)


def _check_duplicates(
    con: duckdb.DuckDBPyConnection, table: pa.Table, origin: str, first_line: int | None
) -> None:
    dup = first_row(
        con.execute(
            f"SELECT {_KEY}, vintage FROM batch GROUP BY ALL HAVING count(*) > 1 LIMIT 1"
        ).fetchall()
    )
    if not dup:
        return
    mask = None
    for name, value in zip([*LINE_KEY, "vintage"], dup, strict=True):
        eq = pc.equal(table[name], pa.scalar(value, type=table.schema.field(name).type))
        mask = eq if mask is None else pc.and_(mask, eq)
    assert mask is not None
    first = _first_true(mask)
    second = first + 1 + _first_true(mask[first + 1 :])
    other = f"line {first_line + first}" if first_line is not None else f"row {first + 1}"
    raise error_at_row(
        f"duplicated line: the same month, flow, HS code, partner, source and vintage as "
        f"{other}; remove one of them or give them different vintages",
        file=origin,
        first_line=first_line,
        row=second,
    )


def ingest_table(
    store: Store,
    table: pa.Table,
    *,
    origin: str,
    first_line: int | None = None,
    raw: bytes | None = None,
    retrieved_at: dt.datetime | None = None,
) -> IngestReport:
    """Validate and append ``table`` (LINE_SCHEMA) to the store, atomically."""
    if store.read_only:
        raise StoreError(f"{store.name} is read-only; ingest into your own store (--store PATH)")
    table = table.select(LINE_SCHEMA.names).cast(LINE_SCHEMA)
    sha = hashlib.sha256(raw).hexdigest() if raw is not None else None
    con = store.con
    if sha and con.execute("SELECT 1 FROM ingests WHERE sha256 = ?", [sha]).fetchall():
        return IngestReport(origin, table.num_rows, 0, already_loaded=True)
    con.register("batch", table)
    try:
        validate(con, table, origin, first_line)
        con.execute("BEGIN TRANSACTION")
        try:
            added = _write(con, origin, first_line)
            ingest_id = first_row(
                con.execute("SELECT coalesce(max(id), 0) + 1 FROM ingests").fetchall()
            )
            con.execute(
                "INSERT INTO ingests VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    ingest_id[0] if ingest_id else 1,
                    origin,
                    sha,
                    added,
                    table.num_rows,
                    retrieved_at,
                    dt.datetime.now(),
                    raw,
                ],
            )
            refresh_code_map(con, store.scheme_name, only_new=True)
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
    finally:
        con.unregister("batch")
    return IngestReport(origin, table.num_rows, added)


def _write(con: duckdb.DuckDBPyConnection, origin: str, first_line: int | None) -> int:
    """Append new lines and recompute superseded_by for the keys they touch."""
    conflict = first_row(
        con.execute(
            f"""SELECT b.rn, a.value_usd, b.value_usd FROM lines a JOIN
            (SELECT row_number() OVER () - 1 AS rn, * FROM batch) b
            ON {_KEY_JOIN} AND a.vintage = b.vintage
            WHERE a.value_usd IS DISTINCT FROM b.value_usd ORDER BY b.rn LIMIT 1"""
        ).fetchall()
    )
    if conflict:
        raise error_at_row(
            f"value {conflict[2]} differs from the stored {conflict[1]} for the same line and "
            "vintage; give the new figures their own vintage (e.g. --vintage YYYY-MM-DD)",
            field="value_usd",
            file=origin,
            first_line=first_line,
            row=int(conflict[0]),
        )
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE fresh AS SELECT * FROM batch b WHERE NOT EXISTS
            (SELECT 1 FROM lines a WHERE {_KEY_JOIN} AND a.vintage = b.vintage)"""
    )
    added = first_row(con.execute("SELECT count(*) FROM fresh").fetchall())
    count = int(added[0]) if added else 0
    if count == 0:
        return 0
    touched = first_row(
        con.execute(
            f"SELECT count(*) FROM lines a WHERE EXISTS (SELECT 1 FROM fresh b WHERE {_KEY_JOIN})"
        ).fetchall()
    )
    multi = first_row(
        con.execute(f"SELECT count(*) > count(DISTINCT ({_KEY})) FROM fresh").fetchall()
    )
    if touched and touched[0]:
        con.execute(
            f"""CREATE OR REPLACE TEMP TABLE fresh AS
                SELECT * EXCLUDE (superseded_by) FROM lines a
                WHERE EXISTS (SELECT 1 FROM fresh b WHERE {_KEY_JOIN})
                UNION ALL SELECT * FROM fresh"""
        )
        con.execute(f"DELETE FROM lines a WHERE EXISTS (SELECT 1 FROM fresh b WHERE {_KEY_JOIN})")
        _insert_with_supersession(con)
    elif multi and multi[0]:
        _insert_with_supersession(con)
    else:
        con.execute("INSERT INTO lines SELECT *, NULL FROM fresh")
    return count


def _insert_with_supersession(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(
        f"""INSERT INTO lines SELECT *, lead(vintage) OVER
            (PARTITION BY {_KEY} ORDER BY vintage) FROM fresh"""
    )


def load_parquet_lines(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    """Load a shipped dataset's lines, computing which vintage supersedes which."""
    columns = ", ".join(LINE_SCHEMA.names)
    con.execute(
        f"""INSERT INTO lines SELECT {columns}, lead(vintage) OVER
            (PARTITION BY {_KEY} ORDER BY vintage) FROM read_parquet(?)""",
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
    from ..sources.files import LineDefaults, read_lines

    file = Path(path)
    if not file.is_file():
        raise InputError("no such file; check the path", file=str(path))
    defaults = LineDefaults(source=source, vintage=vintage, status=status)
    table = read_lines(
        file, layout=layout, encoding=encoding, mapping=mapping or None, defaults=defaults
    )
    raw = file.read_bytes()
    return ingest_table(store, table, origin=str(path), raw=raw, retrieved_at=dt.datetime.now())
