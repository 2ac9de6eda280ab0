"""The cube's input rows of a lake's lines, by the engine asked for (DuckDB, or Spark)."""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
import pyarrow as pa

from ..errors import UsageError
from ..store.lake import has_lines, read_sql
from .aggregate import code_map, cube_sql, engine_name, region_map, sources_sql

# DuckDB's memory limit on a lake: past it the window over every line spills to disk, so the
# cube of 110M lines stays near 2.5 GB instead of the ~14 GB it would take unbounded (measured
# at 11M lines: 1.4 GB unbounded, 0.5 GB with a 300 MB limit, the same CPU time).
MEMORY_LIMIT = "2GB"


def lake_cube_rows(
    lake: Path,
    scheme_name: str,
    *,
    as_of: dt.date | None = None,
    reporter: str | None = None,
    engine: str | None = None,
) -> pa.Table:
    """The cube's input rows (reporter, month, flow, item, region, lag, value_usd: CUBE_SQL) of
    the lake's lines, computed by ``engine`` (default: ICTRADE_ENGINE, else DuckDB)."""
    if not has_lines(lake):
        raise UsageError(f"no lines in the lake {lake}; add some with 'ictrade lake ingest FILE'")
    if engine_name(engine) == "spark":
        from .spark import spark_cube_rows

        return spark_cube_rows(lake, scheme_name, as_of=as_of, reporter=reporter)
    with _lines(lake) as con:
        codes = [r[0] for r in con.execute("SELECT DISTINCT hs_code FROM lines").fetchall()]
        con.register("code_map", code_map(codes, scheme_name))
        con.register("region_map", region_map())
        return con.sql(cube_sql("duckdb", as_of=as_of, reporter=reporter)).to_arrow_table()


def lake_sources(
    lake: Path,
    reporter: str,
    *,
    as_of: dt.date | None = None,
    engine: str | None = None,
) -> dict[str, dt.date | None]:
    """The sources of ``reporter``'s lines in the lake, each with its latest vintage on or
    before ``as_of`` (None: none then), computed by ``engine`` (SOURCES_SQL)."""
    if engine_name(engine) == "spark":
        from .spark import spark_sources

        return spark_sources(lake, reporter, as_of=as_of)
    with _lines(lake) as con:
        rows = con.execute(sources_sql("duckdb", as_of=as_of, reporter=reporter)).fetchall()
        return dict(sorted(rows))


@contextmanager
def _lines(lake: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """A DuckDB connection with the lake's lines as the view ``lines``, memory bounded."""
    with tempfile.TemporaryDirectory(prefix="ictrade-lake-") as spill:
        con = duckdb.connect(config={"memory_limit": MEMORY_LIMIT, "temp_directory": spill})
        try:
            con.execute(f"CREATE VIEW lines AS SELECT * FROM {read_sql(lake)}")
            yield con
        finally:
            con.close()
