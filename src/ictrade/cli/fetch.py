"""Commands that fetch remote sources into the store: fetch kcs, fetch comtrade."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ..errors import UsageError
from ..months import Month
from ..store.store import Store, open_store, writable_store_path, writer_wait
from ..store.storefile import removed_if_refused
from ..store.validate import plausible_span
from .options import F
from .output import emit, format_option, status_line

if TYPE_CHECKING:
    from ..sources.fetch import FetchReport

# ---- fetch: remote sources into the store (ictrade.sources.fetch) --------------------------


def _fetch_store_option(func: F) -> F:
    return click.option(
        "--store",
        "store_path",
        default=None,
        metavar="PATH",
        help="DuckDB store to load into (env ICTRADE_STORE; default: your store, created if "
        "needed). Checkpoints for resuming sit beside it.",
    )(func)


def _span_options(hs_help: str) -> Callable[[F], F]:
    """--start, --end and --hs (HS codes to ask for: ``hs_help``)."""

    def add(func: F) -> F:
        func = click.option("--hs", "hs_codes", multiple=True, metavar="CODE", help=hs_help)(func)
        func = click.option("--end", required=True, metavar="YYYY-MM", help="Last month.")(func)
        return click.option("--start", required=True, metavar="YYYY-MM", help="First month.")(func)

    return add


Run = Callable[[Store, Path, Month, Month, Callable[[str], None]], "FetchReport"]


def _fetch(store_path: str | None, start: str, end: str, fmt: str, run: Run) -> None:
    """Fetch the months from ``start`` to ``end`` into the store and print the summary (how
    far it got on standard error: pages, retries)."""
    first, last = Month.parse(start), Month.parse(end)
    if last < first:
        raise UsageError(f"--end {last} is before --start {first}")
    low, high = plausible_span()
    for name, month in (("--start", first), ("--end", last)):
        if not low <= month.first_day() <= high:
            raise UsageError(
                f"{name} {month} is outside the months customs publish (from {low:%Y-%m} to "
                f"{high:%Y-%m}); check the year"
            )
    path = writable_store_path(store_path)
    with (
        removed_if_refused(path),
        open_store(path, wait=writer_wait()) as store,
        status_line() as say,
    ):
        report = run(store, path, first, last, say)
    if fmt == "text":
        click.echo(report.summary)
    else:
        emit([report], fmt, document=report)


@click.group("fetch")
def fetch_group() -> None:
    """Fetch customs lines from a remote source (KCS open API, UN Comtrade) into your store.

    Long fetches show progress on standard error. A run stopped by a quota or a bad key keeps
    what it fetched; run the same command again to resume.
    """


@fetch_group.command("kcs")
@_span_options(
    "HS code (2, 4, 6 or 10 digits) to ask for; repeatable. Default: the codes of the kr-ict "
    "scheme, by the coarsest heading covering them."
)
@click.option(
    "--partner",
    "partners",
    multiple=True,
    metavar="ISO2",
    help="Partner country to ask for; repeatable. Default: every partner in one request.",
)
@click.option(
    "--page-size",
    default=500,
    type=click.IntRange(1, 10_000),
    show_default=True,
    help="Rows per page (numOfRows).",
)
@_fetch_store_option
@format_option("one line saying what was stored")
def fetch_kcs_command(
    start: str,
    end: str,
    hs_codes: tuple[str, ...],
    partners: tuple[str, ...],
    page_size: int,
    store_path: str | None,
    fmt: str,
) -> None:
    """Fetch item-by-country lines from the KCS open API (key: ICTRADE_KCS_KEY)."""
    from ..sources.fetch import fetch_kcs_into

    hs, wanted = list(hs_codes), list(partners)
    _fetch(
        store_path, start, end, fmt,
        lambda store, path, first, last, say: fetch_kcs_into(
            store, path, first, last, hs=hs, partners=wanted, page_size=page_size, progress=say
        ),
    )  # fmt: skip


@fetch_group.command("comtrade")
@click.option(
    "--reporter",
    required=True,
    type=int,
    metavar="CODE",
    help="Reporter's Comtrade (M49) code, e.g. 410 for Korea.",
)
@_span_options("HS code (2, 4 or 6 digits); repeatable. Default: the kr-ict codes cut to HS6.")
@click.option(
    "--daily-limit",
    default=500,
    type=click.IntRange(min=1),
    show_default=True,
    help="Calls allowed per day (UTC) by your subscription.",
)
@click.option(
    "--row-limit",
    default=100_000,
    type=click.IntRange(min=1),
    show_default=True,
    help="Rows one call may return under your subscription.",
)
@_fetch_store_option
@format_option("one line saying what was stored")
def fetch_comtrade_command(
    reporter: int,
    start: str,
    end: str,
    hs_codes: tuple[str, ...],
    daily_limit: int,
    row_limit: int,
    store_path: str | None,
    fmt: str,
) -> None:
    """Fetch monthly lines from UN Comtrade (key: ICTRADE_COMTRADE_KEY)."""
    from ..sources.fetch import check_reporter_code, fetch_comtrade_into

    check_reporter_code(reporter)  # before the store is opened (or made)
    codes = list(hs_codes)
    _fetch(
        store_path, start, end, fmt,
        lambda store, path, first, last, say: fetch_comtrade_into(
            store, path, reporter, first, last, codes=codes, daily_limit=daily_limit,
            row_limit=row_limit, progress=say,
        ),
    )  # fmt: skip
