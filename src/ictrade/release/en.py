"""English phrasing of the statements (``compose``): the words only, never the choice. The
words for figures, items and months are en_words.py's; the phrasebook names below are the
ones the tables and headings use (``lang.phrasebook``)."""

from __future__ import annotations

import calendar

from ..months import Month
from ..numbers import count_word, format_pct, format_usd, ordinal, round_half_up
from .en_words import (
    change,
    country,
    headline,
    item_name,
    join,
    month_name,
    region_name,
    span_name,
    tagged,
)
from .statement import Phrase, Statement, direction, pair_moves

__all__ = ["PHRASES", "headline", "item_name", "month_name", "region_name", "span_name"]


def _lead(s: Statement, month: Month) -> str:
    value = format_usd(s.figures["value"].value).replace("$", "USD ")
    start = (
        f"{country(s.args.get('reporter', 'KR'))}'s {calendar.month_name[month.month]} "
        "exports of information and "
        f"communications technology (ICT) goods amounted to {value}"
    )
    yoy = s.figures.get("yoy")
    if yoy is None:
        return start + "."
    if direction(yoy) == "flat":
        return start + ", flat compared to the same month last year."
    word = "up" if yoy.value > 0 else "down"
    return f"{start}, {word} {format_pct(yoy.value)} compared to the same period last year."


def _streak(s: Statement, month: Month) -> str:
    a = s.args
    subject = "" if s.subject == "total" else f" for {item_name(s.subject)}"
    if a["region"] != "world":
        subject += f" in exports to {region_name(a['region'])}"
    since = f", since {month_name(a['since'])}"
    origin = ", as far back as the data go" if a.get("from_data_start") else ""
    if a["kind"] == "yoy_double_digit_growth":
        return (
            f"Growth{subject} has been in double digits for the {ordinal(a['months'])} "
            f"consecutive month{since}{origin}."
        )
    kind = "growth" if a["kind"] == "yoy_growth" else "decline"
    return (
        f"This is the {ordinal(a['months'])} consecutive month of year-on-year "
        f"{kind}{subject}{origin}."
    )


def _turn(s: Statement, month: Month) -> str:
    a = s.args
    who = "ICT exports" if s.subject == "total" else f"Exports of {item_name(s.subject)}"
    if a["region"] != "world":
        who += f" to {region_name(a['region'])}"
    months = count_word(a["months"])
    if a["kind"] == "growth_after_decline":
        return f"{who} turned to positive growth for the first time in {months} months."
    return f"{who} fell for the first time in {months} months."


def _record(s: Statement, month: Month) -> str:
    a = s.args
    begin = month_name(a["first_month"])
    # where earlier months hold other goods, comparable data begin later than the data
    since = ("comparable data begin" if a.get("comparable") else "the data begin") + f" in {begin}"
    if s.subject != "total" or a["region"] != "world":
        who = "ICT exports" if s.subject == "total" else f"Exports of {item_name(s.subject)}"
        if a["region"] != "world":
            who += f" to {region_name(a['region'])}"
        rank = {1: "a record high", 2: "the second-highest level", 3: "the third-highest level"}[
            a["rank"]
        ]
        if a["kind"] == "calendar_month_high":
            rank = f"a record for the month of {calendar.month_name[month.month]}"
        return f"{who} reached {rank} since {since}."
    if a["kind"] == "calendar_month_high":
        return (
            f"This is a new record for the month of {calendar.month_name[month.month]} "
            f"since {since}."
        )
    rank = {1: "highest", 2: "second-highest", 3: "third-highest"}[a["rank"]]
    return f"This is the {rank} monthly figure since {since}."


def _imports_balance(s: Statement, month: Month) -> str:
    balance = s.figures["balance"].value
    kind = "surplus" if balance >= 0 else "deficit"
    return (
        f"Imports of ICT products reached {format_usd(s.figures['imports'].value)}, "
        f"resulting in a trade {kind} of {format_usd(abs(balance))}."
    )


def _summary(s: Statement, month: Month) -> str:
    grew = s.args["direction"] == "up"
    others = s.args["except"]
    if s.kind == "items_summary":
        if not others:
            return (
                "Outbound shipments of all major items expanded."
                if grew
                else "Outbound shipments of all major items declined."
            )
        verb_ = "experienced growth" if grew else "declined"
        return (
            f"Exports of all major items {verb_} except for {join([item_name(i) for i in others])}."
        )
    verb_ = "increased" if grew else "decreased"
    if not others:
        return f"By region, ICT exports to all major regions {verb_}."
    names = join([region_name(r) for r in others])
    return f"By region, ICT exports to all major regions {verb_} except for those to {names}."


def _item(s: Statement, month: Month) -> str:
    name, pos = item_name(s.subject), s.args["position"]
    text = change(s.figures, pos)
    forms = (
        f"Shipments of {name} {text}.",
        f"Those of {name} {text}.",
        f"Exports of {name} {text}.",
        f"{name[0].upper() + name[1:]} shipped overseas {text}.",
    )
    return forms[pos % len(forms)]


