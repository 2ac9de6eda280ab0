"""Rounding and printing figures the way the release prints them.

Round only when printing, half away from zero on the magnitude (docs/facts.md, "Rounding"). A figure
printed at precision p matches a value v when v rounds to it at p.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

MILLION = 1e6


def round_half_up(value: float, step: float) -> float:
    """Round ``value`` to a multiple of ``step`` (e.g. 0.1, 100), half away from zero."""
    quantum = Decimal(repr(step))
    magnitude = (Decimal(repr(abs(value))) / quantum).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    rounded = float(magnitude * quantum)
    return -rounded if value < 0 else rounded


def matches(printed: float, value: float, step: float) -> bool:
    """True when ``value`` rounds to ``printed`` at precision ``step``."""
    return abs(round_half_up(value, step) - printed) < abs(step) * 1e-6


def usd_step_millions(value_usd: float) -> float:
    """The printing precision, in USD millions, of a dollar value: $X.X billion or $X million."""
    return 100.0 if abs(round_half_up(value_usd / MILLION, 1.0)) >= 1000 else 1.0


def format_usd(value_usd: float) -> str:
    """'$16.6 billion' from 1.0 billion up, else whole millions: '$328 million'."""
    millions = value_usd / MILLION
    if usd_step_millions(value_usd) == 100.0:
        return f"${round_half_up(millions / 1000, 0.1):.1f} billion"
    return f"${round_half_up(millions, 1.0):,.0f} million"


def format_pct(value: float) -> str:
    """'15.8 percent' from an unrounded percentage (sign dropped: the verb says the direction)."""
    return f"{abs(round_half_up(value, 0.1)):.1f} percent"


def is_flat(pct: float) -> bool:
    """A change that rounds to 0.0 percent is 'flat'."""
    return round_half_up(pct, 0.1) == 0.0


_ORDINAL_WORDS = {
    2: "two",
    3: "three",
    4: "four",
    5: "five",
    6: "six",
    7: "seven",
    8: "eight",
    9: "nine",
    10: "ten",
}


def ordinal(n: int) -> str:
    """1st, 2nd, 3rd, 4th, 11th, 12th, 13th, 21st..."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def count_word(n: int) -> str:
    """'four' for 4 (two to ten in words, as the releases write them), digits beyond."""
    return _ORDINAL_WORDS.get(n, str(n))
