"""Lines gathered one answer row at a time (the API readers), made one LINE_SCHEMA table."""

from __future__ import annotations

import datetime as dt
import re

import pyarrow as pa

from ..store.schema import DEFAULT_REPORTER, LINE_SCHEMA

# A number as files and APIs write one: ASCII digits, a point, an exponent, thousands commas.
# Python's float() and int() would also take '1_000', full-width or Arabic-Indic digits and
# spaces inside, which no source writes.
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?", re.ASCII)


def plain_number(text: str | None) -> float | None:
    """``text`` as a number if it is written as one (else None; NaN and inf are not)."""
    plain = (text or "").strip().replace(",", "")
    return float(plain) if _NUMBER.fullmatch(plain) else None


class LineRows:
    """The lines of one answer, all of the same vintage (the day it was retrieved)."""

    def __init__(self, vintage: dt.date) -> None:
        self.vintage = vintage
        self._columns: dict[str, list[object]] = {name: [] for name in LINE_SCHEMA.names}

    def add(
        self,
        month: dt.date,
        flow: str,
        hs_code: str,
        partner: str,
        value_usd: float,
        net_kg: float | None,
        *,
        source: str,
        status: str,
        quantity: float | None = None,
        reporter: str = DEFAULT_REPORTER,
    ) -> None:
        # in LINE_SCHEMA's order; an API line is reported, never imputed
        row = (month, flow, hs_code, partner, value_usd, net_kg, quantity, source, self.vintage)
        for column, value in zip(
            self._columns.values(), (*row, status, False, reporter), strict=True
        ):
            column.append(value)

    def table(self) -> pa.Table:
        return pa.table(self._columns, schema=LINE_SCHEMA)
