"""The exceptions ictrade raises, one small hierarchy.

    IctradeError                  every error the library raises on purpose
     ├── UsageError               a bad argument: month, range, option combination
     ├── InputError               a bad input file or line (names file, line, field and the fix)
     ├── ReferenceDataError       a bad classification or reference table
     ├── StoreError               the store cannot be opened, or is read-only, or lacks data
     │    ├── NoDataError         no data for the month (or vintage) asked for
     │    └── StoreBusyError      another program holds the store file (try again shortly)
     └── SourceError              a remote source failed (quota, key, server)

Messages echo the bad value and say what is allowed or how to fix it. The CLI prints them
without a traceback and exits with status 2.
"""

from __future__ import annotations

import math
from collections.abc import Callable


class IctradeError(Exception):
    """Base of every deliberate ictrade error."""


class UsageError(IctradeError):
    """A bad argument: a malformed month, an unknown item, options that exclude each other."""


class InputError(IctradeError):
    """A bad input file. ``file``, ``line`` and ``field`` locate the problem when known."""

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        line: int | None = None,
        field: str | None = None,
    ) -> None:
        self.message, self.file, self.line, self.field = message, file, line, field
        where = ", ".join(
            part
            for part in (
                file,
                f"line {line}" if line is not None else None,
                f"field '{field}'" if field is not None else None,
            )
            if part
        )
        super().__init__(f"{where}: {message}" if where else message)


class ReferenceDataError(IctradeError):
    """A reference table (taxonomy, regions, classification rules) is inconsistent."""


class StoreError(IctradeError):
    """The store cannot do what was asked (missing, read-only, locked)."""


class NoDataError(StoreError):
    """The store holds no data for the month or vintage asked for."""


class StoreBusyError(StoreError):
    """Another program (an ingest, a server taking a snapshot) holds the store file's lock."""


class SourceError(IctradeError):
    """A remote source failed in a way retrying will not fix (quota, bad key)."""


# How many bad lines one error names: enough to fix a file in one go, short enough to read.
REPORTED_LINES = 20

# Where the records of a batch sit in their file: the line of the first record (rows follow
# one per line), a function from record index (0-based) to line, or None (rows are named).
LineOf = int | Callable[[int], int] | None


def also_bad(unit: str, others: list[tuple[int, str]], total: int) -> str:
    """The tail of a message naming the further bad lines (``others``: line and shown value)."""
    if not others:
        return ""
    named = ", ".join(f"{unit} {line} ({value})" for line, value in others)
    rest = f" ({total} bad {unit}s in all; the first {len(others) + 1} are named)"
    return f"; the same on {named}" + (rest if total > len(others) + 1 else "")


SHOWN_CHARACTERS = 60  # of a bad argument a message echoes


def quoted(text: str) -> str:
    """A bad argument as a message echoes it: in quotes, characters that do not print (controls,
    zero-width spaces, right-to-left marks that would turn the message around) escaped, and
    cut after SHOWN_CHARACTERS (a 100 KB value is not sent back whole)."""
    shown = "".join(c if c.isprintable() else ascii(c)[1:-1] for c in text[:SHOWN_CHARACTERS])
    if len(text) <= SHOWN_CHARACTERS:
        return f"'{shown}'"
    return f"'{shown}...' ({len(text):,} characters)"


def shown_value(value: object) -> str:
    """A bad value as a message shows it: NaN and infinities by name, nothing as empty."""
    if value is None or value == "":
        return "an empty value"
    if isinstance(value, float) and not math.isfinite(value):
        return "NaN (not a number)" if math.isnan(value) else f"{value} (infinite)"
    return repr(value)


def _place(first_line: LineOf, row: int) -> int | None:
    if first_line is None:
        return None
    return first_line + row if isinstance(first_line, int) else first_line(row)


def error_at_row(
    message: str,
    *,
    file: str,
    first_line: LineOf,
    row: int,
    field: str | None = None,
    more: list[tuple[int, str]] | None = None,
    total: int = 1,
) -> InputError:
    """An InputError for the ``row``-th record (0-based) of a file located by ``first_line``;
    a file without lines (Parquet) has the row number named instead. ``more`` are further bad
    records (row and shown value) of ``total``."""
    line = _place(first_line, row)
    unit = "row" if line is None else "line"
    others = [(_place(first_line, r) or r + 1, v) for r, v in more or []]
    message += also_bad(unit, others, total)
    if line is None:
        return InputError(message, file=f"{file} (row {row + 1})", field=field)
    return InputError(message, file=file, line=line, field=field)
