"""The canonical lines layout: CSV or Parquet files with the columns of the lines table.

Required: month (YYYY-MM), flow, hs_code, partner, value_usd. Optional: net_kg, quantity,
source, vintage (YYYY-MM-DD), status, imputed; missing ones take the defaults the caller gives.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from ..errors import InputError, error_at_row
from ..store.schema import LINE_SCHEMA

REQUIRED = ("month", "flow", "hs_code", "partner", "value_usd")
ENCODINGS = ("auto", "utf-8", "cp949")


@dataclass(frozen=True)
class Defaults:
    """Values for the optional columns a file leaves out."""

    source: str
    vintage: dt.date
    status: str = "confirmed"


@dataclass(frozen=True)
class ReadResult:
    table: pa.Table  # LINE_SCHEMA
    first_line: int | None  # file line of row 0 (CSV), None for Parquet
    raw: bytes


def decode(raw: bytes, path: str, encoding: str) -> str:
    """Decode a text file, detecting UTF-8 or cp949 under 'auto'."""
    if encoding not in ENCODINGS:
        raise InputError(
            f"unknown encoding '{encoding}'; use one of: {', '.join(ENCODINGS)}", file=path
        )
    if encoding in ("auto", "utf-8"):
        try:
            return raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            if encoding == "utf-8":
                line = raw[: exc.start].count(b"\n") + 1
                raise InputError(
                    "the file is not UTF-8; try --encoding cp949 (or auto)", file=path, line=line
                ) from None
    try:
        return raw.decode("cp949")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputError(
            "the file is neither UTF-8 nor cp949; re-save it as UTF-8", file=path, line=line
        ) from None


def _as_strings(table: pa.Table) -> pa.Table:
    return table.cast(pa.schema([pa.field(n, pa.string()) for n in table.column_names]))


def read_canonical(
    path: str | Path,
    *,
    defaults: Defaults,
    encoding: str = "auto",
    mapping: dict[str, str] | None = None,
) -> ReadResult:
    path = str(path)
    raw = Path(path).read_bytes()
    if path.endswith(".parquet"):
        table, first_line = pq.read_table(io.BytesIO(raw)), None
    else:
        text = decode(raw, path, encoding)
        try:
            table = pacsv.read_csv(
                io.BytesIO(text.encode("utf-8")),
                convert_options=pacsv.ConvertOptions(
                    column_types={}, strings_can_be_null=True, auto_dict_encode=False
                ),
                read_options=pacsv.ReadOptions(autogenerate_column_names=False),
            )
        except pa.ArrowInvalid as exc:
            raise InputError(f"not a readable CSV file: {exc}", file=path) from None
        table, first_line = _as_strings(table), 2
    if mapping:
        table = table.rename_columns([mapping.get(c, c) for c in table.column_names])
    return ReadResult(to_lines(table, path, first_line, defaults), first_line, raw)


def _column(
    table: pa.Table, name: str, path: str, first_line: int | None, target: pa.DataType, hint: str
) -> pa.ChunkedArray:
    """Cast a column, naming the first value that does not convert."""
    column = table[name]
    if column.type == target:
        return column
    strings = pc.utf8_trim_whitespace(column.cast(pa.string()))
    try:
        return strings.cast(target)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        for row, value in enumerate(strings.to_pylist()):
            try:
                pa.array([value], pa.string()).cast(target)
            except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
                raise error_at_row(
                    f"'{value}' is not {hint}",
                    field=name,
                    file=path,
                    first_line=first_line,
                    row=row,
                ) from None
        raise


def _months(table: pa.Table, path: str, first_line: int | None) -> pa.ChunkedArray:
    column = table["month"]
    if pa.types.is_date(column.type) or pa.types.is_timestamp(column.type):
        return pc.floor_temporal(column.cast(pa.date32()), unit="month")
    text = pc.utf8_trim_whitespace(column.cast(pa.string()))
    good = pc.match_substring_regex(text, r"^\d{4}-(0[1-9]|1[0-2])$")
    if not pc.all(pc.fill_null(good, False)).as_py():
        row = int(pc.index(pc.fill_null(good, False), False).as_py())
        raise error_at_row(
            f"month '{text[row].as_py()}' is not YYYY-MM (e.g. 2020-11)",
            field="month",
            file=path,
            first_line=first_line,
            row=row,
        )
    return pc.binary_join_element_wise(text, "-01", "").cast(pa.date32())


def to_lines(table: pa.Table, path: str, first_line: int | None, defaults: Defaults) -> pa.Table:
    """Convert a canonical-layout table to LINE_SCHEMA, with defaults for optional columns."""
    missing = [c for c in REQUIRED if c not in table.column_names]
    if missing:
        raise InputError(
            f"missing column(s) {', '.join(missing)}; the lines layout needs "
            f"{', '.join(REQUIRED)} (or give --layout and column mappings)",
            file=path,
            line=1 if first_line else None,
        )
    n = table.num_rows

    def optional(name: str, target: pa.DataType, default: object, hint: str) -> pa.ChunkedArray:
        if name not in table.column_names:
            return pa.chunked_array([pa.array([default] * n, target)])
        column = _column(table, name, path, first_line, target, hint)
        return pc.fill_null(column, default) if default is not None else column

    columns = {
        "month": _months(table, path, first_line),
        "flow": pc.utf8_lower(pc.utf8_trim_whitespace(table["flow"].cast(pa.string()))),
        "hs_code": pc.utf8_trim_whitespace(table["hs_code"].cast(pa.string())),
        "partner": pc.utf8_upper(pc.utf8_trim_whitespace(table["partner"].cast(pa.string()))),
        "value_usd": _column(
            table,
            "value_usd",
            path,
            first_line,
            pa.float64(),
            "a number (US dollars, no thousands separators)",
        ),
        "net_kg": optional("net_kg", pa.float64(), None, "a number of kilograms"),
        "quantity": optional("quantity", pa.float64(), None, "a number"),
        "source": optional("source", pa.string(), defaults.source, "a source name"),
        "vintage": optional("vintage", pa.date32(), defaults.vintage, "a date YYYY-MM-DD"),
        "status": optional("status", pa.string(), defaults.status, "a status"),
        "imputed": optional("imputed", pa.bool_(), False, "true or false"),
    }
    return pa.table(columns, schema=LINE_SCHEMA)
