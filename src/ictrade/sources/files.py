"""Read trade files: ``read_file(path)`` is what ``ictrade ingest FILE`` calls.

Readers form a registry (``READERS``), each with a ``detect``: flash files (``flash.py``, the
customs 10- and 20-day figures), else customs lines (``read_lines``), whose layout is
recognised from the headers (``layouts.json``): the canonical lines layout (CSV or Parquet with
LINE_SCHEMA column names), KCS/TRASS and K-stat exports (CSV or .xlsx, UTF-8 or cp949, Korean
headers) and the trade-dashboard files. Canonical files are checked with vectorised passes;
the offending line is looked up only when a check fails.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypedDict, Unpack

import pyarrow as pa

from ..errors import InputError, LineOf
from . import _header as H
from . import _read as R
from . import _tables as T
from . import _text as X
from . import flash
from ._build import LineDefaults, build_lines
from .comtrade_bulk import is_comtrade_bulk, read_comtrade_bulk
from .layouts import Layout

__all__ = [
    "READERS",
    "FileRead",
    "LineDefaults",
    "ReadOptions",
    "read_file",
    "read_line_batches",
    "read_lines",
    "read_located_lines",
]

_CANONICAL_TYPES: dict[str, pa.DataType] = {
    "value_usd": pa.float64(),
    "net_kg": pa.float64(),
    "quantity": pa.float64(),
}
_DICT = pa.dictionary(pa.int32(), pa.string())


@dataclass(frozen=True)
class ReadOptions:
    """What ``ictrade ingest`` says about a file (all optional)."""

    layout: str | None = None
    encoding: str = "auto"
    mapping: dict[str, str] | None = None
    defaults: LineDefaults = field(default_factory=LineDefaults)


@dataclass(frozen=True)
class FileRead:
    """A file's rows as a table for the store table ``kind`` ('lines' or 'flash')."""

    kind: str
    table: pa.Table
    first_line: LineOf  # where the rows sit in the file (errors.LineOf)


@dataclass(frozen=True)
class Reader:
    kind: str  # the store table its rows go to; also its --layout name when not 'lines'
    detect: Callable[[Path], bool]
    read: Callable[[Path, ReadOptions], FileRead]
    layout: str | None = None  # its --layout name, when not its kind


def _flash(path: Path, options: ReadOptions) -> FileRead:
    d = options.defaults
    table = flash.read_flash(path, encoding=options.encoding, source=d.source, vintage=d.vintage)
    return FileRead("flash", table, 2)


def _lines(path: Path, options: ReadOptions) -> FileRead:
    # The store checks the keys of the whole batch: read_lines need not do it twice (it still
    # does where its rows are not the file's rows one for one, to name the lines).
    table, lines = read_located_lines(
        path,
        layout=options.layout,
        encoding=options.encoding,
        mapping=options.mapping or None,
        defaults=options.defaults,
        check_keys=False,
        encoded=True,
    )
    return FileRead("lines", table, lines)


def _comtrade_bulk(path: Path, options: ReadOptions) -> FileRead:
    vintage = options.defaults.vintage or dt.date.fromtimestamp(path.stat().st_mtime)
    return FileRead("lines", read_comtrade_bulk(path, vintage)[0], None)


# In order of detection: the first whose detect accepts the file reads it. Lines come last
# and take any file: their error names the columns the nearest layout lacks.
READERS = (
    Reader(flash.NAME, flash.detect, _flash),
    Reader("lines", is_comtrade_bulk, _comtrade_bulk, "comtrade-bulk"),
    Reader("lines", lambda path: True, _lines),
)


def read_file(path: str | Path, options: ReadOptions | None = None) -> FileRead:
    """Read a file with the reader ``options.layout`` names (a flash layout, else a lines
    layout) or, without one, the first reader that detects it."""
    p = X.regular_file(path)
    options = options or ReadOptions()
    return _reader(p, options).read(p, options)


def _reader(path: Path, options: ReadOptions) -> Reader:
    named = {r.layout or r.kind: r for r in READERS}
    if options.layout in named:
        return named[options.layout]
    if options.layout or options.mapping:
        return named["lines"]
    return next(r for r in READERS if r.detect(path))


# Rows per batch when a big file is read piecewise: about 100 MB of lines in memory.
BATCH_ROWS = 1_000_000


def read_line_batches(
    path: str | Path, options: ReadOptions | None = None, rows: int | None = None
) -> Iterator[tuple[pa.Table, LineOf]]:
    """The customs lines of a file as LINE_SCHEMA batches (text dictionary-encoded), and where
    each batch's rows sit in the file. A Parquet file of a lines layout is read ``rows`` rows
    at a time, so memory does not grow with the file; any other file is read whole
    (``read_file``) as one batch. Keys are not checked across batches: the caller does it."""
    p = Path(path)
    options = options or ReadOptions()
    if not p.is_file() or _reader(p, options).read is not _lines or X.file_kind(p) != "parquet":
        read = read_file(p, options)
        if read.kind != "lines":
            raise InputError(
                "the lake holds customs lines only; load flash figures into a store", file=str(p)
            )
        yield read.table, read.first_line
        return
    chosen, found, _ = H.choose(
        H.candidates(options.layout, options.mapping or None), [T.parquet_columns(p)], p, False
    )
    offset = kept = 0
    for table in T.parquet_batches(p, sorted(set(found.values())), rows or BATCH_ROWS):
        raw = R.RawFile(table, 1 + offset, "row")
        built = build_lines(
            raw, chosen, found, options.defaults, str(p), check_keys=False, encoded=True
        )
        offset += table.num_rows
        if built[0].num_rows:
            kept += built[0].num_rows
            yield built
    if offset == 0:
        raise InputError(R.HEADER_ONLY.format(unit="row"), file=str(p))
    if kept == 0:
        raise _no_lines(p, offset, "row")


