"""The cube's input rows of a lake's lines, by the engine asked for (DuckDB, or Spark)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pyarrow as pa

from ..errors import UsageError
from ..store.lake import has_lines, read_sql
from .aggregate import code_map, cube_sql, engine_name


def lake_cube_rows(
    lake: Path,
    scheme_name: str,
    *,
    as_of: dt.date | None = None,
    reporter: str | None = None,
    engine: str | None = None,
) -> pa.Table:
    """The cube's input rows (reporter, month, flow, item, partner, value_usd) of the lake's
    lines, computed by ``engine`` (default: ICTRADE_ENGINE, else DuckDB)."""
    if not has_lines(lake):
        raise UsageError(f"no lines in the lake {lake}; add some with 'ictrade lake ingest FILE'")
    if engine_name(engine) == "spark":
        from .spark import spark_cube_rows

        return spark_cube_rows(lake, scheme_name, as_of=as_of, reporter=reporter)
    con = duckdb.connect()
    try:
        con.execute(f"CREATE VIEW lines AS SELECT * FROM {read_sql(lake)}")
        codes = [r[0] for r in con.execute("SELECT DISTINCT hs_code FROM lines").fetchall()]
        con.register("code_map", code_map(codes, scheme_name))
        sql = cube_sql("duckdb", as_of=as_of, reporter=reporter)
        return con.sql(sql).to_arrow_table()
    finally:
        con.close()
