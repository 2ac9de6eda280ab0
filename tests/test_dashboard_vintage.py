"""The dashboard's "As first published" switch, and what it shows for figures the data do not
hold, in headless Chromium against `ictrade serve` (see test_dashboard.py)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_dashboard import CHROMIUM, KEY, _browser_ready, _free_port, _wait_for

from ictrade.months import Month
from ictrade.release.markdown import short_markdown
from ictrade.release.page import CHROMIUM_FLAGS
from ictrade.stats.facts import build_facts
from ictrade.store.store import open_store

pytestmark = pytest.mark.slow  # browser


def serve(dataset: str) -> Iterator[str]:
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
    args = ["serve", "--dataset", dataset, "--host", "127.0.0.1", "--port", str(port)]
    proc = subprocess.Popen(
        [sys.executable, "-c", "from ictrade.cli import main; main()", *args], env=env
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_for(f"{base}/api/ping?api_key={KEY}", proc)
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture
def default_server() -> Iterator[str]:
    yield from serve("default")


@pytest.fixture
def sample_server() -> Iterator[str]:
    yield from serve("kcs-sample")


def headline(as_published: bool) -> str:
    with open_store(dataset="default") as store:
        facts = build_facts(store, Month(2020, 11), as_published=as_published)
    return short_markdown(facts).splitlines()[0][2:]


def test_as_published_switch_gives_the_release_headline(default_server):
    from playwright.sync_api import sync_playwright

    published, latest = headline(True), headline(False)
    assert published != latest  # the switch matters for this month
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=list(CHROMIUM_FLAGS))
        page = browser.new_page()
        page.set_default_timeout(20_000)
        page.goto(f"{default_server}/?api_key={KEY}&month=2020-11&as_published=true")
        page.wait_for_selector("body[data-loaded='2020-11|total|world']")
        assert page.inner_text("#headline") == published
        assert page.is_disabled("#as-of")
        assert "as_published=true" in (page.get_attribute("#download-md", "href") or "")
        page.uncheck("#as-published")
        page.wait_for_function(f"document.querySelector('#headline').innerText === {latest!r}")
        assert not page.is_disabled("#as-of")
        header = page.inner_text("#table-items tr:first-child")
        assert "Contribution to the parent item's growth" in header
        browser.close()


def test_figures_the_data_do_not_hold_say_no_data(sample_server):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=list(CHROMIUM_FLAGS))
        page = browser.new_page()
        page.set_default_timeout(20_000)
        page.goto(f"{sample_server}/?api_key={KEY}&month=2026-01")
        page.wait_for_selector("body[data-loaded='2026-01|total|world']")
        assert page.inner_text("#kpi-import-value") == "no data"
        assert page.inner_text("#kpi-balance-value") == "no data"
        assert "$0" not in page.inner_text("main")
        browser.close()
