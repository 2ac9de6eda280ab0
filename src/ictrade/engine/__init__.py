"""The aggregation of customs lines into the cube, written once and run on DuckDB or Spark."""

from .aggregate import ENGINES, engine_name, lake_cube_rows
from .sql import cube_sql

__all__ = ["ENGINES", "cube_sql", "engine_name", "lake_cube_rows"]
