"""The public functions' arguments, checked where a Python user hands them over.

``import ictrade`` gives functions typed for mypy, but called from a notebook they get text for
a month, a pandas Timestamp for a date, a path where a store goes, or a store already closed.
``checked`` turns what each argument may be into what the function takes (``'2020-11'`` into
a ``Month``) and refuses the rest with a UsageError naming the argument, the value and the
fix, instead of a TypeError, KeyError or DuckDB error from deep inside.
"""

from __future__ import annotations

import datetime as dt
import functools
import inspect
import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

import duckdb
import pyarrow as pa

from .errors import StoreError, UsageError, quoted
from .months import Month, parse_date
from .release.flash_text import SCHEMA as FLASH
from .stats.facts import SCHEMA as FACTS
from .store.base import Store
from .store.schema import LINE_SCHEMA

P = ParamSpec("P")
R = TypeVar("R")


def _shown(value: object) -> str:
    return f"{type(value).__name__} {quoted(repr(value))}"


def _store(name: str, value: object) -> Store | None:
    if value is None:
        return None  # the functions that take none open the default store
    if not isinstance(value, Store):
        raise UsageError(
            f"store must be a Store, not {_shown(value)}; open one with ictrade.open_store(PATH) "
            "or ictrade.open_store(dataset='default')"
        )
    try:
        value.con.execute("SELECT 1").fetchall()
    except duckdb.Error:
        raise StoreError(
            f"the store {value.name} is closed; open it again with ictrade.open_store()"
        ) from None
    return value


def month_of(value: object, name: str = "month") -> Month | None:
    """A Month from a Month, 'YYYY-MM' text or a date in it (None stays None)."""
    if value is None or isinstance(value, Month):
        return value
    if isinstance(value, str):
        return Month.parse(value)
    if isinstance(value, dt.date):  # a table's month column holds first days
        return Month.from_date(value)
    raise UsageError(f"{name} is a Month, a date or text 'YYYY-MM', not {_shown(value)}")


def date_of(value: object, name: str = "as_of") -> dt.date | None:
    """A date from a date, a datetime (a pandas Timestamp: its day) or 'YYYY-MM-DD' text."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        return parse_date(value, name)
    raise UsageError(f"{name} is a date or text 'YYYY-MM-DD', not {_shown(value)}")


def _text(name: str, value: object) -> object:
    if value is not None and not isinstance(value, str):
        raise UsageError(f"{name} is text such as 'total', not {_shown(value)}")
    return value


def _flag(name: str, value: object) -> object:
    if isinstance(value, str) or value not in (True, False):  # "false" is truthy
        raise UsageError(f"{name} is True or False, not {_shown(value)}")
    return bool(value)


def _path(name: str, value: object) -> object:
    if value is None:
        return None
    if not isinstance(value, (str, os.PathLike)):
        raise UsageError(f"{name} is text or a pathlib.Path, not {_shown(value)}")
    text = os.fspath(value)
    if not isinstance(text, str) or not text.strip() or "\x00" in text:
        raise UsageError(f"{name} {quoted(str(text))} names no file; give a file name")
    return value


def _facts(name: str, value: object) -> object:
    if not isinstance(value, Mapping) or value.get("schema") not in (FACTS, FLASH):
        raise UsageError(
            f"{name} must be the document ictrade.build_facts() returns, not {_shown(value)}"
        )
    return value


def _folder(name: str, value: object) -> Path:
    folder = Path(_path(name, value))  # type: ignore[arg-type]
    if folder.exists() and not folder.is_dir():
        raise UsageError(f"{name} {quoted(str(folder))} is a file; give a folder to write in")
    return folder


def _table(name: str, value: object) -> object:
    """Customs lines: a pyarrow Table with LINE_SCHEMA's columns, of types it casts to."""
    if not isinstance(value, pa.Table):
        raise UsageError(f"{name} is a pyarrow.Table of customs lines, not {_shown(value)}")
    lacking = [n for n in LINE_SCHEMA.names if n != "reporter" and n not in value.column_names]
    if lacking:
        raise UsageError(
            f"{name} lacks the columns {', '.join(lacking)}; customs lines have the columns of "
            "ictrade.store.schema.LINE_SCHEMA"
        )
    for field in LINE_SCHEMA:
        if field.name in value.column_names and value[field.name].type != field.type:
            try:
                value[field.name].cast(field.type)
            except (pa.ArrowException, ValueError, TypeError) as exc:
                first = str(exc).strip().splitlines()[0][:200]
                raise UsageError(
                    f"{name}: column {field.name} is {value[field.name].type}, which does not "
                    f"convert to {field.type} ({first}); give {field.type} values"
                ) from None
    return value


# By parameter name: what a value may be, turned into what the functions take.
CHECKS: dict[str, Callable[[str, Any], object]] = {
    "store": _store,
    "month": lambda name, value: month_of(value, name),
    "start": lambda name, value: month_of(value, name),
    "end": lambda name, value: month_of(value, name),
    "as_of": lambda name, value: date_of(value, name),
    "vintage": lambda name, value: date_of(value, name),
    "path": _path,
    "out_dir": _folder,
    "facts": _facts,
    "table": _table,
    **dict.fromkeys(("as_published", "read_only", "primary_only"), _flag),
    **dict.fromkeys(
        (
            "flow",
            "item",
            "region",
            "measure",
            "lang",
            "dataset",
            "reporter",
            "scheme_name",
            "fmt",
            "origin",
            "layout",
            "encoding",
            "source",
            "status",
        ),
        _text,
    ),  # fmt: skip
}


def checked(func: Callable[P, R]) -> Callable[P, R]:
    """``func`` with its arguments checked by CHECKS, and DuckDB's errors as StoreErrors."""
    signature = inspect.signature(func)

    @functools.wraps(func)
    def call(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            bound = signature.bind(*args, **kwargs)
        except TypeError as exc:
            raise UsageError(f"ictrade.{func.__name__}(): {exc}") from None
        for name, value in bound.arguments.items():
            if value is None and signature.parameters[name].default is not None:
                raise UsageError(f"ictrade.{func.__name__}(): {name} is required, not None")
            if name in CHECKS:
                bound.arguments[name] = CHECKS[name](name, value)
        try:
            return func(*bound.args, **bound.kwargs)
        except duckdb.Error as exc:  # a library error no reader translated
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise StoreError(f"the store failed: {first}") from None

    return call
