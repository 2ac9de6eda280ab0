"""Commands of the Parquet lake: lake ingest, lake export, lake facts, lake cube."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from ..months import Month, parse_date
from ..store.validate import plausible_vintage
from .options import chosen_store
from .output import emit, format_option, phase_bars, say


def _folder(ctx: click.Context, param: click.Parameter, value: str) -> str:
    if not value.strip():  # "" would be the current folder
        raise click.BadParameter("is empty; give the lake's folder")
    return value


LAKE = click.option(
    "--lake",
    "lake_dir",
    required=True,
    envvar="ICTRADE_LAKE",
    metavar="DIR",
    type=click.Path(file_okay=False),
    callback=_folder,
    help="The lake's folder (env ICTRADE_LAKE).",
)


F = TypeVar("F", bound=Callable[..., Any])


def _view_options(func: F) -> F:
    for option in (
        click.option(
            "--engine",
            default=None,
            metavar="NAME",
            help="duckdb (default) or spark (env ICTRADE_ENGINE; Spark's master from "
            "ICTRADE_SPARK_MASTER or SPARK_REMOTE, else local[2]).",
        ),
        click.option("--as-of", "as_of", default=None, metavar="DATE", help="Vintage date."),
        click.option("--scheme", default="kr-ict", show_default=True, help="kr-ict or oecd-ict."),
        click.option("--reporter", default="KR", show_default=True, metavar="ISO2"),
    ):
        func = option(func)
    return func


@click.group("lake")
def lake_group() -> None:
    """A Parquet lake of customs lines (partitioned by reporter and month; vintages appended,
    never rewritten), read by DuckDB or Spark (docs/scale.md)."""


FINEST = click.option(
    "--finest",
    is_flag=True,
    help="Keep only the finest lines where totals and their detail come together (an HS4 "
    "line beside the HS6 lines under it, a WORLD line beside partner lines, one line from "
    "two sources): the lake counts every line as given; what is set aside is reported.",
)


@lake_group.command("ingest")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@LAKE
@click.option("--layout", default=None, metavar="NAME", help="Force a file layout.")
@click.option("--vintage", default=None, metavar="DATE", help="Publication date of the lines.")
@FINEST
@format_option("one line per file")
def lake_ingest_command(
    files: tuple[str, ...],
    lake_dir: str,
    layout: str | None,
    vintage: str | None,
    finest: bool,
    fmt: str,
) -> None:
    """Append the lines of FILES (any layout 'ictrade ingest' reads, Comtrade bulk files
    included) to the lake. A file whose lines nest (totals beside their detail) is refused
    unless --finest."""
    from ..load import ingest_lake_file

    when = plausible_vintage(parse_date(vintage, "--vintage"), "--vintage") if vintage else None
    reports = []
    for file in files:
        with phase_bars(Path(file).name) as show:
            report = ingest_lake_file(
                Path(lake_dir), file, layout=layout, vintage=when, finest=finest, steps=show
            )
        reports.append(report)
        if fmt == "text":
            click.echo(reports[-1].summary())
    if fmt != "text":
        emit(reports, fmt)


@lake_group.command("export")
@LAKE
@click.option("--store", "store_path", default=None, metavar="PATH", help="Store to export.")
@FINEST
@format_option("one line")
def lake_export_command(lake_dir: str, store_path: str | None, finest: bool, fmt: str) -> None:
    """Append every line of a store (every reporter and vintage) to the lake. A store whose
    lines nest (totals beside their detail) is refused unless --finest."""
    from ..store.lake import export_store
    from ..store.store import open_choice

    choice = chosen_store(store_path, None)
    with open_choice(choice, read_only=True) as store:
        report = export_store(store.con, Path(lake_dir), store.name, finest=finest)
    if fmt == "text":
        click.echo(report.summary())
    else:
        emit([report], fmt, document=report)


@lake_group.command("facts")
@click.argument("month")
@LAKE
@_view_options
def lake_facts_command(
    month: str, lake_dir: str, engine: str | None, as_of: str | None, scheme: str, reporter: str
) -> None:
    """Print the facts document (JSON) of MONTH from the lake's lines."""
    from ..stats.lake import lake_facts

    facts = lake_facts(
        Path(lake_dir),
        Month.parse(month),
        scheme_name=scheme,
        reporter=reporter.upper(),
        as_of=parse_date(as_of, "--as-of") if as_of else None,
        engine=engine,
    )
    click.echo(json.dumps(facts, ensure_ascii=False, separators=(",", ":")))


@lake_group.command("cube")
@LAKE
@_view_options
@click.option("--out", "out_file", required=True, metavar="FILE", help="Parquet file to write.")
def lake_cube_command(
    lake_dir: str,
    engine: str | None,
    as_of: str | None,
    scheme: str,
    reporter: str,
    out_file: str,
) -> None:
    """Write the cube's input (reporter x month x flow x item x region sums; lag 12: the prior
    of the month a year later) of one reporter ('all': every reporter) as Parquet."""
    import pyarrow.parquet as pq

    from ..engine import lake_cube_rows

    rows = lake_cube_rows(
        Path(lake_dir),
        scheme,
        as_of=parse_date(as_of, "--as-of") if as_of else None,
        reporter=None if reporter.lower() == "all" else reporter.upper(),
        engine=engine,
    )
    pq.write_table(rows, out_file)
    say(f"wrote {out_file} ({rows.num_rows} rows)")
    sys.stdout.flush()
