"""Charts of the release as inline SVG, drawn by hand: no plotting library, no external file.

Each function returns one ``<svg>`` element with a ``<title>`` (for screen readers) and the
figures written on the bars, rounded as the text rounds them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from html import escape

from ..numbers import round_half_up

WIDTH = 720
FONT = 'font-family="sans-serif" font-size="11"'
BAR, LINE, DOWN = "#2f6f9f", "#d0632a", "#b03a48"


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    note: str = ""  # printed after the value, e.g. '+15.8%'


def _nice_max(value: float) -> float:
    """A round axis maximum at or above ``value``."""
    if value <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    return float(next(s * power for s in (1, 2, 2.5, 5, 10) if s * power >= value))


def _svg(height: int, title: str, body: list[str]) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'width="{WIDTH}" height="{height}" viewBox="0 0 {WIDTH} {height}">'
        f"<title>{escape(title)}</title>" + "".join(body) + "</svg>"
    )


def trend_chart(
    labels: list[str], values_bn: list[float | None], yoy: list[float | None], title: str
) -> str:
    """Monthly bars (USD billion) with the year-on-year growth as a line on its own axis."""
    height, left, right, top, bottom = 300, 48, 48, 16, 40
    plot_w, plot_h = WIDTH - left - right, height - top - bottom
    n = max(len(labels), 1)
    step = plot_w / n
    vmax = _nice_max(max([v for v in values_bn if v is not None] or [1.0]))
    rates = [r for r in yoy if r is not None]
    rmin, rmax = min([0.0, *rates]), max([0.0, *rates])
    span = (rmax - rmin) or 1.0
    rmin, rmax = rmin - 0.1 * span, rmax + 0.1 * span

    def ry(rate: float) -> float:
        return top + plot_h * (rmax - rate) / (rmax - rmin)

    body = [f"<g {FONT}>"]
    for k in range(5):
        tick = vmax * k / 4
        y = top + plot_h * (1 - k / 4)
        body.append(
            f'<line x1="{left}" x2="{WIDTH - right}" y1="{y:.1f}" y2="{y:.1f}" stroke="#ddd"/>'
        )
        body.append(f'<text x="{left - 4}" y="{y + 4:.1f}" text-anchor="end">{tick:g}</text>')
    for t, (label, value) in enumerate(zip(labels, values_bn, strict=True)):
        x = left + t * step
        if value is not None and value > 0:
            h = plot_h * value / vmax
            body.append(
                f'<rect class="bar" x="{x + step * 0.15:.1f}" y="{top + plot_h - h:.1f}" '
                f'width="{step * 0.7:.1f}" height="{h:.1f}" fill="{BAR}">'
                f"<title>{escape(label)}: {round_half_up(value, 0.1):.1f}</title></rect>"
            )
        if t % 3 == (n - 1) % 3:
            body.append(
                f'<text x="{x + step / 2:.1f}" y="{height - bottom + 14}" '
                f'text-anchor="middle">{escape(label)}</text>'
            )
    points = [
        f"{left + (t + 0.5) * step:.1f},{ry(r):.1f}" for t, r in enumerate(yoy) if r is not None
    ]
    if points:
        body.append(
            f'<line x1="{left}" x2="{WIDTH - right}" y1="{ry(0):.1f}" y2="{ry(0):.1f}" '
            f'stroke="{LINE}" stroke-dasharray="3,3"/>'
        )
        body.append(
            f'<polyline class="line" points="{" ".join(points)}" fill="none" '
            f'stroke="{LINE}" stroke-width="2"/>'
        )
        for tick_rate in (rmin, 0.0, rmax):
            body.append(
                f'<text x="{WIDTH - right + 4}" y="{ry(tick_rate) + 4:.1f}" fill="{LINE}">'
                f"{round_half_up(k, 1.0):g}%</text>"
            )
    body.append("</g>")
    return _svg(height, title, body)


def bar_chart(bars: list[Bar], title: str, unit: str = "") -> str:
    """Horizontal bars, negative values to the left of the axis."""
    row, left, right, top = 26, 230, 150, 10
    height = top * 2 + row * max(len(bars), 1)
    plot_w = WIDTH - left - right
    low = min([0.0, *[b.value for b in bars]])
    high = max([0.0, *[b.value for b in bars]])
    span = (high - low) or 1.0

    def x(v: float) -> float:
        return left + plot_w * (v - low) / span

    body = [f"<g {FONT}>"]
    for k, bar in enumerate(bars):
        y = top + k * row
        x0, x1 = sorted((x(0.0), x(bar.value)))
        colour = BAR if bar.value >= 0 else DOWN
        body.append(
            f'<text x="{left - 6}" y="{y + row * 0.65:.1f}" text-anchor="end">'
            f"{escape(bar.label)}</text>"
        )
        body.append(
            f'<rect class="bar" x="{x0:.1f}" y="{y + 4}" width="{max(x1 - x0, 1.0):.1f}" '
            f'height="{row - 8}" fill="{colour}"><title>{escape(bar.label)}: '
            f"{escape(bar.note)}</title></rect>"
        )
        body.append(
            f'<text x="{max(x1, x(0.0)) + 4:.1f}" y="{y + row * 0.65:.1f}">'
            f"{escape(bar.note)}{escape(unit)}</text>"
        )
    body.append(
        f'<line x1="{x(0.0):.1f}" x2="{x(0.0):.1f}" y1="{top}" y2="{height - top}" stroke="#555"/>'
    )
    body.append("</g>")
    return _svg(height, title, body)
