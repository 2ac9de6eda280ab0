"""What the commands share: exit statuses and the options of the commands that read a store."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, TypeVar

import click

from ..classify import using_scheme
from ..errors import UsageError
from ..months import parse_date
from ..store.query import latest_vintage
from ..store.schema import DEFAULT_REPORTER
from ..store.store import Store, StoreChoice, choose_store, open_choice
from .output import say, verbosity

F = TypeVar("F", bound=Callable[..., Any])

EXIT_MISMATCH, EXIT_USAGE = 1, 2
EXIT_INTERNAL = 70  # EX_SOFTWARE (sysexits.h): a bug, not the user's input


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
    ctx = click.get_current_context()
    choice = choose_store(
        store_path,
        dataset,
        scheme_name=ctx.meta.get("ictrade.scheme", "kr-ict"),
        reporter=ctx.meta.get("ictrade.reporter", DEFAULT_REPORTER),
    )
    ctx.with_resource(using_scheme(choice.scheme))  # items of the scheme, for the command
    return choice


def open_for_reading(store_path: str | None, dataset: str | None) -> Store:
    """Open the store a reading command uses, saying which on standard error."""
    choice = chosen_store(store_path, dataset)
    say(choice.reason)
    store = open_choice(choice, read_only=True)
    if verbosity() > 0:
        _say_vintage(store, click.get_current_context().params)
    return store


def _say_vintage(store: Store, params: dict[str, Any]) -> None:
    """-v: the vintage a command's --as-of (or the latest figures) resolves to."""
    if params.get("as_published"):
        say("vintage: each month as of its first publication", 1)
        return
    text = params.get("as_of")
    if "as_of" not in params or (text and not _is_date(text)):
        return  # no --as-of here; a bad date is refused by the command, in its words
    as_of = dt.date.fromisoformat(text) if text else None
    found = latest_vintage(store, as_of)
    asked = f"as of {as_of}" if as_of else "latest figures"
    say(f"vintage: {asked} -> lines published up to {found or 'nothing yet'}", 1)


def _is_date(text: str) -> bool:
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        return False
    return True


def parse_as_of(as_of: str | None, as_published: bool) -> dt.date | None:
    if as_of and as_published:
        raise UsageError("--as-of and --as-published exclude each other; give one of them")
    return parse_date(as_of, "--as-of") if as_of else None


def refuse_blank_values(command: click.Command) -> None:
    """Give every text option and argument of a command (and a group's commands) a check: a
    value of '' or spaces (an unset shell variable: --from "$START") is refused, naming it,
    instead of being read as not given."""
    for param in command.params:
        if isinstance(param.type, click.types.StringParamType | click.Path):
            param.callback = _blank_refused(param.callback)
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            refuse_blank_values(sub)


Callback = Callable[[click.Context, click.Parameter, Any], Any]


def _blank_refused(inner: Callback | None) -> Callback:
    def check(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
        given = value if isinstance(value, tuple) else (value,)
        if any(isinstance(v, str) and not v.strip() for v in given):
            name = param.opts[0] if isinstance(param, click.Option) else param.human_readable_name
            raise UsageError(f"{name} is empty; give a value, or leave it out")
        return inner(ctx, param, value) if inner else value

    return check
