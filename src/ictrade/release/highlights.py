"""The long version's extra statements (``compose`` chooses, the language modules phrase)."""

from __future__ import annotations

from ..classify import regions, taxonomy
from ..stats.facts_doc import Facts
from .compose import record_statements, trend_statements
from .facts_view import FactsView, Figure
from .statement import Paragraph, Statement


def threshold_statement(view: FactsView, item: str, region: str = "world") -> Statement | None:
    """'above $10 billion for the 11th straight month': the highest threshold with a run."""
    runs = [
        s
        for s in view.streaks("export", item, region)
        if s["kind"] == "above_threshold" and s["months"] >= 2
    ]
    if not runs:
        return None
    best = max(runs, key=lambda s: s["threshold_usd"])
    return Statement("threshold", item, args={**best})


def highlights(facts: Facts) -> Paragraph:
    """The long version's extra statements: streaks, thresholds, records, year to date."""
    view = FactsView(facts)
    out: Paragraph = []
    for item in ["total", *taxonomy().majors()]:
        if item != "total":
            out += trend_statements(view, "export", item, "world", long_streaks_only=True)
        found = threshold_statement(view, item)
        if found and found.args["threshold_usd"] >= 5e9:
            out.append(found)
        if item != "total":
            out += record_statements(view, "export", item, "world")
    for region in regions().majors():
        out += trend_statements(view, "export", "total", region, long_streaks_only=True)
        out += record_statements(view, "export", "total", region)
    ytd = view.ytd("export", "total")
    if ytd is not None and ytd["from"] != ytd["to"]:  # a one-month total repeats the lead
        out.append(
            Statement(
                "ytd",
                "total",
                {"value": Figure(ytd["value_usd"], "usd", "ytd[export/total/world]")},
                args={**ytd},
            )
        )
        for record in view.records("export", "total", "world"):
            # a record among two periods is just a rise on the year: not worth a sentence
            if (
                record["scope"] in ("ytd", "half_year")
                and record["kind"] == "all_time_high"
                and record["periods_compared"] >= 2
            ):
                compared = view.facts["data"]["coverage"].get("compared_from")
                comparable = compared not in (None, view.facts["data"]["first_month"])
                out.append(
                    Statement("period_record", "total", args={**record, "comparable": comparable})
                )
    return out
