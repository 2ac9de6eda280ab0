"""The store object: a DuckDB connection and what it holds. Opening one is ``store.py``'s job;
this module sits below every store module so that none of them needs the opening code."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, Concatenate, ParamSpec, TypeVar

import duckdb

from ..classify import using_scheme
from .schema import DEFAULT_REPORTER

P = ParamSpec("P")
R = TypeVar("R")


def first_row(rows: list[tuple[Any, ...]]) -> tuple[Any, ...] | None:
    """The first row of a fully fetched result (DuckDB wants results read to the end)."""
    return rows[0] if rows else None


class Store:
    """A DuckDB database of customs lines, with the classification of their codes."""

    def __init__(
        self,
        con: duckdb.DuckDBPyConnection,
        name: str,
        *,
        read_only: bool,
        scheme_name: str = "kr-ict",
        reporter: str = DEFAULT_REPORTER,
    ) -> None:
        self.con = con
        self.name = name
        self.read_only = read_only
        self.scheme_name = scheme_name
        # Statistics read this reporter's lines; the store keeps every reporter's.
        self.reporter = reporter
        # Spans where a partial dataset is complete (meta.json "complete"); None: complete.
        self.completeness: list[dict[str, Any]] | None = None
        self.description: str | None = None  # what a shipped dataset holds (meta.json)
        # Whether statistics find from the lines which months compare (stats.comparable): a
        # user's store; a shipped dataset declares it (``completeness``).
        self.compare_by_lines = True

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def in_store_scheme(func: Callable[Concatenate[Store, P], R]) -> Callable[Concatenate[Store, P], R]:
    """Run ``func(store, ...)`` with the items of the store's scheme as ``taxonomy()``."""

    @functools.wraps(func)
    def wrapper(store: Store, /, *args: P.args, **kwargs: P.kwargs) -> R:
        with using_scheme(store.scheme_name):
            return func(store, *args, **kwargs)

    return wrapper
