"""The canonical lines layout: CSV or Parquet files with the columns of the lines table.

Required: month (YYYY-MM), flow, hs_code, partner, value_usd. Optional: net_kg, quantity,
source, vintage (YYYY-MM-DD), status, imputed; missing ones take the defaults the caller gives.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from ..errors import InputError, error_at_row
from ..store.schema import RAW_KEPT_MAX, encoded_schema

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
    table: pa.Table  # LINE_SCHEMA (string columns may be dictionary-encoded)
    first_line: int | None  # file line of row 0 (CSV), None for Parquet
    raw: bytes | None  # the file's bytes, None for files over RAW_KEPT_MAX
    sha256: str


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
    if path.endswith(".parquet"):
        raw, sha = _raw_and_hash(Path(path))
        table, first_line = _read_parquet(path), None
    else:
        raw = Path(path).read_bytes()
        sha = hashlib.sha256(raw).hexdigest()
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
        raw = raw if len(raw) <= RAW_KEPT_MAX else None
    if mapping:
        table = table.rename_columns([mapping.get(c, c) for c in table.column_names])
    return ReadResult(to_lines(table, path, first_line, defaults), first_line, raw, sha)


def _raw_and_hash(path: Path) -> tuple[bytes | None, str]:
    if path.stat().st_size <= RAW_KEPT_MAX:
        raw = path.read_bytes()
        return raw, hashlib.sha256(raw).hexdigest()
    with path.open("rb") as f:
        return None, hashlib.file_digest(f, "sha256").hexdigest()


def _read_parquet(path: str) -> pa.Table:
    """Read a Parquet file, its text columns dictionary-encoded (few distinct values: cheap)."""
    try:
        schema = pq.read_schema(path)
        text = [f.name for f in schema if pa.types.is_string(f.type)]
        return pq.ParquetFile(path, read_dictionary=text, memory_map=True).read()
    except (pa.ArrowInvalid, OSError) as exc:
        raise InputError(f"not a readable Parquet file: {exc}", file=path) from None


def _text(
    column: pa.ChunkedArray, fn: Callable[[pa.Array], pa.Array]
) -> pa.ChunkedArray | pa.Array:
    """Apply a string function to a column; to the dictionary only when it is encoded."""
    if not pa.types.is_dictionary(column.type):
        return fn(column.cast(pa.string()))
    chunks = [
        pa.DictionaryArray.from_arrays(c.indices, fn(c.dictionary.cast(pa.string())), safe=False)
        for c in column.chunks
    ]
    return pa.chunked_array(chunks, pa.dictionary(column.type.index_type, pa.string()))


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


def _first_of_month(days: np.ndarray) -> pa.ChunkedArray:
    """Days since 1970 floored to their month, through a table of the days spanned (a few
    thousand): calendar arithmetic on every line would cost far more."""
    low = int(days.min())
    span = np.arange(low, int(days.max()) + 1).astype("datetime64[D]")
    table = span.astype("datetime64[M]").astype("datetime64[D]").astype(np.int32)
    return pa.chunked_array([pa.array(table[days - low]).cast(pa.date32())])


def _months(table: pa.Table, path: str, first_line: int | None) -> pa.ChunkedArray:
    column = table["month"]
    if pa.types.is_date(column.type) or pa.types.is_timestamp(column.type):
        days = column.cast(pa.date32())
        if days.null_count or len(days) == 0 or pc.max(days).value - pc.min(days).value > 10**6:
            return pc.floor_temporal(days, unit="month")
        return _first_of_month(np.asarray(days.cast(pa.int32()).to_numpy()))
    text = pc.utf8_trim_whitespace(column.cast(pa.string()))
    good = pc.match_substring_regex(text, r"^\d{4}-(0[1-9]|1[0-2])$")
    if not pc.all(pc.fill_null(good, False), min_count=0).as_py():
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
            return _constant(default, target, n)
        if pa.types.is_string(target) and pa.types.is_dictionary(table[name].type):
            column = _text(table[name], pc.utf8_trim_whitespace)
        else:
            column = _column(table, name, path, first_line, target, hint)
        if default is None or not column.null_count:
            return column
        return pc.fill_null(column, default)

    def trimmed(column: pa.Array) -> pa.Array:
        return pc.utf8_trim_whitespace(column)

    columns = {
        "month": _months(table, path, first_line),
        "flow": _text(table["flow"], lambda c: pc.utf8_lower(trimmed(c))),
        "hs_code": _text(table["hs_code"], trimmed),
        "partner": _text(table["partner"], lambda c: pc.utf8_upper(trimmed(c))),
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
    return pa.table(columns, schema=encoded_schema(columns))


def _constant(value: object, target: pa.DataType, n: int) -> pa.ChunkedArray:
    if pa.types.is_string(target) and value is not None:
        zeros = pa.array(np.zeros(n, dtype=np.int32))
        return pa.chunked_array([pa.DictionaryArray.from_arrays(zeros, pa.array([value]))])
    return pa.chunked_array([pa.repeat(pa.scalar(value, target), n)])
