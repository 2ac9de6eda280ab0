"""Flash figures in the store: customs cumulatives to day 10 and 20 (and month end, cut 30).

Files in the ``provisional_10day.csv`` layout (item_key, hs_code, flow_ko, unit, partner_ko,
month, cut_day, cum_value, ...) go into the ``flash`` table, next to the lines and apart from
them: a flash figure is an early partial count for one watched series, not a customs line, and
never enters the facts of a month. Loading works like lines: the batch is checked as a whole,
written in one transaction, a file loaded twice changes nothing, and a figure whose key and
vintage match a stored one with another value is refused. Readers take, for each series, month
and cut, the figure of the latest vintage.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa

from ..errors import InputError, StoreError
from ..months import Month
from ..nowcast.data import REQUIRED, Figure, parse_figure
from .ingest import IngestReport
from .query import vintage_filter
from .store import Store, first_row

FLASH_SCHEMA = pa.schema(
    [
        pa.field("item_key", pa.string(), nullable=False),
        pa.field("hs_code", pa.string()),
        pa.field("flow", pa.string(), nullable=False),
        pa.field("unit", pa.string(), nullable=False),
        pa.field("partner_ko", pa.string(), nullable=False),
        pa.field("month", pa.date32(), nullable=False),
        pa.field("cut_day", pa.int32(), nullable=False),
        pa.field("cum_value", pa.float64(), nullable=False),
        pa.field("source", pa.string(), nullable=False),
        pa.field("vintage", pa.date32(), nullable=False),
    ]
)
SERIES_KEY = ("item_key", "partner_ko", "month", "cut_day")
KEY = ("source", *SERIES_KEY)
FLOWS = {"": "export", "수출": "export", "export": "export", "수입": "import", "import": "import"}


@dataclass(frozen=True)
class FlashRow:
    """A stored flash figure with what the nowcast does not need but a release shows."""

    figure: Figure
    hs_code: str
    flow: str
    source: str
    vintage: dt.date


class FlashReport(IngestReport):
    noun = "flash figures"
    skipped_note = "already stored"


def _decode(raw: bytes, encoding: str, name: str) -> str:
    for enc in ("utf-8-sig", "cp949") if encoding == "auto" else (encoding,):
        try:
            return raw.decode("utf-8-sig" if enc == "utf-8" else enc)
        except UnicodeDecodeError:
            continue
    raise InputError(f"cannot decode the file as {encoding}; try --encoding cp949", file=name)


def is_flash_file(path: Path) -> bool:
    """Does the header name the flash columns (item_key, partner_ko, month, cut_day,
    cum_value)? Parquet and undecodable files are not flash files."""
    if path.suffix.lower() == ".parquet":
        return False
    with open(path, "rb") as handle:
        first = handle.readline(65536)
    try:
        header = next(csv.reader([_decode(first, "auto", str(path)).strip()]), [])
    except InputError:
        return False
    return all(c in header for c in REQUIRED)


def _row(
    row: dict[str, str], name: str, line: int, source: str, vintage: dt.date
) -> dict[str, object]:
    figure = parse_figure(row, name, line)
    flow = FLOWS.get((row.get("flow_ko") or "").strip())
    if flow is None:
        raise InputError(
            f"'{row.get('flow_ko')}' is not a flow; use 수출 (export) or 수입 (import)",
            file=name,
            line=line,
            field="flow_ko",
        )
    return {
        "item_key": figure.series[0],
        "hs_code": (row.get("hs_code") or "").strip() or None,
        "flow": flow,
        "unit": figure.unit,
        "partner_ko": figure.series[1],
        "month": figure.month.first_day(),
        "cut_day": figure.cut,
        "cum_value": figure.value,
        "source": source,
        "vintage": vintage,
    }


def read_flash_file(
    path: Path, raw: bytes, *, source: str, vintage: dt.date, encoding: str = "auto"
) -> pa.Table:
    """The file's figures as a FLASH_SCHEMA table; bad values name file, line and field."""
    name = str(path)
    reader = csv.DictReader(io.StringIO(_decode(raw, encoding, name), newline=""))
    missing = [c for c in REQUIRED if c not in (reader.fieldnames or [])]
    if missing:
        raise InputError(f"missing flash column(s) {', '.join(missing)}", file=name, line=1)
    rows = [_row(r, name, n, source, vintage) for n, r in enumerate(reader, start=2)]
    return pa.Table.from_pylist(rows, schema=FLASH_SCHEMA)


