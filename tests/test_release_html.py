"""The HTML page (inline SVG charts, tables from the facts), its PDF, and the workbook."""

from __future__ import annotations

import re
import subprocess

import pytest
from chromium_check import require_chromium, require_tool
from click.testing import CliRunner
from openpyxl import load_workbook
from release_data import MONTH, fill, write_store
from release_html_check import expected_item_row, read_tables

from ictrade.classify import taxonomy
from ictrade.cli import cli
from ictrade.release.charts import css_font_stack
from ictrade.release.page import render_html, trend_from_cube
from ictrade.release.xlsx import write_workbook
from ictrade.stats.cube import load_cube
from ictrade.stats.facts import build_facts
from ictrade.store.store import open_store


@pytest.fixture(scope="module")
def built():  # type: ignore[no-untyped-def]
    with open_store(":memory:") as s:
        fill(s)
        yield build_facts(s, MONTH), trend_from_cube(load_cube(s, None), MONTH)


def test_page_is_self_contained_with_three_charts(built):
    facts, trend = built
    page = render_html(facts, trend)
    assert page.count("<svg") == 3 and page.count("<figcaption>") == 3
    assert not re.search(r"""(src|href)=["']?(https?:|//)""", page)
    assert "@media print" in page
    assert len(trend.months) == 25 and trend.months[-1] == MONTH
    # one bar per month of the trend, and the growth line
    assert page.count('<g id="trend-bar-') == len([v for v in trend.values if v is not None])
    assert '<g id="trend-line"' in page


def test_tables_print_the_facts(built):
    facts, trend = built
    tables = read_tables(render_html(facts, trend))
    rows = tables["exports_by_item"]
    for item in taxonomy().ids:
        if item in rows:
            assert rows[item] == expected_item_row(facts, item), item
    assert set(tables) >= {"exports_by_region", "export_item_region_value", "balance", "ytd"}


def test_korean_page(built):
    facts, trend = built
    page = render_html(facts, trend, "ko")
    assert '<html lang="ko">' in page and "억 달러" in page and "품목별 수출" in page
    # the page and its charts' text name a font stack that starts with fonts that have Hangul
    stack = css_font_stack("ko")
    assert stack.startswith('"NanumGothic"') and f"font-family: {stack}" in page
    assert page.count("font-family: 'NanumGothic', ") > 10  # the charts' text


def test_workbook_holds_unrounded_facts(tmp_path, built):
    facts, _ = built
    path = write_workbook(facts, tmp_path / "t.xlsx")
    wb = load_workbook(path)
    assert wb.sheetnames[0] == "exports by item" and wb.sheetnames[-1] == "notes"
    ws = wb["exports by item"]
    header = [c.value for c in ws[4]]
    assert header[:3] == ["Item", "USD million", "YoY %"]
    by_label = {ws.cell(r, 1).value: r for r in range(5, ws.max_row + 1)}
    total = next(
        c
        for c in facts["cells"]
        if (c["flow"], c["item"], c["region"]) == ("export", "total", "world")
    )
    row = by_label["ICT total"]
    assert ws.cell(row, 2).value == pytest.approx(total["value_usd"] / 1e6, rel=1e-12)
    assert ws.cell(row, 3).value == pytest.approx(total["yoy_pct"], rel=1e-12)
    assert ws.cell(row, 2).number_format == "#,##0"
    notes = {
        wb["notes"].cell(r, 1).value: wb["notes"].cell(r, 2).value
        for r in range(1, wb["notes"].max_row + 1)
    }
    assert notes["Vintage (as_of)"] == facts["data"]["as_of"]
    assert "customs lines" in notes["Status"]
    assert {"imports by item", "balance", "ytd", "export item region value"} <= set(wb.sheetnames)


def test_cli_formats(tmp_path):
    store = write_store(tmp_path / "s.duckdb")
    runner = CliRunner()
    base = ["release", str(MONTH), "--store", str(store), "--out", str(tmp_path / "out")]
    html = runner.invoke(cli, [*base, "--format", "html", "--lang", "ko"])
    assert html.exit_code == 0, html.output
    assert (tmp_path / "out" / "release.ko.html").read_text().count("<svg") == 3
    xlsx = runner.invoke(cli, [*base, "--format", "xlsx"])
    assert xlsx.exit_code == 0 and (tmp_path / "out" / "release-tables.en.xlsx").exists()


@pytest.mark.slow
def test_pdf(tmp_path):
    require_chromium()
    store = write_store(tmp_path / "s.duckdb")
    result = CliRunner().invoke(
        cli,
        ["release", str(MONTH), "--store", str(store), "--format", "pdf", "--out", str(tmp_path)],
    )
    assert result.exit_code == 0, result.output
    pdf = (tmp_path / "release.en.pdf").read_bytes()
    assert pdf.startswith(b"%PDF") and len(pdf) > 10_000


@pytest.mark.slow
def test_korean_pdf_embeds_a_font_with_hangul(tmp_path):
    """Without a font that has Hangul, Chromium prints empty boxes: .ci/run installs one."""
    require_chromium()
    pdffonts = require_tool("pdffonts", "poppler-utils")
    fc_list = require_tool("fc-list", "fontconfig")
    store = write_store(tmp_path / "s.duckdb")
    args = ["release", str(MONTH), "--store", str(store), "--format", "pdf", "--lang", "ko"]
    result = CliRunner().invoke(cli, [*args, "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    listing = subprocess.run(
        [pdffonts, str(tmp_path / "release.ko.pdf")], capture_output=True, text=True, check=True
    ).stdout.splitlines()[2:]
    # 'BAAAAA+NanumGothic  CID TrueType  Identity-H  yes yes yes  5  0': a subset, embedded
    embedded = {line.split()[0].partition("+")[2] for line in listing if " yes " in line}
    hangul = subprocess.run(
        [fc_list, ":lang=ko", "postscriptname"], capture_output=True, text=True, check=True
    ).stdout
    covering = {line.split("=", 1)[1].strip() for line in hangul.splitlines() if "=" in line}
    assert embedded & covering, f"no embedded font covers Hangul: {listing}"


def test_default_dataset_workbook_says_reconstruction(tmp_path):
    with open_store(dataset="default") as s:
        facts = build_facts(s, MONTH)
    wb = load_workbook(write_workbook(facts, tmp_path / "d.xlsx"))
    status = next(
        wb["notes"].cell(r, 2).value
        for r in range(1, 20)
        if wb["notes"].cell(r, 1).value == "Status"
    )
    assert "reconstruction" in status and "not customs microdata" in status
