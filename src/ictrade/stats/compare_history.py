"""Facts of a month over the months that compare with it (``stats.comparable``): records,
streaks and year-to-date sums leave out months made of other goods, and say where their
comparable history begins."""

from __future__ import annotations

import numpy as np

from ..months import Month
from .comparable import Comparability
from .cube import FLOWS
from .facts_doc import Record, Streak
from .facts_entries import FlatSeries


def mask_history(
    value: np.ndarray, keys: list[tuple[str, str, str]], comp: Comparability, t: int
) -> None:
    """Blank in ``value`` [series, t'] the months that do not compare with month ``t``."""
    by: dict[tuple[str, str], np.ndarray] = {}
    for n, (flow, _, region) in enumerate(keys):
        key = (flow, "world" if region == "world" else "regions")
        if key not in by:
            flows = [0, 1] if flow == "balance" else [FLOWS.index(flow)]
            by[key] = ~comp.with_month(flows, region, t)
            by[key][t] = False
        value[n, by[key]] = np.nan


def mark_history_start(
    facts_streaks: list[Streak],
    facts_records: list[Record],
    s: FlatSeries,
    months: list[Month],
    t: int,
) -> None:
    """Say where the comparable history of a streak or record begins: a streak that starts
    right after a month that does not compare runs "as far back as the data go"; a record
    compares from its series' first comparable month (``compared_from``), and one compared
    with no month is dropped."""
    labels = [str(m) for m in months]
    at = {label: k for k, label in enumerate(labels)}
    row = {key: n for n, key in enumerate(s.keys)}
    for streak in facts_streaks:
        n = row[(streak["flow"], streak["item"], streak["region"])]
        k = at[streak["since"]] - 1
        before = s.value if streak["kind"] == "above_threshold" else s.prior
        if k < 0 or not np.isfinite(before[n, k]):
            streak["from_data_start"] = True
    facts_records[:] = [r for r in facts_records if r["periods_compared"]]
    # each series' first month with a value among those a record compares with (the months
    # before t, or the same calendar month of earlier years), and the first of those months
    finite = np.isfinite(s.value[:, :t])
    starts: dict[int, tuple[int, np.ndarray, np.ndarray]] = {}
    for step in (1, 12):
        start = t % step
        compared = finite[:, start::step]
        if compared.shape[1]:
            starts[step] = (start, compared.any(axis=1), start + step * compared.argmax(axis=1))
    for record in facts_records:
        step = 12 if record["kind"].startswith("calendar_month") else 1
        if record["scope"] != "month" or step not in starts:
            continue
        n = row[(record["flow"], record["item"], record["region"])]
        start, held, first = starts[step]
        if held[n] and first[n] != start:  # earlier months left out: they hold other goods
            record["compared_from"] = labels[int(first[n])]
