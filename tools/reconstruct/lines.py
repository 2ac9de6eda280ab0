"""Cells down to customs lines: HS codes of the edition in force, partners, whole dollars."""

from __future__ import annotations

import csv
import datetime as dt
import functools

import numpy as np
import pyarrow as pa

from ictrade.classify import scheme
from ictrade.months import Month
from ictrade.store.schema import LINE_SCHEMA

from .inputs import FLOWS, MONTHS, RAW, Vintages
from .structure import COUNTRIES, LEAVES, blocks

CODE_WEIGHTS = (0.6, 0.3, 0.1)


def edition(m: Month) -> str:
    return "HS2012" if m.year < 2017 else "HS2017" if m.year < 2022 else "HS2022"


@functools.cache
def nomenclature() -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    with open(RAW / "hs6_nomenclature_ch38_84_85_90.csv", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            out.setdefault(row["edition"], []).append(row["code"])
    return {k: sorted(v) for k, v in out.items()}


def _candidates(leaf: str, m: Month) -> list[str]:
    """Codes that classify exactly to ``leaf`` in ``m``, most confident rules first."""
    hs6 = nomenclature()[edition(m)]
    sch = scheme("kr-ict")
    ok: list[str] = []
    rank = {"high": 0, "medium": 1}
    rules = sorted((r for r in sch.rules if r.item == leaf and r.valid_at(m.index)),
                   key=lambda r: ("doubtful" in r.basis, rank.get(r.confidence, 2),
                                  len(r.prefix) != 10, r.prefix))
    for p in (r.prefix for r in rules):
        if len(p) in (6, 10):
            tries = [p] + ([p + s for s in ("9000", "1090", "2000", "0000")] if len(p) == 6 else [])
        elif len(p) == 8:
            tries = [p + "00"]
        else:
            tries = [c for c in hs6 if c.startswith(p)][:3]
        for c in tries:
            if c[:6] in hs6 and c not in ok:
                d = sch.classify(c, m)
                if d.item == leaf and not d.mixed:
                    ok.append(c)
                    break
    return ok


def _related(a: str, b: str) -> bool:
    return a.startswith(b) or b.startswith(a)


@functools.cache
def _month_codes(year: int, month: int) -> dict[str, tuple[str, ...]]:
    """Up to three codes per leaf; no code of the month is a prefix of another (a coarser line
    beside finer ones would read as their total), leaves with fewest choices served first."""
    m = Month(year, month)
    cands = {leaf: _candidates(leaf, m) for leaf in LEAVES}
    chosen: dict[str, tuple[str, ...]] = {}
    taken: list[str] = []
    for leaf in sorted(LEAVES, key=lambda x: (len(cands[x]), LEAVES.index(x))):
        pick: list[str] = []
        for c in cands[leaf]:
            if len(pick) < 3 and not any(_related(c, t) for t in taken):
                pick.append(c)
                taken.append(c)
        chosen[leaf] = tuple(pick)
    return chosen


def codes(leaf: str, m: Month) -> tuple[str, ...]:
    """Up to three codes that classify exactly to ``leaf`` in ``m`` (none: the item is empty)."""
    return _month_codes(m.year, m.month)[leaf]


@functools.cache
def available() -> np.ndarray:
    """[month, leaf] True where some HS code of the edition in force classifies to the leaf."""
    return np.array([[bool(codes(leaf, m)) for leaf in LEAVES] for m in MONTHS])


@functools.cache
def dram_module_share() -> dict[str, float]:
    """Share of DRAM modules in DRAM (chips + modules) by month, from the KCS series."""
    vals: dict[tuple[str, str], float] = {}
    with open(RAW / "kcs_memory_monthly.csv", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            vals[(row["item_name"], row["month"])] = float(row["value_usd"])
    out = {}
    for (name, month), v in vals.items():
        if name == "디램모듈" and ("디램", month) in vals:
            out[month] = v / (v + vals[("디램", month)])
    return out


def code_weights(leaf: str, m: Month, cs: tuple[str, ...]) -> np.ndarray:
    if leaf == "dram" and "8473304060" in cs and len(cs) == 2:
        share = dram_module_share()
        s = share.get(str(m), float(np.mean([share[k] for k in sorted(share)[:12]])))
        return np.array([1 - s, s]) if cs[0] != "8473304060" else np.array([s, 1 - s])
    w = np.array(CODE_WEIGHTS[: len(cs)])
    out: np.ndarray = w / w.sum()
    return out


def split(total: int, weights: np.ndarray) -> np.ndarray:
    """Whole dollars summing exactly to ``total`` (largest remainder)."""
    raw = total * weights
    base: np.ndarray = np.floor(raw).astype(np.int64)
    rest = int(total - base.sum())
    if rest:
        order = np.argsort(-(raw - base), kind="stable")
        base[order[:rest]] += 1
    return base


Columns = dict[str, list[object]]


def new_columns() -> Columns:
    return {k: [] for k in ("month", "flow", "hs_code", "partner", "value_usd", "vintage",
                            "status", "imputed")}


@functools.cache
def _partner_weights() -> list[tuple[tuple[str, ...], np.ndarray]]:
    out = []
    for members in blocks():
        w = np.array([COUNTRIES[c] for c in members])
        out.append((members, w / w.sum()))
    return out


def add_lines(cols: Columns, m: Month, flow: str, date: dt.date, status: str, imputed: bool,
              cells: np.ndarray) -> None:
    """Lines of one month, flow and vintage; ``cells`` is [leaf, block] in USD millions."""
    for li, leaf in enumerate(LEAVES):
        cs = codes(leaf, m)
        if not cs:
            continue
        cw = code_weights(leaf, m, cs)
        for b, (members, pw) in enumerate(_partner_weights()):
            total = int(round(cells[li, b] * 1e6))
            w = (pw[:, None] * cw[None, :]).reshape(-1)
            amounts = split(total, w)
            n = amounts.size
            cols["month"] += [m.first_day()] * n
            cols["flow"] += [flow] * n
            cols["hs_code"] += [c for _ in members for c in cs]
            cols["partner"] += [p for p in members for _ in cs]
            cols["value_usd"] += amounts.astype(float).tolist()
            cols["vintage"] += [date] * n
            cols["status"] += [status] * n
            cols["imputed"] += [imputed] * n


def build_lines(values: dict[int, np.ndarray], vint: Vintages,
                constrained: set[tuple[Month, str, int]]) -> Columns:
    """``values[v]`` is [flow, month, leaf, block] in USD millions for vintage v (0 P, 1 C)."""
    cols = new_columns()
    for mi, m in enumerate(MONTHS):
        for v in (0, 1):
            date: dt.date | None = vint.own(m) if v == 0 else vint.confirmed(m)
            if date is None:
                continue
            status = "preliminary" if v == 0 else "confirmed"
            for fi, flow in enumerate(FLOWS):
                add_lines(cols, m, flow, date, status, (m, flow, v) not in constrained,
                          values[v][fi, mi])
    return cols


def to_table(cols: Columns) -> pa.Table:
    n = len(cols["month"])
    arrays = {
        "month": pa.array(cols["month"], pa.date32()),
        "flow": pa.array(cols["flow"], pa.string()),
        "hs_code": pa.array(cols["hs_code"], pa.string()),
        "partner": pa.array(cols["partner"], pa.string()),
        "value_usd": pa.array(cols["value_usd"], pa.float64()),
        "net_kg": pa.nulls(n, pa.float64()),
        "quantity": pa.nulls(n, pa.float64()),
        "source": pa.array(["reconstruction"] * n, pa.string()),
        "vintage": pa.array(cols["vintage"], pa.date32()),
        "status": pa.array(cols["status"], pa.string()),
        "imputed": pa.array(cols["imputed"], pa.bool_()),
    }
    # Korea's own data: no reporter column (lines without one are the default reporter's)
    schema = pa.schema([f for f in LINE_SCHEMA if f.name != "reporter"])
    table = pa.table([arrays[f.name] for f in schema], schema=schema)
    return table.sort_by([("month", "ascending"), ("flow", "ascending"),
                          ("hs_code", "ascending"), ("partner", "ascending"),
                          ("vintage", "ascending")])
