"""The exceptions ictrade raises, one small hierarchy.

    IctradeError                  every error the library raises on purpose
     ├── UsageError               a bad argument: month, range, option combination
     ├── InputError               a bad input file or line (names file, line, field and the fix)
     ├── ReferenceDataError       a bad classification or reference table
     ├── StoreError               the store cannot be opened, or is read-only, or lacks data
     │    └── NoDataError         no data for the month (or vintage) asked for
     └── SourceError              a remote source failed (quota, key, server)

Messages echo the bad value and say what is allowed or how to fix it. The CLI prints them
without a traceback and exits with status 2.
"""

from __future__ import annotations


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
        self.file = file
        self.line = line
        self.field = field
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


class SourceError(IctradeError):
    """A remote source failed in a way retrying will not fix (quota, bad key)."""


def error_at_row(
    message: str, *, file: str, first_line: int | None, row: int, field: str | None = None
) -> InputError:
    """An InputError for the ``row``-th record (0-based) of a file whose first record sits on
    ``first_line`` (CSV), or that has no lines (Parquet: the row number is named instead)."""
    if first_line is None:
        return InputError(message, file=f"{file} (row {row + 1})", field=field)
    return InputError(message, file=file, line=first_line + row, field=field)
