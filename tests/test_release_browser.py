"""The HTML release in a real browser (headless Chromium driven by Playwright): the charts
render with a size and round, readable axes, and the tables show the facts' figures."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
from axis_check import assert_round_axis
from chromium_check import require_chromium
from release_data import MONTH, fill
from release_html_check import expected_item_row

from ictrade.classify import regions as region_list
from ictrade.classify import taxonomy
from ictrade.release.page import CHROMIUM_FLAGS, UNIT_USD, Trend, render_html, trend_from_cube
from ictrade.stats.cube import load_cube
from ictrade.stats.facts import build_facts
from ictrade.store.store import open_store

pytestmark = pytest.mark.slow  # browser

AXIS_TEXT = "(svg, sel) => [...svg.querySelectorAll(sel)].map(e => e.textContent.trim())"


def _playwright():  # type: ignore[no-untyped-def]
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        if os.environ.get("CI") == "true":
            pytest.fail("CI must have playwright: it is in the dev extra of pyproject.toml")
        pytest.skip("playwright is not installed (pip install -e '.[dev]')")
    return sync_playwright


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    chromium = require_chromium()
    with _playwright()() as p:
        launched = p.chromium.launch(executable_path=chromium, args=list(CHROMIUM_FLAGS))
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def synthetic() -> tuple[dict[str, Any], Trend]:
    with open_store(":memory:") as store:
        fill(store)
        return build_facts(store, MONTH), trend_from_cube(load_cube(store, None), MONTH)


@pytest.fixture(scope="module")
def shipped() -> tuple[dict[str, Any], Trend]:
    with open_store(dataset="default") as store:
        return build_facts(store, MONTH), trend_from_cube(load_cube(store, None), MONTH)


def _open(browser: Any, tmp_path: Any, facts: dict[str, Any], trend: Trend, lang: str) -> Any:
    path = tmp_path / f"release.{lang}.html"
    path.write_text(render_html(facts, trend, lang), encoding="utf-8")
    page = browser.new_page()
    page.goto(path.as_uri())
    return page


def _ticks(page: Any, chart: str, axis: str) -> list[str]:
    tick = "xtick" if axis == "x-axis" else "ytick"
    selector = f'#{chart}-{axis} g[id^="{tick}"] text'
    labels: list[str] = page.eval_on_selector(f"svg#chart-{chart}", AXIS_TEXT, selector)
    return labels


def _exports(facts: dict[str, Any], item: str, region: str, field: str) -> float | None:
    for c in facts["cells"]:
        if (c["flow"], c["item"], c["region"]) == ("export", item, region):
            value: float | None = c[field]
            return value
    return None


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_charts_render_and_tables_hold_the_facts(browser, tmp_path, synthetic, lang):
    facts, trend = synthetic
    page = _open(browser, tmp_path, facts, trend, lang)
    boxes = page.eval_on_selector_all(
        "svg.chart",
        "els => els.map(e => [e.getBoundingClientRect().width, "
        "e.getBoundingClientRect().height, e.querySelectorAll('g[id*=\"-bar-\"]').length])",
    )
    assert len(boxes) == 3
    assert all(w > 100 and h > 100 and bars > 0 for w, h, bars in boxes), boxes
    bar = page.eval_on_selector(
        'svg.chart g[id*="-bar-"] path', "e => e.getBBox().width * e.getBBox().height"
    )
    assert bar > 0
    for item in ("total", "semiconductors", "memory", "ssd"):
        cells = page.eval_on_selector_all(
            f'table[data-table="exports_by_item"] tr[data-key="{item}"] td',
            "els => els.map(e => e.innerText.trim())",
        )
        assert cells == expected_item_row(facts, item), item
    assert page.title() and page.locator("h1").inner_text().strip()


@pytest.mark.parametrize("lang", ["en", "ko"])
@pytest.mark.parametrize("source", ["synthetic", "shipped"])
def test_axes_are_round_and_fit_the_data(browser, tmp_path, request, source, lang):
    facts, trend = request.getfixturevalue(source)
    page = _open(browser, tmp_path, facts, trend, lang)
    unit = UNIT_USD[lang]

    values = [v / unit for v in trend.values if v is not None]
    assert_round_axis(_ticks(page, "trend", "y-axis"), values)
    rates = [r for r in trend.yoy if r is not None]
    growth = _ticks(page, "trend", "growth-axis")
    assert all(label.endswith("%") for label in growth), growth
    assert_round_axis(growth, rates)
    months = _ticks(page, "trend", "x-axis")
    assert len(months) >= 6 and len(set(months)) == len(months), months
    assert months[-1] == f"{MONTH.year % 100:02d}.{MONTH.month:02d}"

    pp = [_exports(facts, i, "world", "contribution_pp") for i in taxonomy().children["total"]]
    assert_round_axis(_ticks(page, "contrib", "x-axis"), [v for v in pp if v is not None])
    usd = [_exports(facts, "total", r, "value_usd") for r in region_list().majors()]
    assert_round_axis(_ticks(page, "regions", "x-axis"), [v / unit for v in usd if v is not None])

    # the bar charts name items and regions in the release's language
    names = _ticks(page, "contrib", "y-axis")
    assert ("반도체" in names) if lang == "ko" else ("semiconductors" in names), names
