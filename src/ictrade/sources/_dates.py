"""Months and dates of a file's columns, converted through their distinct values: strict
(the canonical layout: YYYY-MM, YYYY-MM-DD) or loose (the forms customs exports use); a date
that cannot be (2024-02-30, 25:61) is refused, never rolled over."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc


def first_of_month(days: pa.ChunkedArray) -> pa.ChunkedArray:
    """Dates floored to the first of their month, through a table of the days spanned (a few
    thousand): calendar arithmetic on every line costs far more."""
    if days.null_count or len(days) == 0:
        return pc.floor_temporal(days, unit="month")
    bounds = pc.min_max(days)
    low, high = bounds["min"].value, bounds["max"].value
    if high - low > 1_000_000:
        return pc.floor_temporal(days, unit="month")
    span = np.arange(low, high + 1).astype("datetime64[D]")
    floors = span.astype("datetime64[M]").astype("datetime64[D]").astype(np.int32)
    out = [
        pa.array(floors[np.asarray(c.cast(pa.int32()).to_numpy()) - low]).cast(pa.date32())
        for c in days.chunks
    ]
    return pa.chunked_array(out, type=pa.date32())


def month_strict(values: pa.Array) -> tuple[pa.Array, pa.Array]:
    """'YYYY-MM' only (the canonical layout); spaces around it are dropped."""
    values = pc.utf8_trim_whitespace(values)
    ok = pc.match_substring_regex(values, r"^\d{4}-(0[1-9]|1[0-2])$")
    safe = pc.if_else(ok, values, "1970-01")
    days = pc.binary_join_element_wise(safe, "01", "-")
    return pc.strptime(days, format="%Y-%m-%d", unit="s").cast(pa.date32()), ok


_LOOSE_MONTH = (
    r"^\s*(?P<y>\d{4})\s*(?:[-./]|년)?\s*(?P<m>\d{1,2})\s*월?\s*"
    r"(?:[-./]?\s*(?P<d>\d{1,2})\s*일?)?(?:[ T](?P<t>\d{2}:\d{2}(?::\d{2})?))?\s*$"
)


def month_loose(values: pa.Array) -> tuple[pa.Array, pa.Array]:
    """YYYYMM, YYYY-MM, YYYY.MM, YYYY/MM, 'YYYY년 MM월', or a date (its month; a day or time
    that cannot be, such as 2020-11-31 or 25:61, is refused with it)."""
    parts = pc.extract_regex(values, _LOOSE_MONTH)
    year = pc.struct_field(parts, "y")
    month = pc.utf8_lpad(pc.struct_field(parts, "m"), 2, "0")
    ok = pc.match_substring_regex(month, r"^(0[1-9]|1[0-2])$")
    ok = pc.fill_null(ok, False)
    day, time = pc.struct_field(parts, "d"), pc.struct_field(parts, "t")
    # extract_regex gives '' for an optional group that did not match
    given = pc.binary_join_element_wise(year, month, pc.utf8_lpad(day, 2, "0"), "-")
    stamp = pc.binary_join_element_wise(
        pc.if_else(pc.equal(day, ""), "2000-01-01", given),
        pc.if_else(pc.equal(time, ""), "00:00:00", pc.utf8_rpad(time, 8, ":")),
        " ",
    )
    stamp = pc.replace_substring_regex(stamp, r"^(.{16}):+$", r"\1:00")  # HH:MM -> HH:MM:00
    parsed = pc.strptime(stamp, format="%Y-%m-%d %H:%M:%S", unit="s", error_is_null=True)
    real = pc.equal(pc.strftime(parsed, format="%Y-%m-%d %H:%M:%S"), stamp)
    ok = pc.and_(ok, pc.fill_null(real, False))
    text = pc.binary_join_element_wise(year, month, "01", "-")
    safe = pc.if_else(ok, text, "1970-01-01")
    return pc.strptime(safe, format="%Y-%m-%d", unit="s").cast(pa.date32()), ok


def date_strict(values: pa.Array) -> tuple[pa.Array, pa.Array]:
    values = pc.utf8_trim_whitespace(values)
    ok = pc.match_substring_regex(values, r"^\d{4}-\d{2}-\d{2}$")
    safe = pc.if_else(ok, values, "1970-01-01")
    parsed = pc.strptime(safe, format="%Y-%m-%d", unit="s", error_is_null=True)
    # strptime rolls 2024-02-30 over to 1 March: a real date prints back as it was written.
    real = pc.equal(pc.strftime(parsed, format="%Y-%m-%d"), safe)
    return parsed.cast(pa.date32()), pc.and_(ok, pc.fill_null(real, False))
