"""Running the aggregation on Apache Spark (the ``spark`` extra: ``pip install ictrade[spark]``).

Where Spark runs: ``ICTRADE_SPARK_MASTER`` (e.g. ``local[2]``, ``spark://host:7077``,
``yarn``), else a Spark Connect server named by ``SPARK_REMOTE`` (``sc://host:15002``), else
``local[2]`` on this machine. The lake path may be any URI Spark reads (``s3a://bucket/lake``).
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

import pyarrow as pa

from ..errors import UsageError
from .aggregate import code_map, cube_sql, region_map, sources_sql

# The lake's files as Spark reads them: the partition columns come from the paths.
LINES_DDL = (
    "month DATE, flow STRING, hs_code STRING, partner STRING, value_usd DOUBLE, net_kg DOUBLE, "
    "quantity DOUBLE, source STRING, vintage DATE, status STRING, imputed BOOLEAN, "
    "reporter STRING"
)


def spark_session() -> Any:
    """The Spark session the environment names (see the module's docstring)."""
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise UsageError(
            "the spark engine needs PySpark: pip install 'ictrade[spark]' (and Java 17+)"
        ) from None
    master = os.environ.get("ICTRADE_SPARK_MASTER")
    remote = os.environ.get("SPARK_REMOTE")
    builder = SparkSession.builder.appName("ictrade")
    if remote and not master:
        return builder.remote(remote).getOrCreate()
    return (
        builder.master(master or "local[2]")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", "8")
        .config("spark.sql.session.timeZone", "UTC")
        .getOrCreate()
    )


def spark_cube_rows(
    lake: Path | str,
    scheme_name: str,
    *,
    as_of: dt.date | None = None,
    reporter: str | None = None,
    session: Any = None,
) -> pa.Table:
    spark = _with_lines(session or spark_session(), lake)
    codes = [r[0] for r in spark.sql("SELECT DISTINCT hs_code FROM lines").collect()]
    spark.createDataFrame(code_map(codes, scheme_name)).createOrReplaceTempView("code_map")
    spark.createDataFrame(region_map()).createOrReplaceTempView("region_map")
    table: pa.Table = spark.sql(cube_sql("spark", as_of=as_of, reporter=reporter)).toArrow()
    return table


def spark_sources(
    lake: Path | str, reporter: str, *, as_of: dt.date | None = None, session: Any = None
) -> dict[str, dt.date | None]:
    spark = _with_lines(session or spark_session(), lake)
    rows = spark.sql(sources_sql("spark", as_of=as_of, reporter=reporter)).collect()
    return dict(sorted((r[0], r[1]) for r in rows))


def _with_lines(spark: Any, lake: Path | str) -> Any:
    """``spark`` with the lake's lines as the view ``lines``."""
    root = f"{str(lake).rstrip('/')}/lines"
    spark.read.schema(LINES_DDL).option("basePath", root).parquet(root).createOrReplaceTempView(
        "lines"
    )
    return spark
