"""Partners (ISO 3166-1 alpha-2) to the regions of regions.csv, by date (region_members.csv).

``world`` holds every partner, and ``WORLD`` lines (sources that give only totals) count toward
``world`` alone. Other regions list their members with optional ``valid_from``/``valid_to``
months (inclusive), so the EU loses the UK from 2020-02.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import pycountry

from ..errors import ReferenceDataError
from ..months import Month
from .taxonomy import read_package_csv, regions
from .validity import FIRST, LAST, Valid

WORLD = "WORLD"
# Codes customs data use beyond the current ISO list: Kosovo and dissolved states.
_EXTRA_CODES = {"XK", "AN", "YU", "CS", "SU", "DD", "TP", "ZR", "BU"}


@functools.cache
def partner_codes() -> frozenset[str]:
    """Every partner code a line may carry."""
    codes = {c.alpha_2 for c in pycountry.countries}
    return frozenset(codes | _EXTRA_CODES | {WORLD})


@dataclass(frozen=True)
class Span(Valid):
    region: str
    iso2: str


class Membership:
    """Which partners belong to which region in a given month."""

    def __init__(self, spans: list[Span]) -> None:
        self.spans = spans

    def members(self, region: str, month: Month) -> set[str]:
        """Partners of ``region`` in ``month``; for ``world``, every partner including WORLD."""
        if region == "world":
            return set(partner_codes())
        m = month.index
        return {s.iso2 for s in self.spans if s.region == region and s.valid_at(m)}

    def regions_of(self, iso2: str, month: Month) -> list[str]:
        """The regions a partner counts toward in ``month`` (always including ``world``)."""
        m = month.index
        found = ["world"] + [s.region for s in self.spans if s.iso2 == iso2 and s.valid_at(m)]
        return found if iso2 != WORLD else ["world"]


@functools.cache
def membership() -> Membership:
    known = set(regions().ids)
    spans = []
    for n, row in enumerate(read_package_csv("region_members.csv"), start=2):
        if row["region"] not in known:
            raise ReferenceDataError(
                f"region_members.csv line {n}: unknown region '{row['region']}'"
            )
        start = Month.parse(row["valid_from"]).index if row["valid_from"] else FIRST
        end = Month.parse(row["valid_to"]).index if row["valid_to"] else LAST
        spans.append(Span(row["region"], row["iso2"], valid_from=start, valid_to=end))
    return Membership(spans)
