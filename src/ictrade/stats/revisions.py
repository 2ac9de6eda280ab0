"""Which published aggregates of a month changed between two vintages."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass

from ..months import Month
from ..store.store import Store
from .cube import FLOWS, load_cube


@dataclass(frozen=True)
class AggregateChange:
    flow: str
    item: str
    region: str
    before: float
    after: float

    @property
    def change_pct(self) -> float | None:
        return (self.after / self.before - 1) * 100 if self.before else None

    def record(self) -> dict[str, object]:
        return {**asdict(self), "change_pct": self.change_pct}


def aggregate_changes(
    store: Store, month: Month, before: dt.date, after: dt.date
) -> list[AggregateChange]:
    """Every (flow, item, region) value of ``month`` that differs between the two vintages."""
    old, new = load_cube(store, before), load_cube(store, after)
    out = []
    for f, flow in enumerate(FLOWS):
        for i, item in enumerate(new.items):
            for r, region in enumerate(new.regions):
                a = float(old.value[f, i, r, old.t(month)]) if old.holds(month) else 0.0
                b = float(new.value[f, i, r, new.t(month)]) if new.holds(month) else 0.0
                if abs(a - b) >= 0.5:
                    out.append(AggregateChange(flow, item, region, a, b))
    return out
