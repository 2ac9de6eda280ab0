"""Checking a batch of lines as a whole before anything is written.

Checks look at the distinct values of each column (dictionary-encoded text: at its
dictionaries), and name the first bad row only when there is one. Duplicated keys are found by
packing each key column's integer codes into one 64-bit number and sorting: no hashing of
strings, which on ten million lines costs seconds.
"""

from __future__ import annotations

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..classify.partners import partner_codes
from ..errors import error_at_row
from .base import first_row
from .schema import FLOWS, LINE_KEY, STATUSES

_KEY = ", ".join(LINE_KEY)


def _first_true(mask: pa.ChunkedArray | pa.Array) -> int:
    return int(pc.index(pc.fill_null(mask, True), True).as_py())


_CHECKS: list[tuple[str, set[str] | str | None, str]] = [
    # (column, allowed values or a regex, field message)
    ("flow", set(FLOWS), "unknown flow '{bad}'; use one of: " + ", ".join(FLOWS)),
    (
        "hs_code",
        r"^[0-9]{2,10}$",
        "HS code '{bad}' is not 2 to 10 digits (HSK10, HS6 or shorter); keep leading zeros",
    ),
    (
        "partner",
        None,
        "unknown country code '{bad}'; use ISO 3166-1 alpha-2 (e.g. CN, US) or WORLD",
    ),
    (
        "reporter",
        r"^[A-Z]{2}$",
        "reporter '{bad}' is not an ISO 3166-1 alpha-2 code; use e.g. KR, DE, US",
    ),
    ("status", set(STATUSES), "unknown status '{bad}'; use one of: " + ", ".join(STATUSES)),
]


def _bad_mask(values: pa.Array | pa.ChunkedArray, allowed: set[str] | str | None) -> pa.Array:
    if isinstance(allowed, str):
        return pc.invert(pc.match_substring_regex(values, allowed))
    allowed_set = allowed if allowed is not None else set(partner_codes())
    return pc.invert(pc.is_in(values, value_set=pa.array(sorted(allowed_set))))


def _plain(column: pa.ChunkedArray) -> pa.ChunkedArray:
    if pa.types.is_dictionary(column.type):
        return column.cast(column.type.value_type)
    return column


def distinct_values(column: pa.ChunkedArray) -> pa.Array:
    """The distinct values of a column (of a dictionary-encoded one: its dictionaries')."""
    if pa.types.is_dictionary(column.type):
        dictionaries = [c.dictionary for c in column.chunks]
        return pc.unique(pa.chunked_array(dictionaries, column.type.value_type))
    return pc.unique(column)


def validate(
    con: duckdb.DuckDBPyConnection, table: pa.Table, origin: str, first_line: int | None
) -> bool:
    """Check a batch as a whole; raise InputError naming the first bad line and field.

    Returns whether some line key comes with several vintages in the batch.
    """
    for column, allowed, message in _CHECKS:
        if pc.any(pc.fill_null(_bad_mask(distinct_values(table[column]), allowed), True)).as_py():
            # A dictionary may hold values no row uses: only a bad row is an error.
            row = _first_true(_bad_mask(_plain(table[column]), allowed))
            if row < 0:
                continue
            bad = table[column][row].as_py()
            raise error_at_row(
                message.format(bad=bad), field=column, file=origin, first_line=first_line, row=row
            )
    value = table["value_usd"]
    bad_value = pc.or_(pc.less(value, 0), pc.invert(pc.is_finite(value)))
    if pc.any(pc.fill_null(bad_value, True)).as_py():
        row = _first_true(bad_value)
        raise error_at_row(
            f"value_usd {value[row].as_py()} is not a non-negative amount in US dollars",
            field="value_usd",
            file=origin,
            first_line=first_line,
            row=row,
        )
    if _unique_keys(table, LINE_KEY):
        return False  # no duplicates, and one vintage per key
    _check_duplicates(con, table, origin, first_line)
    multi = first_row(
        con.execute(f"SELECT count(*) > count(DISTINCT ({_KEY})) FROM batch").fetchall()
    )
    return bool(multi and multi[0])


def _key_codes(column: pa.ChunkedArray) -> tuple[list[np.ndarray], int] | None:
    """Integer codes of a column's values, chunk by chunk (equal values get equal codes), and
    their bit width; None if the column has nulls. Chunks are kept apart: concatenating and
    widening ten million codes at once costs more than the packing itself."""
    if column.null_count:
        return None
    if len(column) == 0:
        return [], 0
    if pa.types.is_date(column.type):
        bounds = pc.min_max(column)
        low, high = bounds["min"].value, bounds["max"].value
        days = [np.asarray(c.cast(pa.int32()).to_numpy()) - np.int32(low) for c in column.chunks]
        return days, (high - low).bit_length()
    encoded = column if pa.types.is_dictionary(column.type) else pc.dictionary_encode(column)
    encoded = encoded.unify_dictionaries()
    dictionary = encoded.chunk(0).dictionary
    distinct = pc.unique(dictionary)
    if len(distinct) <= 1:
        return [], 0  # one value: nothing to tell rows apart
    parts = [np.asarray(c.indices.to_numpy()) for c in encoded.chunks]
    if len(distinct) < len(dictionary):
        # Normalising made two dictionary entries equal: give them one code.
        dense = np.asarray(pc.index_in(dictionary, value_set=distinct).to_numpy())
        parts = [dense[p] for p in parts]
    return parts, (len(distinct) - 1).bit_length()


def _unique_keys(table: pa.Table, names: tuple[str, ...]) -> bool | None:
    """Whether the rows differ on ``names``: the columns' codes packed in one integer and
    sorted (no hashing of strings). None when the codes do not fit in 63 bits."""
    key = np.zeros(table.num_rows, dtype=np.int64)
    bits = 0
    for name in names:
        coded = _key_codes(table[name])
        if coded is None:
            return None
        parts, width = coded
        if width == 0:
            continue
        if bits + width > 63:
            return None
        at = 0
        for part in parts:
            segment = key[at : at + len(part)]
            segment |= np.left_shift(part, bits, dtype=np.int64)
            at += len(part)
        bits += width
    key.sort()
    return not bool(np.any(key[1:] == key[:-1]))


def _check_duplicates(
    con: duckdb.DuckDBPyConnection, table: pa.Table, origin: str, first_line: int | None
) -> None:
    dup = first_row(
        con.execute(
            f"SELECT {_KEY}, vintage FROM batch GROUP BY ALL HAVING count(*) > 1 LIMIT 1"
        ).fetchall()
    )
    if not dup:
        return
    mask = None
    for name, value in zip([*LINE_KEY, "vintage"], dup, strict=True):
        eq = pc.equal(table[name], pa.scalar(value, type=table.schema.field(name).type))
        mask = eq if mask is None else pc.and_(mask, eq)
    assert mask is not None
    first = _first_true(mask)
    second = first + 1 + _first_true(mask[first + 1 :])
    other = f"line {first_line + first}" if first_line is not None else f"row {first + 1}"
    raise error_at_row(
        f"duplicated line: the same month, flow, HS code, partner, source and vintage as "
        f"{other}; remove one of them or give them different vintages",
        file=origin,
        first_line=first_line,
        row=second,
    )