class LineReadOptions(TypedDict, total=False):
    """``read_located_lines``' options (see there)."""

    layout: str | None
    encoding: str
    mapping: dict[str, str] | None
    defaults: LineDefaults | None
    check_keys: bool
    encoded: bool


def read_lines(path: str | Path, **options: Unpack[LineReadOptions]) -> pa.Table:
    """Read a file into a LINE_SCHEMA table (``read_located_lines`` without the locations)."""
    return read_located_lines(path, **options)[0]


def read_located_lines(
    path: str | Path,
    *,
    layout: str | None = None,
    encoding: str = "auto",
    mapping: dict[str, str] | None = None,
    defaults: LineDefaults | None = None,
    check_keys: bool = True,
    encoded: bool = False,
) -> tuple[pa.Table, LineOf]:
    """Read a file into a LINE_SCHEMA table; raise InputError naming file, line and field.

    Lines are kept as reported, totals beside their detail included: the store counts each
    value once when it aggregates (``ictrade.store.refine``), whatever files it holds.

    For ingest, which checks keys itself and takes dictionary-encoded text: ``check_keys=False``
    skips the duplicated-key check on Parquet files whose rows are the table's rows one for
    one (table row i is then the file's row i + 1, as in this function's errors), and
    ``encoded=True`` keeps the text columns dictionary-encoded (no copies of every string).

    Also returns where each line sits in the file (for errors found later, e.g. a conflict
    with stored lines); a file with a header and no data lines is refused."""
    p = X.regular_file(path)
    candidates = H.candidates(layout, mapping)
    kind = X.file_kind(p)
    if kind == "parquet":
        chosen, found, _ = H.choose(candidates, [T.parquet_columns(p)], p, header_line=False)
        raw = R.RawFile(T.read_parquet(p, sorted(set(found.values()))), 1, "row")
    elif kind == "excel":
        sheet, rows, chosen, found, at = H.choose_sheet(candidates, p)
        header = [c or "" for c in T.text_rows([rows[at]])[0]]
        table = T.rows_to_table(header, rows[at + 1 :], sorted(set(found.values())))
        raw = R.RawFile(table, at + 2, "row")
    else:
        raw, chosen, found = _read_csv(p, candidates, encoding)
    if raw.table.num_rows == 0:
        raise InputError(R.HEADER_ONLY.format(unit=raw.unit), file=str(p))
    try:
        built = build_lines(
            raw,
            chosen,
            found,
            defaults or LineDefaults(),
            str(p),
            check_keys=check_keys or kind != "parquet",
            encoded=encoded,
        )
    except InputError as exc:
        if kind != "excel":
            raise
        raise T.empty_cell_cause(p, sheet, header, exc) or exc from None
    if built[0].num_rows == 0:
        raise _no_lines(p, raw.table.num_rows, raw.unit)
    return built


def _no_lines(path: Path, rows: int, unit: str) -> InputError:
    return InputError(
        f"none of the file's {rows} data {unit}s holds a line (every amount is empty, or the "
        "rows are totals the layout skips); check that it is the file you meant",
        file=str(path),
    )


def _read_csv(
    p: Path, candidates: list[Layout], encoding: str
) -> tuple[R.RawFile, Layout, dict[str, str]]:
    codec = X.csv_encoding(p, encoding)
    head = R.csv_head(p, codec)
    if not any(cell.strip() for row in head for cell in row):
        raise InputError(H.EMPTY.format(what="file is"), file=str(p))
    chosen, found, at = H.choose(candidates, head, p)
    with p.open("rb") as fh:
        sample = fh.read(4096).decode(codec, errors="replace")
    delimiter = R.delimiter_of(R.nth_line(sample, at))
    used = sorted(set(found.values()))
    typed = chosen.kind == "canonical"
    types = {c: _CANONICAL_TYPES.get(c, _DICT) if typed else pa.string() for c in used}
    try:
        table = R.read_csv(p, codec, at, types, delimiter)
    except pa.ArrowInvalid:
        if not typed:
            raise
        # A non-numeric value: read as text so the check can name the line.
        table = R.read_csv(p, codec, at, {c: pa.string() for c in used}, delimiter)
    except UnicodeDecodeError:
        raise X.not_utf8_error(p) from None
    raw = R.RawFile(table, at + 2, "line", csv_path=p, csv_format=(codec, delimiter))
    return raw, chosen, found
