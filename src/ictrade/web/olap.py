"""OLAP-style queries over the cube: drilldowns, cuts, a time range and measures.

Answered from the numpy cube (never from SQL built out of a request). Dimensions: ``month``,
``flow`` (export, import, balance), ``item`` and ``region``. Items nest and regions overlap, so
a dimension that is not drilled down must come down to one member (defaults: flow export, item
total, region world); months that are not drilled down are added up over the chosen span
(default: the latest month), with growth computed from the sums.
"""

from __future__ import annotations

import csv
import io
import itertools
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..classify import regions, taxonomy
from ..errors import quoted
from ..months import Month, month_range
from ..stats.cube import FLOWS, Cube
from ..stats.history import yoy_pct
from ..stats.series import SERIES_FLOWS
from . import params
from .params import ApiError

DIMENSIONS = ("month", "flow", "item", "region")
CUBE_MEASURES = ("value", "prev_year_value", "yoy", "share")
DEFAULT_MEMBER = {"flow": "export", "item": "total", "region": "world"}
MAX_ROWS = 50_000


@dataclass(frozen=True)
class CubeQuery:
    drilldowns: tuple[str, ...]
    cuts: dict[str, tuple[str, ...]]  # flow/item/region -> members
    months: tuple[Month, ...]  # the months selected (consecutive or listed)
    measures: tuple[str, ...]

    def key(self) -> tuple[object, ...]:
        return (self.drilldowns, tuple(sorted(self.cuts.items())), self.months, self.measures)


def check_shape(query: CubeQuery) -> None:
    """A dimension that is not drilled down must come down to one member."""
    for dim, chosen in query.cuts.items():
        if dim not in query.drilldowns and len(chosen) > 1:
            raise ApiError(
                400,
                f"{dim} is cut to {len(chosen)} members ({', '.join(chosen)}) but not drilled "
                f"down; add {dim} to drilldowns or cut it to one member",
            )


def _with_balance(array: np.ndarray) -> np.ndarray:
    return np.concatenate([array, (array[0] - array[1])[None]], axis=0)


def _selected(cube: Cube, query: CubeQuery, dim: str) -> list[str]:
    if dim in query.cuts:
        return list(query.cuts[dim])
    return list(_all(cube, dim)) if dim in query.drilldowns else [DEFAULT_MEMBER[dim]]


def _all(cube: Cube, dim: str) -> tuple[str, ...]:
    return {"flow": SERIES_FLOWS, "item": tuple(cube.items), "region": tuple(cube.regions)}[dim]


def run(cube: Cube, query: CubeQuery) -> dict[str, Any]:
    """Rows of drilled-down members with the measures asked for, and the query as understood."""
    check_shape(query)
    flows = _selected(cube, query, "flow")
    items = _selected(cube, query, "item")
    regs = _selected(cube, query, "region")
    t = [cube.t(m) for m in query.months]
    n_rows = len(t) if "month" in query.drilldowns else 1
    for dim, chosen in (("flow", flows), ("item", items), ("region", regs)):
        n_rows *= len(chosen) if dim in query.drilldowns else 1
    if n_rows > MAX_ROWS:
        raise ApiError(400, f"the query asks for {n_rows} rows, more than {MAX_ROWS}; cut it down")
    index = np.ix_(
        [SERIES_FLOWS.index(f) for f in flows],
        [cube.items.index(i) for i in items],
        [cube.regions.index(r) for r in regs],
        t,
    )
    value, prior = _with_balance(cube.value)[index], _with_balance(cube.prior)[index]
    total = _with_balance(cube.value)[
        np.ix_(
            [SERIES_FLOWS.index(f) for f in flows],
            [cube.items.index("total")],
            [cube.regions.index(r) for r in regs],
            t,
        )
    ]
    if "month" not in query.drilldowns:  # add the months up; growth from the sums
        value, prior, total = (a.sum(axis=3, keepdims=True) for a in (value, prior, total))
    measures = _measures(value, prior, total, flows)
    return _rows(query, measures, flows, items, regs)


def _measures(
    value: np.ndarray, prior: np.ndarray, total: np.ndarray, flows: list[str]
) -> dict[str, np.ndarray]:
    trade = np.array([f in FLOWS for f in flows])[:, None, None, None]
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(trade & (total > 0), value / total * 100, np.nan)
    return {
        "value": value,
        "prev_year_value": prior,
        "yoy": yoy_pct(value, prior),
        "share": np.broadcast_to(share, value.shape),
    }


