"""The ``ictrade`` command: each command parses its arguments, calls one library function and
turns domain errors into a clean message.

Exit statuses: 0 success; 1 a check that found a mismatch; 2 bad usage or bad input.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click

from . import __version__
from .errors import IctradeError, NoDataError, UsageError
from .months import Month, parse_date, parse_months
from .release.build import facts_json, release_facts, write_release
from .stats.check import check_published
from .stats.facts import build_facts
from .stats.revisions import aggregate_changes
from .store.ingest import ingest_file, parse_mapping
from .store.store import (
    Store,
    choose_store,
    dataset_path,
    default_store_path,
    open_choice,
    open_store,
)
from .store.vintages import line_changes, month_vintages

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


def store_options(func: F) -> F:
    """--store/--dataset, shared by every command that reads a store."""
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


def open_for_reading(store_path: str | None, dataset: str | None) -> Store:
    """Open the store a reading command uses, saying which on standard error."""
    choice = choose_store(store_path, dataset)
    click.echo(choice.reason, err=True)
    return open_choice(choice, read_only=True)


def parse_as_of(as_of: str | None, as_published: bool) -> dt.date | None:
    if as_of and as_published:
        raise UsageError("--as-of and --as-published exclude each other; give one of them")
    return parse_date(as_of, "--as-of") if as_of else None


@cli.command("ingest")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option(
    "--store",
    "store_path",
    default=None,
    metavar="PATH",
    envvar="ICTRADE_STORE",
    help="DuckDB store to load into (env ICTRADE_STORE; default: your store, created if needed).",
)
@click.option(
    "--layout",
    default=None,
    metavar="NAME",
    help="Force a file layout instead of recognising it by its headers.",
)
@click.option(
    "--encoding",
    type=click.Choice(["auto", "utf-8", "cp949"]),
    default="auto",
    show_default=True,
    help="Text encoding of CSV files.",
)
@click.option(
    "--source",
    default=None,
    metavar="NAME",
    help="Source name for lines without one (default: the file name).",
)
@click.option(
    "--vintage",
    default=None,
    metavar="DATE",
    help="Publication or retrieval date for lines without one "
    "(default: the file's modification date).",
)
@click.option(
    "--status",
    type=click.Choice(["preliminary", "confirmed"]),
    default="confirmed",
    show_default=True,
    help="Status for lines without one.",
)
@click.option(
    "--map",
    "mapping",
    multiple=True,
    metavar="COLUMN=FIELD",
    help="Map a file column to a line field, e.g. --map 'HS code=hs_code'.",
)
@domain_errors
def ingest_command(
    file: str,
    store_path: str | None,
    layout: str | None,
    encoding: str,
    source: str | None,
    vintage: str | None,
    status: str,
    mapping: tuple[str, ...],
) -> None:
    """Load customs lines from FILE (CSV or Parquet): validated, atomic and idempotent.

    A CSV with the flash headers of provisional_10day.csv goes to the store's flash table
    instead (see 'ictrade release')."""
    path = Path(store_path) if store_path else default_store_path()
    with open_store(path) as store:
        report = ingest_file(
            store,
            file,
            layout=layout,
            encoding=encoding,
            source=source,
            vintage=parse_date(vintage, "--vintage") if vintage else None,
            status=status,
            mapping=parse_mapping(mapping),
        )
    click.echo(report.summary())


@cli.command("release")
@click.argument("months")
@store_options
@vintage_options
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["md", "json", "html", "pdf", "xlsx"]),
    default="md",
    show_default=True,
    help="md: write the releases and print the short one; "
    "json: print the facts document (JSON Lines for a range); html: one page with charts "
    "and tables; pdf: that page printed (needs Chromium); xlsx: the tables as a workbook.",
)
@click.option(
    "--out",
    "out_dir",
    default=None,
    metavar="DIR",
    help="Where to write the files (default ./releases/YYYY-MM/).",
)
@click.option(
    "--lang",
    type=click.Choice(["en", "ko"]),
    default="en",
    show_default=True,
    help="Language of the text: English or Korean.",
)
@click.option(
    "--notes",
    "notes_file",
    default=None,
    metavar="FILE",
    help="Your notes per item or region (CSV subject,text or JSON), printed as the "
    "editor's words after the paragraph on that subject.",
)
@domain_errors
def release_command(
    months: str,
    store_path: str | None,
    dataset: str | None,
    as_of: str | None,
    as_published: bool,
    fmt: str,
    out_dir: str | None,
    lang: str,
    notes_file: str | None,
) -> None:
    """Build the release of a month (YYYY-MM) or of each month of a range (FROM..TO).

    A month with no customs lines but 10- or 20-day flash figures in the store gets a flash
    release: month-end estimates with 80% bands, marked as such."""
    from .release.notes import load_notes

    chosen = parse_months(months)
    vintage = parse_as_of(as_of, as_published)
    notes = load_notes(notes_file) if notes_file else None
    with open_for_reading(store_path, dataset) as store:
        for month in chosen:
            if fmt == "json":
                facts = release_facts(store, month, as_of=vintage, as_published=as_published)
                click.echo(facts_json(facts))
                continue
            target = (
                Path(out_dir) / str(month)
                if out_dir and len(chosen) > 1
                else Path(out_dir or f"releases/{month}")
            )
            files = write_release(
                store,
                month,
                target,
                as_of=vintage,
                as_published=as_published,
                fmt=fmt,
                lang=lang,
                notes=notes,
            )
            click.echo(files.short if fmt == "md" else "\n".join(str(p) for p in files.paths))
            click.echo(f"wrote {', '.join(str(p) for p in files.paths)}", err=True)


@cli.command("check-published")
@click.argument("file", type=click.Path(dir_okay=False, exists=True))
@store_options
@click.option(
    "--conflicts",
    default=None,
    metavar="CSV",
    help="Documented conflicts to report as such (default: the shipped dataset's "
    "conflicts.csv when checking a shipped dataset).",
)
@click.option(
    "--all-sources",
    is_flag=True,
    help="Check every row, not only the primary source of each figure.",
)
@click.option("--quiet", is_flag=True, help="Print only mismatches and the summary.")
@domain_errors
def check_published_command(
    file: str,
    store_path: str | None,
    dataset: str | None,
    conflicts: str | None,
    all_sources: bool,
    quiet: bool,
) -> None:
    """Compare published figures (CSV with the columns of published_figures.csv) with the
    store, each as of its vintage; exit 1 if any figure mismatches."""
    with open_for_reading(store_path, dataset) as store:
        if conflicts is None and store.name.startswith("dataset:"):
            conflicts = str(dataset_path(store.name.split(":", 1)[1]).with_name("conflicts.csv"))
        report = check_published(store, file, conflicts=conflicts, primary_only=not all_sources)
    for outcome in report.outcomes:
        if not quiet or outcome.status in ("mismatched", "no data"):
            click.echo(outcome.describe())
    click.echo(report.summary())
    if not report.ok:
        sys.exit(EXIT_MISMATCH)


@cli.command("vintages")
@click.argument("month")
@store_options
@domain_errors
def vintages_command(month: str, store_path: str | None, dataset: str | None) -> None:
    """List the versions (vintages) of a MONTH the store keeps, with its ICT totals as of each."""
    with open_for_reading(store_path, dataset) as store:
        found = month_vintages(store, Month.parse(month))
    if not found:
        raise NoDataError(f"the store holds no lines for {month}")
    click.echo(
        "vintage     lines  status                 ICT exports USD   ICT imports USD  source"
    )
    for v in found:
        click.echo(
            f"{v.vintage}  {v.lines:>5}  {v.statuses:<21} {v.ict_exports_usd:>16,.0f}  "
            f"{v.ict_imports_usd:>16,.0f}  {v.sources}"
        )


@cli.command("revisions")
@click.argument("month")
@click.option("--from", "before", required=True, metavar="DATE", help="The earlier vintage date.")
@click.option("--to", "after", required=True, metavar="DATE", help="The later vintage date.")
@click.option(
    "--lines",
    "max_lines",
    default=20,
    show_default=True,
    help="How many changed lines to list (largest changes first).",
)
@store_options
@domain_errors
def revisions_command(
    month: str, before: str, after: str, max_lines: int, store_path: str | None, dataset: str | None
) -> None:
    """Show which lines and which published aggregates of MONTH changed between two vintages."""
    target = Month.parse(month)
    start, end = parse_date(before, "--from"), parse_date(after, "--to")
    with open_for_reading(store_path, dataset) as store:
        aggregates = aggregate_changes(store, target, start, end)
        changed = line_changes(store, target, start, end)
    click.echo(f"Aggregates of {target} changed from {start} to {end}: {len(aggregates)}")
    for a in aggregates:
        pct = "" if a.change_pct is None else f" ({a.change_pct:+.2f}%)"
        click.echo(
            f"  {a.flow:<6} {a.item:<24} {a.region:<14} {a.before:>18,.0f} -> "
            f"{a.after:>18,.0f}{pct}"
        )
    click.echo(
        f"Lines changed: {len(changed)}"
        + (f" (largest {max_lines})" if len(changed) > max_lines else "")
    )
    for c in changed[:max_lines]:
        old = "absent" if c.before is None else f"{c.before:,.0f}"
        new = "absent" if c.after is None else f"{c.after:,.0f}"
        click.echo(f"  {c.flow:<6} {c.hs_code:<10} {c.partner:<5} {c.source:<16} {old} -> {new}")


# --- ictrade classify: where an HS code goes in a month, and why --------------------------------


@cli.command("classify")
@click.argument("code")
@click.option(
    "--month",
    "month_text",
    default=None,
    metavar="YYYY-MM",
    help="Month of the trade line (default: the current month).",
)
@click.option(
    "--scheme",
    "scheme_name",
    default="kr-ict",
    show_default=True,
    help="Classification scheme (rules/<scheme>.csv).",
)
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
        click.echo(
            f"    {_period_text(start, end)}: {decision.item}{' (mixed)' if decision.mixed else ''}"
        )


def _period_text(start: int, end: int) -> str:
    from .classify.rules import Rule

    text = Rule("", "", start, end).period()  # 'always', 'FROM..TO', 'always..TO', 'FROM..open'
    return text.replace("always..", "until ") if text != "always" else text


# ---- fetch: remote sources into the store (ictrade.sources.fetch) --------------------------


def _fetch_store_option(func: F) -> F:
    return click.option(
        "--store",
        "store_path",
        default=None,
        metavar="PATH",
        envvar="ICTRADE_STORE",
        help="DuckDB store to load into (env ICTRADE_STORE; default: your store, created if "
        "needed). Checkpoints for resuming sit beside it.",
    )(func)


def _months(start: str, end: str) -> tuple[Any, Any]:
    from .months import Month

    first, last = Month.parse(start), Month.parse(end)
    if last < first:
        raise UsageError(f"--end {last} is before --start {first}")
    return first, last


@cli.group("fetch")
def fetch_group() -> None:
    """Fetch customs lines from a remote source (KCS open API, UN Comtrade) into your store.

    Long fetches show progress on standard error. A run stopped by a quota or a bad key keeps
    what it fetched; run the same command again to resume.
    """


@fetch_group.command("kcs")
@click.option("--start", required=True, metavar="YYYY-MM", help="First month.")
@click.option("--end", required=True, metavar="YYYY-MM", help="Last month.")
@click.option(
    "--hs",
    "hs_codes",
    multiple=True,
    metavar="CODE",
    help="HS code (2, 4, 6 or 10 digits) to ask for; repeatable. Default: the codes of the "
    "kr-ict scheme, by the coarsest heading covering them.",
)
@click.option(
    "--partner",
    "partners",
    multiple=True,
    metavar="ISO2",
    help="Partner country to ask for; repeatable. Default: every partner in one request.",
)
@click.option("--page-size", default=500, show_default=True, help="Rows per page (numOfRows).")
@_fetch_store_option
@domain_errors
def fetch_kcs_command(
    start: str,
    end: str,
    hs_codes: tuple[str, ...],
    partners: tuple[str, ...],
    page_size: int,
    store_path: str | None,
) -> None:
    """Fetch item-by-country lines from the KCS open API (key: ICTRADE_KCS_KEY)."""
    from .sources.fetch import fetch_kcs_into

    first, last = _months(start, end)
    path = Path(store_path) if store_path else default_store_path()
    with open_store(path) as store:
        click.echo(
            fetch_kcs_into(
                store,
                path,
                first,
                last,
                hs=list(hs_codes),
                partners=list(partners),
                page_size=page_size,
            )
        )


@fetch_group.command("comtrade")
@click.option(
    "--reporter",
    required=True,
    type=int,
    metavar="CODE",
    help="Reporter's Comtrade (M49) code, e.g. 410 for Korea.",
)
@click.option("--start", required=True, metavar="YYYY-MM", help="First month.")
@click.option("--end", required=True, metavar="YYYY-MM", help="Last month.")
@click.option(
    "--hs",
    "hs_codes",
    multiple=True,
    metavar="CODE",
    help="HS code (2, 4 or 6 digits); repeatable. Default: the kr-ict codes cut to HS6.",
)
@click.option(
    "--daily-limit",
    default=500,
    show_default=True,
    help="Calls allowed per day (UTC) by your subscription.",
)
@click.option(
    "--row-limit",
    default=100_000,
    show_default=True,
    help="Rows one call may return under your subscription.",
)
@_fetch_store_option
@domain_errors
def fetch_comtrade_command(
    reporter: int,
    start: str,
    end: str,
    hs_codes: tuple[str, ...],
    daily_limit: int,
    row_limit: int,
    store_path: str | None,
) -> None:
    """Fetch monthly lines from UN Comtrade (key: ICTRADE_COMTRADE_KEY)."""
    from .sources.fetch import fetch_comtrade_into

    first, last = _months(start, end)
    path = Path(store_path) if store_path else default_store_path()
    with open_store(path) as store:
        click.echo(
            fetch_comtrade_into(
                store,
                path,
                reporter,
                first,
                last,
                codes=list(hs_codes),
                daily_limit=daily_limit,
                row_limit=row_limit,
            )
        )


# --- nowcast (issue 6) -------------------------------------------------------------------------


@cli.command("nowcast")
@click.argument("flash", required=False, type=click.Path(dir_okay=False))
@click.option(
    "--history",
    "histories",
    multiple=True,
    type=click.Path(dir_okay=False),
    help="More flash/final figures to learn from (same CSV layout); repeatable.",
)
@click.option(
    "--backtest",
    "run_backtest",
    is_flag=True,
    help="Rolling-origin backtest over the history instead of nowcasting FLASH.",
)
@click.option(
    "--from",
    "start",
    metavar="YYYY-MM",
    help="First month the backtest predicts (default 2023-01).",
)
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


# --- ictrade verify: check every figure of a release or news text against the facts ---------


@cli.command("verify")
@click.argument("file", type=click.Path(dir_okay=False, exists=True))
@click.option(
    "--month", "month_text", required=True, metavar="YYYY-MM", help="The month the text reports on."
)
@store_options
@vintage_options
@click.option("--quiet", is_flag=True, help="Print only mismatched and unrecognised claims.")
@domain_errors
def verify_command(
    file: str,
    month_text: str,
    store_path: str | None,
    dataset: str | None,
    as_of: str | None,
    as_published: bool,
    quiet: bool,
) -> None:
    """Check every figure of a release or news text FILE (English or Korean) against the
    facts of a month; exit 1 if any figure mismatches."""
    from .months import Month
    from .release.verify import verify_text

    month = Month.parse(month_text)
    vintage = parse_as_of(as_of, as_published)
    text = Path(file).read_text(encoding="utf-8-sig")
    with open_for_reading(store_path, dataset) as store:
        facts = build_facts(store, month, as_of=vintage, as_published=as_published)
    report = verify_text(text, facts)
    click.echo(report.table(skip_matched=quiet))
    click.echo(report.summary())
    if not report.ok:
        sys.exit(EXIT_MISMATCH)


# --- ictrade series: a monthly series as CSV, JSON or Parquet ---------------------------------


@cli.command("series")
@click.option("--flow", default="export", show_default=True, help="export, import or balance.")
@click.option("--item", default="total", show_default=True, help="Item id (taxonomy.csv).")
@click.option("--region", default="world", show_default=True, help="Region id (regions.csv).")
@click.option("--from", "start", default=None, metavar="YYYY-MM", help="First month.")
@click.option("--to", "end", default=None, metavar="YYYY-MM", help="Last month.")
@click.option(
    "--measure",
    type=click.Choice(["value", "yoy", "share"]),
    default="value",
    show_default=True,
    help="value: USD; yoy: growth %; share: % of the total.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["csv", "json", "parquet"]),
    default="csv",
    show_default=True,
)
@click.option(
    "--out",
    "out_file",
    default=None,
    metavar="FILE",
    help="Write to FILE instead of standard output (Parquet: bytes on stdout).",
)
@store_options
@click.option(
    "--as-of",
    "as_of",
    default=None,
    metavar="DATE",
    help="Use the latest vintage published on or before DATE (YYYY-MM-DD).",
)
@domain_errors
def series_command(
    flow: str,
    item: str,
    region: str,
    start: str | None,
    end: str | None,
    measure: str,
    fmt: str,
    out_file: str | None,
    store_path: str | None,
    dataset: str | None,
    as_of: str | None,
) -> None:
    """Print the monthly series of one flow, item and region."""
    from .months import Month
    from .release.export import series_bytes
    from .stats.series import series as series_of

    first, last = (Month.parse(start) if start else None), (Month.parse(end) if end else None)
    vintage = parse_date(as_of, "--as-of") if as_of else None
    with open_for_reading(store_path, dataset) as store:
        points = series_of(
            store, flow, item, region, measure=measure, start=first, end=last, as_of=vintage
        )
    data = series_bytes(
        points, fmt, {"flow": flow, "item": item, "region": region, "measure": measure}
    )
    if out_file:
        Path(out_file).write_bytes(data)
        click.echo(f"wrote {out_file}", err=True)
    else:
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()


def main() -> None:
    cli(prog_name="ictrade")


# --- ictrade serve: the JSON API and the dashboard ---------------------------------------------


@cli.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=int, help="Port to listen on.")
@store_options
@domain_errors
def serve_command(host: str, port: int, store_path: str | None, dataset: str | None) -> None:
    """Serve the read-only JSON API (/api/...) and the dashboard (/) over HTTP.

    Set ICTRADE_API_KEY to require that key on every request (header X-API-Key or ?api_key=).
    """
    import uvicorn

    from .web import create_app

    choice = choose_store(store_path, dataset)
    click.echo(choice.reason, err=True)
    app = create_app(store_path, dataset, warm=True)
    uvicorn.run(app, host=host, port=port, log_level="warning")
