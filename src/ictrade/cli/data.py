"""Commands that load and inspect the store: ingest, classify, vintages, revisions."""

from __future__ import annotations

import datetime as dt
import time
import unicodedata
from collections.abc import Callable
from pathlib import Path

import click

from ..errors import NoDataError, UsageError
from ..load import ingest_file
from ..months import Month, parse_date
from ..sources._text import ENCODINGS
from ..sources.layouts import parse_mapping
from ..stats.revisions import aggregate_changes
from ..store.classify_codes import mixed_codes, split_codes
from ..store.schema import STATUSES
from ..store.store import open_store, writable_store_path, writer_wait
from ..store.storefile import removed_if_refused
from ..store.validate import plausible_vintage
from ..store.vintages import line_changes, month_vintages
from .options import F, open_for_reading, store_options
from .output import emit, format_option, phase_bars, record, say


def _choice(name: str, values: tuple[str, ...], default: str, text: str) -> Callable[[F], F]:
    choice = click.Choice(values)
    return click.option(name, type=choice, default=default, show_default=True, help=text)


@click.command("ingest")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option(
    "--store",
    "store_path",
    default=None,
    metavar="PATH",
    help="DuckDB store to load into (env ICTRADE_STORE; default: your store, created if needed).",
)
@click.option(
    "--layout",
    default=None,
    metavar="NAME",
    help="Force a file layout instead of recognising it by its headers.",
)
@_choice("--encoding", ENCODINGS, "auto", "Text encoding of CSV files.")
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
@_choice("--status", STATUSES, "confirmed", "Status for lines without one.")
@click.option(
    "--map",
    "mapping",
    multiple=True,
    metavar="COLUMN=FIELD",
    help="Map a file column to a line field, e.g. --map 'HS code=hs_code'.",
)
@format_option("one line saying what was added")
def ingest_command(
    file: str,
    store_path: str | None,
    layout: str | None,
    encoding: str,
    source: str | None,
    vintage: str | None,
    status: str,
    mapping: tuple[str, ...],
    fmt: str,
) -> None:
    """Load customs lines from FILE (CSV or Parquet): validated, atomic and idempotent.

    A CSV with the flash headers of provisional_10day.csv goes to the store's flash table
    instead (see 'ictrade release')."""
    day = plausible_vintage(parse_date(vintage, "--vintage"), "--vintage") if vintage else None
    path = writable_store_path(store_path)
    say(f"loading into {path}", 1)
    with removed_if_refused(path), open_store(path, wait=writer_wait()) as store:
        with phase_bars(Path(file).name) as show:
            started = time.perf_counter()
            report = ingest_file(
                store,
                file,
                layout=layout,
                encoding=encoding,
                source=source,
                vintage=day,
                status=status,
                mapping=parse_mapping(mapping),
                progress=lambda done, total: show("reading", done, total),
                steps=show,
            )
        say(f"{file}: read, checked and stored in {time.perf_counter() - started:.2f} s", 1)
        split = split_codes(store.con, store.scheme_name)
        mixed = [c for c in mixed_codes(store.con, store.scheme_name) if c not in split]
    if fmt == "text":
        click.echo(report.summary())
    else:
        emit([report], fmt, document=report)
    for warning in report.warnings():
        click.echo(warning, err=True)
    if mixed:
        shown = ", ".join(mixed[:8]) + (" ..." if len(mixed) > 8 else "")
        say(
            f"note: {len(mixed)} code(s) in the store mix ICT and non-ICT items ({shown}); "
            "they are counted as their covering rule says ('ictrade classify CODE' explains)"
        )
    if split:
        say(
            f"note: {len(split)} code(s) in the store are coarser than the rules and split "
            f"among the items under them: {', '.join(split)}; by the store's finer lines where "
            "it has them, else by the shipped split table (estimated: facts say how much)"
        )


