"""Facts from a Parquet lake: the cube's input computed by an engine (DuckDB or Spark), the
cube and the facts above it in Python, the same code as for the store."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from ..engine import lake_cube_rows
from ..errors import NoDataError
from ..months import Month
from .cube import Cube, build_cube
from .facts import facts_from_cube
from .facts_doc import Facts


def lake_cube(
    lake: Path,
    *,
    scheme_name: str = "kr-ict",
    reporter: str = "KR",
    as_of: dt.date | None = None,
    engine: str | None = None,
) -> Cube:
    rows = lake_cube_rows(lake, scheme_name, as_of=as_of, reporter=reporter, engine=engine)
    if rows.num_rows == 0:
        raise NoDataError(f"no ICT lines of reporter {reporter} in the lake {lake}")
    # one row order whatever the engine: the cube's sums then add in the same order too
    order = [(k, "ascending") for k in ("month", "flow", "item", "partner")]
    return build_cube(rows.drop_columns(["reporter"]).sort_by(order), scheme_name)


def lake_facts(
    lake: Path,
    month: Month,
    *,
    scheme_name: str = "kr-ict",
    reporter: str = "KR",
    as_of: dt.date | None = None,
    engine: str | None = None,
) -> Facts:
    """The facts document of ``month`` from the lake's lines in force as of ``as_of``."""
    cube = lake_cube(lake, scheme_name=scheme_name, reporter=reporter, as_of=as_of, engine=engine)
    return facts_from_cube(
        cube,
        month,
        store_name=f"lake:{lake}",
        as_of=as_of,
        data_sources=[],
        scheme_name=scheme_name,
        reporter=reporter,
    )
