"""Check every figure of a release or news text against the facts document.

A figure printed at precision p matches when the facts value rounds to it at p (FACTS.md,
"Rounding"). Claims whose subject or measure the facts cannot answer are 'unrecognised'.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Any

from ..numbers import matches, round_half_up
from .claims import Claim, extract
from .facts_view import FactsView

MATCHED, MISMATCHED, UNRECOGNISED = "matched", "mismatched", "unrecognised"
UNITS = {1e9: " bn USD", 1e8: "억 USD", 1e6: " mn USD", 1e4: "만 USD", 1.0: ""}


def read_as(claim: Claim) -> str:
    """How the claim was understood: 'yoy -13.8', 'value 16.6 bn USD', 'streak 6 yoy_growth'."""
    a = claim.args
    if claim.measure in ("streak", "turn"):
        return f"{claim.measure} {a['months']} {a['kind']}"
    if claim.measure == "record":
        return f"record {a['kind']} rank {a['rank']}"
    if claim.measure in ("flat", "number", "threshold"):
        return claim.measure
    if claim.measure == "yoy" and not a.get("signed", True):
        return f"yoy ±{abs(claim.printed):g}"
    sign = "+" if claim.measure in ("yoy", "contribution") else ""
    number = f"{claim.printed:{sign},.{_decimals(claim.step)}f}"
    return f"{claim.measure} {number}{UNITS.get(claim.unit, '')}"


@dataclass(frozen=True)
class Outcome:
    claim: Claim
    status: str
    store: str  # what the facts say, printed like the claim; or why it is unrecognised

    def row(self) -> tuple[str, str, str, str, str]:
        c = self.claim
        where = c.subject + {"ytd": " (year to date)", "half_year": " (half year)"}.get(c.scope, "")
        if c.measure == "number":
            where = "-"
        return (self.status, c.text.strip(), read_as(c), where, self.store)


@dataclass(frozen=True)
class Report:
    outcomes: list[Outcome]

    def count(self, status: str) -> int:
        return sum(o.status == status for o in self.outcomes)

    @property
    def ok(self) -> bool:
        return self.count(MISMATCHED) == 0

    def table(self, *, skip_matched: bool = False) -> str:
        header = ("status", "claim", "read as", "subject", "facts")
        shown = [o for o in self.outcomes if not (skip_matched and o.status == MATCHED)]
        rows = [header, *[o.row() for o in shown]]
        widths = [max(_width(r[k]) for r in rows) for k in range(4)]
        lines = [
            "  ".join(r[k] + " " * (widths[k] - _width(r[k])) for k in range(4)) + "  " + r[4]
            for r in rows
        ]
        return "\n".join(lines)

    def summary(self) -> str:
        return (
            f"{len(self.outcomes)} claims: {self.count(MATCHED)} matched, "
            f"{self.count(MISMATCHED)} mismatched, {self.count(UNRECOGNISED)} unrecognised"
        )


def _width(text: str) -> int:
    """Columns a terminal gives ``text``: Hangul and other wide characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _decimals(step: float) -> int:
    return max(0, -int(f"{step:e}".split("e")[1]))


def _number(claim: Claim, value: float) -> tuple[bool, str]:
    if claim.measure == "yoy" and not claim.args.get("signed", True):
        value_for_match = abs(value)
    else:
        value_for_match = value
    scaled = value_for_match / claim.unit
    shown = (
        f"{round_half_up(scaled, claim.step):,.{_decimals(claim.step)}f} (unrounded {scaled:,.4f})"
    )
    return matches(claim.printed, scaled, claim.step), shown


def _cell_value(view: FactsView, claim: Claim) -> float | None:
    field = {
        "value": "value_usd",
        "yoy": "yoy_pct",
        "flat": "yoy_pct",
        "contribution": "contribution_pp",
    }.get(claim.measure)
    if claim.measure == "coverage":
        share = view.facts["data"].get("coverage", {}).get("partner_share_pct", {})
        return None if claim.flow not in share else float(share[claim.flow])
    if claim.measure == "share":
        field = "share_of_world_pct" if claim.region != "world" else "share_pct"
    if field is None:
        return None
    if claim.scope == "ytd":
        ytd = view.ytd(claim.flow, claim.item, claim.region) or {}
        if claim.measure not in ("value", "yoy"):
            return None
        value = ytd.get("value_usd" if claim.measure == "value" else "yoy_pct")
    else:
        value = (view.cell(claim.flow, claim.item, claim.region) or {}).get(field)
    return None if value is None else float(value)


def _event(view: FactsView, claim: Claim) -> Outcome:
    c, a = claim, claim.args
    if c.measure == "streak":
        runs = [
            s["months"]
            for s in view.streaks(c.flow, c.item, c.region)
            if s["kind"] == a["kind"] and s.get("threshold_usd") == a.get("threshold_usd")
        ]
        said = f"{a['months']} months of {a['kind']}"
        found = f"{runs[0]} months" if runs else "no such streak"
        return Outcome(c, MATCHED if runs == [a["months"]] else MISMATCHED, found + f" ({said})")
    if c.measure == "turn":
        turn = view.turn(c.flow, c.item, c.region)
        if turn is None:
            return Outcome(c, MISMATCHED, "no turn this month")
        ok = turn["kind"] == a["kind"] and turn["previous_months"] + 1 == a["months"]
        return Outcome(
            c,
            MATCHED if ok else MISMATCHED,
            f"{turn['kind']}, first in {turn['previous_months'] + 1} months",
        )
    records = [
        r
        for r in view.records(c.flow, c.item, c.region)
        if r["scope"] == c.scope and r["kind"] == a["kind"]
    ]
    if not records:
        return Outcome(c, MISMATCHED, f"no {a['kind']} this month")
    rank = records[0]["rank"]
    return Outcome(c, MATCHED if rank == a["rank"] else MISMATCHED, f"{a['kind']} rank {rank}")


def check_claim(view: FactsView, claim: Claim) -> Outcome:
    if claim.measure in ("streak", "turn", "record"):
        return _event(view, claim)
    if claim.measure == "threshold":
        value = (view.cell(claim.flow, claim.item, claim.region) or {}).get("value_usd")
        if value is None:
            return Outcome(claim, UNRECOGNISED, f"no value for {claim.subject} in the facts")
        above = value > claim.printed * claim.unit
        return Outcome(claim, MATCHED if above else MISMATCHED, f"{value / claim.unit:,.2f}")
    if claim.measure == "number":
        return Outcome(claim, UNRECOGNISED, "a number without a unit verify reads")
    value = _cell_value(view, claim)
    if value is None:
        return Outcome(claim, UNRECOGNISED, f"no {claim.measure} for {claim.subject} in the facts")
    if claim.measure == "flat":
        flat = round_half_up(value, 0.1) == 0.0
        return Outcome(claim, MATCHED if flat else MISMATCHED, f"{value:+.2f}%")
    ok, shown = _number(claim, value)
    return Outcome(claim, MATCHED if ok else MISMATCHED, shown)


def verify_text(text: str, facts: dict[str, Any]) -> Report:
    """Extract the figures of ``text`` and check each against ``facts``."""
    view = FactsView(facts)
    return Report([check_claim(view, c) for c in extract(text, view.month)])
