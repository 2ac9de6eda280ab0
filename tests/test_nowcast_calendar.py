"""The working-day calendar against the upstream business_days.json and the news sample."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from ictrade.errors import UsageError
from ictrade.months import Month
from ictrade.nowcast.calendar import (
    block_days,
    daily_average,
    day_weight,
    month_calendar,
    working_days,
)

DATA = Path(__file__).parent / "data"

# Days holidays.KR counts as public holidays and the upstream file counts as working days
# (docs/nowcast.md): temporary holidays, the 2025 snap presidential election, the 2026 local
# election, and Labour Day and Constitution Day, public holidays from 2026.
UPSTREAM_WORKS_ON = {
    dt.date(2023, 10, 2),
    dt.date(2024, 10, 1),
    dt.date(2025, 1, 27),
    dt.date(2025, 6, 3),
    dt.date(2026, 5, 1),
    dt.date(2026, 6, 3),
    dt.date(2026, 7, 17),
}


def test_weekdays_match_business_days_json_with_documented_exceptions() -> None:
    upstream = json.loads((DATA / "kcs_business_days.json").read_text())
    assert len(upstream) == 60
    for key, blocks in upstream.items():
        month = Month.parse(key)
        ours = month_calendar(month).weekdays
        for block, cut in zip((1, 2, 3), ("10", "20", "30"), strict=True):
            first, last = block_days(month, block)
            extra = sum(
                1
                for d in UPSTREAM_WORKS_ON
                if (d.year, d.month) == (month.year, month.month) and first <= d.day <= last
            )
            assert ours[block - 1] + extra == blocks[cut], (key, block)


# Working days quoted by the news in /work/shared/data/kcs_flash/kcs_flash_news_sample.csv
# (month, cut, days): Saturdays count half.
NEWS = [
    ("2022-06", 10, 6.5),
    ("2022-06", 20, 13.5),
    ("2021-06", 10, 8.5),
    ("2021-06", 20, 15.5),
    ("2022-09", 10, 6.5),
    ("2021-09", 10, 8.5),
    ("2024-02", 10, 6.5),
    ("2024-12", 20, 16.0),
    ("2023-12", 20, 15.5),
    ("2025-09", 20, 16.5),
    ("2024-09", 20, 13.0),
    ("2026-02", 10, 7.5),
    ("2025-02", 10, 7.0),
]


@pytest.mark.parametrize(("month", "cut", "days"), NEWS)
def test_working_days_match_news(month: str, cut: int, days: float) -> None:
    assert working_days(Month.parse(month), cut) == days


def test_day_weights() -> None:
    assert day_weight(dt.date(2024, 6, 3)) == 1.0  # Monday
    assert day_weight(dt.date(2024, 6, 1)) == 0.5  # Saturday
    assert day_weight(dt.date(2024, 6, 2)) == 0.0  # Sunday
    assert day_weight(dt.date(2022, 9, 9)) == 0.0  # Chuseok eve, a Friday
    assert day_weight(dt.date(2022, 9, 10)) == 0.0  # Chuseok on a Saturday
    assert day_weight(dt.date(2022, 9, 12)) == 0.0  # substitute holiday
    assert day_weight(dt.date(2024, 2, 12)) == 0.0  # Lunar New Year substitute
    assert day_weight(dt.date(2022, 3, 9)) == 0.0  # presidential election


def test_blocks_add_up_and_daily_average() -> None:
    month = Month(2024, 2)
    cal = month_calendar(month)
    assert block_days(month, 3) == (21, 29)
    assert cal.total == sum(cal.blocks) == working_days(month, 30)
    assert cal.elapsed(20) + cal.remaining(20) == cal.total
    assert daily_average(65.0, month, 10) == pytest.approx(65.0 / 6.5)
    with pytest.raises(UsageError, match="cut 15"):
        cal.elapsed(15)
