"""The release's charts on awkward data, read back from the SVG without a browser: every axis
has round, distinct ticks that just enclose the data."""

from __future__ import annotations

import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest
from axis_check import assert_round_axis

from ictrade.release.charts import Bar, bar_chart, trend_chart

NS = {"svg": "http://www.w3.org/2000/svg"}
MONTHS = [f"{20 + m // 12}.{m % 12 + 1:02d}" for m in range(25)]


def ticks(svg: str, axis_id: str) -> list[str]:
    root = ET.fromstring(svg)
    axis = root.find(f".//svg:g[@id='{axis_id}']", NS)
    assert axis is not None, axis_id
    return [
        (text.text or "").strip()
        for tick in axis.findall("svg:g", NS)
        if (tick.get("id") or "").startswith(("xtick", "ytick"))
        for text in tick.iter(f"{{{NS['svg']}}}text")
    ]


def trend(values: list[float | None], rates: list[float | None]) -> str:
    return trend_chart("t", MONTHS[: len(values)], values, rates, "title", ("USD", "%"), "en")


@pytest.mark.parametrize(
    ("values", "rates"),
    [
        ([26.5] + [12.0] * 24, [4.0] * 25),  # one peak; growth constant
        ([0.004 * k for k in range(1, 26)], [-80.0 + 3 * k for k in range(25)]),  # small; falls
        ([None] * 12 + [1500.0] * 13, [None] * 13 + [250.0] * 12),  # gaps, large figures
        ([3.0], [-0.5]),  # a single month
    ],
)
def test_trend_axes_are_round_and_fit(values, rates):
    svg = trend(values, rates)
    assert_round_axis(ticks(svg, "t-y-axis"), [v for v in values if v is not None])
    growth = ticks(svg, "t-growth-axis")
    assert all(label.endswith("%") for label in growth), growth
    assert_round_axis(growth, [r for r in rates if r is not None])
    assert ticks(svg, "t-x-axis")[-1] == MONTHS[len(values) - 1]


def test_trend_without_growth_or_values():
    svg = trend([None] * 25, [None] * 25)
    assert "t-growth-axis" not in svg and ticks(svg, "t-y-axis")


@pytest.mark.parametrize(
    "values", [[8.04, 3.0, -0.01, 0.0], [-13.8, -2.0], [0.0, 0.0], [77.2, 28.3, 18.5]]
)
def test_bar_axis_is_round_and_fits(values):
    svg = bar_chart("b", [Bar(f"item {k}", v, f"{v:+.1f}") for k, v in enumerate(values)], "t",
                    "pp", "en")
    assert_round_axis(ticks(svg, "b-x-axis"), values)
    assert ticks(svg, "b-y-axis") == [f"item {k}" for k in range(len(values))]


def test_korean_text_stays_text():
    svg = bar_chart("k", [Bar("반도체", 8.0, "+8.0")], "품목별", "기여도(%p)", "ko", "%p")
    assert ticks(svg, "k-y-axis") == ["반도체"] and "+8.0%p" in svg and "기여도(%p)" in svg
    assert "font-family: 'NanumGothic'" in svg


def test_commands_start_without_matplotlib():
    code = "import sys, ictrade.cli, ictrade.web.app; sys.exit('matplotlib' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0
