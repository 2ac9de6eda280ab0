"""Counting each value once when lines refine one another.

Sources often give a total and its detail side by side: an HS4 or HS6 line and the HSK10 lines
inside it, or a ``WORLD`` line and the partner lines of the same code. The store keeps every
line as reported and counts each value once when it aggregates (any files, any order):

1. within a partner (``WORLD`` included), a line keeps the remainder its finer lines of the
   same month and flow leave (an HS6 line less the HSK10 lines under it);
2. partner lines are then taken out of the ``WORLD`` lines, so the world keeps only the value
   no partner line names:
   - a partner line at a code the world details more finely (an HS4 line by country beside
     HS6 lines for the world) is split over the world's finer lines in the world's mix (the
     world's remainders under it, less the codes the partner details itself), and each piece
     is taken from its world line. The pieces are *estimated*. Items never move: every world
     line keeps or hands on its own code, so world item totals are those of the finest world
     lines;
   - a partner line at a code finer than the world's (an HSK10 line by country beside HS6
     lines for the world) is taken from the nearest coarser world line.

Remainders below zero (sources that disagree) are set to zero and reported.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

WORLD = "WORLD"


@dataclass
class Part:
    """A counted piece of a line: the value it adds at its code, for its partner."""

    month: dt.date
    flow: str
    partner: str
    code: str
    value: float
    estimated: float  # how much of ``value`` comes from splitting by the world's mix
    # the line at ``code`` whose detail decides the items (its reported value, and its finer
    # lines of the same month, flow and partner: code -> reported value)
    reported: float
    finer: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class Refined:
    parts: list[Part]
    clamped: int  # remainders that were negative and set to zero
    clamped_usd: float  # how much was cut by clamping


@dataclass
class _Group:
    """The lines of one month, flow and partner."""

    values: dict[str, float] = field(default_factory=dict)
    remainder: dict[str, float] = field(default_factory=dict)
    children: dict[str, dict[str, float]] = field(default_factory=dict)
    codes: list[str] = field(default_factory=list)  # sorted

    def nest(self) -> None:
        self.codes = sorted(self.values)
        self.remainder = dict(self.values)
        for code, value in self.values.items():
            parent = self.ancestor(code)
            if parent is not None:
                self.remainder[parent] -= value
                self.children.setdefault(parent, {})[code] = value

    def ancestor(self, code: str) -> str | None:
        """The nearest coarser code of the group that starts ``code``."""
        for length in range(len(code) - 1, 1, -1):
            if code[:length] in self.values:
                return code[:length]
        return None

    def under(self, code: str) -> list[str]:
        """The group's codes that start with ``code`` (itself included)."""
        start = bisect.bisect_left(self.codes, code)
        end = bisect.bisect_left(self.codes, code + ":")  # ':' sorts after every digit
        return self.codes[start:end]


def refine_lines(
    months: list[dt.date],
    flows: list[str],
    codes: list[str],
    partners: list[str],
    values: list[float],
) -> Refined:
    """The counted parts of the lines (columns as lists, one vintage per line key)."""
    groups: dict[tuple[dt.date, str], dict[str, _Group]] = defaultdict(dict)
    for month, flow, code, partner, value in zip(
        months, flows, codes, partners, values, strict=True
    ):
        group = groups[(month, flow)].setdefault(partner, _Group())
        group.values[code] = group.values.get(code, 0.0) + float(value)
    parts: list[Part] = []
    clamped, cut = 0, 0.0
    for (month, flow), by_partner in groups.items():
        for group in by_partner.values():
            group.nest()
            for code, rest in group.remainder.items():
                if rest < 0:
                    clamped, cut = clamped + 1, cut - rest
                    group.remainder[code] = 0.0
        world = by_partner.get(WORLD)
        taken: dict[str, float] = defaultdict(float)
        for partner, group in by_partner.items():
            if partner == WORLD:
                continue
            for code in group.codes:
                part = Part(
                    month, flow, partner, code, group.remainder[code], 0.0,
                    group.values[code], group.children.get(code, {}),
                )  # fmt: skip
                if world is None or part.value == 0:
                    parts.append(part)
                    continue
                parts.extend(_take_from_world(part, group, world, taken))
        if world is not None:
            for code in world.codes:
                rest = world.remainder[code] - taken.get(code, 0.0)
                if rest < -1e-6 * max(world.values[code], 1.0):
                    clamped, cut = clamped + 1, cut - rest
                parts.append(
                    Part(
                        month,
                        flow,
                        WORLD,
                        code,
                        max(rest, 0.0),
                        0.0,
                        world.values[code],
                        world.children.get(code, {}),
                    )  # fmt: skip
                )
    return Refined(parts, clamped, cut)


def _take_from_world(
    part: Part, group: _Group, world: _Group, taken: dict[str, float]
) -> list[Part]:
    """Take a partner's part from the world's lines; split it in the world's mix where the
    world details its code more finely."""
    code = part.code
    under = world.under(code)
    if not under:
        ancestor = world.ancestor(code)
        if ancestor is not None:
            taken[ancestor] += part.value
        return [part]
    # World codes the partner details itself (its finer lines) are not in this remainder.
    own = [c for c in group.under(code) if c != code]
    weights = {
        w: max(world.remainder[w], 0.0) for w in under if not any(w.startswith(c) for c in own)
    }
    total = sum(weights.values())
    if total <= 0 or set(weights) == {code}:
        taken[code] += part.value
        return [part]
    pieces = []
    for w, weight in weights.items():
        if weight <= 0:
            continue
        value = part.value * weight / total
        taken[w] += value
        finer = world.children.get(w, {})
        pieces.append(
            Part(part.month, part.flow, part.partner, w, value, value, world.values[w], finer)
        )
    return pieces
