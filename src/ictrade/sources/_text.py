"""What a file is before it is read: a regular file with a UTF-8 name, of which kind (CSV,
Parquet, workbook), in which text encoding; UTF-16, UTF-32, compressed, binary and CR-only
files are refused here, each with its fix."""

from __future__ import annotations

import codecs
import os
import stat
from collections.abc import Iterator
from pathlib import Path

from ..errors import InputError, UsageError

ENCODINGS = ("auto", "utf-8", "cp949")


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
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or utf16_without_bom(head):
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


def file_lines(path: Path) -> Iterator[bytes]:
    """A text file's lines as bytes, ended as editors and the csv module end them: by LF, CRLF
    or a CR alone (an error's line number after old-Mac lines is then the one people see).
    Latin-1 maps bytes to characters one for one, so any file reads, and in UTF-8 and cp949
    no byte of a character is a CR or LF."""
    with path.open(encoding="latin-1", newline="") as fh:
        for line in fh:
            yield line.encode("latin-1")


CR_ONLY = "the lines end with CR only (old Mac text); save the file with LF or CRLF line endings"


def read_text(path: Path) -> str:
    """A text file's content: UTF-8 (with or without BOM), UTF-16 (with a BOM or without,
    told by its NULs), else cp949 (Korean Windows). Binary data, undecodable text and empty
    files are InputErrors."""
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
    elif codec := utf16_without_bom(raw[: 1 << 16]):
        try:
            text = raw.decode(codec)
        except UnicodeDecodeError:
            raise InputError(
                f"the file looks like {codec.upper()} text without a byte-order mark but does "
                "not decode; save it as UTF-8",
                file=file,
            ) from None
        if "\0" in text:
            raise InputError("the file holds binary data (NUL bytes), not text", file=file)
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


def utf16_without_bom(head: bytes) -> str | None:
    """'utf-16-le' or 'utf-16-be' when ``head`` looks like UTF-16 text without a byte-order
    mark: in UTF-16 the letters, digits and spaces of ASCII have a NUL beside them, on one side
    (U+xx00 characters such as '가' put a few on the other)."""
    units = head[: len(head) // 2 * 2]
    big, little = units[0::2].count(0), units[1::2].count(0)  # NULs first, second in a pair
    most, fewest = max(big, little), min(big, little)
    if not most or most * 10 < len(units) // 2 or fewest * 4 > most:  # binary data
        return None
    return "utf-16-le" if little > big else "utf-16-be"


def not_utf8_error(path: Path, codec: str = "utf-8") -> InputError:
    """Name the first line that does not decode as ``codec`` (utf-8 or cp949)."""
    fix = (
        "the file is not UTF-8; try --encoding cp949 (Korean Windows text), else save it as UTF-8"
        if codec == "utf-8"
        else f"the file is neither UTF-8 nor {codec} text; save it as UTF-8 and load it again"
    )
    if codec != "utf-8" and _is_utf8(path):  # --encoding cp949 given for a UTF-8 file
        return InputError(
            f"the file is UTF-8 text, not {codec}; leave out --encoding (or give utf-8)",
            file=str(path),
        )
    decoder = codecs.getincrementaldecoder(codec)()
    for number, raw in enumerate(file_lines(path), start=1):
        try:
            decoder.decode(raw)
        except UnicodeDecodeError:
            return InputError(fix, file=str(path), line=number)
    return InputError(fix, file=str(path))


def _is_utf8(path: Path) -> bool:
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        with path.open("rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                decoder.decode(block)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True
