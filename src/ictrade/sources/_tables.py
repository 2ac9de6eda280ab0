"""Reading Parquet files and Excel workbooks into Arrow columns (CSV: ``_read``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from ..errors import InputError

# ---- Parquet ------------------------------------------------------------------------------


def parquet_columns(path: Path) -> list[str]:
    try:
        return list(pq.read_schema(path).names)
    except (pa.ArrowInvalid, OSError) as exc:
        raise InputError(f"not a readable Parquet file ({exc})", file=str(path)) from None


def read_parquet(path: Path, columns: list[str]) -> pa.Table:
    try:
        schema = pq.read_schema(path)
        strings = [c for c in columns if pa.types.is_string(schema.field(c).type)]
        # Text columns dictionary-encoded: a few thousand distinct codes, not ten million
        # strings, so trimming and checks run on the dictionaries.
        return pq.read_table(path, columns=columns, read_dictionary=strings, memory_map=True)
    except (pa.ArrowException, OSError) as exc:
        raise damaged_parquet(path, exc) from None


def parquet_batches(path: Path, columns: list[str], rows: int) -> Iterator[pa.Table]:
    """``read_parquet`` ``rows`` rows at a time: memory bounded whatever the file's size."""
    try:
        schema = pq.read_schema(path)
        strings = [c for c in columns if pa.types.is_string(schema.field(c).type)]
        file = pq.ParquetFile(path, read_dictionary=strings, memory_map=True)
        for batch in file.iter_batches(batch_size=rows, columns=columns):
            yield pa.Table.from_batches([batch])
    except (pa.ArrowException, OSError) as exc:
        raise damaged_parquet(path, exc) from None


def damaged_parquet(path: Path, exc: Exception) -> InputError:
    """A Parquet file whose data cannot be read (cut short, overwritten, badly written)."""
    first = (str(exc).strip().splitlines() or [type(exc).__name__])[0][:200]
    return InputError(
        f"the Parquet file's data cannot be read ({first}); it may be cut short or damaged: "
        "write or copy it again",
        file=str(path),
    )


# ---- Excel --------------------------------------------------------------------------------


def _cell_text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime | dt.date):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value).strip()
    return text or None


Cells = list[list[object]]


def text_rows(rows: Cells) -> list[list[str | None]]:
    """Rows as text (numbers without a trailing '.0', dates as YYYY-MM-DD)."""
    return [[_cell_text(v) for v in row] for row in rows]


def excel_sheets(path: Path) -> list[tuple[str, Cells]]:
    """Every sheet's name and rows of cell values."""
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a bad workbook
        raise InputError(f"not a readable .xlsx workbook ({exc})", file=str(path)) from None
    try:
        return [
            (sheet.title, [list(r) for r in sheet.iter_rows(values_only=True)])
            for sheet in book.worksheets
        ]
    except Exception as exc:  # the sheet is read lazily: a damaged part fails here
        raise InputError(f"not a readable .xlsx workbook ({exc})", file=str(path)) from None
    finally:
        book.close()


def empty_cell_cause(
    path: Path, sheet: int, header: list[str], error: InputError
) -> InputError | None:
    """``error`` in the words of its cause when its cell is empty because it is merged with
    the cells above or beside it, or because it holds a formula without a saved value (a
    workbook a program wrote without computing it); else None."""
    import openpyxl
    from openpyxl.utils import get_column_letter

    if error.line is None or error.field not in header:
        return None
    column = header.index(error.field) + 1
    cell = f"{get_column_letter(column)}{error.line}"
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=False)
        try:
            ws = book.worksheets[sheet]
            merged = _merged_range(path, getattr(ws, "_worksheet_path", ""), column, error.line)
            cells = ws.iter_rows(
                min_row=error.line, max_row=error.line, min_col=column, max_col=column,
                values_only=True,
            )  # fmt: skip
            value = next(iter(cells), (None,))[0]
        finally:
            book.close()
    except Exception:  # only a better message was at stake
        return None
    if merged:
        why = (
            f"the cell {cell} is part of the merged cells {merged}, whose value only their "
            "first cell holds; unmerge them and fill the value into every row (in a "
            "spreadsheet: select them, turn Merge off, fill down), then save and load again"
        )
    elif isinstance(value, str) and value.startswith("="):
        why = (
            f"the cell holds the formula {value!r} but no saved value (the workbook was "
            "written by a program that does not compute formulas); open and save it in a "
            "spreadsheet, or paste the values"
        )
    else:
        return None
    return InputError(why, file=error.file, line=error.line, field=error.field)


def _merged_range(path: Path, part: str, column: int, row: int) -> str | None:
    """The merged range (e.g. 'A2:A4') of a sheet's XML ``part`` that covers a cell."""
    import zipfile
    from xml.etree.ElementTree import iterparse

    from openpyxl.utils import range_boundaries

    with zipfile.ZipFile(path) as book, book.open(part.lstrip("/")) as xml:
        for _, element in iterparse(xml):
            if element.tag.endswith("}mergeCell"):
                ref = element.get("ref", "")
                low_col, low_row, high_col, high_row = range_boundaries(ref)
                if low_col <= column <= high_col and low_row <= row <= high_row:
                    return ref
            elif element.tag.endswith("}row"):
                element.clear()  # the sheet's data: no need to keep it
    return None


def rows_to_table(header: list[str], rows: Cells, wanted: list[str]) -> pa.Table:
    """The ``wanted`` columns: dates where every value of a column is a date (a spreadsheet
    turns a typed 2020-11 into the date 2020-11-01), else text."""
    columns: dict[str, pa.Array] = {}
    for name in wanted:
        i = header.index(name)
        cells = [row[i] if i < len(row) else None for row in rows]
        given = [c for c in cells if c is not None]
        if given and all(isinstance(c, dt.date) for c in given):
            days = [c.date() if isinstance(c, dt.datetime) else c for c in cells]
            columns[name] = pa.array(days, pa.date32())
        else:
            columns[name] = pa.array([_cell_text(c) for c in cells], pa.string())
    return pa.table(columns)
