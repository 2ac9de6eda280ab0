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
