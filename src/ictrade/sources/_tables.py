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


def unsaved_formula(
    path: Path, sheet: int, header: list[str], error: InputError
) -> InputError | None:
    """``error`` in the words of its cause when its cell holds a formula without a saved value
    (a workbook a program wrote without computing it reads as empty there); else None."""
    import openpyxl

    if error.line is None or error.field not in header:
        return None
    column = header.index(error.field) + 1
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=False)
        try:
            cells = book.worksheets[sheet].iter_rows(
                min_row=error.line, max_row=error.line, min_col=column, max_col=column,
                values_only=True,
            )  # fmt: skip
            value = next(iter(cells), (None,))[0]
        finally:
            book.close()
    except Exception:  # only a better message was at stake
        return None
    if not (isinstance(value, str) and value.startswith("=")):
        return None
    return InputError(
        f"the cell holds the formula {value!r} but no saved value (the workbook was written "
        "by a program that does not compute formulas); open and save it in a spreadsheet, or "
        "paste the values",
        file=error.file,
        line=error.line,
        field=error.field,
    )


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
