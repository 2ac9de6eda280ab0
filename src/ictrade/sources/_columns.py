"""Vectorised column conversions that find the first offending row only when a check fails.

String columns are converted through their dictionary (a month or partner column has few
distinct values), so checking ten million lines costs a hash pass, not ten million Python calls.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..classify.partners import partner_codes
from ..errors import REPORTED_LINES, InputError, shown_value
from ._read import shown_path

# How to fix each field, for error messages.
FIXES = {
    "month": "write the month as YYYY-MM (e.g. 2020-11)",
    "flow": "use one of: export, import (수출, 수입 in Korean files)",
    "hs_code": "an HS code is 2 to 10 digits (keep leading zeros: store it as text)",
    "partner": "use an ISO 3166-1 alpha-2 country code (e.g. US, CN) or WORLD",
    "value_usd": "give a non-negative number (US dollars)",
    "net_kg": "give a non-negative number (kilograms) or leave it empty",
    "quantity": "give a non-negative number or leave it empty",
    "source": "name the source in one line of at most 100 characters (e.g. kcs), or pass a "
    "default source",
    "vintage": "write the vintage as a real date YYYY-MM-DD",
    "status": "use preliminary or confirmed",
    "imputed": "use true or false",
}

# What a field's values are, for a column of the wrong type.
KINDS = {"month": "months", "vintage": "dates", "value_usd": "amounts", "net_kg": "amounts",
         "quantity": "amounts", "imputed": "true/false values"}  # fmt: skip

Converter = Callable[[pa.Array], tuple[pa.Array, pa.Array]]  # values -> (converted, ok mask)


class Bad(Exception):
    """Values failed a check: at row ``index`` (0-based in the column) and, when several rows
    fail, at ``more`` (the next few rows and their values) of ``total`` bad rows."""

    def __init__(
        self,
        index: int,
        value: object,
        field: str,
        more: list[tuple[int, object]] | None = None,
        total: int = 1,
    ) -> None:
        super().__init__(f"{field}: {value!r} at row {index}")
        self.index = index
        self.value = value
        self.field = field
        self.more = more or []
        self.total = total

    @classmethod
    def where(
        cls,
        mask: pa.Array | pa.ChunkedArray,
        values: pa.Array | pa.ChunkedArray,
        field: str,
        offset: int = 0,
    ) -> Bad:
        """The rows where ``mask`` is true (the first REPORTED_LINES of them), with values."""
        rows = pc.indices_nonzero(pc.fill_null(mask, False))
        first = [int(i) for i in rows[:REPORTED_LINES].to_pylist()]
        shown = [(offset + i, values[i].as_py()) for i in first]
        return cls(*shown[0], field, shown[1:], total=len(rows))

    def message(self) -> str:
        return f"{shown_value(self.value)} is not valid: {FIXES[self.field]}"


def constant_strings(value: str, n: int) -> pa.DictionaryArray:
    """``n`` copies of ``value``, dictionary-encoded: one string and ``n`` zero indices."""
    zeros = pa.array(np.zeros(n, dtype=np.int32))
    return pa.DictionaryArray.from_arrays(zeros, pa.array([value], pa.string()))


def convert_strings(
    col: pa.ChunkedArray,
    convert: Converter,
    field: str,
    out_type: pa.DataType,
    *,
    required: bool = True,
) -> pa.ChunkedArray:
    """Convert a string (or dictionary) column through its distinct values."""
    out: list[pa.Array] = []
    offset = 0
    for chunk in col.chunks:
        if not pa.types.is_dictionary(chunk.type):
            chunk = pc.dictionary_encode(chunk.cast(pa.string()))
        values = chunk.dictionary.cast(pa.string())
        converted, ok = convert(values)
        ok = pc.fill_null(ok, False)
        if not pc.all(ok).as_py() and len(values):
            bad = pc.indices_nonzero(pc.invert(ok))
            raise Bad.where(pc.is_in(chunk.indices, value_set=bad), chunk, field, offset)
        if required and chunk.null_count:
            raise Bad.where(pc.is_null(chunk), chunk, field, offset)
        # Keep the result dictionary-encoded over its distinct converted values, so later
        # key checks reuse the indices instead of hashing the column again.
        converted = converted.cast(out_type)
        distinct = pc.unique(converted)
        if len(distinct) == len(converted) and not converted.null_count:
            # Still one entry per value (the usual case): the indices carry over as they are.
            indices = chunk.indices
        else:
            indices = pc.index_in(converted, value_set=distinct).take(chunk.indices)
            converted = distinct
        out.append(pa.DictionaryArray.from_arrays(indices.cast(pa.int32()), converted))
        offset += len(chunk)
    return pa.chunked_array(out, type=pa.dictionary(pa.int32(), out_type))


def to_float(col: pa.ChunkedArray, field: str, *, required: bool) -> pa.ChunkedArray:
    """Numbers as float64; strings may carry thousands separators ('1,234')."""
    if pa.types.is_dictionary(col.type):
        col = col.cast(pa.string())
    if (
        pa.types.is_integer(col.type)
        or pa.types.is_floating(col.type)
        or pa.types.is_decimal(col.type)
    ):
        # unsafe: an integer above 2**53 is rounded to the nearest float, as text would be
        out = col.cast(pa.float64(), safe=False)
    elif (
        pa.types.is_string(col.type)
        or pa.types.is_large_string(col.type)
        or pa.types.is_null(col.type)
    ):
        out = _parse_float(col, field)
    else:  # true/false, dates, lists: not an amount, whatever a cast would make of them
        raise pa.ArrowTypeError(f"{col.type} is not an amount")
    if required and out.null_count:
        raise Bad.where(pc.is_null(out), out, field)
    return out


_NUMBER = r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$"
# Commas only as thousands separators: '1,234,567.5'. '100,5' (a decimal comma) is refused,
# not read as 1005.
_GROUPED = r"^[+-]?\d{1,3}(,\d{3})+(\.\d*)?([eE][+-]?\d+)?$"


def _parse_float(col: pa.ChunkedArray, field: str) -> pa.ChunkedArray:
    out = []
    offset = 0
    for chunk in col.chunks:
        text = pc.utf8_trim_whitespace(chunk.cast(pa.string()))
        grouped = pc.match_substring_regex(text, _GROUPED)
        text = pc.if_else(grouped, pc.replace_substring(text, ",", ""), text)
        text = pc.if_else(pc.equal(text, ""), pa.scalar(None, pa.string()), text)
        ok = pc.or_kleene(pc.is_null(text), pc.match_substring_regex(text, _NUMBER))
        if not pc.all(ok).as_py() and len(text):
            raise Bad.where(pc.invert(ok), chunk, field, offset)
        out.append(text.cast(pa.float64()))
        offset += len(chunk)
    return pa.chunked_array(out, type=pa.float64())


# ---- converters on distinct string values --------------------------------------------------


def one_of(allowed: dict[str, str], *, fold: bool) -> Converter:
    """Map values through ``allowed`` (trimmed; compared lower-cased when ``fold``)."""
    keys = pa.array(list(allowed))
    mapped = pa.array(list(allowed.values()))

    def convert(values: pa.Array) -> tuple[pa.Array, pa.Array]:
        values = pc.utf8_trim_whitespace(values)
        if fold:
            values = pc.utf8_lower(values)
        where = pc.index_in(values, value_set=keys)
        return mapped.take(where), pc.is_valid(where)

    return convert


def hs_code(*, loose: bool) -> Converter:
    def convert(values: pa.Array) -> tuple[pa.Array, pa.Array]:
        values = pc.utf8_trim_whitespace(values)
        if loose:
            values = pc.replace_substring_regex(values, r"[.\- ]", "")
            # HS codes have an even number of digits: an odd count lost its leading zero
            # (a spreadsheet read 0202 as the number 202).
            odd = pc.equal(pc.bit_wise_and(pc.utf8_length(values), 1), 1)
            values = pc.if_else(odd, pc.binary_join_element_wise("0", values, ""), values)
        return values, pc.match_substring_regex(values, r"^\d{2,10}$")

    return convert


def partner(aliases: dict[str, str]) -> Converter:
    codes = pa.array(sorted(partner_codes()))
    keys = pa.array(list(aliases))
    mapped = pa.array(list(aliases.values()))

    def convert(values: pa.Array) -> tuple[pa.Array, pa.Array]:
        values = pc.utf8_trim_whitespace(values)
        if len(keys):
            alias = mapped.take(pc.index_in(pc.utf8_lower(values), value_set=keys))
            values = pc.coalesce(alias, values)
        values = pc.utf8_upper(values)
        return values, pc.is_in(values, value_set=codes)

    return convert


def nonempty(values: pa.Array) -> tuple[pa.Array, pa.Array]:
    values = pc.utf8_trim_whitespace(values)
    return values, pc.greater(pc.utf8_length(values), 0)


SOURCE_MAX = 100  # characters of a source name: a name, not a note


def source_name(values: pa.Array) -> tuple[pa.Array, pa.Array]:
    """A source's name: one line (no control characters) of 1 to SOURCE_MAX characters."""
    values, ok = nonempty(values)
    short = pc.less_equal(pc.utf8_length(values), SOURCE_MAX)
    plain = pc.invert(pc.match_substring_regex(values, r"[\x00-\x1f\x7f]"))
    return values, pc.and_(ok, pc.and_(short, plain))


def name_source(path: Path) -> str:
    """A file's name as its lines' source, when it can be one (else an InputError)."""
    name = shown_path(path.stem)
    if not source_name(pa.array([name]))[1][0].as_py():
        raise InputError(
            f"the file's name {name!r} cannot name the lines' source ({FIXES['source']}); "
            "pass --source NAME",
            file=shown_path(path),
        )
    return name


BOOLS = {
    "true": "true",
    "false": "false",
    "1": "true",
    "0": "false",
    "yes": "true",
    "no": "false",
    "t": "true",
    "f": "false",
    "y": "true",
    "n": "false",
}


def boolean(values: pa.Array) -> tuple[pa.Array, pa.Array]:
    text, ok = one_of(BOOLS, fold=True)(values)
    return pc.equal(text, "true"), ok
