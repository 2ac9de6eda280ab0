"""Request parameters: parsed and checked, with errors that name the allowed values."""

from __future__ import annotations

import collections
import datetime as dt
import functools
from collections.abc import Callable, Mapping, Sequence

from ..classify import regions, taxonomy
from ..classify.rules import available_schemes
from ..errors import UsageError, quoted
from ..months import Month, parse_date
from ..stats.series import MEASURES, SERIES_FLOWS
from ..store.choice import check_reporter
from ..store.store import available_datasets

TRUE, FALSE = ("1", "true", "yes", "on"), ("", "0", "false", "no", "off")


class ApiError(Exception):
    """An answer with an error status: ``message`` echoes the bad value, ``allowed`` the fix."""

    def __init__(self, status: int, message: str, allowed: Sequence[str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.allowed = list(allowed) if allowed is not None else None


def one_of(name: str, value: str, allowed: Sequence[str]) -> str:
    if value not in allowed:
        shown = f"unknown {name} {quoted(value)}; allowed: {', '.join(allowed)}"
        raise ApiError(400, shown, allowed)
    return value


def names(given: Sequence[tuple[str, str]], allowed: Sequence[str]) -> None:
    """The parameter names of a request (``given``: name, value pairs): each allowed, once."""
    counts = collections.Counter(name for name, _ in given)
    for name, count in counts.items():
        one_of("parameter", name, allowed)
        if count > 1:
            raise ApiError(
                400,
                f"parameter {quoted(name)} is given {count} times; give it once (a list "
                f"goes comma-separated: {name}=A,B)",
            )


def members(name: str, text: str | None, allowed: Sequence[str]) -> list[str] | None:
    """A comma-separated cut (``item=semiconductors,displays``); None when not given."""
    if text is None or not text.strip():
        return None
    chosen = [part.strip() for part in text.split(",") if part.strip()]
    if not chosen:
        raise ApiError(
            400, f"{name} {quoted(text)} names no value; give one or more, comma-separated", allowed
        )
    for value in chosen:
        one_of(name, value, allowed)
    return list(dict.fromkeys(chosen))


def item(value: str) -> str:
    return one_of("item", value, taxonomy().ids)


def region(value: str) -> str:
    return one_of("region", value, regions().ids)


def flow(value: str) -> str:
    return one_of("flow", value, SERIES_FLOWS)


def measure(value: str) -> str:
    return one_of("measure", value, MEASURES)


def month(value: str, name: str = "month") -> Month:
    try:
        return Month.parse(value)
    except UsageError as exc:
        raise ApiError(400, f"{name}: {exc}", ["YYYY-MM"]) from None


def boolean(name: str, value: str | None) -> bool:
    text = (value or "").strip().lower()
    if text in TRUE:
        return True
    if text in FALSE:
        return False
    raise ApiError(400, f"{name} {quoted(value or '')} is not a boolean", ["true", "false"])


def vintage(query: Mapping[str, str], *, published_allowed: bool) -> tuple[dt.date | None, bool]:
    """``as_of`` (a date) and ``as_published`` (facts and release only); they exclude each other."""
    as_published = boolean("as_published", query.get("as_published"))
    if as_published and not published_allowed:
        raise ApiError(400, "as_published is only for /api/facts and /api/release; use as_of")
    text = query.get("as_of")
    if not text:
        return None, as_published
    if as_published:
        raise ApiError(400, "as_of and as_published exclude each other; give one of them")
    try:
        return parse_date(text, "as_of"), False
    except UsageError as exc:
        raise ApiError(400, str(exc), ["YYYY-MM-DD", "YYYY-MM"]) from None


@functools.cache
def shipped_datasets() -> tuple[str, ...]:
    """The datasets in the package (they do not change while a server runs)."""
    return tuple(available_datasets())


def dataset(query: Mapping[str, str]) -> str | None:
    value = query.get("dataset")
    if value is None or value == "":
        return None
    return one_of("dataset", value, shipped_datasets())


def in_span(chosen: Month, first: Month, last: Month, name: str = "month") -> Month:
    if not first <= chosen <= last:
        raise ApiError(
            404,
            f"no data for {name} {chosen}: the store holds {first} to {last}",
            [f"{first}..{last}"],
        )
    return chosen


def scheme(value: str | None, default: str) -> str:
    """``scheme=``: a shipped scheme (default: the server's)."""
    if value is None or value == "":
        return default
    return one_of("scheme", value, available_schemes())


def reporter(value: str, held: Callable[[], list[str]]) -> str:
    """``reporter=``: an ISO 3166-1 alpha-2 code among those the store holds (``held``)."""
    try:
        code = check_reporter(value)
    except UsageError as exc:
        raise ApiError(400, str(exc), held()) from None
    available = held()
    if code not in available:
        raise ApiError(
            400,
            f"the store holds no lines of reporter {quoted(value)}; "
            f"reporters: {', '.join(available)}",
            available,
        )
    return code
