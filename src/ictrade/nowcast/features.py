"""Cases to predict and their features, each built from strictly earlier months only.

A case is one series, month and cut (10 or 20). Its features read the month's own cumulative
value at the cut and, for everything else, the series' figures of *earlier* months: the final
figure ``y`` of the case's own month is carried for training and scoring and never feeds a
feature.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..months import Month
from ..sources.flash import CUTS
from .calendar import month_calendar
from .data import Panel, Series

LEVEL_MONTHS = 6  # finals averaged into the prior level
LEVEL_WINDOW = 12  # only finals this many months back count
PROFILE_MONTHS = 12  # genuine flash months used for the series' intra-month profile
PROFILE_SHRINK = 3.0  # pseudo-months pulling a series' profile toward the working-day share


@dataclass(frozen=True)
class Case:
    series: Series
    month: int  # Month.index
    cut: int
    x: float  # cumulative value at the cut
    y: float | None  # the month's final figure (never a feature)
    total_days: float
    elapsed_days: float
    level: float  # mean of recent earlier finals, nan if none
    profile: float  # log remaining-days factor of the series' recent months, shrunk
    volatility: float  # std of log recent finals, nan if fewer than 3
    last_year: float  # final / cumulative at this cut, same month a year earlier; nan if none
    zero_share: float  # share of recent earlier months with a 0 flash at this cut (nan if none)

    @property
    def wd_extrapolation(self) -> float:
        return self.x * self.total_days / self.elapsed_days

    @property
    def remaining_share(self) -> float:
        return 1.0 - self.elapsed_days / self.total_days


def _remaining_factors(months: dict[int, dict[int, float]]) -> dict[int, dict[int, float]]:
    """For each genuine flash month (cuts 10, 20 and 30), the share of the month after each cut
    relative to its working-day share."""
    out = {}
    for m, v in months.items():
        if all(c in v for c in CUTS) and v[30] > 0:
            cal = month_calendar(Month.from_index(m))
            out[m] = {
                cut: ((v[30] - v[cut]) / v[30]) / (cal.remaining(cut) / cal.total)
                for cut in (10, 20)
            }
    return out


def _profile(factors: dict[int, dict[int, float]], before: list[int], cut: int) -> float:
    """Log of the series' recent remaining-share factor, shrunk toward 1 (the working days)."""
    recent = [factors[m][cut] for m in before[-PROFILE_MONTHS * 3 :] if m in factors]
    recent = recent[-PROFILE_MONTHS:]
    n = len(recent)
    mean = sum(recent) / n if n else 1.0
    shrunk = (n * mean + PROFILE_SHRINK) / (n + PROFILE_SHRINK)
    return math.log(min(max(shrunk, 0.2), 5.0))


def _zero_share(months: dict[int, dict[int, float]], before: list[int], cut: int) -> float:
    """Some series are reported only at month end: their flash is 0 month after month."""
    seen = [months[m][cut] <= 0 for m in before[-PROFILE_MONTHS:] if cut in months[m]]
    return sum(seen) / len(seen) if seen else math.nan


def _level(finals: list[float]) -> tuple[float, float]:
    recent = finals[-LEVEL_MONTHS:]
    level = sum(recent) / len(recent) if recent else math.nan
    if len(recent) < 3:
        return level, math.nan
    logs = np.log(np.maximum(np.asarray(recent), 1e-9))
    return level, float(min(np.std(logs), 2.0))


def series_cases(series: Series, months: dict[int, dict[int, float]]) -> list[Case]:
    """Every 10- and 20-day case of one series."""
    cases = []
    ordered = sorted(months)
    factors = _remaining_factors(months)
    for i, m in enumerate(ordered):
        before = ordered[:i]
        finals = [months[k][30] for k in before if 30 in months[k] and k >= m - LEVEL_WINDOW]
        level, vol = _level(finals)
        cal = month_calendar(Month.from_index(m))
        year_ago = months.get(m - 12, {})
        for cut in (10, 20):
            if cut not in months[m]:
                continue
            ly = year_ago.get(30, 0.0) / year_ago[cut] if year_ago.get(cut, 0.0) > 0 else math.nan
            cases.append(
                Case(
                    series,
                    m,
                    cut,
                    months[m][cut],
                    months[m].get(30),
                    cal.total,
                    cal.elapsed(cut),
                    level,
                    _profile(factors, before, cut),
                    vol,
                    ly,
                    _zero_share(months, before, cut),
                )
            )
    return cases


def panel_cases(panel: Panel) -> list[Case]:
    return [c for s, months in sorted(panel.values.items()) for c in series_cases(s, months)]
