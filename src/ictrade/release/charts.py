"""Charts of the release as inline SVG, drawn by matplotlib.

Text stays text in the SVG (``svg.fonttype: none``), set in the page's font stack, so the
browser draws Korean labels in a font that has Hangul and a printed PDF embeds that font.
Axes run from one round tick to the next round tick enclosing the data. Groups the tests and
readers look for carry ids: ``<key>-bar-<n>``, ``<key>-line``, ``<key>-x-axis``,
``<key>-y-axis`` and ``<key>-growth-axis``.
"""

from __future__ import annotations

import io
import re
import threading
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.axis import Axis
    from matplotlib.figure import Figure

# matplotlib is imported where a chart is drawn, not by every CLI command (its import takes
# about half a second here).

# The page's fonts, said once for the page and its charts: Latin first in English, Hangul first
# in Korean. NanumGothic (Debian fonts-nanum, which .ci/run installs) is a TrueType font, so a
# printed PDF embeds it as a named font; Chromium embeds CFF fonts such as Noto Sans CJK as
# unnamed Type 3 glyphs, which still show Hangul.
LATIN = ("Noto Sans", "Liberation Sans", "Arial")
HANGUL = ("NanumGothic", "Noto Sans CJK KR", "Malgun Gothic", "Apple SD Gothic Neo")


def font_stack(lang: str) -> tuple[str, ...]:
    return (*HANGUL, *LATIN) if lang == "ko" else (*LATIN, *HANGUL)


def css_font_stack(lang: str) -> str:
    return ", ".join([*(f'"{name}"' for name in font_stack(lang)), "sans-serif"])


BAR, LINE, DOWN = "#2f6f9f", "#d0632a", "#b03a48"
WIDTH_IN, DPI = 7.5, 96  # 720 px wide
_STYLE = {
    "svg.fonttype": "none",
    "font.family": "sans-serif",
    "font.size": 10,
    "axes.unicode_minus": False,  # '-5%', as the release's tables print it
    "axes.spines.top": False,
    "axes.spines.right": False,
}
_LOCK = threading.Lock()  # matplotlib's rcParams are global; the server renders in threads


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    note: str = ""  # printed after the bar, e.g. '+15.8'


def _round_ticks(low: float, high: float) -> list[float]:
    """Round ticks (steps of 1, 2 or 5 times a power of ten) just enclosing [low, high] and 0."""
    from matplotlib.ticker import MaxNLocator

    low, high = min(low, 0.0), max(high, 0.0)
    if low == high:
        high = 1.0
    return [float(t) for t in MaxNLocator(nbins=5, steps=[1, 2, 5, 10]).tick_values(low, high)]


def _number(value: float, _pos: int | None = None) -> str:
    return f"{value:,.10g}"


def _percent(value: float, _pos: int | None = None) -> str:
    return f"{value:.10g}%"


def _round_axis(axis: Axis, values: Sequence[float], percent: bool = False) -> list[float]:
    """Set the axis from the first to the last round tick around ``values``; the ticks."""
    from matplotlib.axis import XAxis
    from matplotlib.ticker import FixedLocator, FuncFormatter

    ticks = _round_ticks(min(values, default=0.0), max(values, default=1.0))
    axis.set_view_interval(ticks[0], ticks[-1], ignore=True)
    axis.axes.autoscale(False, axis="x" if isinstance(axis, XAxis) else "y")
    axis.set_major_locator(FixedLocator(ticks))
    axis.set_major_formatter(FuncFormatter(_percent if percent else _number))
    return ticks


def _svg(fig: Figure, key: str, title: str) -> str:
    out = io.StringIO()
    with warnings.catch_warnings():
        # Measuring Hangul where no CJK font is installed: the browser still draws it.
        warnings.filterwarnings("ignore", message="Glyph .* missing from font")
        fig.savefig(out, format="svg", metadata={"Date": None, "Creator": None})
    svg = out.getvalue()
    svg = svg[svg.index("<svg") :]
    svg = re.sub(r"\s*<metadata>.*?</metadata>", "", svg, flags=re.S)
    head = f'<svg class="chart" id="chart-{key}" role="img" aria-labelledby="chart-{key}-title" '
    return svg.replace("<svg ", head, 1).replace(
        ">", f'><title id="chart-{key}-title">{escape(title)}</title>', 1
    )