def _pair(s: Statement, month: Month) -> str:
    (a, b), moves = s.args["children"], pair_moves(s)
    first, second = (tagged(item_name(c["item"]), c["figures"]) for c in (a, b))
    if moves == {"up"}:
        return f"Both {first} and {second} experienced growth."
    if moves == {"down"}:
        return f"Both {first} and {second} declined."
    a_name, b_name = item_name(a["item"]), item_name(b["item"])
    if moves == {"none"}:  # no prior year for either: levels only
        a_usd, b_usd = (format_usd(c["figures"]["value"].value) for c in (a, b))
        return (
            f"{a_name[0].upper() + a_name[1:]} accounted for {a_usd} of these "
            f"and {b_name} for {b_usd}."
        )
    if "none" in moves:  # one part without a prior year: each stated on its own
        return (
            f"{a_name[0].upper() + a_name[1:]} {change(a['figures'])}, "
            f"and {b_name} {change(b['figures'], 1)}."
        )
    if "flat" in moves:
        return f"{first[0].upper() + first[1:]} and {second} moved differently."
    grew, fell = (first, second) if direction(a["figures"].get("yoy")) == "up" else (second, first)
    return f"{grew[0].upper() + grew[1:]} grew, while {fell} declined."


def _driver(s: Statement, month: Month) -> str:
    text = tagged(item_name(s.subject), s.figures)
    if direction(s.figures.get("yoy")) == "up":
        return f"This was on account of {text}."
    return f"This was mainly due to {text}."


def _region(s: Statement, month: Month) -> str:
    name, pos = region_name(s.subject), s.args["position"]
    text = change(s.figures, pos)
    drivers = [item_name(i) for i in s.args["drivers"]]
    up = direction(s.figures.get("yoy")) == "up"
    why = ""
    if drivers:
        why = f" on the back of {join(drivers)}" if up else f", with declines in {join(drivers)}"
    if s.args["contrast"]:
        return f"On the other hand, ICT exports to {name} {text}{why}."
    return f"ICT exports to {name} {text}{why}."


def _threshold(s: Statement, month: Month) -> str:
    a = s.args
    who = "ICT exports" if s.subject == "total" else f"Exports of {item_name(s.subject)}"
    level = f"${a['threshold_usd'] / 1e9:g} billion"
    origin = ", as far back as the data go" if a.get("from_data_start") else ""
    return (
        f"{who} have stayed above {level} for the {ordinal(a['months'])} straight month, "
        f"since {month_name(a['since'])}{origin}."
    )


def _ytd(s: Statement, month: Month) -> str:
    a = s.args
    since = "In" if a["from"] == a["to"] else "From"
    text = f"{since} {span_name(a['from'], a['to'])}, ICT exports totaled " + format_usd(
        a["value_usd"]
    )
    if a.get("yoy_pct") is None:
        return text + "."
    move = "up" if a["yoy_pct"] > 0 else "down"
    if round_half_up(a["yoy_pct"], 0.1) == 0:
        return text + ", flat on a year earlier."
    return f"{text}, {move} {format_pct(a['yoy_pct'])} on a year earlier."


def _period_record(s: Statement, month: Month) -> str:
    a = s.args
    rank = {1: "the highest", 2: "the second-highest", 3: "the third-highest"}[a["rank"]]
    periods = count_word(a["periods_compared"] + 1)
    held = "of comparable data" if a.get("comparable") else "in the data"
    if a["scope"] == "ytd":
        span = f"{calendar.month_name[1]} to {calendar.month_name[month.month]}"
        return f"This is {rank} year-to-date total ({span}) of the {periods} years {held}."
    return f"This is {rank} half-year total of the {periods} half-years {held}."


def _estimated(s: Statement, month: Month) -> str:
    names = join([item_name(i) for i in s.args["items"]])
    return (
        f"The figures for {names} rest partly on estimated splits of customs codes reported "
        "too coarsely to tell the items apart."
    )


def _coverage(s: Statement, month: Month) -> str:
    """One sentence on what the data lack, so that the release's silence is not read as zero."""
    a, lacking, clauses = s.args, [], []
    if a.get("no_imports"):
        lacking.append("no ICT imports (so no trade balance)")
    if a.get("no_regions"):
        lacking.append("no partner countries (so no figures by region)")
    if lacking:
        clauses.append("these data hold " + " and ".join(lacking))
    if a.get("partial_imports"):
        clauses.append(
            "the import lines cover only some ICT goods (so no imports or trade balance are given)"
        )
    if a.get("partner_share") is not None:
        clauses.append(
            f"the figures by region cover only the {a['partner_share']:.1f} percent of "
            "exports whose lines name a partner country"
        )
    if a.get("major_items") is not None:
        covered = join([item_name(i) for i in a["major_items"]])
        clauses.append(
            f"of the major items the data cover only {covered}"
            if covered
            else "the data cover no major item"
        )
    if not clauses:
        return ""
    text = ", and ".join([", ".join(clauses[:-1]), clauses[-1]]) if clauses[1:] else clauses[0]
    return text[0].upper() + text[1:] + "."


# What says each kind of statement (statement.KINDS); tests check every kind has a phrase.
PHRASES: dict[str, Phrase] = {
    "lead": _lead,
    "streak": _streak,
    "turn": _turn,
    "record": _record,
    "coverage": _coverage,
    "estimated": _estimated,
    "imports_balance": _imports_balance,
    "items_summary": _summary,
    "regions_summary": _summary,
    "item": _item,
    "pair": _pair,
    "driver": _driver,
    "region": _region,
    "threshold": _threshold,
    "ytd": _ytd,
    "period_record": _period_record,
}
