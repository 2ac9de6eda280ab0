"""Checking a batch of lines as a whole before anything is written.

Checks look at the distinct values of each column (dictionary-encoded text: at its
dictionaries), and name the first bad row only when there is one. Duplicated keys are found by
packing each key column's integer codes into one 64-bit number and sorting: no hashing of
strings, which on ten million lines costs seconds.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..classify.partners import partner_codes
from ..errors import REPORTED_LINES, LineOf, UsageError, error_at_row, shown_value
from .base import first_row
from .schema import FIRST_PLAUSIBLE, FLOWS, KEY_SQL, LINE_KEY, STATUSES, VALUE_CEILING_USD
from .steps import step


def first_true(mask: pa.ChunkedArray | pa.Array) -> int:
    """The index of the first true value (nulls do not count); -1 if none."""
    return int(pc.index(mask, True).as_py())


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


def plausible_span(today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """The dates a month or vintage may take: from January 1988 (the HS came into force) to
    the end of the month after ``today`` (a figure published early, or a clock a little ahead).
    Anything else is a typo (2099, 0001, 2999) that would make every query span centuries."""
    today = today or dt.date.today()
    after = (today.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    return FIRST_PLAUSIBLE, (after + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)


def plausible_vintage(day: dt.date, option: str) -> dt.date:
    """A vintage given on the command line, checked before any line is read: outside the
    plausible span it is the option's typo, not the file's."""
    low, high = plausible_span()
    if not low <= day <= high:
        raise UsageError(
            f"{option} {day} is outside the plausible span from {low} to {high}; check the year"
        )
    return day


def _days(column: pa.ChunkedArray) -> pa.ChunkedArray:
    return _plain(column).cast(pa.int32())  # no Python dates: year 0 does not fit in one


def _date_text(days: int) -> str:
    return str(np.datetime64(int(days), "D"))


def _format_bad(text: str, bad: object) -> str:
    return text.format(bad=bad)


def _month_text(days: int) -> str:
    return _date_text(days)[:7]


def _outside(name: str, span: str, days: int) -> str:
    shown = _month_text(days) if name == "month" else _date_text(days)
    return f"{name} {shown} is outside the plausible span {span}; check the year"


def validate(
    con: duckdb.DuckDBPyConnection, table: pa.Table, origin: str, first_line: LineOf
) -> bool:
    """Check a batch as a whole; raise InputError naming the first bad lines and field.

    Returns whether some line key comes with several vintages in the batch.
    """

    def refuse(
        mask: pa.ChunkedArray | pa.Array,
        column: str,
        message: Callable[[Any], str],
        shown: Callable[[Any], str] = repr,
        values: pa.ChunkedArray | None = None,
    ) -> None:
        """Raise naming the first rows where ``mask`` holds (or is null), if any."""
        rows = pc.indices_nonzero(pc.fill_null(mask, True))
        if not len(rows):
            return
        named = [int(i) for i in rows[:REPORTED_LINES].to_pylist()]
        seen = [(values if values is not None else table[column])[i].as_py() for i in named]
        raise error_at_row(
            message(seen[0]),
            field=column,
            file=origin,
            first_line=first_line,
            row=named[0],
            more=[(r, shown(v)) for r, v in zip(named[1:], seen[1:], strict=True)],
            total=len(rows),
        )

    for done, (column, allowed, text) in enumerate(_CHECKS):
        step("checking", done, len(_CHECKS) + 1)
        if pc.any(pc.fill_null(_bad_mask(distinct_values(table[column]), allowed), True)).as_py():
            # A dictionary may hold values no row uses: only a bad row is an error.
            bad = _bad_mask(_plain(table[column]), allowed)
            refuse(bad, column, functools.partial(_format_bad, text))
    step("checking", len(_CHECKS), len(_CHECKS) + 1)
    days = {name: _days(table[name]) for name in ("month", "vintage")}
    low, high = (int(np.datetime64(d, "D").astype(np.int64)) for d in plausible_span())
    span = f"from {_date_text(low)} to {_date_text(high)}"
    for name in ("month", "vintage"):
        outside = pc.or_(pc.less(days[name], low), pc.greater(days[name], high))
        refuse(
            outside,
            name,
            functools.partial(_outside, name, span),
            _month_text if name == "month" else _date_text,
            days[name],
        )
    refuse(
        pc.less(days["vintage"], days["month"]),
        "vintage",
        lambda d: (
            f"vintage {_date_text(d)} is before the month it publishes; check the "
            "vintage (a publication date, YYYY-MM-DD) or the month"
        ),
        _date_text,
        days["vintage"],
    )
    value = table["value_usd"]
    refuse(
        pc.or_(pc.less(value, 0), pc.invert(pc.is_finite(value))),
        "value_usd",
        lambda v: f"value_usd {shown_value(v)} is not a non-negative amount in US dollars",
        shown_value,
    )
    refuse(
        pc.greater(value, VALUE_CEILING_USD),
        "value_usd",
        lambda v: (
            f"value_usd {v:g} is above the ceiling of {VALUE_CEILING_USD:g} USD for one "
            "line; check the unit (won given as dollars? a misplaced exponent?)"
        ),
        lambda v: f"{v:g}",
    )
    if _unique_keys(table, LINE_KEY):
        return False  # no duplicates, and one vintage per key
    _check_duplicates(con, table, origin, first_line)
    multi = first_row(
        con.execute(f"SELECT count(*) > count(DISTINCT ({KEY_SQL})) FROM batch").fetchall()
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


def pack_keys(table: pa.Table, names: tuple[str, ...] | list[str]) -> np.ndarray | None:
    """One int64 per row packing the codes of the columns ``names``: equal keys, equal
    integers (no hashing of strings). None when a column has nulls or the codes do not fit in
    63 bits."""
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
    return key


def _unique_keys(table: pa.Table, names: tuple[str, ...]) -> bool | None:
    """Whether the rows differ on ``names`` (packed keys, sorted); None when they cannot be
    packed."""
    key = pack_keys(table, names)
    if key is None:
        return None
    key.sort()
    return not bool(np.any(key[1:] == key[:-1]))


def _check_duplicates(
    con: duckdb.DuckDBPyConnection, table: pa.Table, origin: str, first_line: LineOf
) -> None:
    dup = first_row(
        con.execute(
            f"SELECT {KEY_SQL}, vintage FROM batch GROUP BY ALL HAVING count(*) > 1 LIMIT 1"
        ).fetchall()
    )
    if not dup:
        return
    mask = None
    for name, value in zip([*LINE_KEY, "vintage"], dup, strict=True):
        eq = pc.equal(table[name], pa.scalar(value, type=table.schema.field(name).type))
        mask = eq if mask is None else pc.and_(mask, eq)
    assert mask is not None
    first = first_true(mask)
    second = first + 1 + first_true(mask[first + 1 :])
    line = error_at_row("", file=origin, first_line=first_line, row=first).line
    other = f"line {line}" if line is not None else f"row {first + 1}"
    raise error_at_row(
        f"duplicated line: the same month, flow, HS code, partner, source and vintage as "
        f"{other}; remove one of them or give them different vintages",
        file=origin,
        first_line=first_line,
        row=second,
    )
