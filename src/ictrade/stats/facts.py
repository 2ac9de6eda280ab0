"""The facts document (``ictrade.facts/1``, docs/facts.md) for one month: its header and
coverage here, its entries computed in facts_entries.py.

Every number a release prints comes from here. Values stay unrounded; rounding happens only
when text is printed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Final, TypedDict

import numpy as np

from ..classify import taxonomy
from ..errors import NoDataError
from ..months import Month
from ..store.coverage import check_month_held, check_published_by, published_after
from ..store.query import (
    data_span_hint,
    latest_vintage,
    publication_date,
    sources,
)
from ..store.schema import DEFAULT_REPORTER
from ..store.store import Store
from .compare_history import mask_history
from .cube import FLOWS, Cube, load_cube
from .facts_doc import Coverage, Facts
from .facts_entries import cells, streaks, turns, ytd
from .facts_records import records
from .facts_series import FlatSeries, labels
from .releasable import nearest_released, refused_months

SCHEMA: Final = "ictrade.facts/1"


def coverage(cube: Cube, t: int) -> Coverage:
    """What the month's data cover: flows, major items, and how much names a partner."""
    tax = taxonomy(cube.scheme)
    total, w = cube.items.index("total"), cube.regions.index("world")
    flows = [f for n, f in enumerate(FLOWS) if (cube.value[n, :, w, t] > 0).any()]
    items = [i for i in tax.majors() if cube.value[0, cube.items.index(i), w, t] > 0]
    shares = {}
    for n, flow in enumerate(FLOWS):
        world = cube.value[n, total, w, t]
        if world > 0 and cube.unattributed is not None:
            shares[flow] = float((1 - cube.unattributed[n, total, t] / world) * 100)
    partial = (
        len(flows) < len(FLOWS)
        or len(items) < len(tax.majors())
        or any(share < 99.95 for share in shares.values())
    )
    return {"flows": flows, "partial": partial, "major_items": items, "partner_share_pct": shares}


def resolve_as_of(
    store: Store, month: Month, as_of: dt.date | None, as_published: bool
) -> dt.date | None:
    """The vintage date a month's facts are built as of (None: the latest figures)."""
    if as_published:
        return publication_date(store, month)
    return as_of


def facts_from_cube(
    cube: Cube,
    month: Month,
    *,
    store_name: str,
    as_of: dt.date | None,
    data_sources: list[str],
    scheme_name: str = "kr-ict",
    reporter: str = DEFAULT_REPORTER,
) -> Facts:
    """The facts document of ``month`` from an already built cube."""
    if not cube.holds(month):
        raise NoDataError(
            f"no data for {month}: the store holds {cube.months[0]} to "
            f"{cube.months[-1]}; pick a month in that span"
        )
    t = cube.t(month)
    if cube.comparable is not None:
        cube.comparable.check(month, t, cube.months)
    s, months = FlatSeries(cube), labels(cube.months)
    gaps = cube.comparable is not None
    if cube.comparable is not None:  # records, streaks and sums over comparable months only
        s.value = s.value.copy()
        mask_history(s.value, s.shape, cube.regions, cube.comparable, t)
    covered = coverage(cube, t)
    if not np.any(s.value[:, t]):
        raise NoDataError(f"no data for {month} in the store; pick another month")
    facts: Facts = {
        "schema": SCHEMA,
        "scheme": scheme_name,
        "reporter": reporter,
        "month": str(month),
        "data": {
            "store": store_name,
            "sources": data_sources,
            "as_of": str(as_of) if as_of else None,
            "first_month": str(cube.months[0]),
            "coverage": covered,
        },
        "cells": cells(s, t, covered),
        "streaks": streaks(s, t, months, 12, gaps=gaps),
        "turns": turns(s, t),
        "records": records(s, t, months, gaps=gaps),
        "ytd": ytd(s, t, months, covered),
    }
    if cube.comparable is not None:
        same = np.nonzero(cube.comparable.with_month([0], "world", t))[0]
        covered["compared_from"] = str(cube.months[int(same[0])] if len(same) else month)
        partial = [f for n, f in enumerate(FLOWS) if cube.comparable.narrow[n, t]]
        if partial:
            covered["partial_flows"] = partial
            covered["partial"] = True
    return facts


class FactsOptions(TypedDict, total=False):
    """``build_facts``'s options, for functions that pass them on."""

    as_of: dt.date | None
    as_published: bool
    cube_loader: Callable[[Store, dt.date | None], Cube]


def build_facts(
    store: Store,
    month: Month,
    *,
    as_of: dt.date | None = None,
    as_published: bool = False,
    cube_loader: Callable[[Store, dt.date | None], Cube] = load_cube,
) -> Facts:
    """The facts document of ``month`` as of a vintage date (default: the latest figures).

    ``cube_loader`` lets a caller that keeps cubes (the web server) hand over its own.
    """
    vintage_date = resolve_as_of(store, month, as_of, as_published)
    check_published_by(store, vintage_date)
    try:
        check_month_held(store, month, vintage_date)
    except NoDataError as refused:  # say which months are released instead
        cube = cube_loader(store, vintage_date)
        hint = nearest_released(cube, refused_months(store, cube, vintage_date), month)
        raise NoDataError(f"{refused}{hint}") from None
    cube = cube_loader(store, vintage_date)
    if not cube.holds(month):
        raise NoDataError(
            published_after(store, month, vintage_date)
            or f"no data for {month}; {data_span_hint(store)}"
        )
    narrow = cube.comparable and cube.comparable.refusal(month, cube.t(month), cube.months)
    if narrow:
        hint = nearest_released(cube, refused_months(store, cube, vintage_date), month)
        raise NoDataError(f"{narrow}{hint}")
    facts = facts_from_cube(
        cube,
        month,
        store_name=store.name,
        as_of=vintage_date,
        data_sources=sources(store),
        scheme_name=store.scheme_name,
        reporter=store.reporter,
    )
    used = latest_vintage(store, vintage_date)
    facts["data"]["as_of"] = str(used) if used else None
    facts["data"]["as_of_requested"] = str(vintage_date) if vintage_date else None
    if store.description:
        facts["data"]["description"] = store.description
    if store.completeness:
        facts["data"]["coverage"]["complete_spans"] = store.completeness
    return facts
