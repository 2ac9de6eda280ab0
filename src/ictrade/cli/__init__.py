"""The ``ictrade`` command: each command parses its arguments, calls one library function and
prints; a domain error becomes a clean message (``error: ...``, exit status 2) here, for all.

Exit statuses: 0 success; 1 a check that found a mismatch; 2 bad usage or bad input; 70 an
internal error (a bug: reported in one line, never as a traceback).
"""

from __future__ import annotations

import os
import re
import sys
import time
from typing import Any

import click

from .. import __version__
from ..errors import IctradeError
from . import data, fetch, lake, releases, services
from .options import EXIT_INTERNAL, EXIT_USAGE, refuse_blank_values
from .output import add_verbosity_options, quiet_option, say, verbose_option


class _Group(click.Group):
    def invoke(self, ctx: click.Context) -> Any:
        """Run the command; an IctradeError is printed as 'error: ...' on standard error and
        exits with status 2, whichever command raised it."""
        started = time.perf_counter()
        try:
            result = super().invoke(ctx)
            say(f"{ctx.invoked_subcommand}: done in {time.perf_counter() - started:.2f} s", 1)
            return result
        except IctradeError as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(EXIT_USAGE)
        except (click.exceptions.Exit, click.ClickException, click.Abort, SystemExit):
            raise
        except BrokenPipeError:
            # The reader went away (``... --format json | head``): nothing to tell it.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            sys.exit(141)  # as a shell reports a writer ended by SIGPIPE
        except OSError as exc:
            # The machine, not the input: a path that is a folder or a file, no permission,
            # a full disk. Name the path and what to check.
            where = f"{exc.filename}: " if exc.filename else ""
            click.echo(
                f"error: {where}{exc.strerror or exc}; check the path (a folder that exists, "
                "a file you may write), its permissions and the free space",
                err=True,
            )
            sys.exit(EXIT_USAGE)
        except KeyboardInterrupt:
            click.echo("interrupted; nothing half-written is kept", err=True)
            sys.exit(130)
        except Exception as exc:
            if _damaged_store(exc):  # found only when a query reaches the damaged part
                first = str(exc).strip().splitlines()[0]
                click.echo(
                    f"error: the store cannot be read: its file is damaged or cut short "
                    f"({first}); restore it from a copy, or give a new path",
                    err=True,
                )
                sys.exit(EXIT_USAGE)
            # A bug, not bad input: say so in one line, with a distinct status so that scripts
            # (and the hostile-input tests) tell it from a refusal. ICTRADE_DEBUG=1: traceback.
            if os.environ.get("ICTRADE_DEBUG"):
                raise
            where = ctx.invoked_subcommand or "ictrade"
            click.echo(
                f"internal error in '{where}': {type(exc).__name__}: {exc}. This is a bug; "
                "please report it with the command (ICTRADE_DEBUG=1 shows the traceback)",
                err=True,
            )
            sys.exit(EXIT_INTERNAL)


DAMAGED = re.compile(r"Corrupt database file|Could not read enough bytes from file")


def _damaged_store(exc: Exception) -> bool:
    """DuckDB's words for a store file that was cut short or overwritten."""
    return type(exc).__module__.endswith("duckdb") and DAMAGED.search(str(exc)) is not None


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="ictrade")
@quiet_option()
@verbose_option
def cli() -> None:
    """Customs trade records to the monthly ICT goods trade release.

    Data go to standard output; messages and progress to standard error. -q and -v work
    before or after the command's name (ictrade -q vintages ..., ictrade vintages -q ...).

    Exit statuses: 0 success, 1 a check found a mismatch, 2 bad usage or bad input.
    """


for _command in (
    data.ingest_command,
    data.vintages_command,
    data.revisions_command,
    data.classify_command,
    fetch.fetch_group,
    releases.release_command,
    releases.check_published_command,
    releases.verify_command,
    releases.series_command,
    services.nowcast_command,
    services.serve_command,
    lake.lake_group,
):
    add_verbosity_options(_command)
    refuse_blank_values(_command)
    cli.add_command(_command)


def main() -> None:
    cli(prog_name="ictrade")
