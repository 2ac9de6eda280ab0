"""The store object: a DuckDB connection and what it holds. Opening one is ``store.py``'s job;
this module sits below every store module so that none of them needs the opening code."""

from __future__ import annotations

import bisect
import datetime as dt
import functools
from collections.abc import Callable, Sequence
from typing import Any, Concatenate, ParamSpec, TypeVar, cast

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
        # Answers kept for a store whose data do not change (a server's snapshot), by query:
        # set by whoever knows that; None (the default) asks the database every time.
        self.memo: dict[tuple[object, ...], Any] | None = None

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


_MISSING = object()
MEMO_SIZE = 4096  # answers kept per snapshot; past it the memo starts again


def remembered(store: Store, key: tuple[object, ...], compute: Callable[[], R]) -> R:
    """``compute()``, kept in ``store.memo`` under ``key`` when the store keeps answers."""
    memo = store.memo
    if memo is None:
        return compute()
    found = memo.get(key, _MISSING)
    if found is not _MISSING:
        return cast(R, found)
    if len(memo) >= MEMO_SIZE:
        memo.clear()
    value = memo[key] = compute()
    return value


def resolve_vintage(vintages: Sequence[dt.date], as_of: dt.date | None) -> dt.date | None:
    """The vintage whose lines in force equal those as of ``as_of`` (``vintages``: every
    vintage of the lines, sorted): the latest on or before it; None (the latest figures) from
    the latest vintage on. A date before every vintage stays as it is (nothing in force)."""
    if as_of is None or not vintages or as_of >= vintages[-1]:
        return None
    at = bisect.bisect_right(vintages, as_of)
    return vintages[at - 1] if at else as_of


def line_vintages(store: Store) -> list[dt.date]:
    """Every vintage of the store's lines (all reporters), sorted."""
    rows = store.con.execute("SELECT DISTINCT vintage FROM lines ORDER BY 1").fetchall()
    return [r[0] for r in rows]


def in_force(store: Store, as_of: dt.date | None) -> dt.date | None:
    """A key for the lines in force as of ``as_of``, for a store that keeps answers
    (``Store.memo``): dates between two vintages share it."""
    if store.memo is None:
        return as_of
    vintages = remembered(store, ("vintages",), lambda: line_vintages(store))
    return resolve_vintage(vintages, as_of)


def in_store_scheme(func: Callable[Concatenate[Store, P], R]) -> Callable[Concatenate[Store, P], R]:
    """Run ``func(store, ...)`` with the items of the store's scheme as ``taxonomy()``."""

    @functools.wraps(func)
    def wrapper(store: Store, /, *args: P.args, **kwargs: P.kwargs) -> R:
        with using_scheme(store.scheme_name):
            return func(store, *args, **kwargs)

    return wrapper
