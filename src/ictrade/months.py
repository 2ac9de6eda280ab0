"""Calendar months: parsing 'YYYY-MM', arithmetic and ranges 'FROM..TO'."""

from __future__ import annotations

import calendar
import datetime as dt
import numbers
import re
from collections.abc import Iterator
from dataclasses import dataclass

from .errors import UsageError, quoted

# ASCII digits only: int() would also read full-width and Arabic-Indic ones
_MONTH = re.compile(r"^([0-9]{4})-?([0-9]{2})\Z")
_DATE = re.compile(r"^([0-9]{4})(-?)([0-9]{2})\2([0-9]{2})\Z")
_TIMED = re.compile(r"^[0-9-]{8,10}(?:[T ][0-9]|[+-][0-9]{2}:?[0-9]{2}\Z|Z\Z)")


@dataclass(frozen=True, order=True)
class Month:
    """A calendar month; ordered, hashable, and printed as 'YYYY-MM'."""

    year: int
    month: int

    def __post_init__(self) -> None:
        if not isinstance(self.year, numbers.Integral) or not isinstance(
            self.month, numbers.Integral
        ):
            raise UsageError(
                f"Month takes a year and a month as numbers, not {self.year!r} and {self.month!r}"
                "; for text use Month.parse('2020-11')"
            )
        if not 1 <= self.month <= 12:
            raise UsageError(f"month {self.year}-{self.month:02d} is not a month; use YYYY-MM")

    @classmethod
    def parse(cls, text: str) -> Month:
        """Parse 'YYYY-MM' (or 'YYYYMM'); raise UsageError naming the bad text otherwise."""
        text = str(text)
        m = _MONTH.match(text.strip())
        if not m or not 1 <= int(m.group(2)) <= 12:
            raise UsageError(f"{quoted(text)} is not a month; use YYYY-MM, e.g. 2020-11")
        if not 1 <= int(m.group(1)) <= 9998:  # room for a month either side in dates
            raise UsageError(f"{quoted(text)} is not a month of a calendar year from 0001 to 9998")
        return cls(int(m.group(1)), int(m.group(2)))

    @classmethod
    def from_index(cls, index: int) -> Month:
        return cls(index // 12, index % 12 + 1)

    @classmethod
    def from_date(cls, day: dt.date) -> Month:
        return cls(day.year, day.month)

    @property
    def index(self) -> int:
        """Months since year 0: consecutive months differ by one."""
        return self.year * 12 + self.month - 1

    def __add__(self, months: int) -> Month:
        return Month.from_index(self.index + months)

    def __sub__(self, months: int) -> Month:
        return Month.from_index(self.index - months)

    def first_day(self) -> dt.date:
        return dt.date(self.year, self.month, 1)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"


# The bounds of an open span (a rule or code mapping valid "from always" or "until further
# notice"): months no data reaches.
OPEN_START, OPEN_END = Month(1900, 1), Month(2999, 12)


def month_range(first: Month, last: Month) -> Iterator[Month]:
    """Every month from first to last, both included."""
    for index in range(first.index, last.index + 1):
        yield Month.from_index(index)


def parse_months(text: str) -> list[Month]:
    """Parse 'YYYY-MM' or 'FROM..TO' into the list of months it names."""
    text = str(text)
    if ".." in text:
        start, _, end = text.partition("..")
        first, last = Month.parse(start), Month.parse(end)
        if last < first:
            raise UsageError(
                f"range '{text}' ends before it starts; write FROM..TO with FROM <= TO"
            )
        return list(month_range(first, last))
    return [Month.parse(text)]


def parse_date(text: str, what: str = "date") -> dt.date:
    """Parse a date 'YYYY-MM-DD' or 'YYYYMMDD' (a 'YYYY-MM' means the month's last day).

    Only these: ``date.fromisoformat`` would also take week dates ('2020-W46' is a Monday)
    and, depending on the Python version, other ISO forms, so one text could name a day
    here and be refused elsewhere."""
    text = str(text).strip()
    m = _DATE.match(text)
    if m and int(m.group(1)) >= 1:  # year 0 is no date
        try:
            return dt.date(int(m.group(1)), int(m.group(3)), int(m.group(4)))
        except ValueError:
            raise UsageError(
                f"{what} {quoted(text)} is not a day of the calendar; use YYYY-MM-DD, "
                "e.g. 2020-12-15"
            ) from None
    m = _MONTH.match(text)
    if m and 1 <= int(m.group(1)) <= 9999 and 1 <= int(m.group(2)) <= 12:
        month = Month(int(m.group(1)), int(m.group(2)))
        return dt.date(month.year, month.month, calendar.monthrange(month.year, month.month)[1])
    if _TIMED.search(text):
        shown = f"{what} {quoted(text)} has a time or time zone; give the day alone"
        raise UsageError(f"{shown}: YYYY-MM-DD, e.g. 2020-12-15")
    raise UsageError(f"{what} {quoted(text)} is not a date; use YYYY-MM-DD, e.g. 2020-12-15")
