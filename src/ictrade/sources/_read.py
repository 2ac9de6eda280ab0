"""Reading CSV files into string (or typed) Arrow columns, with encodings and header
detection (Parquet and Excel: ``_tables``); turning lines into layouts is ``_build``'s job."""

from __future__ import annotations

import codecs
import csv
import io
import os
import stat
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv

from ..errors import InputError, UsageError

ENCODINGS = ("auto", "utf-8", "cp949")
_SCAN_ROWS = 20  # a header may sit under a few title rows (K-stat exports)

ReadProgress = Callable[[int, int], None]  # (bytes read, file size)
_READ_PROGRESS: ContextVar[ReadProgress | None] = ContextVar("ictrade_read", default=None)


@contextmanager
def reading_progress(callback: ReadProgress | None) -> Iterator[None]:
    """Tell ``callback`` how far CSV reads within the block have got (a progress bar)."""
    token = _READ_PROGRESS.set(callback)
    try:
        yield
    finally:
        _READ_PROGRESS.reset(token)


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


def shown_path(path: str | Path) -> str:
    """A path as text that can be stored and printed: a file name that is not UTF-8 (bytes a
    terminal or another system wrote) gets U+FFFD where its undecodable bytes were."""
    return os.fsencode(path).decode("utf-8", "replace")


def regular_file(path: str | Path) -> Path:
    """``path`` if it names a regular file that can be read; else an InputError that says what
    it is (a folder, a device such as /dev/null, a pipe that would wait for a writer)."""
    p, name = Path(path), shown_path(path)
    try:
        str(path).encode("utf-8")
    except UnicodeEncodeError:  # bytes the readers cannot open the file by
        raise InputError(
            "the file's name is not UTF-8 text; rename the file (or copy it to a plain name)",
            file=name,
        ) from None
    try:
        mode = p.stat().st_mode
    except FileNotFoundError:
        raise InputError("no such file; check the path", file=name) from None
    except OSError as exc:
        message = f"cannot read the file ({exc.strerror}); check the path"
        raise InputError(message, file=name) from None
    if stat.S_ISDIR(mode):
        raise InputError("is a folder, not a file; give the path of a file in it", file=name)
    if not stat.S_ISREG(mode):
        raise InputError(
            "is not a regular file (a device, pipe or socket); save the data to a file and "
            "give its path",
            file=name,
        )
    if not os.access(p, os.R_OK):
        raise InputError("permission denied; make the file readable to you", file=name)
    return p


_OLE2 = b"\xd0\xcf\x11\xe0"  # old Office binary files (.xls)


def file_kind(path: Path) -> str:
    suffix = path.suffix.lower()
    with path.open("rb") as fh:
        magic = fh.read(4)
    if suffix == ".parquet" or magic == b"PAR1":
        return "parquet"
    if magic.startswith(b"PK"):
        return "excel"
    if suffix == ".xls" or magic == _OLE2:
        raise InputError(
            "old .xls workbooks are not read; save the sheet as .xlsx or CSV", file=str(path)
        )
    if suffix in (".xlsx", ".xlsm"):
        raise InputError(
            f"the file is named {suffix} but is not a workbook (it does not start as one); "
            "if it is CSV text, name it .csv; else save it again from the spreadsheet",
            file=str(path),
        )
    return "csv"


# ---- CSV ----------------------------------------------------------------------------------


def csv_encoding(path: Path, encoding: str) -> str:
    """The encoding to read with: 'auto' tries UTF-8 on the head of the file, then cp949.

    Files the CSV reader would misread are refused here, each with its fix: UTF-16 (a BOM or
    NUL bytes), binary data, and old-Mac line endings (CR without LF)."""
    if encoding not in ENCODINGS:
        raise UsageError(f"unknown encoding '{encoding}'; use one of {', '.join(ENCODINGS)}")
    with path.open("rb") as fh:
        head = fh.read(1 << 16)
    check_text_head(head, str(path))
    if encoding != "auto":
        return encoding
    cut = head.rfind(b"\n") if len(head) == 1 << 16 else len(head)
    try:
        head[: max(cut, 0)].decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        return "cp949"


