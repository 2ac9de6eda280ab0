"""Reading CSV files into string (or typed) Arrow columns, with header detection (paths,
encodings and text: ``_text``; Parquet and Excel: ``_tables``); turning lines into layouts
is ``_build``'s job."""

from __future__ import annotations

import csv
import io
import itertools
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv

from ..errors import InputError
from ..progress import Scoped
from ._text import CR_ONLY, file_lines, not_utf8_error

_SCAN_ROWS = 20  # a header may sit under a few title rows (K-stat exports)

ReadProgress = Callable[[int, int], None]  # (bytes read, file size)
_READ_PROGRESS: Scoped[ReadProgress] = Scoped("ictrade_read")
reading_progress = _READ_PROGRESS.within  # tell the callback how far CSV reads have got


class _Counted(io.FileIO):
    """A file that tells a callback how many of its bytes were read (Arrow reads it in
    blocks, from its own thread)."""

    def __init__(self, path: Path, callback: ReadProgress) -> None:
        super().__init__(path, "rb")
        self.size, self.callback = os.fstat(self.fileno()).st_size, callback

    def read(self, size: int | None = -1) -> bytes:
        data = super().read(size)
        self.callback(self.tell(), self.size)
        return data or b""


@dataclass
class RawFile:
    """The data rows of a file, and how to turn a 0-based row index into a line number."""

    table: pa.Table
    first_line: int  # file line (or sheet row) of data row 0
    unit: str = "line"
    csv_path: Path | None = None  # set for CSV: blank lines are skipped by the reader
    csv_format: tuple[str, str] = ("utf-8", ",")  # its encoding and delimiter

    def line_of(self, index: int) -> int:
        return self.lines_of([index])[0]

    def lines_of(self, indices: list[int]) -> list[int]:
        """The file lines where data rows ``indices`` start (one pass over the file for them
        all): blank lines are skipped and quoted line breaks counted, as the reader did."""
        if self.csv_path is None:
            return [self.first_line + i for i in indices]
        wanted, found, index = set(indices), {}, 0
        codec, delimiter = self.csv_format
        codec = "utf-8-sig" if codec == "utf-8" else codec
        with self.csv_path.open(encoding=codec, errors="replace", newline="") as fh:
            reader, start = csv.reader(fh, delimiter=delimiter), 1
            try:
                for row in reader:  # only on the error path: a Python pass is fine
                    line, start = start, reader.line_num + 1
                    if line < self.first_line or not row:
                        continue
                    if index in wanted:
                        found[index] = line
                        if len(found) == len(wanted):
                            break
                    index += 1
            except csv.Error:
                pass  # the rows before it are counted; the others keep their estimate
        return [found.get(i, self.first_line + i) for i in indices]


def csv_head(path: Path, encoding: str) -> list[list[str]]:
    """The first rows of a CSV, split into fields."""
    lines = list(itertools.islice(file_lines(path), _SCAN_ROWS))
    codec = "utf-8-sig" if encoding == "utf-8" else encoding
    try:
        text = b"".join(lines).decode(codec)
    except UnicodeDecodeError:
        raise not_utf8_error(path, encoding) from None
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter_of(text))
    try:
        return list(reader)
    except csv.Error as exc:
        raise csv_error(exc, path, reader.line_num) from None


def csv_error(exc: csv.Error, path: Path, line: int) -> InputError:
    """The csv module's error at ``line``, with its fix."""
    if "field larger than field limit" in str(exc):
        line = _long_line(path) or line  # the reader's count is off by one there
    if "new-line character" in str(exc):  # a CR alone inside a file of LF lines
        return InputError(
            CR_ONLY.replace("the lines end", "a line ends"), file=str(path), line=line
        )
    return InputError(
        f"the CSV cannot be read ({exc}); check its quoting", file=str(path), line=line
    )


DELIMITERS = (",", "\t", ";")


def delimiter_of(text: str) -> str:
    """The delimiter of the first line: the one of comma, tab and semicolon it holds most of."""
    return max(DELIMITERS, key=nth_line(text, 0).count)


def nth_line(text: str, n: int) -> str:
    """Line ``n`` (0-based) of ``text``, lines ended by LF, CRLF or a CR alone."""
    lines = LINE_END.split(text, maxsplit=n + 1)
    return lines[n] if n < len(lines) else ""


LINE_END = re.compile(r"\r\n|\r|\n")


def read_csv(
    path: Path,
    encoding: str,
    header_row: int,
    column_types: dict[str, pa.DataType],
    delimiter: str,
) -> pa.Table:
    """Read the data under header row ``header_row`` (0-based) with the given column types."""
    read = pacsv.ReadOptions(skip_rows=header_row, encoding=encoding, block_size=1 << 24)
    convert = pacsv.ConvertOptions(
        column_types=column_types,
        include_columns=list(column_types),
        # Only an empty field is no value: Arrow's default list would read the partner 'NA'
        # (Namibia) as missing and name a 'NaN' value an empty one.
        null_values=[""],
        strings_can_be_null=True,
        quoted_strings_can_be_null=True,
    )
    parse = pacsv.ParseOptions(delimiter=delimiter)
    callback = _READ_PROGRESS.get()
    source: Path | _Counted = path if callback is None else _Counted(path, callback)
    try:
        return pacsv.read_csv(
            source, read_options=read, parse_options=parse, convert_options=convert
        )
    except pa.ArrowInvalid as exc:
        if "invalid UTF8" in str(exc):
            raise not_utf8_error(path, encoding) from None
        if "CSV parse error" in str(exc):
            raise ragged_row_error(path, encoding, header_row, delimiter) from None
        raise
    finally:
        if isinstance(source, _Counted):
            source.close()


def _long_line(path: Path) -> int | None:
    """The first line longer than the csv module's field limit."""
    limit = csv.field_size_limit()
    for number, raw in enumerate(file_lines(path), start=1):
        if len(raw) > limit:
            return number
    return None


def ragged_row_error(path: Path, encoding: str, header_row: int, delimiter: str) -> InputError:
    """Name the first row whose field count differs from the header's (error path only)."""
    with path.open(encoding="utf-8-sig" if encoding == "utf-8" else encoding, newline="") as fh:
        reader = csv.reader(fh, delimiter=delimiter)
        width, rows = None, 0
        try:
            for number, row in enumerate(reader):
                if number < header_row or not row:
                    continue
                if width is None:
                    width = len(row)
                    continue
                rows += 1
                if len(row) != width:
                    return InputError(
                        f"{len(row)} fields where the header has {width}; quote values that "
                        "contain the delimiter",
                        file=str(path),
                        line=reader.line_num,
                    )
        except csv.Error as exc:  # e.g. a field over the csv module's 128 KB limit
            return csv_error(exc, path, reader.line_num)
    if not rows:
        return InputError(HEADER_ONLY.format(unit="line"), file=str(path))
    return InputError("the CSV cannot be parsed; check its quoting", file=str(path))


HEADER_ONLY = (
    "the file has a header but no data {unit}s; check that it is the file you meant, or that "
    "its export finished"
)
