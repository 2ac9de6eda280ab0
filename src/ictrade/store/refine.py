"""Counting each value once when lines refine one another.

Sources often give a total and its detail side by side: an HS4 or HS6 line and the HSK10 lines
inside it, or a ``WORLD`` line and the partner lines of the same code. Summing them would count
the detail twice, so the coarser line keeps only the remainder:

Reporters are kept apart: one reporter's lines never refine another's.

1. within a partner (``WORLD`` included), a line loses the lines whose nearest coarser code
   present in the same month, flow and partner is its own;
2. a ``WORLD`` line then loses the partner lines of the same code (as reduced by step 1),
   finest codes first. Where partners are given at a coarser code than the world's detail (an
   HS4 line by country beside HS6 lines for the world), the world line cannot cover them: the
   shortfall is taken from its finer ``WORLD`` lines in proportion, which keeps every total
   right and assumes the partners' trade has the world's mix of codes.

Remainders below zero within one partner (sources that disagree) are set to zero and reported.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import pyarrow as pa

from .schema import LINE_SCHEMA

WORLD = "WORLD"


@dataclass(frozen=True)
class Refined:
    table: pa.Table  # LINE_SCHEMA, coarser lines reduced to their remainders, rows in order
    clamped: int  # remainders that were negative and set to zero
    clamped_usd: float  # how much was cut by clamping


def _nearest_parent(codes: dict[str, int], code: str) -> int | None:
    for length in range(len(code) - 1, 1, -1):
        if code[:length] in codes:
            return codes[code[:length]]
    return None


def _within_partner(
    rows: list[int], codes: list[str], values: list[float], remainder: list[float]
) -> None:
    index = {codes[r]: r for r in rows}
    for r in rows:
        parent = _nearest_parent(index, codes[r])
        if parent is not None:
            remainder[parent] -= values[r]


def _spread_shortfall(
    world: dict[str, int], code: str, shortfall: float, remainder: list[float]
) -> float:
    """Take ``shortfall`` from the WORLD lines under ``code`` in proportion; return what is
    left uncovered."""
    below = [r for c, r in world.items() if len(c) > len(code) and c.startswith(code)]
    available = sum(max(remainder[r], 0.0) for r in below)
    if available <= 0:
        return shortfall
    share = min(shortfall / available, 1.0)
    for r in below:
        remainder[r] -= max(remainder[r], 0.0) * share
    return max(shortfall - available, 0.0)


def refine_overlaps(table: pa.Table) -> Refined:
    """Reduce coarser lines to what their finer lines do not already count."""
    data = table.select(
        ["reporter", "month", "flow", "vintage", "partner", "hs_code", "value_usd"]
    ).to_pydict()
    codes, values = data["hs_code"], [float(v) for v in data["value_usd"]]
    remainder = list(values)
    groups: dict[tuple[object, ...], list[int]] = defaultdict(list)
    for r in range(len(codes)):
        head = (data["reporter"][r], data["month"][r], data["flow"][r], data["vintage"][r])
        groups[(*head, data["partner"][r])].append(r)
    for rows in groups.values():
        _within_partner(rows, codes, values, remainder)
    clamped = [r for r in range(len(codes)) if remainder[r] < 0]
    cut = -sum(remainder[r] for r in clamped)
    for r in clamped:
        remainder[r] = 0.0
    partners: dict[tuple[object, ...], float] = defaultdict(float)
    for key, rows in groups.items():
        if key[-1] != WORLD:
            for r in rows:
                partners[(*key[:-1], codes[r])] += remainder[r]
    for key, rows in groups.items():
        if key[-1] != WORLD:
            continue
        world = {codes[r]: r for r in rows}
        for code in sorted(world, key=len, reverse=True):
            r = world[code]
            remainder[r] -= partners.get((*key[:-1], code), 0.0)
            if remainder[r] < 0:
                cut += _spread_shortfall(world, code, -remainder[r], remainder)
                remainder[r] = 0.0
    column = table.schema.get_field_index("value_usd")
    out = table.set_column(column, "value_usd", pa.array(remainder, pa.float64()))
    return Refined(out.select(LINE_SCHEMA.names).cast(LINE_SCHEMA), len(clamped), cut)
