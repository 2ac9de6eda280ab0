"""Flash figures in the store: customs cumulatives to day 10 and 20 (and month end, cut 30).

A flash file's table (``sources.flash.read_flash``, FLASH_SCHEMA) goes into the ``flash``
table, next to the lines and apart from them: a flash figure is an early partial count for one
watched series, not a customs line, and never enters the facts of a month. Loading works like
lines (``batch.append_batch``): the batch is checked as a whole, written in one transaction, a
file loaded twice changes nothing, and a figure whose key and vintage match a stored one with
another value is refused. Readers take, for each series, month and cut, the figure of the
latest vintage.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Unpack

import duckdb
import pyarrow as pa

from ..errors import InputError, LineOf
from ..months import Month
from .base import Store, first_row, remembered, resolve_vintage
from .batch import FileRecord, IngestReport, append_batch
from .query import vintage_filter
from .schema import DEFAULT_REPORTER, FLASH_SCHEMA, FlashFigure

SERIES_KEY = ("item_key", "partner_ko", "month", "cut_day")
KEY = ("source", *SERIES_KEY)


@dataclass(frozen=True)
class FlashRow:
    """A stored flash figure (the latest vintage of its series, month and cut) with what the
    nowcast does not need but a release shows."""

    figure: FlashFigure
    hs_code: str
    flow: str
    source: str
    vintage: dt.date


class FlashReport(IngestReport):
    noun = "flash figures"
    skipped_note = "already stored"


_ON = " AND ".join(f"a.{k} = b.{k}" for k in (*KEY, "vintage"))


def _check_batch(con: duckdb.DuckDBPyConnection, origin: str) -> None:
    """Two figures of the batch, or one of the batch and one stored, with the same key and
    vintage but different values: refuse, naming the (second) line."""
    clash = first_row(
        con.execute(
            f"""SELECT b.rn, a.rn, a.cum_value, b.cum_value FROM batch a JOIN batch b ON {_ON}
             AND a.rn < b.rn AND a.cum_value <> b.cum_value ORDER BY b.rn LIMIT 1"""
        ).fetchall()
    )
    if clash:
        raise InputError(
            f"cum_value {clash[3]} differs from {clash[2]} on line {clash[1]} for the same "
            "series, month, cut, source and vintage; remove one of them",
            file=origin,
            line=int(clash[0]),
            field="cum_value",
        )
    stored = first_row(
        con.execute(
            f"""SELECT b.rn, a.cum_value, b.cum_value FROM flash a JOIN batch b ON {_ON}
             AND a.cum_value <> b.cum_value ORDER BY b.rn LIMIT 1"""
        ).fetchall()
    )
    if stored:
        raise InputError(
            f"cum_value {stored[2]} differs from the stored {stored[1]} for the same series, "
            "month, cut, source and vintage; give the new figures their own vintage "
            "(--vintage YYYY-MM-DD)",
            file=origin,
            line=int(stored[0]),
            field="cum_value",
        )


def _write(con: duckdb.DuckDBPyConnection) -> int:
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE fresh AS SELECT DISTINCT * EXCLUDE (rn) FROM batch b
        WHERE NOT EXISTS (SELECT 1 FROM flash a WHERE {_ON})"""
    )
    found = first_row(con.execute("SELECT count(*) FROM fresh").fetchall())
    con.execute(f"INSERT INTO flash SELECT {', '.join(FLASH_SCHEMA.names)} FROM fresh")
    return int(found[0]) if found else 0


def ingest_flash(
    store: Store,
    table: pa.Table,
    *,
    origin: str,
    first_line: LineOf = None,
    **record: Unpack[FileRecord],
) -> IngestReport:
    """Validate and append ``table`` (FLASH_SCHEMA) to the store's ``flash`` table, atomically.
    ``first_line``: the file line of row 0 (default 2, under a header), for error messages."""
    first = first_line if isinstance(first_line, int) else 2
    # rn: the file line of each figure
    numbered = table.append_column("rn", pa.array(range(first, first + table.num_rows)))
    return append_batch(
        store,
        numbered,
        origin=origin,
        check=lambda con: _check_batch(con, origin),
        write=lambda con, _: _write(con),
        report=FlashReport,
        **record,
    )


