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
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypedDict, Unpack

import pyarrow as pa

from ..errors import InputError, LineOf
from . import _read as R
from . import _tables as T
from . import flash
from ._build import LineDefaults, build_lines
from .comtrade_bulk import is_comtrade_bulk, read_comtrade_bulk
from .layouts import Layout, get_layout, layout_from_mapping, layouts

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
    p = R.regular_file(path)
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
    if not p.is_file() or _reader(p, options).read is not _lines or R.file_kind(p) != "parquet":
        read = read_file(p, options)
        if read.kind != "lines":
            raise InputError(
                "the lake holds customs lines only; load flash figures into a store", file=str(p)
            )
        yield read.table, read.first_line
        return
    chosen, found, _ = _choose(
        _candidates(options.layout, options.mapping or None), [T.parquet_columns(p)], p, False
    )
    offset = 0
    for table in T.parquet_batches(p, sorted(set(found.values())), rows or BATCH_ROWS):
        raw = R.RawFile(table, 1 + offset, "row")
        built = build_lines(
            raw, chosen, found, options.defaults, str(p), check_keys=False, encoded=True
        )
        offset += table.num_rows
        if built[0].num_rows:
            yield built
    if offset == 0:
        raise InputError(R.HEADER_ONLY.format(unit="row"), file=str(p))


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
    p = R.regular_file(path)
    candidates = _candidates(layout, mapping)
    kind = R.file_kind(p)
    if kind == "parquet":
        chosen, found, _ = _choose(candidates, [T.parquet_columns(p)], p, header_line=False)
        raw = R.RawFile(T.read_parquet(p, sorted(set(found.values()))), 1, "row")
    elif kind == "excel":
        rows, chosen, found, at = _choose_sheet(candidates, p)
        header = [str(c) if c is not None else "" for c in rows[at]]
        table = T.rows_to_table(header, rows[at + 1 :], sorted(set(found.values())))
        raw = R.RawFile(table, at + 2, "row")
    else:
        raw, chosen, found = _read_csv(p, candidates, encoding)
    if raw.table.num_rows == 0:
        raise InputError(R.HEADER_ONLY.format(unit=raw.unit), file=str(p))
    return build_lines(
        raw,
        chosen,
        found,
        defaults or LineDefaults(),
        str(p),
        check_keys=check_keys or kind != "parquet",
        encoded=encoded,
    )


def _candidates(layout: str | None, mapping: dict[str, str] | None) -> list[Layout]:
    if mapping:
        return [layout_from_mapping(mapping)]
    if layout:
        return [get_layout(layout)]
    return layouts()


def _find(
    candidates: list[Layout], rows: Sequence[Sequence[str | None]]
) -> tuple[Layout, dict[str, str], int, list[str]] | None:
    """The first header row (of the leading rows) some layout recognises, and that layout."""
    for at, row in enumerate(rows[:20]):
        header = [str(c) if c is not None else "" for c in row]
        for candidate in candidates:
            found = candidate.match(header)
            if found is not None:
                return candidate, found, at, header
    return None


def _choose(
    candidates: list[Layout],
    rows: Sequence[Sequence[str | None]],
    path: Path,
    header_line: bool = True,
) -> tuple[Layout, dict[str, str], int]:
    """``_find``'s layout, or an InputError naming what the nearest layout lacks."""
    line = 1 if header_line else None
    hit = _find(candidates, rows)
    if hit is not None:
        chosen, found, at, header = hit
        _check_unique(header, found, path, at + 1 if header_line else None)
        return chosen, found, at
    header = [str(c) for c in rows[0] if c] if rows else []
    # Name what the nearest layout lacks: a file with most canonical headers wants to hear
    # which column is missing, not a list of every layout.
    nearest = min(candidates, key=lambda c: len(c.missing(header)) / c.size())
    lacking = "missing column " + ", ".join(f"'{m}'" for m in nearest.missing(header))
    if len(candidates) == 1:
        raise InputError(
            f"{lacking} (layout {nearest.name} expects {nearest.expects()})",
            file=str(path),
            line=line,
        )
    tried = "; ".join(f"{c.name} expects {c.expects()}" for c in candidates)
    raise InputError(
        f"{lacking} for the layout {nearest.name}; no layout recognises the headers "
        f"({', '.join(header) or 'none'}). Layouts tried: {tried}. "
        "Rename the columns, or pass --layout NAME or a column mapping",
        file=str(path),
        line=line,
    )


def _check_unique(header: list[str], found: dict[str, str], path: Path, line: int | None) -> None:
    """A column the layout reads must be named once: which of two 'value_usd' is meant?"""
    twice = sorted({name for name in found.values() if header.count(name) > 1})
    if twice:
        raise InputError(
            f"the column {', '.join(repr(n) for n in twice)} appears more than once in the "
            "header; rename or remove the extra one",
            file=str(path),
            line=line,
        )


def _choose_sheet(
    candidates: list[Layout], path: Path
) -> tuple[list[list[str | None]], Layout, dict[str, str], int]:
    """The first sheet of a workbook whose header a layout recognises (a first sheet of notes
    or an empty one is passed over); else the first sheet's error, naming the sheets read."""
    sheets = T.excel_sheets(path)
    for _, rows in sheets:
        if _find(candidates, rows) is not None:
            return (rows, *_choose(candidates, rows, path))
    try:
        _choose(candidates, sheets[0][1], path)
    except InputError as exc:
        names = ", ".join(repr(name) for name, _ in sheets)
        raise InputError(f"{exc.message} (sheets read: {names})", file=str(path)) from None
    raise AssertionError("unreachable: _choose found no layout above")


def _read_csv(
    p: Path, candidates: list[Layout], encoding: str
) -> tuple[R.RawFile, Layout, dict[str, str]]:
    codec = R.csv_encoding(p, encoding)
    head = R.csv_head(p, codec)
    chosen, found, at = _choose(candidates, head, p)
    with p.open("rb") as fh:
        sample = fh.read(4096).decode(codec, errors="replace")
    delimiter = R.delimiter_of(sample.split("\n")[at] if at else sample)
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
        raise R.not_utf8_error(p) from None
    return R.RawFile(table, at + 2, "line", csv_path=p), chosen, found
