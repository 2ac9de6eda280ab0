"""A claim: one figure a text prints, read as a statement about the facts."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

MEASURES = (
    "value", "yoy", "flat", "share", "contribution", "coverage", "streak", "turn", "record",
    "rank", "times", "threshold", "range", "number",
)  # fmt: skip


@dataclass
class Claim:
    """One figure the text prints, with its subject and how precisely it is printed."""

    text: str  # the figure as printed
    sentence: str
    measure: str  # one of MEASURES; 'number' is a number verify cannot read
    flow: str  # 'export', 'import', 'balance', or 'other' (not monthly ICT trade)
    item: str
    region: str
    printed: float = 0.0  # in ``unit`` (e.g. 16.6 with unit 1e9)
    unit: float = 1.0
    step: float = 1.0  # printing precision, in ``unit``
    period: str = "month"  # 'month' (the data month), 'ytd', 'YYYY-MM', 'YYYYH1', 'YYYY', ...
    args: dict[str, Any] = field(default_factory=dict)
    start: int = 0  # span in the whole text
    end: int = 0
    hedge: str = (
        ""  # 'around', 'below', 'above', 'under': 'around', 'nearly', 'more than', 'less than'
    )
    why: str = ""  # why a number is not read

    @property
    def subject(self) -> str:
        return f"{self.flow}/{self.item}/{self.region}"

    @property
    def scope(self) -> str:
        """The span of time the figure covers, as facts name it: month, ytd or half_year."""
        if self.period == "ytd":
            return "ytd"
        if len(self.period) == 6 and self.period[4] == "H":
            return "half_year"
        return "month"

    def reading(self) -> dict[str, Any]:
        """The reading as data: period, flow, item, region, measure, number and precision."""
        return {
            "period": self.period,
            "flow": self.flow,
            "item": self.item,
            "region": self.region,
            "measure": self.measure,
            "number": self.printed * self.unit if self.measure in ("value", "threshold", "range")
            else self.printed,
            "precision": self.step * self.unit if self.measure in ("value", "threshold", "range")
            else self.step,
            **({"hedge": self.hedge} if self.hedge else {}),
            **{k: v for k, v in self.args.items() if k != "signed"},
        }  # fmt: skip
