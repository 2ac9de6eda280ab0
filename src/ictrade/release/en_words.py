"""English words for figures, items, regions and months, used by the phrases (``en``) and
by the tables and headings (through ``lang.phrasebook``)."""

from __future__ import annotations

import calendar

import pycountry

from ..classify import regions, taxonomy
from ..months import Month
from ..numbers import format_pct, format_usd, round_half_up
from .facts_view import Figure
from .statement import direction

UP = ("moved up", "advanced", "rose", "increased", "grew")
DOWN = ("fell", "declined", "decreased", "contracted", "dropped")


def item_name(item: str) -> str:
    name = taxonomy().by_id[item].name_en
    return name[0].lower() + name[1:] if name[1:2].islower() else name


def region_name(region: str) -> str:
    return regions().by_id[region].name_en


def month_name(month: str | Month) -> str:
    m = month if isinstance(month, Month) else Month.parse(month)
    return f"{calendar.month_name[m.month]} {m.year}"


def join(words: list[str]) -> str:
    if len(words) <= 2:
        return " and ".join(words)
    return ", ".join(words[:-1]) + ", and " + words[-1]


def verb(yoy: Figure | None, position: int) -> str:
    move = direction(yoy)
    if move == "flat" or yoy is None:
        return "was flat"
    if move == "up":
        return "jumped" if round_half_up(yoy.value, 0.1) >= 30 else UP[position % len(UP)]
    return "plunged" if round_half_up(yoy.value, 0.1) <= -30 else DOWN[position % len(DOWN)]


def change(figures: dict[str, Figure], position: int = 0) -> str:
    """'moved up 16.1 percent to $8.7 billion' / 'was flat at $1.0 billion'."""
    yoy, value = figures.get("yoy"), figures["value"]
    if yoy is None:
        return f"amounted to {format_usd(value.value)}"
    if direction(yoy) == "flat":
        return f"was flat at {format_usd(value.value)}"
    return f"{verb(yoy, position)} {format_pct(yoy.value)} to {format_usd(value.value)}"


def brief(figures: dict[str, Figure]) -> str:
    """'up 7.3 percent to $5.2 billion' for parentheses."""
    yoy, value = figures.get("yoy"), figures["value"]
    move = direction(yoy)
    if yoy is None or move == "none":
        return format_usd(value.value)
    if move == "flat":
        return f"flat at {format_usd(value.value)}"
    return f"{move} {format_pct(yoy.value)} to {format_usd(value.value)}"


def country(reporter: str) -> str:
    """The reporter's name in a sentence: 'Korea', 'Germany'."""
    if reporter == "KR":
        return "Korea"
    found = pycountry.countries.get(alpha_2=reporter)
    if found is None:
        return reporter
    return str(getattr(found, "common_name", None) or found.name)


def tagged(name: str, figures: dict[str, Figure]) -> str:
    """'memory chips (up 7.3 percent to $5.2 billion)'; a name that ends in brackets takes the
    figures inside them: 'auxiliary memory devices (SSDs, up ...)', never '(SSDs) (up ...'."""
    inner = brief(figures)
    return f"{name[:-1]}, {inner})" if name.endswith(")") else f"{name} ({inner})"


def headline(figures: dict[str, Figure], reporter: str = "KR") -> str:
    yoy, value = figures.get("yoy"), figures["value"]
    usd = format_usd(value.value)
    who = country(reporter)
    if yoy is None or direction(yoy) == "flat":
        return f"{who}'s ICT exports at {usd}"
    word = "increase" if yoy.value > 0 else "decrease"
    return f"{who}'s ICT exports {word} {abs(round_half_up(yoy.value, 0.1)):.1f}% to {usd}"


def span_name(start: str, end: str) -> str:
    """'January to September 2025', 'November 2024 to February 2025', or 'January 2026' for a
    one-month span."""
    if start == end:
        return month_name(start)
    if start[:4] == end[:4]:
        return f"{month_name(start).split()[0]} to {month_name(end)}"
    return f"{month_name(start)} to {month_name(end)}"
