"""The ``ictrade`` command: each command parses its arguments, calls one library function and
turns domain errors into a clean message.

Exit statuses: 0 success; 1 a check that found a mismatch; 2 bad usage or bad input.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

import click

from . import __version__
from .errors import IctradeError

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


def main() -> None:
    cli(prog_name="ictrade")


# --- nowcast (issue 6) -------------------------------------------------------------------------


@cli.command("nowcast")
@click.argument("flash", required=False, type=click.Path(dir_okay=False))
@click.option("--history", "histories", multiple=True, type=click.Path(dir_okay=False),
              help="More flash/final figures to learn from (same CSV layout); repeatable.")
@click.option("--backtest", "run_backtest", is_flag=True,
              help="Rolling-origin backtest over the history instead of nowcasting FLASH.")
@click.option("--from", "start", metavar="YYYY-MM",
              help="First month the backtest predicts (default 2023-01).")
@domain_errors
def nowcast_command(
    flash: str | None, histories: tuple[str, ...], run_backtest: bool, start: str | None
) -> None:
    """Nowcast each month's exports from the 10- and 20-day flash figures in FLASH (CSV in the
    provisional_10day.csv layout); prints CSV item_key, partner_ko, month, cut_day, nowcast,
    lo80, hi80 (80% interval), in the unit of cum_value."""
    from .errors import UsageError
    from .nowcast import nowcast_file
    from .nowcast import run_backtest as backtest_text

    if run_backtest:
        click.echo(backtest_text(histories, flash, start), nl=False)
    elif flash is None:
        raise UsageError("give a FLASH.csv to nowcast, or --backtest")
    else:
        click.echo(nowcast_file(flash, histories), nl=False)
