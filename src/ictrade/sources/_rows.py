"""Lines gathered one answer row at a time (the API readers), made one LINE_SCHEMA table."""

from __future__ import annotations

import datetime as dt

import pyarrow as pa

from ..store.schema import DEFAULT_REPORTER, LINE_SCHEMA


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
