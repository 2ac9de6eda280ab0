"""Flash files: customs cumulatives of watched series to day 10 and 20 (and month end, cut 30).

The ``provisional_10day.csv`` layout: ``item_key, hs_code, flow_ko, unit, partner_ko, month,
cut_day, cum_value, ...``; only ``item_key, partner_ko, month, cut_day, cum_value`` are
required. ``month`` is ``YYYYMM`` or ``YYYY-MM``. UTF-8 or cp949, like the other CSV layouts.
This is the one reader of such files: ``ictrade ingest`` loads its table into the store's
flash table, ``ictrade nowcast`` reads its figures.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa

from ..errors import InputError, UsageError
from ..months import Month
from ..store.schema import FLASH_SCHEMA, VALUE_CEILING_USD, FlashFigure, Series
from ..store.validate import plausible_span
from . import _read as R
from . import _text as X
from ._rows import plain_number

__all__ = [
    "COLUMNS",
    "CUTS",
    "REQUIRED",
    "FlashFigure",
    "FlashLine",
    "Series",
    "detect",
    "parse_figure",
    "read_flash",
    "read_flash_figures",
    "read_flash_lines",
]

NAME = "flash"  # the layout name (``ingest --layout flash``)
CUTS = (10, 20, 30)  # 30: the month end, i.e. the final figure
COLUMNS = ("item_key", "hs_code", "flow_ko", "unit", "partner_ko", "month", "cut_day", "cum_value")
REQUIRED = ("item_key", "partner_ko", "month", "cut_day", "cum_value")
_FLOW_WORDS = {
    "": "export",
    "수출": "export",
    "export": "export",
    "수입": "import",
    "import": "import",
}


@dataclass(frozen=True)
class FlashLine:
    """A row of a flash file: the figure and what only the store keeps."""

    figure: FlashFigure
    hs_code: str
    flow: str


def detect(path: Path) -> bool:
    """Is ``path`` a CSV whose header names the flash columns? (Parquet, workbooks and
    undecodable files are not.)"""
    try:
        if X.file_kind(path) != "csv":
            return False
        head = R.csv_head(path, X.csv_encoding(path, "auto"))
    except (InputError, OSError):
        return False
    return bool(head) and all(c in head[0] for c in REQUIRED)


def parse_figure(row: dict[str, str], file: str, line: int) -> FlashFigure:
    """One CSV row of the layout; bad values name file, line and field."""

    # A short row (fewer fields than the header) leaves None where values are missing.
    row = {k: v or "" for k, v in row.items() if isinstance(k, str)}

    def bad(name: str, allowed: str) -> InputError:
        return InputError(f"'{row.get(name)}' is not {allowed}", file=file, line=line, field=name)

    try:
        month = Month.parse(row["month"])
    except UsageError:
        raise bad("month", "a month; use YYYYMM or YYYY-MM") from None
    low, high = plausible_span()
    if not low <= month.first_day() <= high:
        raise bad("month", f"a plausible month (from {low:%Y-%m} to {high:%Y-%m}); check the year")
    cut = plain_number(row["cut_day"])
    if cut not in CUTS:
        raise bad("cut_day", "a cut; use 10, 20 or 30 (month end)")
    value = plain_number(row["cum_value"])
    if value is None or not math.isfinite(value):
        raise bad("cum_value", "a number")
    if not 0 <= value <= VALUE_CEILING_USD:
        raise bad("cum_value", f"a cumulative from 0 to {VALUE_CEILING_USD:g}; check the unit")
    series = (row["item_key"].strip(), row["partner_ko"].strip())
    if not all(series):
        raise bad("item_key" if not series[0] else "partner_ko", "a non-empty name")
    unit = (row.get("unit") or "").strip()
    return FlashFigure(series, unit, month, int(cut), value, row["month"].strip())


def _line(row: dict[str, str], file: str, line: int) -> FlashLine:
    figure = parse_figure(row, file, line)
    flow = _FLOW_WORDS.get((row.get("flow_ko") or "").strip())
    if flow is None:
        raise InputError(
            f"'{row.get('flow_ko')}' is not a flow; use 수출 (export) or 수입 (import)",
            file=file,
            line=line,
            field="flow_ko",
        )
    return FlashLine(figure, (row.get("hs_code") or "").strip(), flow)


def read_flash_lines(path: str | Path, encoding: str = "auto") -> list[FlashLine]:
    """The rows of a flash file (line n of the file is row n - 2)."""
    p, name = X.regular_file(path), str(path)
    try:
        raw = p.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}", file=name) from None
    codec = X.csv_encoding(p, encoding)
    try:
        text = raw.decode("utf-8-sig" if codec == "utf-8" else codec)
    except UnicodeDecodeError:
        if codec == "utf-8":
            raise X.not_utf8_error(p) from None
        message = f"cannot decode the file as {codec}; check --encoding"
        raise InputError(message, file=name) from None
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=R.delimiter_of(text))
    missing = [c for c in REQUIRED if c not in (reader.fieldnames or [])]
    if missing:
        raise InputError(
            f"missing column(s) {', '.join(missing)}; required: {', '.join(REQUIRED)}",
            file=name,
            line=1,
        )
    fields = reader.fieldnames or []
    twice = sorted({c for c in COLUMNS if fields.count(c) > 1})
    if twice:
        message = f"the column {', '.join(twice)} appears more than once; remove the extra one"
        raise InputError(message, file=name, line=1)
    lines = []
    try:
        for row in reader:  # line_num: the file line, quoted line breaks counted
            lines.append(_line(row, name, reader.line_num))
    except csv.Error as exc:
        raise R.csv_error(exc, p, reader.line_num) from None
    if not lines:
        raise InputError(R.HEADER_ONLY.format(unit="line"), file=name)
    return lines


def read_flash_figures(path: str | Path, encoding: str = "auto") -> list[FlashFigure]:
    """The figures of a flash file, in file order."""
    return [r.figure for r in read_flash_lines(path, encoding)]


def read_flash(
    path: str | Path,
    *,
    encoding: str = "auto",
    source: str | None = None,
    vintage: dt.date | None = None,
) -> pa.Table:
    """A flash file as a FLASH_SCHEMA table, for the store. ``source`` defaults to the file's
    name, ``vintage`` to its modification date."""
    p = Path(path)
    source = source or p.stem
    vintage = vintage or dt.date.fromtimestamp(p.stat().st_mtime)
    rows = [
        {
            "item_key": r.figure.series[0],
            "hs_code": r.hs_code or None,
            "flow": r.flow,
            "unit": r.figure.unit,
            "partner_ko": r.figure.series[1],
            "month": r.figure.month.first_day(),
            "cut_day": r.figure.cut,
            "cum_value": r.figure.value,
            "source": source,
            "vintage": vintage,
        }
        for r in read_flash_lines(p, encoding)
    ]
    return pa.Table.from_pylist(rows, schema=FLASH_SCHEMA)