def _style(key: str, lang: str) -> Any:  # rc_context types its keys as one long Literal
    fonts = [*font_stack(lang), "DejaVu Sans"]  # DejaVu, shipped with matplotlib, to measure
    return {**_STYLE, "font.sans-serif": fonts, "svg.hashsalt": f"ictrade-{key}"}


def _rc_context(style: Any) -> Any:
    import matplotlib

    return matplotlib.rc_context(style)


def _figure(height_in: float) -> Figure:
    from matplotlib.figure import Figure

    return Figure(figsize=(WIDTH_IN, height_in), dpi=DPI, layout="constrained")


def trend_chart(
    key: str,
    labels: Sequence[str],
    values: Sequence[float | None],
    yoy: Sequence[float | None],
    title: str,
    axis_labels: tuple[str, str],
    lang: str,
) -> str:
    """Monthly bars (left axis) with the year-on-year growth as a line on its own right axis.

    ``axis_labels`` names the value axis and the growth axis.
    """
    with _LOCK, _rc_context(_style(key, lang)):
        fig = _figure(3.2)
        ax: Axes = fig.add_subplot()
        ax.set_gid(f"{key}-plot")
        xs = range(len(labels))
        shown = [v for v in values if v is not None]
        for x, value in zip(xs, values, strict=True):
            if value is not None:
                bar = ax.bar(x, value, width=0.7, color=BAR)
                bar.patches[0].set_gid(f"{key}-bar-{x}")
        _round_axis(ax.yaxis, shown)
        ax.set_ylabel(axis_labels[0])
        # a label every third month, ending on the release's month
        ticks = [x for x in xs if x % 3 == (len(labels) - 1) % 3]
        ax.set_xticks(ticks, [labels[x] for x in ticks])
        ax.set_xlim(-0.6, len(labels) - 0.4)
        ax.xaxis.set_gid(f"{key}-x-axis")
        ax.yaxis.set_gid(f"{key}-y-axis")
        rates = [r for r in yoy if r is not None]
        if rates:
            growth = ax.twinx()
            growth.spines["right"].set_visible(True)
            growth.axhline(0, color=LINE, linewidth=0.8, linestyle=(0, (3, 3)))
            (line,) = growth.plot(
                list(xs), [float("nan") if r is None else r for r in yoy], color=LINE, lw=2
            )
            line.set_gid(f"{key}-line")
            _round_axis(growth.yaxis, rates, percent=True)
            growth.set_ylabel(axis_labels[1], color=LINE)
            growth.tick_params(axis="y", colors=LINE)
            growth.yaxis.set_gid(f"{key}-growth-axis")
        return _svg(fig, key, title)


def bar_chart(
    key: str, bars: Sequence[Bar], title: str, axis_label: str, lang: str, unit: str = ""
) -> str:
    """Horizontal bars, the first on top, negative values to the left of zero."""
    with _LOCK, _rc_context(_style(key, lang)):
        fig = _figure(0.9 + 0.3 * max(len(bars), 1))
        ax: Axes = fig.add_subplot()
        ax.set_gid(f"{key}-plot")
        ys = range(len(bars))
        drawn = ax.barh(
            list(ys),
            [b.value for b in bars],
            height=0.65,
            color=[BAR if b.value >= 0 else DOWN for b in bars],
        )
        for y, patch in zip(ys, drawn.patches, strict=True):
            patch.set_gid(f"{key}-bar-{y}")
        ax.bar_label(drawn, [b.note + unit for b in bars], padding=3, fontsize=9)
        ax.set_yticks(list(ys), [b.label for b in bars])
        ax.invert_yaxis()
        ticks = _round_axis(ax.xaxis, [b.value for b in bars])
        # room for the figures printed after the bars, on the side the bars point to
        room = 0.25 * (ticks[-1] - ticks[0])
        ax.set_xlim(ticks[0] - (room if ticks[0] < 0 else 0), ticks[-1] + room)
        ax.axvline(0, color="#555", linewidth=0.8)
        ax.set_xlabel(axis_label)
        ax.xaxis.set_gid(f"{key}-x-axis")
        ax.yaxis.set_gid(f"{key}-y-axis")
        ax.spines["left"].set_visible(False)
        ax.tick_params(axis="y", length=0)
        return _svg(fig, key, title)
