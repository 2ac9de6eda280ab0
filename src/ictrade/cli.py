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


# --- ictrade classify: where an HS code goes in a month, and why --------------------------------


@cli.command("classify")
@click.argument("code")
@click.option("--month", "month_text", default=None, metavar="YYYY-MM",
              help="Month of the trade line (default: the current month).")
@click.option("--scheme", "scheme_name", default="kr-ict", show_default=True,
              help="Classification scheme (rules/<scheme>.csv).")
@domain_errors
def classify_command(code: str, month_text: str | None, scheme_name: str) -> None:
    """Show the item an HS CODE (2 to 10 digits, as reported) goes to in a month, and why."""
    import datetime as dt

    from .classify.rules import scheme
    from .months import Month

    month = Month.parse(month_text) if month_text else Month.from_date(dt.date.today())
    rules = scheme(scheme_name)
    code = code.strip().replace(".", "").replace("-", "")  # accept 8542.32-1010 as printed
    click.echo(rules.classify(code, month).explain())
    click.echo("  over time:")
    for start, end, decision in rules.segments(code):
        click.echo(f"    {_period_text(start, end)}: {decision.item}"
                   f"{' (mixed)' if decision.mixed else ''}")


def _period_text(start: int, end: int) -> str:
    from .classify.rules import Rule

    text = Rule("", "", start, end).period()  # 'always', 'FROM..TO', 'always..TO', 'FROM..open'
    return text.replace("always..", "until ") if text != "always" else text
