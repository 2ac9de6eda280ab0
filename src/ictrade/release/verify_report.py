"""What verify found, for people (an aligned table) and for programs (JSON, one object a claim)."""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .claims import Claim

MATCHED, MISMATCHED, UNRECOGNISED = "matched", "mismatched", "unrecognised"
CANNOT = "cannot be checked"
STATUSES = (MATCHED, MISMATCHED, CANNOT, UNRECOGNISED)
UNITS = {1e12: "조 USD", 1e9: " bn USD", 1e8: "억 USD", 1e6: " mn USD", 1e4: "만 USD", 1.0: ""}
PERIODS = {"ytd": " (year to date)", "prev_year_same_month": " (a year earlier)"}


def decimals(step: float) -> int:
    return max(0, -int(f"{step:e}".split("e")[1]))


def read_as(claim: Claim) -> str:
    """How the claim was understood: 'yoy -13.8', 'value 16.6 bn USD', 'streak 6 yoy_growth'."""
    a = claim.args
    if claim.measure in ("streak", "turn"):
        return f"{claim.measure} {a['months']} {a.get('kind', '')}".rstrip()
    if claim.measure == "record":
        span = f" over {a['span_months']} months" if "span_months" in a else ""
        return f"record {a.get('kind', 'high')} rank {a['rank']}{span}"
    if claim.measure in ("flat", "number", "rank"):
        return claim.measure
    if claim.measure == "times":
        return f"times {a['times']}"
    hedge = f"{claim.hedge} " if claim.hedge else ""
    if claim.measure == "yoy" and not a.get("signed", True):
        return f"yoy {hedge}±{abs(claim.printed):g}"
    sign = "+" if claim.measure in ("yoy", "contribution") else ""
    number = f"{claim.printed:{sign},.{decimals(claim.step)}f}"
    unit = UNITS.get(claim.unit, "")
    if a.get("currency") == "KRW":
        unit = unit.replace("USD", "KRW") if unit else " KRW"
    return f"{claim.measure} {hedge}{number}{unit}"


@dataclass(frozen=True)
class Outcome:
    claim: Claim
    status: str
    store: str  # what the facts say, printed like the claim; or why it is not checked or read
    fact: Mapping[str, object] | None = field(default=None)  # the fact the claim was held against

    def row(self) -> tuple[str, str, str, str, str]:
        c = self.claim
        period = c.period if c.period not in ("month", *PERIODS) else ""
        where = c.subject + PERIODS.get(c.period, f" ({period})" if period else "")
        if c.measure == "number":
            where = "-"
        return (self.status, c.text.strip(), read_as(c), where, self.store)

    def as_json(self) -> dict[str, Any]:
        c = self.claim
        return {
            "span": [c.start, c.end],
            "text": c.text,
            "status": self.status,
            "reading": None if c.measure == "number" else c.reading(),
            "fact": self.fact,
            "note": self.store,
        }


@dataclass(frozen=True)
class Report:
    outcomes: list[Outcome]

    def count(self, status: str) -> int:
        return sum(o.status == status for o in self.outcomes)

    @property
    def ok(self) -> bool:
        return self.count(MISMATCHED) == 0

    @property
    def checked(self) -> int:
        return self.count(MATCHED) + self.count(MISMATCHED)

    def table(self, *, skip_matched: bool = False) -> str:
        header = ("status", "claim", "read as", "subject", "facts")
        shown = [o for o in self.outcomes if not (skip_matched and o.status == MATCHED)]
        rows = [header, *[o.row() for o in shown]]
        sizes = [[text_width(r[k]) for k in range(4)] for r in rows]
        widths = [max(size[k] for size in sizes) for k in range(4)]
        lines = [
            "  ".join(r[k] + " " * (widths[k] - size[k]) for k in range(4)) + "  " + r[4]
            for r, size in zip(rows, sizes, strict=True)
        ]
        return "\n".join(lines)

    def summary(self) -> str:
        counts = ", ".join(
            f"{self.count(s)} {s}" for s in (MATCHED, MISMATCHED, UNRECOGNISED, CANNOT)
        )
        line = f"{len(self.outcomes)} claims: {counts}"
        if not self.outcomes:
            return "No figures found: nothing was checked."
        if self.checked == 0:
            return f"{line}\nNothing was checked: no figure could be held against the facts."
        return line

    def as_json(self) -> list[dict[str, Any]]:
        return [o.as_json() for o in self.outcomes]


def text_width(text: str) -> int:
    """Columns a terminal gives ``text``: Hangul and other wide characters take two."""
    if text.isascii():  # most cells: no character to look up
        return len(text)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
