"""Check every figure of a release or news text against the facts document.

A figure printed at precision p matches when the facts value rounds to it at p (docs/facts.md,
"Rounding"); a hedged figure ('around $9.4 billion', 'more than $1.2 billion', '약 150억 달러')
matches within 10 % on its side. Each claim ends in one of four statuses:
- matched;
- mismatched: the fact, unrounded, and how it prints at the claim's precision;
- cannot be checked: the claim is read, but the facts hold no such figure (another period, a
  figure that is not monthly ICT trade, a rank among partners), or the data hold no published
  figure for it (``imputed``: flows of months whose lines are imputed);
- unrecognised: a number verify cannot read, with why.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Set
from typing import Unpack

from ..months import Month
from ..numbers import matches, round_half_up
from ..stats.facts import FactsOptions, build_facts
from ..stats.facts_doc import Facts
from ..store.query import imputed_flows
from ..store.store import Store
from .claims import Claim, extract
from .facts_view import FactsView, number
from .verify_published import Published, against_published, published_figures
from .verify_report import (
    CANNOT,
    MATCHED,
    MISMATCHED,
    UNRECOGNISED,
    Outcome,
    Report,
    decimals,
)

__all__ = [
    "CANNOT", "MATCHED", "MISMATCHED", "UNRECOGNISED", "Outcome", "Report", "verify_in_store",
    "verify_text",
]  # fmt: skip
HEDGE = 0.1  # how far a hedged figure may be from the fact, on its side
FIELDS = {"value": "value_usd", "yoy": "yoy_pct", "flat": "yoy_pct",
          "contribution": "contribution_pp"}  # fmt: skip


def _number(claim: Claim, value: float) -> tuple[bool, str]:
    if claim.measure == "yoy" and not claim.args.get("signed", True):
        value = abs(value)
    scaled = value / claim.unit
    shown = (
        f"{round_half_up(scaled, claim.step):,.{decimals(claim.step)}f} (unrounded {scaled:,.4f})"
    )
    printed, step = claim.printed, claim.step
    if claim.hedge:  # on magnitudes: 'a decline of less than 10 percent' is -3.2
        size, said = abs(scaled), abs(printed)
        low, high = {
            "around": (said * (1 - HEDGE), said * (1 + HEDGE)),
            "below": (said * (1 - HEDGE), said + step / 2),
            "above": (said - step / 2, said * (1 + HEDGE)),
            "under": (0.0, said + step / 2),
        }[claim.hedge]
        return low <= size <= high, shown
    return matches(printed, scaled, step), shown


def _cell(view: FactsView, claim: Claim) -> tuple[float | None, str]:
    """The facts value a value/growth/share claim is held against, and where it is."""
    where = f"cells[{claim.subject}]"
    if claim.measure == "coverage":
        share = view.facts["data"].get("coverage", {}).get("partner_share_pct", {})
        got = share.get(claim.flow)
        return (
            None if got is None else float(got)
        ), f"data.coverage.partner_share_pct.{claim.flow}"
    field = FIELDS.get(claim.measure)
    if claim.measure == "share":
        field = "share_of_world_pct" if claim.region != "world" else "share_pct"
    if field is None:
        return None, where
    if claim.scope == "ytd":
        if claim.measure not in ("value", "yoy"):
            return None, where
        value = number(view.ytd(claim.flow, claim.item, claim.region), field)
        where = f"ytd[{claim.subject}].{field}"
    else:
        value = number(view.cell(claim.flow, claim.item, claim.region), field)
        where = f"{where}.{field}"
    return value, where


def _event(view: FactsView, claim: Claim) -> Outcome:
    c, a = claim, claim.args
    if c.measure == "streak":
        streaks = [
            s
            for s in view.streaks(c.flow, c.item, c.region)
            if s["kind"] == a.get("kind") and s.get("threshold_usd") == a.get("threshold_usd")
        ]
        runs = [s["months"] for s in streaks]
        found = f"{runs[0]} months" if runs else "no such streak this month"
        ok = a["months"] in runs
        fact = streaks[runs.index(a["months"])] if ok else (streaks[0] if streaks else None)
        return Outcome(c, MATCHED if ok else MISMATCHED, f"{found} ({a['months']} said)", fact)
    if c.measure == "turn":
        turn = view.turn(c.flow, c.item, c.region)
        if turn is None:
            return Outcome(c, MISMATCHED, "no turn this month")
        ok = turn["kind"] == a["kind"] and turn["previous_months"] + 1 == a["months"]
        said = f"{turn['kind']}, first in {turn['previous_months'] + 1} months"
        return Outcome(c, MATCHED if ok else MISMATCHED, said, turn)
    records = [
        r
        for r in view.records(c.flow, c.item, c.region)
        if r["scope"] == c.scope and r["kind"] == a["kind"]
    ]
    if not records:
        first = view.facts["data"].get("first_month", "the first month")
        return Outcome(c, CANNOT, f"the facts rank the top three since {first}: not this one")
    rank = records[0]["rank"]
    ok = rank == a["rank"]
    return Outcome(c, MATCHED if ok else MISMATCHED, f"{a['kind']} rank {rank}", records[0])


def _gap(claim: Claim, month: Month, imputed: Mapping[str, Set[str]]) -> str | None:
    """Why the data hold no published figure for the claim, if they do not."""
    flows = ("export", "import") if claim.flow == "balance" else (claim.flow,)
    months = [month] + ([month - 12] if claim.measure in ("yoy", "flat", "streak", "turn") else [])
    for m in months:
        for flow in flows:
            if flow in imputed.get(str(m), set()):
                return f"the data hold no published {flow} figures for {m} (imputed)"
    return None


def _imputed_history(
    claim: Claim, month: Month, first: Month, imputed: Mapping[str, Set[str]]
) -> str | None:
    """Why a streak, turn or record the facts disagree with still cannot be refuted: months it
    spans are imputed, so the data do not know their run or their rank."""
    flows = ("export", "import") if claim.flow == "balance" else (claim.flow,)
    if claim.measure == "record":
        step = 12 if claim.args.get("kind") == "calendar_month_high" else 1
        months = [month - k for k in range(0, month.index - first.index + 1, step)]
    else:
        span = claim.args.get("months", 1) + 12  # the run said, or a longer one found
        months = [month - k for k in range(span + 1)] + [month - k - 12 for k in range(span + 1)]
    bad = sorted({str(m) for m in months for f in flows if f in imputed.get(str(m), set())})
    if not bad:
        return None
    return f"{len(bad)} months it spans are imputed ({bad[0]} ...): the data cannot refute it"


def _not_checkable(claim: Claim, month: Month, imputed: Mapping[str, Set[str]]) -> str | None:
    if claim.flow == "other":
        return "not a monthly ICT trade figure (all industries, forecast, SMEs, a rate...)"
    if claim.measure == "rank":
        return "a rank among partners or items is not in the facts"
    if claim.measure == "times":
        return "how many times a level was reached is not in the facts"
    if claim.args.get("base") == "previous month":
        return "a change on the previous month is not in the facts"
    if claim.args.get("general"):
        return "a general statement (present tense: 'which account for ...'), not the month's"
    if claim.args.get("of") == "all industries":
        return "a share of all industries' trade is not in the facts"
    if claim.args.get("since") or "span_months" in claim.args:
        return (
            "a record over a span the text names ('since ...', 'in N months') is not in the facts"
        )
    if claim.args.get("qualified"):
        return "a turn into or out of a band ('double-digit', 'below 10%') is not in the facts"
    time_span = claim.scope != "month" and claim.measure in ("value", "yoy", "record")
    if claim.period != "month" and not (
        time_span and (claim.scope == "ytd" or claim.measure == "record")
    ):
        return f"about {claim.period.replace('_', ' ')}, not {month}"
    return _gap(claim, month, imputed)


def check_claim(view: FactsView, claim: Claim, imputed: Mapping[str, Set[str]]) -> Outcome:
    if claim.measure == "number":
        return Outcome(claim, UNRECOGNISED, claim.why or "a number verify cannot read")
    why = _not_checkable(claim, view.month, imputed)
    if why is not None:
        return Outcome(claim, CANNOT, why)
    if claim.measure in ("streak", "turn", "record"):
        outcome = _event(view, claim)
        why = None
        if outcome.status == MISMATCHED:
            why = _imputed_history(claim, view.month, view.first_month, imputed)
        return outcome if why is None else Outcome(claim, CANNOT, f"{outcome.store}; {why}")
    if claim.measure in ("threshold", "range"):
        value = number(view.cell(claim.flow, claim.item, claim.region), "value_usd")
        if value is None:
            return Outcome(claim, CANNOT, f"no value for {claim.subject} in the facts")
        level = claim.printed * claim.unit
        ok = (
            value > level
            if claim.measure == "threshold"
            else level <= value < level + claim.step * claim.unit
        )
        fact = {"path": f"cells[{claim.subject}].value_usd", "value": value}
        return Outcome(claim, MATCHED if ok else MISMATCHED, f"{value / claim.unit:,.2f}", fact)
    value, where = _cell(view, claim)
    if value is None:
        return Outcome(claim, CANNOT, f"no {claim.measure} for {claim.subject} in the facts")
    fact = {"path": where, "value": value}
    if claim.measure == "flat":
        flat = round_half_up(value, 0.1) == 0.0
        return Outcome(claim, MATCHED if flat else MISMATCHED, f"{value:+.2f}%", fact)
    ok, shown = _number(claim, value)
    return Outcome(claim, MATCHED if ok else MISMATCHED, shown, fact)


def verify_text(
    text: str,
    facts: Facts,
    imputed: Mapping[str, Set[str]] | None = None,
    published: Published | None = None,
) -> Report:
    """Read the figures of ``text`` and check each against ``facts``. ``imputed`` maps a month
    ('2020-11') to the flows whose lines the data impute in it: their figures cannot be checked.
    ``published``: the published figures of a shipped dataset's cells (``verify_published``)."""
    view = FactsView(facts)
    gaps = imputed or {}
    outcomes = [check_claim(view, c, gaps) for c in extract(text, view.month)]
    if published is not None:
        outcomes = [against_published(o, published, view.month, view.first_month)
                    for o in outcomes]  # fmt: skip
    return Report(outcomes)


def verify_in_store(
    store: Store, text: str, month: Month, **options: Unpack[FactsOptions]
) -> Report:
    """``verify_text`` against the facts of ``month`` in ``store`` (``build_facts``'s options:
    as of a vintage), figures on imputed lines left unchecked; against a shipped dataset,
    figures are also held against the published figures of their cells."""
    facts = build_facts(store, month, **options)
    requested = facts["data"].get("as_of_requested")
    vintage = dt.date.fromisoformat(requested) if requested else None
    first = Month.parse(facts["data"]["first_month"])
    months = [month - k for k in range(month.index - first.index + 1)]
    published = published_figures(store, vintage)
    return verify_text(text, facts, imputed_flows(store, months, vintage), published)
