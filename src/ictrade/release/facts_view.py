"""Read-only lookups into a facts document, used by every renderer."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from ..months import Month
from ..stats.facts_doc import Cell, Facts, Percent, Record, Streak, Turn, Ytd


@dataclass(frozen=True)
class Figure:
    """A number the text prints, with where it comes from in the facts document."""

    value: float
    kind: str  # 'usd', 'pct', 'count'
    path: str  # e.g. "cells[export/total/world].value_usd"


def number(entry: Mapping[str, object] | None, name: str) -> float | None:
    """The number ``entry[name]`` (a cell, a year-to-date entry...), None when absent: for
    readers that pick the field at run time."""
    value = None if entry is None else entry.get(name)
    return float(value) if isinstance(value, int | float) else None


class FactsView:
    def __init__(self, facts: Facts) -> None:
        self.facts = facts
        self.month = Month.parse(facts["month"])
        self._cells = {(c["flow"], c["item"], c["region"]): c for c in facts["cells"]}
        self._ytd = {(c["flow"], c["item"], c["region"]): c for c in facts["ytd"]}

    def cell(self, flow: str, item: str, region: str = "world") -> Cell | None:
        return self._cells.get((flow, item, region))

    def usd(self, flow: str, item: str, region: str = "world") -> Figure | None:
        cell = self.cell(flow, item, region)
        if cell is None:
            return None
        return Figure(cell["value_usd"], "usd", f"cells[{flow}/{item}/{region}].value_usd")

    def field(self, flow: str, item: str, region: str, name: Percent) -> Figure | None:
        cell = self.cell(flow, item, region)
        value = None if cell is None else cell[name]
        if value is None:
            return None
        return Figure(value, "pct", f"cells[{flow}/{item}/{region}].{name}")

    def yoy(self, flow: str, item: str, region: str = "world") -> Figure | None:
        return self.field(flow, item, region, "yoy_pct")

    def ytd(self, flow: str, item: str, region: str = "world") -> Ytd | None:
        return self._ytd.get((flow, item, region))

    def streaks(self, flow: str, item: str, region: str = "world") -> list[Streak]:
        return [
            s
            for s in self.facts["streaks"]
            if (s["flow"], s["item"], s["region"]) == (flow, item, region)
        ]

    def turn(self, flow: str, item: str, region: str = "world") -> Turn | None:
        return next(
            (
                t
                for t in self.facts["turns"]
                if (t["flow"], t["item"], t["region"]) == (flow, item, region)
            ),
            None,
        )

    def records(self, flow: str, item: str, region: str = "world") -> list[Record]:
        return [
            r
            for r in self.facts["records"]
            if (r["flow"], r["item"], r["region"]) == (flow, item, region)
        ]

    @property
    def first_month(self) -> Month:
        return Month.parse(self.facts["data"]["first_month"])
