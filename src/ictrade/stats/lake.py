"""Facts from a Parquet lake: the cube's input computed by an engine (DuckDB or Spark), the
cube and the facts above it in Python, the same code as for the store."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TypedDict, Unpack

from ..engine import lake_cube_rows
from ..engine.run import lake_sources
from ..errors import NoDataError
from ..months import Month
from .cube import Cube, cube_from_regions
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
    order = [(k, "ascending") for k in ("month", "flow", "item", "region", "lag")]
    return cube_from_regions(rows.drop_columns(["reporter"]).sort_by(order), scheme_name)


class LakeOptions(TypedDict, total=False):
    """Which lines of the lake: ``lake_cube``'s keyword arguments."""

    scheme_name: str
    reporter: str
    as_of: dt.date | None
    engine: str | None


def lake_facts(lake: Path, month: Month, **options: Unpack[LakeOptions]) -> Facts:
    """The facts document of ``month`` from the lake's lines in force as of ``as_of``
    (``lake_cube``'s options)."""
    cube = lake_cube(lake, **options)
    as_of, reporter = options.get("as_of"), options.get("reporter", "KR")
    used = lake_sources(lake, reporter, as_of=as_of, engine=options.get("engine"))
    facts = facts_from_cube(
        cube,
        month,
        store_name=f"lake:{lake}",
        as_of=as_of,
        data_sources=list(used),
        scheme_name=cube.scheme,
        reporter=reporter,
    )
    # as the store's facts say: the latest vintage in force, and the date asked for
    latest = max((v for v in used.values() if v is not None), default=None)
    facts["data"]["as_of"] = str(latest) if latest else None
    facts["data"]["as_of_requested"] = str(as_of) if as_of else None
    return facts
