"""The flash release: month-end estimates from customs flash figures, marked as estimates.

When the store holds no customs lines of a month but holds its 10- or 20-day flash figures
(``ictrade ingest FLASH.csv``), ``ictrade release`` writes this instead of the release: for each
watched series, the nowcast of the month (docs/nowcast.md) with its 80% band and the cumulative
figure it rests on. The flash facts document (``ictrade.flash/1``) holds every number the text
(``flash_text.py``) prints. The nowcast learns from the shipped flash history and the store's
flash figures of earlier months only: the month's own final figure, if anywhere, is never read.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from ..errors import NoDataError
from ..months import Month
from ..nowcast.data import FlashFigure, Series, build_panel, shipped_history
from ..nowcast.engine import nowcast_estimates
from ..nowcast.intervals import COVERAGE, Estimate
from ..stats.facts_doc import Band, FlashFacts, FlashSeries
from ..store.flash import FlashRow, flash_rows, lines_hold
from ..store.store import Store
from .flash_text import SCHEMA

METHOD = "model"
BASELINES = ("working_days", "last_year")
WORLD = "전세계"


def flash_month(store: Store, month: Month, as_of: dt.date | None = None) -> bool:
    """No customs lines of ``month`` (as of ``as_of``), but 10- or 20-day flash figures.

    A store holding flash figures of other months only: NoDataError naming those months."""
    if lines_hold(store, month, as_of):
        return False
    months = [r.figure.month for r in flash_rows(store, as_of=as_of) if r.figure.cut < 30]
    if month in months:
        return True
    if months and not lines_hold(store, None, as_of):
        span = f"{min(months)} to {max(months)}" if len(set(months)) > 1 else str(months[0])
        raise NoDataError(
            f"no data for {month}: no customs lines, and flash figures only for {span}; "
            "pick one of those months"
        )
    return False


def _latest_cuts(rows: list[FlashRow], month: Month) -> dict[Series, FlashRow]:
    """Each series' figure at its latest cut (10 or 20) of ``month``."""
    latest: dict[Series, FlashRow] = {}
    for r in rows:
        f = r.figure
        if f.month != month or f.cut == 30:
            continue
        if f.series not in latest or f.cut > latest[f.series].figure.cut:
            latest[f.series] = r
    return latest


def _history(rows: list[FlashRow], month: Month) -> list[FlashFigure]:
    """What the nowcast may read: earlier months (shipped, then stored: stored wins) and the
    month's own flash figures; never its final or any later month."""
    shipped = [f for f in shipped_history() if f.month < month]
    stored = [r.figure for r in rows if r.figure.month < month]
    own = [r.figure for r in rows if r.figure.month == month and r.figure.cut < 30]
    return [*shipped, *stored, *own]


def _band(e: Estimate) -> Band:
    def num(x: float) -> float | None:
        return float(x) if math.isfinite(x) else None

    return {"nowcast": num(e.value), "lo80": num(e.lo), "hi80": num(e.hi)}


def _series_facts(r: FlashRow, estimates: dict[str, dict[Any, Estimate]]) -> FlashSeries:
    f = r.figure
    key = (f.series, f.month.index, f.cut)
    return {
        "item_key": f.series[0],
        "partner_ko": f.series[1],
        "hs_code": r.hs_code,
        "flow": r.flow,
        "unit": f.unit,
        "cut_day": f.cut,
        "cum_value": f.value,
        **_band(estimates[METHOD][key]),
        "baselines": {name: _band(estimates[name][key]) for name in BASELINES},
        "source": r.source,
        "vintage": str(r.vintage),
    }


def flash_facts(store: Store, month: Month, *, as_of: dt.date | None = None) -> FlashFacts:
    """The flash facts document of ``month`` (schema ``ictrade.flash/1``)."""
    rows = flash_rows(store, before=month, as_of=as_of)
    latest = _latest_cuts(rows, month)
    if not latest:
        raise NoDataError(
            f"no data for {month}: neither customs lines nor 10- or 20-day flash figures"
        )
    history = _history(rows, month)
    wanted = [(s, month.index, r.figure.cut) for s, r in latest.items()]
    estimates = nowcast_estimates(build_panel(history), wanted, (METHOD, *BASELINES))
    order = sorted(latest, key=lambda s: (s[0], s[1] != WORLD, s[1]))
    earlier = [f.month for f in history if f.month < month]
    return {
        "schema": SCHEMA,
        "month": str(month),
        "estimate": True,
        "cut_day": max(r.figure.cut for r in latest.values()),
        "interval": COVERAGE,
        "data": {
            "store": store.name,
            "sources": sorted({r.source for r in latest.values()}),
            "vintage": str(max(r.vintage for r in latest.values())),
            "as_of": str(as_of) if as_of else None,
        },
        "model": {
            "method": METHOD,
            "baselines": list(BASELINES),
            "learned_from": {
                "first_month": str(min(earlier)) if earlier else None,
                "last_month": str(max(earlier)) if earlier else None,
                "sources": ["shipped kcs_flash_10day", "store flash table"],
            },
            "doc": "docs/nowcast.md",
        },
        "series": [_series_facts(latest[s], estimates) for s in order],
    }
