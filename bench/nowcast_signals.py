"""Candidate extra columns of the nowcast model's X, measured on the rolling backtest.

Exploration only: the model's design matrix is patched at run time, the package is unchanged.
Every candidate reads months before M plus M's figures at the case's cut (other series' too;
for cut 20 also M's 10-day figures), never M's final.

    PYTHONPATH=src python bench/nowcast_signals.py seas_gap6 eb:seas_gap6 market_x_gap+timing
    PYTHONPATH=src python bench/nowcast_signals.py --null 10    # permuted-column noise floor
    PYTHONPATH=src python bench/nowcast_signals.py --paired eb:seas_gap6

A variant is a '+'-joined list of columns; the prefix 'eb:' also replaces the profile column by
the empirical-Bayes median profile. Printed: MAPE / median APE per cut, gains over working days,
80% coverage, and the 20-day median APE by year.
"""

from __future__ import annotations

import argparse
import math
from collections.abc import Callable, Sequence
from functools import partial

import numpy as np

from ictrade.months import Month
from ictrade.nowcast import engine, model
from ictrade.nowcast.calendar import month_calendar
from ictrade.nowcast.data import Series, build_panel, shipped_history
from ictrade.nowcast.features import Case, panel_cases
from ictrade.nowcast.intervals import Estimate

PANEL = build_panel(shipped_history())
ORIGINAL = model._design
Key = tuple[Series, int, int]
Months = dict[int, dict[int, float]]
EXTRA: dict[Key, dict[str, float]] = {}


def clip1(v: float) -> float:
    return max(-1.0, min(1.0, v)) if math.isfinite(v) else 0.0


def log_ratio(a: float, b: float) -> float:
    return clip1(math.log(a / b)) if a > 0 and b > 0 else 0.0


def factor(months: Months, k: int, cut: int) -> float:
    """Log of month k's share after the cut relative to its working-day share."""
    v = months.get(k, {})
    if not all(c in v for c in (10, 20, 30)) or v[30] <= 0:
        return math.nan
    cal = month_calendar(Month.from_index(k))
    return math.log(max(((v[30] - v[cut]) / v[30]) / (cal.remaining(cut) / cal.total), 0.05))


def timing(months: Months, k: int) -> float:
    """Log of the days 11-20 share of the 20-day figure relative to its working-day share."""
    v = months.get(k, {})
    if not (v.get(20, 0.0) > 0 and 10 in v):
        return math.nan
    b = month_calendar(Month.from_index(k)).blocks
    return math.log(min(max(((v[20] - v[10]) / v[20]) / (b[1] / (b[0] + b[1])), 0.05), 5.0))


def timing_slope(months: Months, before: list[int]) -> float:
    """The series' own regression slope of the block-3 factor on block-2 timing, shrunk."""
    pairs = [(timing(months, k), factor(months, k, 20)) for k in before[-24:]]
    ok = [(a, b) for a, b in pairs if math.isfinite(a) and math.isfinite(b)]
    if len(ok) < 4:
        return 0.0
    a, b = np.clip([p[0] for p in ok], -1, 1), np.clip([p[1] for p in ok], -2, 2)
    va = float(np.var(a))
    slope = float(np.cov(a, b, bias=True)[0, 1]) / va if va > 1e-6 else 0.0
    return max(-2.0, min(2.0, slope * len(ok) / (len(ok) + 6)))


def seasonal(fin: dict[int, float], m: int, span: int) -> float:
    """Final of the same month a year ago x the year-on-year ratio of the last ``span`` months."""
    ly = fin.get(m - 12, 0.0)
    rec = [k for k in range(m - span, m) if k in fin and (k - 12) in fin]
    num, den = sum(fin[k] for k in rec), sum(fin[k - 12] for k in rec)
    return ly * min(max(num / den, 0.2), 5.0) if ly > 0 and num > 0 and den > 0 else math.nan


def rest_ratio(anchor: float, c: Case) -> float:
    """Log of the rest of the month an anchor implies over the working-day rest (floored)."""
    rest = c.wd_extrapolation - c.x
    if not (anchor > 0 and rest > 0):
        return 0.0
    return clip1(math.log(max(anchor - c.x, 0.1 * rest) / rest))