_ON = " AND ".join(f"a.{k} = b.{k}" for k in (*KEY, "vintage"))


def _check_batch(store: Store, origin: str) -> None:
    """Two figures of the batch, or one of the batch and one stored, with the same key and
    vintage but different values: refuse, naming the (second) line."""
    clash = first_row(
        store.con.execute(
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
        store.con.execute(
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


def _write(store: Store, origin: str, sha: str, raw: bytes, seen: int) -> int:
    con = store.con
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE fresh AS SELECT DISTINCT * EXCLUDE (rn) FROM batch b
        WHERE NOT EXISTS (SELECT 1 FROM flash a WHERE {_ON})"""
    )
    found = first_row(con.execute("SELECT count(*) FROM fresh").fetchall())
    added = int(found[0]) if found else 0
    con.execute(f"INSERT INTO flash SELECT {', '.join(FLASH_SCHEMA.names)} FROM fresh")
    next_id = first_row(con.execute("SELECT coalesce(max(id), 0) + 1 FROM ingests").fetchall())
    now = dt.datetime.now()
    con.execute(
        "INSERT INTO ingests VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [next_id[0] if next_id else 1, origin, sha, added, seen, now, now, raw],
    )
    return added


def ingest_flash_file(
    store: Store,
    path: str | Path,
    *,
    source: str | None = None,
    vintage: dt.date | None = None,
    encoding: str = "auto",
) -> FlashReport:
    """Validate and load a flash file into the store's ``flash`` table, atomically."""
    if store.read_only:
        raise StoreError(f"{store.name} is read-only; ingest into your own store (--store PATH)")
    file = Path(path)
    raw = file.read_bytes()
    origin = str(path)
    table = read_flash_file(
        file,
        raw,
        source=source or file.stem,
        vintage=vintage or dt.date.fromtimestamp(file.stat().st_mtime),
        encoding=encoding,
    )
    sha = hashlib.sha256(raw).hexdigest()
    if store.con.execute("SELECT 1 FROM ingests WHERE sha256 = ?", [sha]).fetchall():
        return FlashReport(origin, table.num_rows, 0, already_loaded=True)
    # rn: the file line of each figure, for error messages
    store.con.register("batch", table.append_column("rn", pa.array(range(2, table.num_rows + 2))))
    try:
        _check_batch(store, origin)
        store.con.execute("BEGIN TRANSACTION")
        try:
            added = _write(store, origin, sha, raw, table.num_rows)
            store.con.execute("COMMIT")
        except BaseException:
            store.con.execute("ROLLBACK")
            raise
    finally:
        store.con.unregister("batch")
    return FlashReport(origin, table.num_rows, added)


def has_flash(store: Store) -> bool:
    """Stores created before the flash table existed lack it (read-only ones stay so)."""
    found = store.con.execute("SELECT 1 FROM duckdb_tables() WHERE table_name = 'flash'").fetchall()
    return bool(found)


def flash_rows(
    store: Store, *, before: Month | None = None, as_of: dt.date | None = None
) -> list[FlashRow]:
    """Stored flash figures, the latest vintage (on or before ``as_of``) of each series, month
    and cut; only months up to ``before`` (included) when given."""
    if not has_flash(store):
        return []
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
        figure = Figure((item, partner), unit, m, int(cut), float(value), str(m))
        out.append(FlashRow(figure, hs or "", flow, src, vin))
    return out


def lines_hold(store: Store, month: Month | None, as_of: dt.date | None = None) -> bool:
    """Does the store hold customs lines of ``month`` (of any month: None) as of ``as_of``?"""
    condition, params = vintage_filter(as_of)
    condition += " AND l.reporter = ?"
    params = [*params, store.reporter]
    if month is not None:
        condition += " AND l.month = ?"
        params = [*params, month.first_day()]
    found = store.con.execute(f"SELECT 1 FROM lines l WHERE {condition} LIMIT 1", params).fetchall()
    return bool(found)