def _number(x: float) -> float | None:
    return None if np.isnan(x) else float(x)


def _rows(
    query: CubeQuery,
    measures: dict[str, np.ndarray],
    flows: list[str],
    items: list[str],
    regs: list[str],
) -> dict[str, Any]:
    months = [str(m) for m in query.months] if "month" in query.drilldowns else ["*"]
    axes = {"flow": flows, "item": items, "region": regs, "month": months}
    order = ("flow", "item", "region", "month")
    names = {
        "value": "value_usd",
        "prev_year_value": "prev_year_value_usd",
        "yoy": "yoy_pct",
        "share": "share_pct",
    }
    rows = []
    for position in itertools.product(*(range(len(axes[d])) for d in order)):
        row: dict[str, Any] = {
            dim: axes[dim][position[order.index(dim)]] for dim in query.drilldowns
        }
        for m in query.measures:
            row[names[m]] = _number(measures[m][position])
        rows.append(row)
    rows.sort(key=lambda r: [_sort_key(d, r[d], axes) for d in query.drilldowns])
    return {
        "drilldowns": list(query.drilldowns),
        "cuts": {
            "flow": flows if "flow" in query.drilldowns else flows[0],
            "item": items if "item" in query.drilldowns else items[0],
            "region": regs if "region" in query.drilldowns else regs[0],
            "months": {
                "from": str(query.months[0]),
                "to": str(query.months[-1]),
                "count": len(query.months),
                "summed": "month" not in query.drilldowns,
            },
        },
        "measures": [names[m] for m in query.measures],
        "rows": rows,
    }


def _sort_key(dim: str, member: str, axes: dict[str, list[str]]) -> int:
    return axes[dim].index(member)


# ---- a cube query from a request's parameters ------------------------------------------


def check_month(cube: Cube, month: Month, name: str = "month") -> Month:
    return params.in_span(month, cube.months[0], cube.months[-1], name)


def time_span(cube: Cube, start: str | None, end: str | None) -> tuple[Month, Month]:
    first = check_month(cube, params.month(start, "from"), "from") if start else cube.months[0]
    last = check_month(cube, params.month(end, "to"), "to") if end else cube.months[-1]
    if last < first:
        raise ApiError(400, f"to {last} is before from {first}; give from <= to")
    return first, last


def cube_query(cube: Cube, query: Mapping[str, str]) -> CubeQuery:
    drilldowns = params.members("drilldown", query.get("drilldowns"), DIMENSIONS) or []
    measures = params.members("measure", query.get("measures"), CUBE_MEASURES) or ["value"]
    allowed = {"flow": SERIES_FLOWS, "item": taxonomy().ids, "region": regions().ids}
    cuts = {
        dim: tuple(chosen)
        for dim, values in allowed.items()
        if (chosen := params.members(dim, query.get(dim), values)) is not None
    }
    months = months_of(cube, query, drilldowns)
    return CubeQuery(tuple(drilldowns), cuts, months, tuple(measures))


def months_of(cube: Cube, query: Mapping[str, str], drilldowns: list[str]) -> tuple[Month, ...]:
    """``month=`` (one or a list), or ``from``/``to``; default all months when drilled, else
    the latest."""
    listed = query.get("month")
    if listed and (query.get("from") or query.get("to")):
        raise ApiError(400, "month and from/to exclude each other; give one of them")
    if listed:
        chosen = [params.month(m.strip()) for m in listed.split(",") if m.strip()]
        if not chosen:
            shown = f"month {quoted(listed)} names no month"
            raise ApiError(400, shown, ["YYYY-MM[,YYYY-MM]"])
        return tuple(dict.fromkeys(check_month(cube, m) for m in chosen))
    if query.get("from") or query.get("to") or "month" in drilldowns:
        first, last = time_span(cube, query.get("from"), query.get("to"))
        return tuple(month_range(first, last))
    return (cube.months[-1],)


def cube_csv(data: dict[str, Any]) -> str:
    """A cube query's answer (``cube_query``) as CSV: a column per drilldown and measure."""
    columns = [*data["drilldowns"], *data["measures"]]
    out = io.StringIO()
    writer = csv.DictWriter(out, columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(data["rows"])
    return out.getvalue()
