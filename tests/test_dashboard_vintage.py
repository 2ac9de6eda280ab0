"""The dashboard's "As first published" switch, and what it shows for figures the data do not
hold, in headless Chromium against `ictrade serve` (see test_dashboard.py)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from test_dashboard import CHROMIUM, KEY, serve

from ictrade.months import Month
from ictrade.release.markdown import short_markdown
from ictrade.release.page import CHROMIUM_FLAGS
from ictrade.stats.facts import build_facts
from ictrade.store.store import open_store

pytestmark = pytest.mark.slow  # browser


@pytest.fixture
def default_server() -> Iterator[str]:
    yield from serve("default")


@pytest.fixture
def sample_server() -> Iterator[str]:
    yield from serve("kcs-sample")


@contextmanager
def dashboard(url: str, loaded: str) -> Iterator[Any]:
    """The dashboard page at ``url`` in headless Chromium, once it shows ``loaded``."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=list(CHROMIUM_FLAGS))
        page = browser.new_page()
        page.set_default_timeout(20_000)
        page.goto(url)
        page.wait_for_selector(f"body[data-loaded='{loaded}']")
        yield page
        browser.close()


def headline(as_published: bool) -> str:
    with open_store(dataset="default") as store:
        facts = build_facts(store, Month(2020, 11), as_published=as_published)
    return short_markdown(facts).splitlines()[0][2:]


def test_as_published_switch_gives_the_release_headline(default_server):
    published, latest = headline(True), headline(False)
    assert published != latest  # the switch matters for this month
    url = f"{default_server}/?api_key={KEY}&month=2020-11&as_published=true"
    with dashboard(url, "2020-11|total|world") as page:
        assert page.inner_text("#headline") == published
        assert page.is_disabled("#as-of")
        assert "as_published=true" in (page.get_attribute("#download-md", "href") or "")
        page.uncheck("#as-published")
        page.wait_for_function(f"document.querySelector('#headline').innerText === {latest!r}")
        assert not page.is_disabled("#as-of")
        header = page.inner_text("#table-items tr:first-child")
        assert "Contribution to the parent item's growth" in header


def test_figures_the_data_do_not_hold_say_no_data(sample_server):
    # kcs-sample's DRAM series runs to 2026-06, its every-code months to 2026-01: the page
    # opens on the last month a release can be written for
    with dashboard(f"{sample_server}/?api_key={KEY}", "2026-01|total|world") as page:
        assert page.inner_text("#kpi-import-value") == "no data"
        assert page.inner_text("#kpi-balance-value") == "no data"
        assert "$0" not in page.inner_text("main")