def own_features(months: Months, before: list[int], c: Case) -> dict[str, float]:
    """Candidates 2-4: timing at cut 20, last month's surprise, seasonal and longer anchors."""
    m, e = c.month, c.wd_extrapolation
    fin = {k: months[k][30] for k in before if 30 in months[k]}
    t = clip1(timing(months, m)) if c.cut == 20 else 0.0
    prior = [fin[k] for k in range(m - 13, m - 1) if k in fin][-6:]
    l12 = [fin[k] for k in range(m - 12, m) if k in fin]
    return {
        "timing": t,
        "timing_x_slope": t * timing_slope(months, before),
        "prev_rest": clip1(factor(months, m - 1, c.cut)),
        "prev_vs_level": log_ratio(fin.get(m - 1, 0.0), float(np.mean(prior)) if prior else 0.0),
        "seas_gap": log_ratio(seasonal(fin, m, 3), e),
        "seas_gap6": log_ratio(seasonal(fin, m, 6), e),
        "seas_gap12": log_ratio(seasonal(fin, m, 12), e),
        "seas_rest6": rest_ratio(seasonal(fin, m, 6), c),
        "seas_vs_level": log_ratio(seasonal(fin, m, 3), c.level),
        "l12_vs_level": log_ratio(float(np.mean(l12)) if len(l12) >= 3 else 0.0, c.level),
    }


def gap(c: Case) -> float:
    e = c.wd_extrapolation
    return float(np.clip(math.log(c.level / e), -3, 3)) if c.level > 0 and e > 0 else math.nan


def cross_features(c: Case, gaps: dict[Series, float]) -> dict[str, float]:
    """Candidate 1: the gap of the item's other series and of all other series at the cut."""
    others = [v for s, v in gaps.items() if s != c.series and math.isfinite(v)]
    item = [v for s, v in gaps.items() if s[0] == c.series[0] and s != c.series]
    item = [v for v in item if math.isfinite(v)]
    market = float(np.median(np.clip(others, -1, 1))) if len(others) >= 5 else 0.0
    it = float(np.median(np.clip(item, -1, 1))) if item else 0.0
    own = clip1(gaps.get(c.series, math.nan))
    return {
        "market": market,
        "market_mean": float(np.mean(np.clip(others, -1, 1))) if len(others) >= 5 else 0.0,
        "market_x_gap": market * own,
        "item": it,
        "item_x_gap": it * own,
        "item_minus_gap": it - own if item else 0.0,
    }


def build_extras(cases: Sequence[Case]) -> None:
    groups: dict[tuple[int, int], list[Case]] = {}
    for c in cases:
        groups.setdefault((c.month, c.cut), []).append(c)
    for group in groups.values():
        gaps = {c.series: gap(c) for c in group if c.x > 0}
        for c in group:
            months = PANEL.values[c.series]
            before = [k for k in sorted(months) if k < c.month]
            EXTRA[(c.series, c.month, c.cut)] = cross_features(c, gaps) | own_features(
                months, before, c
            )
        market_timing(group)
    eb_profiles()


def market_timing(group: Sequence[Case]) -> None:
    """Median block-2 timing of the month's other series (cut 20)."""
    t = {c.series: EXTRA[(c.series, c.month, c.cut)]["timing"] for c in group}
    for c in group:
        others = [v for s, v in t.items() if s != c.series and v != 0.0]
        EXTRA[(c.series, c.month, c.cut)]["market_timing"] = (
            float(np.median(others)) if len(others) >= 5 else 0.0
        )


def eb_profiles() -> None:
    """Candidate 5: median of the series' last 12 log factors, shrunk toward 0 by
    n / (n + s2 / tau2), s2 its own dispersion, tau2 the between-series variance that month."""
    stats: dict[Key, tuple[float, float, int]] = {}
    for s, months in PANEL.values.items():
        ordered = sorted(months)
        for i, m in enumerate(ordered):
            for cut in (10, 20):
                logs = [factor(months, k, cut) for k in ordered[:i][-36:]]
                logs = [v for v in logs if math.isfinite(v)][-12:]
                if logs:
                    s2 = max(float(np.var(logs)), 0.01) if len(logs) >= 3 else 0.25
                    stats[(s, m, cut)] = (float(np.median(logs)), s2, len(logs))
    for (s, m, cut), (center, s2, n) in stats.items():
        peers = [v for (_, m2, c2), v in stats.items() if (m2, c2) == (m, cut) and v[2] >= 3]
        tau2 = 0.05
        if len(peers) >= 5:
            noise = float(np.mean([p[1] / p[2] for p in peers]))
            tau2 = max(float(np.var([p[0] for p in peers])) - noise, 0.005)
        shrunk = n / (n + s2 / tau2) * center
        EXTRA.setdefault((s, m, cut), {})["eb_profile"] = max(-1.6, min(1.6, shrunk))


