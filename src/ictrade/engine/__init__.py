"""The aggregation of customs lines into the cube, written once and run on DuckDB or Spark."""

from .aggregate import ENGINES, cube_sql, engine_name
from .run import lake_cube_rows

__all__ = ["ENGINES", "cube_sql", "engine_name", "lake_cube_rows"]