def has_flash(store: Store) -> bool:
    """Stores created before the flash table existed lack it (read-only ones stay so)."""

    def look() -> bool:
        sql = "SELECT 1 FROM duckdb_tables() WHERE table_name = 'flash'"
        return bool(store.con.execute(sql).fetchall())

    return remembered(store, ("has_flash",), look)


def flash_rows(
    store: Store, *, before: Month | None = None, as_of: dt.date | None = None
) -> list[FlashRow]:
    """Stored flash figures, the latest vintage (on or before ``as_of``) of each series, month
    and cut; only months up to ``before`` (included) when given."""
    # Flash files are the Korea Customs Service's: the table names no reporter, and its
    # figures are the default reporter's only (as lines read without a reporter are).
    if store.reporter != DEFAULT_REPORTER or not has_flash(store):
        return []
    if store.memo is not None:  # dates between two vintages of the figures share an answer
        vintages = remembered(store, ("flash_vintages",), lambda: _vintages(store))
        key = ("flash_rows", before, resolve_vintage(vintages, as_of))
        return list(remembered(store, key, lambda: _flash_rows(store, before, as_of)))
    return _flash_rows(store, before, as_of)


def _vintages(store: Store) -> list[dt.date]:
    rows = store.con.execute("SELECT DISTINCT vintage FROM flash ORDER BY 1").fetchall()
    return [r[0] for r in rows]


def _flash_rows(store: Store, before: Month | None, as_of: dt.date | None) -> list[FlashRow]:
    condition = "vintage <= ?" if as_of else "TRUE"
    params: list[object] = [as_of] if as_of else []
    if before is not None:
        condition += " AND month <= ?"
        params.append(before.first_day())
    rows = store.con.execute(
        f"""SELECT item_key, partner_ko, unit, month, cut_day, cum_value, hs_code, flow, source,
        vintage FROM flash WHERE {condition}
        QUALIFY row_number() OVER (PARTITION BY {", ".join(SERIES_KEY)}
                                   ORDER BY vintage DESC, source DESC) = 1
        ORDER BY month, item_key, partner_ko, cut_day""",
        params,
    ).fetchall()
    out = []
    for item, partner, unit, month, cut, value, hs, flow, src, vin in rows:
        m = Month.from_date(month)
        figure = FlashFigure((item, partner), unit, m, int(cut), float(value), str(m))
        out.append(FlashRow(figure, hs or "", flow, src, vin))
    return out


def lines_hold(store: Store, month: Month | None, as_of: dt.date | None = None) -> bool:
    """Does the store hold customs lines of ``month`` (of any month: None) as of ``as_of``?"""
    if store.memo is None:
        return _lines_hold(store, month, as_of)
    spans = remembered(store, ("line_spans", store.reporter), lambda: _LineSpans(store))
    return spans.hold(month, as_of)


class _LineSpans:
    """The months of the reporter's lines and the spans they are in force (a snapshot's:
    whether a month is held at a date is then a look-up)."""

    def __init__(self, store: Store) -> None:
        rows = store.con.execute(
            "SELECT DISTINCT month, vintage, superseded_by FROM lines WHERE reporter = ?",
            [store.reporter],
        ).fetchall()
        # by month: a facts document asks of one month, three times
        self.spans: dict[Month | None, list[tuple[dt.date, dt.date | None]]] = {None: []}
        for m, v, s in rows:
            self.spans.setdefault(Month.from_date(m), []).append((v, s))
            self.spans[None].append((v, s))

    def hold(self, month: Month | None, as_of: dt.date | None) -> bool:
        return any(
            s is None if as_of is None else v <= as_of and (s is None or s > as_of)
            for v, s in self.spans.get(month, [])
        )


def _lines_hold(store: Store, month: Month | None, as_of: dt.date | None) -> bool:
    condition, params = vintage_filter(as_of)
    condition += " AND l.reporter = ?"
    params = [*params, store.reporter]
    if month is not None:
        condition += " AND l.month = ?"
        params = [*params, month.first_day()]
    found = store.con.execute(f"SELECT 1 FROM lines l WHERE {condition} LIMIT 1", params).fetchall()
    return bool(found)
