"""The dashboard in headless Chromium (Debian's, driven by Playwright) against `ictrade serve`.

Skipped when Playwright or /usr/bin/chromium is missing, except under CI=true, where it must run.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from axis_check import assert_round_axis

from ictrade.months import Month
from ictrade.release.markdown import short_markdown
from ictrade.release.page import CHROMIUM_FLAGS
from ictrade.stats.facts import build_facts
from ictrade.store.store import open_store
from ictrade.web import releases

pytestmark = pytest.mark.slow  # browser

CHROMIUM = "/usr/bin/chromium"
KEY = "dashboard-key"


def _browser_ready() -> str | None:
    """Why the browser test cannot run here, or None."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is not installed"
    if not Path(CHROMIUM).exists():
        return f"{CHROMIUM} is missing (apt-get install chromium)"
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    yield from serve("default")


def serve(dataset: str, store: Path | None = None) -> Iterator[str]:
    """`ictrade serve --dataset DATASET` (or `--store STORE`) on a free port, for as long as
    the caller holds it."""
    reason = _browser_ready()
    if reason:
        if os.environ.get("CI") == "true":
            pytest.fail(f"the browser test must run in CI: {reason}")
        pytest.skip(reason)
    port = _free_port()
    src = str(Path(__file__).resolve().parents[1] / "src")
    env = {
        **os.environ,
        "ICTRADE_API_KEY": KEY,
        "PYTHONPATH": os.pathsep.join([src, os.environ.get("PYTHONPATH", "")]),
    }
    command = "from ictrade.cli import main; main()"
    source = ["--store", str(store)] if store else ["--dataset", dataset]
    args = ["serve", *source, "--host", "127.0.0.1", "--port", str(port)]
    proc = subprocess.Popen([sys.executable, "-c", command, *args], env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_for(f"{base}/api/ping?api_key={KEY}", proc)
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def _wait_for(url: str, proc: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"ictrade serve exited with status {proc.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=1) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.1)
    pytest.fail(f"ictrade serve did not answer {url} within 30 s")


@pytest.fixture(scope="module")
def facts(default_dataset) -> dict:
    return build_facts(default_dataset, Month(2020, 11))


def cell(facts: dict, flow: str, item: str, region: str) -> dict:
    return next(
        c for c in facts["cells"] if (c["flow"], c["item"], c["region"]) == (flow, item, region)
    )


def usd_shown(text: str) -> tuple[float, float]:
    """'$8.7 bn' -> (8.7e9, half a unit of the last digit)."""
    m = re.fullmatch(r"(-?)\$([\d.]+) (bn|m)", text.strip())
    assert m, f"not a dollar figure: {text!r}"
    unit = 1e9 if m.group(3) == "bn" else 1e6
    decimals = len(m.group(2).partition(".")[2])
    sign = -1 if m.group(1) else 1
    return sign * float(m.group(2)) * unit, 0.5 * 10**-decimals * unit


def pct_shown(text: str) -> float:
    m = re.fullmatch(r"([+-]?[\d.]+)%", text.strip())
    assert m, f"not a percentage: {text!r}"
    return float(m.group(1))


def assert_usd(text: str, value: float) -> None:
    shown, half = usd_shown(text)
    assert abs(shown - value) <= half * 1.0001, (text, value)


CHART = """id => {
  const c = Chart.getChart(document.querySelector('#' + id + ' canvas'));
  const scales = Object.entries(c.scales);
  return {
    data: c.data.datasets[0].data,
    ticks: Object.fromEntries(scales.map(([k, s]) => [k, s.ticks.map((t) => t.label)])),
    titles: Object.fromEntries(scales.map(([k, s]) => [k, s.options.title.text])),
  };
}"""


def chart(page: Any, target: str) -> dict[str, Any]:
    """The chart drawn in ``#target``: its data and the tick labels of each axis, as drawn."""
    found: dict[str, Any] = page.evaluate(CHART, target)
    return found


def assert_axes_read_well(page: Any) -> None:
    """Every value axis has round ticks enclosing the data; the time axis names distinct years."""
    for target, axis in [("chart-series", "y"), ("chart-yoy", "y"), ("chart-items", "x"),
                         ("chart-regions", "x")]:
        drawn = chart(page, target)
        data = [v for v in drawn["data"] if v is not None]
        assert_round_axis(drawn["ticks"][axis], data)
    growth = chart(page, "chart-yoy")["ticks"]["y"]
    assert all(label.endswith("%") for label in growth), growth
    for target in ("chart-series", "chart-yoy"):
        years = [label for label in chart(page, target)["ticks"]["x"] if label]
        assert len(years) >= 4 and len(set(years)) == len(years), years
        assert all(re.fullmatch(r"20\d\d", y) for y in years), years


def dashboard(p: Any, base: str) -> Any:
    """The dashboard of the server at ``base`` in a new headless Chromium page."""
    browser = p.chromium.launch(executable_path=CHROMIUM, args=list(CHROMIUM_FLAGS))
    page = browser.new_page()
    page.set_default_timeout(20_000)
    page.goto(f"{base}/?api_key={KEY}")
    return page


def test_dashboard_shows_the_facts_of_the_chosen_month_item_and_region(server, facts):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        page = dashboard(p, server)
        page.wait_for_selector("body[data-loaded='2025-06|total|world']")
        page.select_option("#month", "2020-11")
        page.select_option("#item", "semiconductors")
        page.wait_for_selector("body[data-loaded='2020-11|semiconductors|world']")

        semis = cell(facts, "export", "semiconductors", "world")
        assert_usd(page.inner_text("#kpi-export-value"), semis["value_usd"])
        assert pct_shown(page.inner_text("#kpi-export-yoy")) == pytest.approx(
            semis["yoy_pct"], abs=0.05
        )
        assert pct_shown(page.inner_text("#kpi-export-share")) == pytest.approx(
            semis["share_pct"], abs=0.05
        )
        imports = cell(facts, "import", "semiconductors", "world")
        assert_usd(page.inner_text("#kpi-import-value"), imports["value_usd"])
        assert page.inner_text("#headline") == short_markdown(facts).splitlines()[0][2:]

        row = page.locator("#table-items tr[data-id='dram'] td")
        dram = cell(facts, "export", "dram", "world")
        assert float(row.nth(1).inner_text().replace(",", "")) == pytest.approx(
            dram["value_usd"] / 1e6, abs=0.5
        )
        assert page.locator("#table-items tr.selected").get_attribute("data-id") == "semiconductors"
        series = chart(page, "chart-series")
        assert len(series["data"]) > 100 and series["titles"]["y"] == "USD billion"
        regions_held = {
            c["region"] for c in facts["cells"] if (c["flow"], c["item"]) == ("export", "total")
        }
        assert len(chart(page, "chart-regions")["data"]) == len(regions_held - {"world"})
        assert_axes_read_well(page)

        page.select_option("#region", "us")
        page.wait_for_selector("body[data-loaded='2020-11|semiconductors|us']")
        to_us = cell(facts, "export", "semiconductors", "us")
        assert_usd(page.inner_text("#kpi-export-value"), to_us["value_usd"])
        assert "Korea's November exports" in page.inner_text("#release")

        for fmt in ("md", "html", "xlsx"):
            disabled = page.locator(f"#download-{fmt}").get_attribute("aria-disabled")
            assert disabled == str(f"{fmt}/en" not in releases.available()).lower()

        page.select_option("#lang", "ko")
        page.wait_for_selector("body[data-lang='ko'][data-loaded='2020-11|semiconductors|us']")
        assert page.inner_text("#headline") == short_markdown(facts, "ko").splitlines()[0][2:]
        assert "lang=ko" in (page.locator("#download-html").get_attribute("href") or "")
        csv_link = page.locator("#download-csv").get_attribute("href")
        assert csv_link and "format=csv" in csv_link and f"api_key={KEY}" in csv_link


def test_dashboard_opens_on_the_latest_complete_month(tmp_path):
    """A store whose last month is cut short: the dashboard opens on the month before, and
    offers the short one labelled, saying why it is not released when it is chosen."""
    from playwright.sync_api import sync_playwright
    from test_incomplete_months import CODES, months, world_rows

    from ictrade.store.ingest import ingest_table

    from conftest import lines_table

    rows = world_rows(months("2024-01", "2024-12"), CODES) + world_rows(["2025-01"], CODES[:3])
    with open_store(tmp_path / "s.duckdb") as store:
        ingest_table(store, lines_table(rows), origin="t.csv")
    base = serve("", tmp_path / "s.duckdb")
    url = next(base)
    try:
        with sync_playwright() as p:
            page = dashboard(p, url)
            page.wait_for_selector("body[data-loaded='2024-12|total|world']")
            labels = page.eval_on_selector_all("#month option", "os => os.map(o => o.text)")
            assert labels[:2] == ["2025-01 (incomplete, not released)", "2024-12"]
            why = page.eval_on_selector("#month option", "o => o.title")
            assert why.startswith("2025-01 looks incomplete")
            page.select_option("#month", "2025-01")
            page.wait_for_selector("body[data-loaded='error']")
            assert "2025-01 looks incomplete" in page.inner_text("#error")
    finally:
        base.close()
