"""The flash release's text: every number comes from the flash facts (``flash.py``)."""

from __future__ import annotations

import datetime as dt
from typing import Final

from ..months import Month
from ..numbers import round_half_up
from ..stats.facts_doc import FlashFacts

SCHEMA: Final = "ictrade.flash/1"  # the flash facts document (flash.py builds it)
FACTS_FILE = "flash.json"  # where the flash facts go beside the text
UNITS_EN = {"천$": "USD thousand", "백만원": "KRW million"}


def number(value: float | None) -> str:
    """A value as the flash release prints it: whole units from 100 up, one decimal below;
    'open' for a band without an upper end."""
    if value is None:
        return "open"
    if abs(value) >= 100:
        return f"{round_half_up(value, 1.0):,.0f}"
    return f"{round_half_up(value, 0.1):,.1f}"


def _month_name(month: str) -> str:
    m = Month.parse(month)
    return dt.date(m.year, m.month, 1).strftime("%B %Y")


def flash_markdown(facts: FlashFacts) -> str:
    """The flash release in English; every number comes from ``facts``."""
    month = _month_name(facts["month"])
    pct = f"{round_half_up(facts['interval'] * 100, 1.0):.0f}%"
    learned = facts["model"]["learned_from"]
    head = [
        f"# Flash estimate of exports, {month}",
        f"**Estimate from customs flash figures for the first {facts['cut_day']} days; "
        "not a release of final data.**",
        f"The store holds no final customs figures for {month} yet. For each series below, the "
        "month-end value is a nowcast from the cumulative exports to the day shown, with its "
        f"{pct} band: the range the final figure is expected to fall in {pct} of the time. "
        "Values are in each series' own unit; series are named as in the flash source.",
    ]
    header = ["Series", "Partner", "Unit", "To day", "Cumulative", "Nowcast", f"{pct} band"]
    table = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for s in facts["series"]:
        cells = [
            s["item_key"],
            s["partner_ko"],
            UNITS_EN.get(s["unit"], s["unit"]),
            str(s["cut_day"]),
            number(s["cum_value"]),
            number(s["nowcast"]),
            f"{number(s['lo80'])} to {number(s['hi80'])}",
        ]
        table.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    first, last = learned["first_month"], learned["last_month"]
    span = (
        f"flash and final figures of {_month_name(first)} to {_month_name(last)}"
        if first and last
        else "no earlier figures"
    )
    about = (
        f"Method: the nowcast model of docs/nowcast.md, learned on {span} (the shipped history "
        "and the store's flash table), never on this month's final figure. The working-day and "
        f"last-year baselines are in {FACTS_FILE}."
    )
    return "\n\n".join([*head, "\n".join(table), about]) + "\n"
