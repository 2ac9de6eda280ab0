"""Chart axes as a reader sees them: tick labels read back from the page must be round
(steps of 1, 2 or 5 times a power of ten), distinct, and just enclose the data."""

from __future__ import annotations

import math
import re


def tick_values(labels: list[str]) -> list[float]:
    """'1,500' -> 1500, '-10%' -> -10, '$20 bn' -> 20."""
    values = []
    for label in labels:
        number = re.sub(r"[^\d.\-]", "", label.replace("\u2212", "-"))
        assert re.fullmatch(r"-?\d+(\.\d+)?", number), f"not a number: {label!r}"
        values.append(float(number))
    return values


def assert_round_axis(labels: list[str], data: list[float], zero: bool = True) -> float:
    """The axis's tick labels fit ``data`` (in the labels' unit); the step between ticks."""
    assert len(labels) >= 3 and len(set(labels)) == len(labels), labels
    ticks = sorted(tick_values(labels))
    steps = [b - a for a, b in zip(ticks, ticks[1:], strict=False)]
    step = steps[0]
    assert all(math.isclose(s, step, rel_tol=1e-6) for s in steps), labels
    mantissa = step / 10 ** math.floor(math.log10(step))
    assert any(math.isclose(mantissa, m) for m in (1, 2, 5)), (labels, step)
    assert all(math.isclose(t / step, round(t / step), abs_tol=1e-6) for t in ticks), labels
    low, high = min([*data, 0.0] if zero else data), max([*data, 0.0] if zero else data)
    assert ticks[0] <= low + 1e-9 and ticks[-1] >= high - 1e-9, (labels, low, high)
    if high > low:  # no more than one step of room on either side
        assert ticks[0] + step > low and ticks[-1] - step < high, (labels, low, high)
    return step