_COMPRESSED = {b"\x1f\x8b": "gzip", b"BZh": "bzip2", b"\xfd7zXZ": "xz", b"(\xb5/\xfd": "zstd"}


def check_text_head(head: bytes, file: str) -> None:
    """Refuse the head of a text file that is UTF-16 or UTF-32, compressed, binary or has
    CR-only line endings."""
    if head.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        raise InputError(
            "the file is UTF-32 text; save it as UTF-8 (or cp949) CSV and load it again", file=file
        )
    packed = next((name for magic, name in _COMPRESSED.items() if head.startswith(magic)), None)
    if packed:
        raise InputError(
            f"the file is {packed}-compressed; decompress it and give the file inside", file=file
        )
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or (
        head[:2].count(0) == 1 and head.count(0) * 3 > len(head)
    ):
        raise InputError(
            "the file is UTF-16 text; save it as UTF-8 (or cp949) CSV and load it again", file=file
        )
    if 0 in head:
        raise InputError(
            "the file holds binary data (NUL bytes), not text; give a CSV, .xlsx or Parquet file",
            file=file,
        )
    if b"\r" in head and b"\n" not in head:
        raise InputError(CR_ONLY, file=file)


CR_ONLY = "the lines end with CR only (old Mac text); save the file with LF or CRLF line endings"


def read_text(path: Path) -> str:
    """A text file's content: UTF-8 (with or without BOM), UTF-16 with a BOM, else cp949
    (Korean Windows). Binary data, undecodable text and empty files are InputErrors."""
    return decode_text(regular_file(path).read_bytes(), str(path))


def decode_text(raw: bytes, file: str) -> str:
    """``read_text`` of bytes read elsewhere (standard input); ``file`` names them."""
    if raw.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)) or raw.startswith(
        tuple(_COMPRESSED)
    ):
        check_text_head(raw[:16], file)
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            text = raw.decode("utf-16")
        except UnicodeDecodeError:
            raise InputError("the file starts as UTF-16 but does not decode", file=file) from None
    else:
        if 0 in raw[: 1 << 16]:
            raise InputError("the file holds binary data (NUL bytes), not text", file=file)
        for codec in ("utf-8-sig", "cp949"):
            try:
                text = raw.decode(codec)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise InputError(
                "the file is neither UTF-8, UTF-16 nor cp949 text; save it as UTF-8", file=file
            )
    if not text.strip():
        raise InputError("the file is empty; give a text that states figures", file=file)
    return text


def not_utf8_error(path: Path, codec: str = "utf-8") -> InputError:
    """Name the first line that does not decode as ``codec`` (utf-8 or cp949)."""
    fix = (
        "the file is not UTF-8; try --encoding cp949 (Korean Windows text), else save it as UTF-8"
        if codec == "utf-8"
        else f"the file is neither UTF-8 nor {codec} text; save it as UTF-8 and load it again"
    )
    decoder = codecs.getincrementaldecoder(codec)()
    with path.open("rb") as fh:
        for number, raw in enumerate(fh, start=1):
            try:
                decoder.decode(raw)
            except UnicodeDecodeError:
                return InputError(fix, file=str(path), line=number)
    return InputError(fix, file=str(path))


def csv_head(path: Path, encoding: str) -> list[list[str]]:
    """The first rows of a CSV, split into fields."""
    with path.open("rb") as fh:
        lines = [fh.readline() for _ in range(_SCAN_ROWS)]
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
    first = text.split("\n", 1)[0]
    return max(DELIMITERS, key=first.count)


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
    with path.open("rb") as fh:
        for number, raw in enumerate(fh, start=1):
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