def patched(columns: Sequence[str], eb: bool) -> Callable[[Sequence[Case], float], np.ndarray]:
    def design(cases: Sequence[Case], vol_fill: float) -> np.ndarray:
        extra = [[EXTRA.get((c.series, c.month, c.cut), {}) for c in cases]]
        base = ORIGINAL(cases, vol_fill)
        if eb:
            base[:, 1] = [d.get("eb_profile", 0.0) for d in extra[0]]
        cols = [np.array([d.get(n, 0.0) for d in extra[0]], dtype=float) for n in columns]
        return np.column_stack([base, *cols]) if cols else base

    return design


Estimates = dict[str, dict[Case, Estimate]]


def run(variant: str) -> Estimates:
    eb = variant.startswith("eb:")
    columns = [n for n in variant.removeprefix("eb:").split("+") if n and n != "current"]
    model._design = patched(columns, eb)  # type: ignore[assignment]
    try:
        return engine.backtest_estimates(PANEL)
    finally:
        model._design = ORIGINAL  # type: ignore[assignment]


def in_year(year: int, c: Case) -> bool:
    return Month.from_index(c.month).year == year


def line(label: str, est: Estimates) -> str:
    scores = {(s.cut, s.method): s for s in engine.score(est)}
    parts = []
    for cut in (10, 20):
        m, w = scores[(cut, "model")], scores[(cut, "working_days")]
        parts.append(
            f"c{cut} {m.mape:.4f}/{m.median_ape:.4f} gain {1 - m.mape / w.mape:+.3f}/"
            f"{1 - m.median_ape / w.median_ape:+.3f} cov {m.coverage:.3f}"
        )
    years = [
        next(s for s in engine.score(est, partial(in_year, y)) if s.cut == 20).median_ape
        for y in (2023, 2024, 2025)
    ]
    return (
        f"{label:28s} "
        + " | ".join(parts)
        + " | c20 med 23/24/25 "
        + " ".join(f"{v:.4f}" for v in years)
    )


def paired(variant: str, base: Estimates, cut: int = 20, draws: int = 2000) -> str:
    """Month-block bootstrap of the variant's median APE minus the current model's."""
    other = run(variant)["model"]
    by_month: dict[int, list[tuple[float, float]]] = {}
    for c, e in base["model"].items():
        if c.cut == cut and c.y:
            pair = (abs(e.value - c.y) / c.y, abs(other[c].value - c.y) / c.y)
            by_month.setdefault(c.month, []).append(pair)
    months, rng = sorted(by_month), np.random.default_rng(0)
    diff = []
    for _ in range(draws):
        a = np.concatenate([np.array(by_month[m]) for m in rng.choice(months, len(months))])
        diff.append(float(np.median(a[:, 1]) - np.median(a[:, 0])))
    q = np.percentile(diff, [5, 50, 95])
    better = float(np.mean(np.array(diff) < 0))
    bands = " ".join(f"{v:+.4f}" for v in q)
    return f"{variant}: c{cut} median APE minus current's, p5/50/95 {bands}, P(<0) {better:.2f}"


def null_floor(repeats: int) -> None:
    """Add a permuted copy of seas_gap (no information) to see how far noise moves the score."""
    keys = list(EXTRA)
    values = np.array([EXTRA[k].get("seas_gap", 0.0) for k in keys])
    for seed in range(repeats):
        for k, v in zip(keys, np.random.default_rng(seed).permutation(values), strict=True):
            EXTRA[k]["noise"] = float(v)
        print(line(f"permuted column, seed {seed}", run("noise")), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("variants", nargs="*")
    parser.add_argument("--null", type=int, default=0)
    parser.add_argument("--paired", action="store_true")
    args = parser.parse_args()
    build_extras(panel_cases(PANEL))
    base = run("current")
    print(line("current", base), flush=True)
    for v in args.variants:
        print(paired(v, base) if args.paired else line(v, run(v)), flush=True)
    null_floor(args.null)


if __name__ == "__main__":
    main()
