"""The ``ictrade`` command: each command parses its arguments, calls one library function and
turns domain errors into a clean message.

Exit statuses: 0 success; 1 a check that found a mismatch; 2 bad usage or bad input.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

import click

from .. import __version__
from ..errors import IctradeError, UsageError
from ..months import parse_date
from ..store.schema import DEFAULT_REPORTER
from ..store.store import Store, StoreChoice, choose_store, open_choice

F = TypeVar("F", bound=Callable[..., Any])

EXIT_OK, EXIT_MISMATCH, EXIT_USAGE = 0, 1, 2


def domain_errors(func: F) -> F:
    """Print an IctradeError as 'error: ...' on standard error and exit with status 2."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except IctradeError as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(EXIT_USAGE)

    return wrapper  # type: ignore[return-value]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="ictrade")
def cli() -> None:
    """Customs trade records to the monthly ICT goods trade release.

    Exit statuses: 0 success, 1 a check found a mismatch, 2 bad usage or bad input.
    """


def _remember(ctx: click.Context, param: click.Parameter, value: str) -> str:
    ctx.meta[f"ictrade.{param.name}"] = value
    return value


def store_options(func: F) -> F:
    """--store/--dataset, and whose lines under which scheme (--reporter/--scheme), shared by
    every command that reads a store. The view options reach ``open_for_reading`` through the
    click context, so commands need not pass them on."""
    func = click.option(
        "--scheme",
        default="kr-ict",
        show_default=True,
        metavar="NAME",
        expose_value=False,
        callback=_remember,
        help="Classification of ICT goods: kr-ict (the Korean release's items) or oecd-ict "
        "(the OECD/UNCTAD ICT goods list).",
    )(func)
    func = click.option(
        "--reporter",
        default=DEFAULT_REPORTER,
        show_default=True,
        metavar="ISO2",
        expose_value=False,
        callback=_remember,
        help="Whose customs lines to read (ISO 3166-1 alpha-2 of the reporting country).",
    )(func)
    func = click.option(
        "--dataset",
        default=None,
        metavar="NAME",
        help="Open a shipped dataset read-only ('default': the reconstruction "
        "from published figures). Excludes --store.",
    )(func)
    func = click.option(
        "--store",
        "store_path",
        default=None,
        metavar="PATH",
        help="DuckDB store to use (env ICTRADE_STORE). Default: your store "
        "if it exists, else the 'default' dataset.",
    )(func)
    return func


def vintage_options(func: F) -> F:
    func = click.option(
        "--as-published",
        is_flag=True,
        help="Use each month's figures as of its own first publication.",
    )(func)
    func = click.option(
        "--as-of",
        "as_of",
        default=None,
        metavar="DATE",
        help="Use the latest vintage published on or before DATE "
        "(YYYY-MM-DD). Default: the latest figures.",
    )(func)
    return func


def chosen_store(store_path: str | None, dataset: str | None) -> StoreChoice:
    """The store a reading command uses, with the --reporter/--scheme it was given."""
    meta = click.get_current_context().meta
    return choose_store(
        store_path,
        dataset,
        scheme_name=meta.get("ictrade.scheme", "kr-ict"),
        reporter=meta.get("ictrade.reporter", DEFAULT_REPORTER),
    )


def open_for_reading(store_path: str | None, dataset: str | None) -> Store:
    """Open the store a reading command uses, saying which on standard error."""
    choice = chosen_store(store_path, dataset)
    click.echo(choice.reason, err=True)
    return open_choice(choice, read_only=True)


def parse_as_of(as_of: str | None, as_published: bool) -> dt.date | None:
    if as_of and as_published:
        raise UsageError("--as-of and --as-published exclude each other; give one of them")
    return parse_date(as_of, "--as-of") if as_of else None


def main() -> None:
    cli(prog_name="ictrade")


# The commands register themselves on `cli` when their modules are imported.
from . import data, fetch, releases, services  # noqa: E402, F401
