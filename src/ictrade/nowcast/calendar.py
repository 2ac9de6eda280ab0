"""Korean working days per 10-day block, the calendar of the customs flash figures.

Korea Customs Service publishes exports for days 1-10, 1-20 and the whole month and quotes
daily averages over "working days": a weekday counts 1, a Saturday 0.5, a Sunday or a public
holiday 0. Public holidays come from the ``holidays`` library (``holidays.KR``), which knows
Lunar New Year, Chuseok, substitute, temporary and election holidays; nothing is hand-typed.

Blocks: 1 = days 1-10, 2 = days 11-20, 3 = day 21 to the end of the month. A cut is the last
day of the flash period (10, 20, or 30 for the whole month).
"""

from __future__ import annotations

import calendar as _calendar
import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

import holidays

from ..errors import UsageError
from ..months import Month
from ..sources.flash import CUTS

SATURDAY_WEIGHT = 0.5


@lru_cache(maxsize=64)
def _korean_holidays(year: int) -> frozenset[dt.date]:
    return frozenset(holidays.country_holidays("KR", years=year))


def is_holiday(day: dt.date) -> bool:
    """True when ``day`` is a Korean public holiday (any kind the holidays library knows)."""
    return day in _korean_holidays(day.year)


def day_weight(day: dt.date, saturday: float = SATURDAY_WEIGHT) -> float:
    """Working-day weight of one day: 1 weekday, ``saturday`` Saturday, 0 Sunday or holiday."""
    if is_holiday(day) or day.weekday() == 6:
        return 0.0
    return saturday if day.weekday() == 5 else 1.0


def block_days(month: Month, block: int) -> tuple[int, int]:
    """First and last day of the month's block 1, 2 or 3."""
    if block not in (1, 2, 3):
        raise UsageError(f"block {block} is not a block; use 1 (days 1-10), 2 (11-20) or 3 (21-)")
    last = _calendar.monthrange(month.year, month.month)[1]
    return (1, 10) if block == 1 else (11, 20) if block == 2 else (21, last)


@dataclass(frozen=True)
class MonthCalendar:
    """Working days of one month by block, with and without Saturdays."""

    month: Month
    blocks: tuple[float, float, float]
    weekdays: tuple[int, int, int]

    @property
    def total(self) -> float:
        return sum(self.blocks)

    def elapsed(self, cut: int) -> float:
        """Working days from day 1 to the cut (10, 20 or 30 = month end)."""
        return sum(self.blocks[: _cut_blocks(cut)])

    def remaining(self, cut: int) -> float:
        return self.total - self.elapsed(cut)


def _cut_blocks(cut: int) -> int:
    if cut not in CUTS:
        raise UsageError(f"cut {cut} is not a flash cut; use 10, 20 or 30 (month end)")
    return CUTS.index(cut) + 1


@lru_cache(maxsize=512)
def month_calendar(month: Month) -> MonthCalendar:
    """Working days per block (half Saturdays) and whole weekdays per block of ``month``."""
    blocks: list[float] = []
    weekdays: list[int] = []
    for block in (1, 2, 3):
        first, last = block_days(month, block)
        days = [dt.date(month.year, month.month, d) for d in range(first, last + 1)]
        blocks.append(sum(day_weight(d) for d in days))
        weekdays.append(sum(1 for d in days if day_weight(d, saturday=0.0) == 1.0))
    return MonthCalendar(
        month, (blocks[0], blocks[1], blocks[2]), (weekdays[0], weekdays[1], weekdays[2])
    )


def working_days(month: Month, cut: int = 30) -> float:
    """Working days (Saturdays 0.5) from day 1 to the cut."""
    return month_calendar(month).elapsed(cut)


def daily_average(value: float, month: Month, cut: int = 30) -> float:
    """Value per working day from day 1 to the cut, the customs 'daily average exports'."""
    days = working_days(month, cut)
    if days <= 0:
        raise UsageError(f"{month} has no working day up to day {cut}; no daily average")
    return value / days
