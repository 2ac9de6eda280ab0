"""Commands that build and check releases: release, check-published, verify, series."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..months import parse_date, parse_months
from ..release.build import facts_json, release_facts, write_release
from ..stats.check import Outcome, check_published
from ..stats.series import MEASURES, Point
from ..store.store import dataset_path
from .options import EXIT_MISMATCH, open_for_reading, parse_as_of, store_options, vintage_options
from .output import emit, format_option, quiet_option, say


@click.command("release")
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
    from ..release.notes import load_notes

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
            say(f"wrote {', '.join(str(p) for p in files.paths)}")


@click.command("check-published")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, exists=True))
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
@quiet_option("Print only mismatches and the summary (no notes).", expose=True)
@format_option("one line per figure and a summary")
def check_published_command(
    files: tuple[str, ...],
    store_path: str | None,
    dataset: str | None,
    conflicts: str | None,
    all_sources: bool,
    quiet: bool,
    fmt: str,
) -> None:
    """Compare published figures (CSV files with the columns of published_figures.csv) with
    the store, each as of its vintage; exit 1 if any figure mismatches.

    json and csv: one record per figure checked (with -q, only those mismatched or without
    data), its file, line, what was published and what the store holds."""
    with open_for_reading(store_path, dataset) as store:
        if conflicts is None and store.name.startswith("dataset:"):
            conflicts = str(dataset_path(store.name.split(":", 1)[1]).with_name("conflicts.csv"))
        reports = [
            (f, check_published(store, f, conflicts=conflicts, primary_only=not all_sources))
            for f in files
        ]
    if fmt != "text":
        emit([o for _, r in reports for o in r.outcomes if not quiet or not _agrees(o)], fmt)
    else:
        for file, report in reports:
            for outcome in report.outcomes:
                if not quiet or not _agrees(outcome):
                    click.echo(outcome.describe())
            click.echo((f"{file}: " if len(files) > 1 else "") + report.summary())
    if not all(report.ok for _, report in reports):
        sys.exit(EXIT_MISMATCH)


def _agrees(outcome: Outcome) -> bool:
    return outcome.status not in ("mismatched", "no data")


# --- ictrade verify: check every figure of a release or news text against the facts ---------


@click.command("verify")
@click.argument("file", type=click.Path(dir_okay=False, allow_dash=True))
@click.option(
    "--month", "month_text", required=True, metavar="YYYY-MM", help="The month the text reports on."
)
@store_options
@vintage_options
@quiet_option("Print only the claims that did not match (no notes).", expose=True)
@format_option(
    "a table for people",
    json_help="one object per claim (span, text, status, reading, fact)",
    csv_help="one row per claim",
)
@click.option("--strict", is_flag=True, help="Also exit 1 when a figure is unrecognised.")
def verify_command(
    file: str,
    month_text: str,
    store_path: str | None,
    dataset: str | None,
    as_of: str | None,
    as_published: bool,
    quiet: bool,
    fmt: str,
    strict: bool,
) -> None:
    """Check every figure of a release or news text FILE (English or Korean; '-': standard
    input) against the facts of a month: matched, mismatched, cannot be checked (another
    period, no such fact, no published figure) or unrecognised. Exit 1 if any figure
    mismatches (with --strict, also if any is unrecognised)."""
    from ..months import Month
    from ..release.verify import UNRECOGNISED, verify_in_store
    from ..sources._text import decode_text, read_text

    month = Month.parse(month_text)
    vintage = parse_as_of(as_of, as_published)
    if file == "-":
        text = decode_text(sys.stdin.buffer.read(), "standard input")
    else:
        text = read_text(Path(file))
    with open_for_reading(store_path, dataset) as store:
        report = verify_in_store(store, text, month, as_of=vintage, as_published=as_published)
    if fmt != "text":
        emit(report.as_json(), fmt)
    else:
        click.echo(report.table(skip_matched=quiet))
        click.echo(report.summary())
    if not report.ok or (strict and report.count(UNRECOGNISED)):
        sys.exit(EXIT_MISMATCH)


# --- ictrade series: a monthly series as text, CSV, JSON or Parquet --------------------------


def _series_text(points: list[Point], subject: dict[str, str]) -> bytes:
    unit = {"value": "USD", "yoy": "% y/y", "share": "% of total"}[subject["measure"]]
    lines = [f"{subject['flow']} {subject['item']} {subject['region']} ({unit})"]
    for p in points:
        shown = "-" if p.value is None else f"{p.value:,.0f}" if unit == "USD" else f"{p.value:.1f}"
        lines.append(f"{p.month}  {shown:>20}")
    return ("\n".join(lines) + "\n").encode("utf-8")


@click.command("series")
@click.option("--flow", default="export", show_default=True, help="export, import or balance.")
@click.option("--item", default="total", show_default=True, help="Item id (taxonomy.csv).")
@click.option("--region", default="world", show_default=True, help="Region id (regions.csv).")
@click.option("--from", "start", default=None, metavar="YYYY-MM", help="First month.")
@click.option("--to", "end", default=None, metavar="YYYY-MM", help="Last month.")
@click.option(
    "--measure",
    type=click.Choice(list(MEASURES)),
    default="value",
    show_default=True,
    help="value: USD; yoy: growth %; share: % of the total.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "csv", "json", "parquet"]),
    default="csv",
    show_default=True,
    help="text: a table to read; csv: a header row and one row per month; json: "
    "{flow, item, region, measure, points: [{month, value}]}; parquet: one row per month.",
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
    from ..months import Month
    from ..release.export import series_bytes
    from ..stats.series import series as series_of

    first, last = (Month.parse(start) if start else None), (Month.parse(end) if end else None)
    vintage = parse_date(as_of, "--as-of") if as_of else None
    with open_for_reading(store_path, dataset) as store:
        points = series_of(
            store, flow, item, region, measure=measure, start=first, end=last, as_of=vintage
        )
    subject = {"flow": flow, "item": item, "region": region, "measure": measure}
    data = _series_text(points, subject) if fmt == "text" else series_bytes(points, fmt, subject)
    if out_file:
        Path(out_file).write_bytes(data)
        say(f"wrote {out_file}")
    else:
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
