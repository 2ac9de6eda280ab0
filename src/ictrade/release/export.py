"""A monthly series as CSV, JSON or Parquet bytes (the ``series`` command)."""

from __future__ import annotations

import csv
import io
import json

import pyarrow as pa
import pyarrow.parquet as pq

from ..errors import UsageError
from ..stats.series import Point


def series_bytes(points: list[Point], fmt: str, meta: dict[str, str]) -> bytes:
    """``points`` with their subject (flow, item, region, measure) in each row."""
    rows = [{"month": str(p.month), **meta, "value": p.value} for p in points]
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, ["month", *meta, "value"], lineterminator="\n")
        writer.writeheader()
        writer.writerows(
            {**r, "value": "" if r["value"] is None else repr(r["value"])} for r in rows
        )
        return buffer.getvalue().encode("utf-8")
    if fmt == "json":
        return (
            json.dumps(
                {**meta, "points": [{"month": r["month"], "value": r["value"]} for r in rows]}
            )
            + "\n"
        ).encode("utf-8")
    if fmt == "parquet":
        schema = pa.schema(
            [("month", pa.string()), *[(k, pa.string()) for k in meta], ("value", pa.float64())]
        )
        sink = io.BytesIO()
        pq.write_table(pa.Table.from_pylist(rows, schema=schema), sink)
        return sink.getvalue()
    raise UsageError(f"unknown format '{fmt}'; formats are: csv, json, parquet")
