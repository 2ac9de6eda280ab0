"""Items of counted lines, coarse codes apportioned among the items under them.

A line coarser than the rules, whose finer rules map to different items (HS6 847330: DRAM
modules beside computer parts), is not left in the item they share (often ``total``). Its
value (the remainder its finer lines of the store leave, ``refine``) is apportioned:

1. by the finer lines of the same store: in the same month, the remainder goes to what the
   rules under the code say for the part the finer lines do not cover, when that is one item
   (847330 less its DRAM-module line: computer parts); else, from the nearest months where the
   same flow and partner have the code and finer lines, each item's share of the code;
2. else by the shipped split table (``classify/splits``): dated shares of the code;
3. else as the rules say (the item the finer rules share).

Where shares are known and finer lines of the month are present, the finer lines measure their
items that month (852990's camera-module line is the month's phone-part share, however it
moves): the remainder goes to the other items of the shares, in their proportions; where the
finer lines hold every item of the shares, each item gets its expected value (share x the
reported value) less what its finer lines already hold. Values from shares are *estimated*,
and reported as such in every cell of the facts.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Iterable

import pyarrow as pa

from ..classify import NON_ICT, Decision, Scheme, scheme
from ..classify.splits import Splits, splits
from ..months import Month
from .refine import Part, refine_lines

Allocation = list[tuple[str, float, bool]]  # (item, share, estimated)
CUBE_COLUMNS = ("month", "flow", "item", "partner", "value_usd", "estimated_usd")


def _rest_item(decision: Decision, present: Iterable[str]) -> str | None:
    """The one item the rules under a code give for what its finer lines do not cover."""
    present = list(present)
    rules = [r for r in decision.finer if not any(r.prefix.startswith(p) for p in present)]
    items = {r.item for r in rules}
    if decision.covering is not None:
        items.add(decision.covering.item)
    return items.pop() if len(items) == 1 else None


def split_by_rules(decision: Decision) -> bool:
    """Whether the rules under the code send its parts to different items, some ICT (mixed
    codes included: an ICT line under a non-ICT heading)."""
    if not decision.finer:
        return False
    items = {r.item for r in decision.finer}
    if decision.covering is not None:
        items.add(decision.covering.item)
    return len(items) > 1 and bool(items - {NON_ICT})


class Apportioner:
    def __init__(self, parts: list[Part], rules: Scheme, table: Splits) -> None:
        self.rules, self.table = rules, table
        # (flow, partner, code) -> sorted months with finer lines, and their item shares
        self.history: dict[tuple[str, str, str], list[tuple[int, dict[str, float]]]] = defaultdict(
            list
        )
        seen = set()
        for p in parts:
            key = (p.flow, p.partner, p.code, p.month)
            if not p.finer or p.reported <= 0 or key in seen:
                continue
            seen.add(key)
            when = Month.from_date(p.month)
            month = when.index
            if not split_by_rules(self.rules.classify(p.code, when)):
                continue
            shares: dict[str, float] = defaultdict(float)
            for code, value in p.finer.items():
                shares[self.rules.classify(code, when).item] += value / p.reported
            rest = _rest_item(self.rules.classify(p.code, when), p.finer)
            covered = sum(shares.values())
            if covered < 1 and rest is not None:
                shares[rest] += 1 - covered
            if rest is None and covered < 1:
                continue  # the rest of the code is itself split: no shares for it
            self.history[(p.flow, p.partner, p.code)].append((month, dict(shares)))
        for entries in self.history.values():
            entries.sort(key=lambda e: e[0])

    def nearest(self, flow: str, partner: str, code: str, month: int) -> dict[str, float]:
        entries = self.history.get((flow, partner, code)) or self.history.get(
            (flow, "WORLD", code), []
        )
        if not entries:
            return {}
        at = bisect.bisect_left([m for m, _ in entries], month)
        candidates = entries[max(at - 1, 0) : at + 1]
        return min(candidates, key=lambda e: (abs(e[0] - month), e[0]))[1]

    def allocate(self, part: Part) -> Allocation:
        when = Month.from_date(part.month)
        month = when.index
        decision = self.rules.classify(part.code, when)
        if not split_by_rules(decision):
            return [(decision.item, 1.0, False)]
        if part.finer:
            rest = _rest_item(decision, part.finer)
            if rest is not None:
                return [(rest, 1.0, False)]
        shares = self.nearest(part.flow, part.partner, part.code, month) if not part.finer else {}
        shares = shares or self.table.at(part.code, month)
        if not shares:
            return [(decision.item, 1.0, False)]
        held: dict[str, float] = defaultdict(float)
        for code, value in part.finer.items():
            held[self.rules.classify(code, when).item] += value
        unheld = {i: s for i, s in shares.items() if held[i] <= 0}
        if held and unheld:  # the finer lines measure their items: the rest is the others'
            total = sum(unheld.values())
            return [(i, s / total, True) for i, s in unheld.items() if s > 0]
        expected = {i: max(s * part.reported - held[i], 0.0) for i, s in shares.items()}
        total = sum(expected.values())
        if total <= 0:
            return [(decision.item, 1.0, False)]
        return [(i, e / total, True) for i, e in expected.items() if e > 0]


def counted_cube(lines: pa.Table, scheme_name: str) -> pa.Table:
    """Month x flow x item x partner sums (CUBE_COLUMNS) of lines in force, each value
    counted once and coarse codes apportioned."""
    cols = lines.select(["month", "flow", "hs_code", "partner", "value_usd"]).to_pydict()
    refined = refine_lines(
        cols["month"], cols["flow"], cols["hs_code"], cols["partner"], cols["value_usd"]
    )
    apportioner = Apportioner(refined.parts, scheme(scheme_name), splits(scheme_name))
    sums: dict[tuple[object, ...], list[float]] = defaultdict(lambda: [0.0, 0.0])
    for part in refined.parts:
        if part.value == 0:
            continue
        for item, share, estimated in apportioner.allocate(part):
            if item == NON_ICT:
                continue
            cell = sums[(part.month, part.flow, item, part.partner)]
            value = part.value * share
            cell[0] += value
            # Partner lines split in the world's mix do not move value between items: only
            # item shares count as estimated (a region's attribution is noted by the facts'
            # partner share).
            cell[1] += value if estimated else 0.0
    keys = list(sums)
    data = {
        "month": pa.array([k[0] for k in keys], pa.date32()),
        "flow": pa.array([k[1] for k in keys], pa.string()),
        "item": pa.array([k[2] for k in keys], pa.string()),
        "partner": pa.array([k[3] for k in keys], pa.string()),
        "value_usd": pa.array([sums[k][0] for k in keys], pa.float64()),
        "estimated_usd": pa.array([sums[k][1] for k in keys], pa.float64()),
    }
    return pa.table(data)
