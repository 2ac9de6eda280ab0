"""Which months of a store a release states, and why it refuses the others: one answer for
the refusals of ``ictrade release``, the API's meta and the dashboard's month picker.

A month is refused when the lines that make its figures look incomplete (store/coverage.py)
or when its export lines hold only part of the goods of other months (stats/comparable.py).
"""

from __future__ import annotations

import datetime as dt

from ..months import Month
from ..store.coverage import incomplete_months
from ..store.store import Store
from .cube import Cube


def refused_months(store: Store, cube: Cube, as_of: dt.date | None) -> dict[Month, str]:
    """The months of ``cube`` (the store's as of ``as_of``) a release refuses, with the
    reason it gives."""
    out: dict[Month, str] = {}
    for gap in incomplete_months(store, as_of=as_of):
        out.setdefault(gap.month, gap.refusal())
    if cube.comparable is not None:
        for t, month in enumerate(cube.months):
            reason = cube.comparable.refusal(month, t, cube.months)
            if reason is not None:
                out.setdefault(month, reason)
    return out


def nearest_released(cube: Cube, refused: dict[Month, str], month: Month) -> str:
    """The months nearest ``month`` that a release states, as a hint after a refusal ('' when
    there are none)."""
    held = [m for m in cube.months if m not in refused]
    before = [m for m in held if m < month][-1:]
    after = [m for m in held if m > month][:1]
    found = [str(m) for m in before + after]
    if not found:
        return ""
    return f" (the nearest months released: {' and '.join(found)})"
