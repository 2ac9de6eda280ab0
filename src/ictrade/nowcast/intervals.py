"""80% intervals from the method's own out-of-sample errors on earlier months.

Rolling origin: month M is predicted by a method fitted on months before M, and the log errors
log(final / prediction) of those earlier out-of-sample predictions give the band for M
(split-conformal style, over the last ``WINDOW`` months). Months whose flash is still 0 at the
cut have their own pool. Until enough out-of-sample errors exist, the in-sample errors of the
training cases stand in.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np

from .features import Case

COVERAGE = 0.8
WINDOW = 24  # months of past errors a band is drawn from
MIN_ERRORS = 30  # fewer past errors than this: use in-sample errors
Band = tuple[float, float]
OPEN: Band = (-math.inf, math.inf)


@dataclass(frozen=True)
class Estimate:
    value: float
    lo: float
    hi: float


def band_of(errors: Sequence[float]) -> Band:
    """Quantiles of log errors holding the central COVERAGE share."""
    if len(errors) < 10:
        return OPEN
    tail = (1 - COVERAGE) / 2
    return float(np.quantile(errors, tail)), float(np.quantile(errors, 1 - tail))


def log_errors(cases: Iterable[Case], point: Callable[[Case], float]) -> list[float]:
    out = []
    for c in cases:
        if c.y is not None and c.y > 0:
            p = point(c)
            if p > 0:
                out.append(math.log(c.y / p))
    return out


def estimate(value: float, band: Band, floor: float) -> Estimate:
    """Point and band; the final cannot fall below what the flash already counted."""
    if value <= 0:
        return Estimate(0.0, 0.0, 0.0)
    lo = max(value * math.exp(band[0]), floor) if math.isfinite(band[0]) else floor
    hi = value * math.exp(band[1]) if math.isfinite(band[1]) else math.inf
    return Estimate(value, min(lo, value), hi)


@dataclass
class ErrorPool:
    """Out-of-sample log errors by month, kept apart for zero and non-zero flashes."""

    errors: dict[bool, list[tuple[int, float]]] = field(
        default_factory=lambda: {True: [], False: []}
    )

    def add(self, case: Case, value: float) -> None:
        if case.y is not None and case.y > 0 and value > 0:
            self.errors[case.x <= 0].append((case.month, math.log(case.y / value)))

    def band(self, month: int, zero: bool, fallback: Callable[[], list[float]]) -> Band:
        recent = [e for m, e in self.errors[zero] if month - WINDOW <= m < month]
        return band_of(recent if len(recent) >= MIN_ERRORS else fallback())
