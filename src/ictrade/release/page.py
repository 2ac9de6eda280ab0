"""The release as one self-contained HTML page (inline SVG charts, print CSS), and as PDF.

The page is rendered by the Jinja2 template ``templates/release.html.j2``; PDF is the same page
printed by headless Chromium (``--print-to-pdf``).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import jinja2
import markupsafe

from ..classify import regions as region_list
from ..classify import taxonomy
from ..errors import IctradeError
from ..months import Month
from ..numbers import round_half_up
from ..stats.cube import Cube
from ..stats.facts_doc import Facts
from ..stats.series import SeriesQuery, series_from_cube
from .charts import Bar, bar_chart, css_font_stack, trend_chart
from .facts_view import FactsView
from .lang import label, phrasebook
from .markdown import release_text, source_note
from .notes import Notes
from .tables import Table, standard_tables

TREND_MONTHS = 25
UNIT_USD = {"en": 1e9, "ko": 1e8}  # charts in USD billion, or in 억 달러 for Korean
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)


@dataclass(frozen=True)
class Trend:
    """Exports (USD) and year-on-year growth of the last months, oldest first."""

    months: list[Month]
    values: list[float | None]
    yoy: list[float | None]


def trend_from_cube(cube: Cube, month: Month) -> Trend:
    """The trend chart's figures: the TREND_MONTHS months to ``month``."""
    start = month - (TREND_MONTHS - 1)
    values = series_from_cube(cube, SeriesQuery("export", "total", "world", "value", start, month))
    growth = series_from_cube(cube, SeriesQuery("export", "total", "world", "yoy", start, month))
    return Trend([p.month for p in values], [p.value for p in values], [p.value for p in growth])


def _fmt(value: float | None, kind: str) -> str:
    if value is None:
        return ""
    if kind == "usd_m":
        return f"{round_half_up(value, 1.0):,.0f}"
    if kind == "share":
        return f"{round_half_up(value, 0.1):.1f}"
    return signed(value)


def signed(value: float, step: float = 0.1) -> str:
    """'+15.8' / '-13.8', and '0.0' for a change that rounds to zero (never '-0.0')."""
    rounded = round_half_up(value, step)
    return "0.0" if rounded == 0 else f"{rounded:+.1f}"


def charts(facts: Facts, trend: Trend | None, lang: str) -> list[tuple[str, str]]:
    """(caption, svg) of each chart."""
    view, book = FactsView(facts), phrasebook(lang)
    unit = UNIT_USD[lang]
    out = []
    if trend is not None:
        labels = [f"{m.year % 100:02d}.{m.month:02d}" for m in trend.months]
        billions = [None if v is None else v / unit for v in trend.values]
        title = label(lang, "chart_trend")
        axes = (label(lang, "usd_chart"), label(lang, "yoy"))
        out.append((title, trend_chart("trend", labels, billions, trend.yoy, title, axes, lang)))
    contributions = []
    for item in taxonomy().children["total"]:
        pp = view.field("export", item, "world", "contribution_pp")
        if pp is not None:
            contributions.append(Bar(book.item_name(item), pp.value, signed(pp.value)))
    if contributions:
        title = label(lang, "chart_contrib")
        axis, pp_unit = label(lang, "contrib_axis"), label(lang, "pp")
        out.append((title, bar_chart("contrib", contributions, title, axis, lang, pp_unit)))
    regions = []
    for region in region_list().majors():
        value, yoy = view.usd("export", "total", region), view.yoy("export", "total", region)
        if value is not None:
            note = f"{round_half_up(value.value / unit, 0.1):,.1f}"
            if yoy is not None:
                note += f" ({signed(yoy.value)}%)"
            regions.append(Bar(book.region_name(region), value.value / unit, note))
    if regions:
        title = label(lang, "chart_regions")
        out.append((title, bar_chart("regions", regions, title, label(lang, "usd_chart"), lang)))
    return out


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("ictrade", "release/templates"),
        autoescape=jinja2.select_autoescape(["html", "j2"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["fmt"] = _fmt
    return env


def render_html(
    facts: Facts, trend: Trend | None = None, lang: str = "en", notes: Notes | None = None
) -> str:
    """The long release as one HTML page."""
    text = release_text(facts, lang, notes)
    tables: list[Table] = standard_tables(facts, lang)
    return (
        _environment()
        .get_template("release.html.j2")
        .render(
            lang=lang,
            fonts=markupsafe.Markup(css_font_stack(lang)),
            month=facts["month"],
            title=text.title,
            blocks=text.blocks,
            charts=[(title, markupsafe.Markup(svg)) for title, svg in charts(facts, trend, lang)],
            tables=tables,
            labels={k: label(lang, k) for k in ("charts", "tables", "about", "as_of", "no_data")},
            about=source_note(facts, lang),
            data=facts["data"],
        )
    )


def find_chromium() -> str | None:
    """The Chromium to print with: $ICTRADE_CHROMIUM, else chromium on the PATH."""
    for name in (os.environ.get("ICTRADE_CHROMIUM"), "chromium", "chromium-browser"):
        if name and (path := shutil.which(name)):
            return path
    return None


def html_to_pdf(html_path: Path, pdf_path: Path, timeout: float = 120) -> None:
    """Print an HTML file to PDF with headless Chromium."""
    chromium = find_chromium()
    if chromium is None:
        raise IctradeError(
            "PDF needs Chromium: install it (Debian: apt-get install chromium) or set "
            "ICTRADE_CHROMIUM to its path; --format html writes the same page"
        )
    with tempfile.TemporaryDirectory(prefix="ictrade-chromium-") as profile:
        command = [
            chromium,
            *CHROMIUM_FLAGS,
            f"--user-data-dir={profile}",
            "--no-pdf-header-footer",
            f"--print-to-pdf={pdf_path}",
            html_path.resolve().as_uri(),
        ]
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
    if done.returncode != 0 or not pdf_path.exists():
        raise IctradeError(f"Chromium could not print {html_path} to PDF: {done.stderr[-500:]}")
