"""The HTML release in a real browser (headless Chromium driven by Playwright): the charts
render with a size, and the tables show the facts' figures."""

from __future__ import annotations

import os

import pytest
from chromium_check import require_chromium
from release_data import MONTH, fill
from release_html_check import expected_item_row

from ictrade.release.html import CHROMIUM_FLAGS, render_html, trend_from_store
from ictrade.stats.facts import build_facts
from ictrade.store.store import open_store

pytestmark = pytest.mark.slow  # browser


def _playwright():  # type: ignore[no-untyped-def]
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        if os.environ.get("CI") == "true":
            pytest.fail("CI must have playwright: it is in the dev extra of pyproject.toml")
        pytest.skip("playwright is not installed (pip install -e '.[dev]')")
    return sync_playwright


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_charts_render_and_tables_hold_the_facts(tmp_path, lang):
    chromium = require_chromium()
    sync_playwright = _playwright()
    with open_store() as store:
        fill(store)
        facts = build_facts(store, MONTH)
        page_path = tmp_path / "release.html"
        page_path.write_text(
            render_html(facts, trend_from_store(store, MONTH, None), lang), encoding="utf-8"
        )
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=list(CHROMIUM_FLAGS))
        try:
            page = browser.new_page()
            page.goto(page_path.as_uri())
            boxes = page.eval_on_selector_all(
                "svg.chart",
                "els => els.map(e => [e.getBoundingClientRect().width, "
                "e.getBoundingClientRect().height, e.querySelectorAll('rect.bar').length])",
            )
            assert len(boxes) == 3
            assert all(w > 100 and h > 100 and bars > 0 for w, h, bars in boxes), boxes
            bar = page.eval_on_selector(
                "svg.chart rect.bar", "e => e.getBBox().width * e.getBBox().height"
            )
            assert bar > 0
            for item in ("total", "semiconductors", "memory", "ssd"):
                cells = page.eval_on_selector_all(
                    f'table[data-table="exports_by_item"] tr[data-key="{item}"] td',
                    "els => els.map(e => e.innerText.trim())",
                )
                assert cells == expected_item_row(facts, item), item
            assert page.title() and page.locator("h1").inner_text().strip()
        finally:
            browser.close()