@click.command("vintages")
@click.argument("month")
@store_options
@format_option("a table")
def vintages_command(month: str, store_path: str | None, dataset: str | None, fmt: str) -> None:
    """List the versions (vintages) of a MONTH the store keeps, with its ICT totals as of each."""
    with open_for_reading(store_path, dataset) as store:
        found = month_vintages(store, Month.parse(month))
    if not found:
        raise NoDataError(f"the store holds no lines for {month}")
    if fmt != "text":
        emit(found, fmt)
        return
    click.echo(
        "vintage     lines  status                 ICT exports USD   ICT imports USD  source"
    )
    for v in found:
        click.echo(
            f"{v.vintage}  {v.lines:>5}  {v.statuses:<21} {v.ict_exports_usd:>16,.0f}  "
            f"{v.ict_imports_usd:>16,.0f}  {v.sources}"
        )


@click.command("revisions")
@click.argument("month")
@click.option("--from", "before", required=True, metavar="DATE", help="The earlier vintage date.")
@click.option("--to", "after", required=True, metavar="DATE", help="The later vintage date.")
@click.option(
    "--lines",
    "max_lines",
    default=20,
    type=click.IntRange(min=0),
    show_default=True,
    help="How many changed lines to list (largest changes first).",
)
@store_options
@format_option("the changed aggregates, then the largest changed lines")
def revisions_command(
    month: str,
    before: str,
    after: str,
    max_lines: int,
    store_path: str | None,
    dataset: str | None,
    fmt: str,
) -> None:
    """Show which lines and which published aggregates of MONTH changed between two vintages.

    json: {month, from, to, aggregates: [...], lines: [...]}; csv: one row per change, its
    kind ('aggregate' or 'line') first."""
    target = Month.parse(month)
    start, end = parse_date(before, "--from"), parse_date(after, "--to")
    if start > end:
        raise UsageError(f"--from {start} is after --to {end}; swap them")
    with open_for_reading(store_path, dataset) as store:
        aggregates = aggregate_changes(store, target, start, end)
        changed = line_changes(store, target, start, end)
    if fmt != "text":
        shown = changed[:max_lines]
        document = {"month": target, "from": start, "to": end, "aggregates": aggregates,
                    "lines": shown, "lines_changed": len(changed)}  # fmt: skip
        kinds = [{"kind": "aggregate", **record(a)} for a in aggregates]
        emit(kinds + [{"kind": "line", **record(c)} for c in shown], fmt, document)
        return
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


@click.command("classify")
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
@format_option("the decision, its rules and its history")
def classify_command(code: str, month_text: str | None, scheme_name: str, fmt: str) -> None:
    """Show the item an HS CODE (2 to 10 digits, as reported) goes to in a month, and why.

    json: the decision (item, covering and finer rules) with its history (over_time); csv:
    one row per period of the history."""

    from ..classify.rules import month_bound, scheme
    from ..months import Month

    month = Month.parse(month_text) if month_text else Month.from_date(dt.date.today())
    rules = scheme(scheme_name)
    # accept 8542.32-1010 as printed, and fullwidth digits (８５４２) as typed in Korean text
    code = unicodedata.normalize("NFKC", code).strip().replace(".", "").replace("-", "")
    decision = rules.classify(code, month)
    segments = rules.segments(code)
    if fmt != "text":
        periods = [
            {"code": code, "from": month_bound(start), "to": month_bound(end),
             "item": d.item, "mixed": d.mixed, "has_month": start <= month.index <= end}
            for start, end, d in segments
        ]  # fmt: skip
        emit(periods, fmt, document={**decision.record(), "over_time": periods})
        return
    click.echo(decision.explain())
    click.echo("  over time:")
    for start, end, decision in segments:
        click.echo(
            f"    {_period_text(start, end)}: {decision.item}{' (mixed)' if decision.mixed else ''}"
        )


def _period_text(start: int, end: int) -> str:
    from ..classify.rules import Rule

    # 'always', 'FROM..TO', 'always..TO', 'FROM..open'
    text = Rule("", "", valid_from=start, valid_to=end).period()
    return text.replace("always..", "until ") if text != "always" else text
