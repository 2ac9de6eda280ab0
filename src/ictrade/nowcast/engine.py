"""Nowcasts of flash files and the rolling-origin backtest.

Every prediction for month M is made by methods fitted on cases of months before M only; the
case's own features read M's cumulative value at the cut and earlier months (features.py).
"""

from __future__ import annotations

import io
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass
from functools import partial
from pathlib import Path

import numpy as np

from ..errors import UsageError
from ..months import Month
from ..sources.flash import FlashFigure, read_flash_figures
from .data import Panel, Series, build_panel, shipped_history
from .features import Case, panel_cases
from .intervals import WINDOW, ErrorPool, Estimate, estimate, log_errors
from .model import METHODS, Predictor

BOOL = (False, True)
BACKTEST_START = Month(2023, 1)  # the first year of the history only trains


Progress = Callable[[int, int], None]  # (months predicted, months to predict)


def _by_origin(
    cases: Sequence[Case],
    targets: Iterable[Case],
    fitter: Callable[[Sequence[Case]], Predictor],
    predicted: Callable[[], None] = lambda: None,
) -> dict[Case, Estimate]:
    """Predict each target with ``fitter`` trained on the cases of earlier months (same cut),
    walking every month up to the last target so that the bands rest on out-of-sample errors."""
    wanted = set(targets)
    out: dict[Case, Estimate] = {}
    for cut in (10, 20):
        last = max((t.month for t in wanted if t.cut == cut), default=None)
        if last is None:
            continue
        by_month: dict[int, list[Case]] = {}
        for c in cases:
            if c.cut == cut and c.month <= last:
                by_month.setdefault(c.month, []).append(c)
        pool, train = ErrorPool(), list[Case]()
        first = min(t.month for t in wanted if t.cut == cut)
        for month in sorted(by_month):
            if month < first - WINDOW:  # too early to give a target's band an error
                train += [c for c in by_month[month] if c.y is not None]
                continue
            point = fitter(train)
            bands = {z: pool.band(month, z, partial(_errors, list(train), point, z)) for z in BOOL}
            for c in by_month[month]:
                value = point(c)
                pool.add(c, value)
                if c in wanted:
                    out[c] = estimate(value, bands[c.x <= 0], c.x)
            if any(c in wanted for c in by_month[month]):
                predicted()  # a month of targets done
            train += [c for c in by_month[month] if c.y is not None]
    return out


def _errors(train: Sequence[Case], point: Predictor, zero: bool) -> list[float]:
    return log_errors((c for c in train if (c.x <= 0) == zero), point)


def load_panel(flash: Sequence[FlashFigure], histories: Sequence[str | Path]) -> Panel:
    """Shipped history, then each --history file, then the flash file: later figures win."""
    sources: list[Sequence[FlashFigure]] = [shipped_history()]
    sources += [read_flash_figures(h) for h in histories]
    return build_panel(*sources, flash)


Key = tuple[Series, int, int]  # series, month index, cut


def nowcast_estimates(
    panel: Panel, wanted: Iterable[Key], methods: Sequence[str] = ("model",)
) -> dict[str, dict[Key, Estimate]]:
    """Estimates of the (series, month index, cut) ``wanted`` by each method, from ``panel``:
    each month is predicted from earlier months only, its own figure read at the cut."""
    keys = set(wanted)
    cases = panel_cases(panel)
    targets = [c for c in cases if (c.series, c.month, c.cut) in keys]
    return {
        name: {
            (c.series, c.month, c.cut): e
            for c, e in _by_origin(cases, targets, METHODS[name]).items()
        }
        for name in methods
    }


@dataclass(frozen=True)
class Nowcast:
    """The month-end estimate of one flash figure (``nowcast_file``'s row)."""

    item_key: str
    partner_ko: str
    month: Month
    cut_day: int
    nowcast: float
    lo80: float
    hi80: float
    month_text: str  # the month as the flash file wrote it (the CSV repeats it)

    def record(self) -> dict[str, object]:
        return {k: v for k, v in asdict(self).items() if k != "month_text"} | {
            "month": str(self.month)
        }


def nowcasts(flash: str | Path, histories: Sequence[str | Path] = ()) -> list[Nowcast]:
    """The nowcast of every 10- and 20-day figure in ``flash``, from the shipped history,
    ``histories`` and the file itself, by series, month and cut."""
    figures = read_flash_figures(flash)
    wanted = {(f.series, f.month.index, f.cut): f for f in figures if f.cut in (10, 20)}
    # a case reads its own month only at its cut; finals train later months only
    estimates = nowcast_estimates(load_panel(figures, histories), wanted)["model"]
    return [
        Nowcast(f.series[0], f.series[1], f.month, f.cut, est.value, est.lo, est.hi, f.month_text)
        for key, f in sorted(wanted.items(), key=lambda kv: (kv[0][0], kv[0][1], kv[0][2]))
        for est in (estimates[key],)
    ]


def nowcast_file(flash: str | Path, histories: Sequence[str | Path] = ()) -> str:
    """CSV (item_key, partner_ko, month, cut_day, nowcast, lo80, hi80) of ``nowcasts``."""
    return nowcasts_csv(nowcasts(flash, histories))


def nowcasts_csv(found: Sequence[Nowcast]) -> str:
    """``nowcast_file``'s CSV of nowcasts already made."""
    buffer = io.StringIO()
    buffer.write("item_key,partner_ko,month,cut_day,nowcast,lo80,hi80\n")
    for n in found:
        buffer.write(
            f"{_q(n.item_key)},{_q(n.partner_ko)},{n.month_text},{n.cut_day},"
            f"{n.nowcast:.1f},{n.lo80:.1f},{n.hi80:.1f}\n"
        )
    return buffer.getvalue()


def _q(text: str) -> str:
    return '"' + text.replace('"', '""') + '"' if any(ch in text for ch in ',"\n') else text


@dataclass(frozen=True)
class Score:
    method: str
    cut: int
    n: int
    mape: float
    median_ape: float
    coverage: float


def _score(method: str, cut: int, pairs: list[tuple[Estimate, float]]) -> Score:
    ape = np.array([abs(e.value - y) / y for e, y in pairs])
    inside = np.array([e.lo <= y <= e.hi for e, y in pairs])
    return Score(
        method, cut, len(pairs), float(ape.mean()), float(np.median(ape)), float(inside.mean())
    )


def backtest_estimates(
    panel: Panel,
    start: Month = BACKTEST_START,
    series: Sequence[str] | None = None,
    progress: Progress | None = None,
) -> dict[str, dict[Case, Estimate]]:
    """Rolling origin: each case of a month from ``start`` with a positive final figure,
    predicted by every method from earlier months only; ``series`` limits the predicted items
    (not the training)."""
    cases = panel_cases(panel)
    targets = [
        c
        for c in cases
        if c.month >= start.index
        and c.y is not None
        and c.y > 0
        and (series is None or c.series[0] in series)
    ]
    if not targets:
        raise UsageError(f"no month from {start} with a 10- or 20-day flash and a final figure")
    total, done = len(METHODS) * len({(t.cut, t.month) for t in targets}), [0]

    def predicted() -> None:
        done[0] += 1
        if progress is not None:
            progress(done[0], total)

    return {name: _by_origin(cases, targets, fit, predicted) for name, fit in METHODS.items()}


def score(
    estimates: dict[str, dict[Case, Estimate]], keep: Callable[[Case], bool] = lambda c: True
) -> list[Score]:
    """MAPE, median APE and 80% coverage per method and cut over the cases ``keep`` accepts."""
    scores = []
    for name, by_case in estimates.items():
        for cut in (10, 20):
            pairs = [(e, c.y) for c, e in by_case.items() if c.cut == cut and c.y and keep(c)]
            if pairs:
                scores.append(_score(name, cut, pairs))
    return scores


def backtest(
    panel: Panel,
    start: Month = BACKTEST_START,
    series: Sequence[str] | None = None,
    progress: Progress | None = None,
) -> list[Score]:
    """Scores of the rolling-origin backtest (see backtest_estimates)."""
    return score(backtest_estimates(panel, start, series, progress))


SCORE_DIGITS = {"mape": ".4f", "median_ape": ".4f", "coverage80": ".3f", "mape_vs_wd": "+.3f",
                "median_vs_wd": "+.3f"}  # fmt: skip


def score_rows(scores: Sequence[Score]) -> list[dict[str, str | int | float]]:
    """One row per cut and method, the model first; ``*_vs_wd``: the share of the
    working-day baseline's error the method saves."""
    base = {s.cut: s for s in scores if s.method == "working_days"}
    rows: list[dict[str, str | int | float]] = []
    for s in sorted(scores, key=lambda s: (s.cut, s.method != "model", s.method)):
        b = base[s.cut]
        rows.append({
            "cut": s.cut, "method": s.method, "n": s.n, "mape": s.mape,
            "median_ape": s.median_ape, "coverage80": s.coverage,
            "mape_vs_wd": 1 - s.mape / b.mape if b.mape else math.nan,
            "median_vs_wd": 1 - s.median_ape / b.median_ape if b.median_ape else math.nan,
        })  # fmt: skip
    return rows


def format_scores(scores: Sequence[Score]) -> str:
    """``score_rows`` as CSV, each figure to its digits."""
    rows = score_rows(scores)
    lines = [",".join(["cut", "method", "n", *SCORE_DIGITS])]
    for r in rows:
        figures = [format(r[k], digits) for k, digits in SCORE_DIGITS.items()]
        lines.append(",".join([str(r["cut"]), str(r["method"]), str(r["n"]), *figures]))
    return "\n".join(lines) + "\n"


def backtest_scores(
    histories: Sequence[str | Path] = (),
    flash: str | Path | None = None,
    start: str | None = None,
    progress: Progress | None = None,
) -> list[Score]:
    """The backtest's scores; ``progress`` is told (months predicted, to predict)."""
    panel = load_panel(read_flash_figures(flash) if flash is not None else (), histories)
    first = Month.parse(start) if start else BACKTEST_START
    return backtest(panel, first, progress=progress)


def run_backtest(
    histories: Sequence[str | Path] = (),
    flash: str | Path | None = None,
    start: str | None = None,
    progress: Progress | None = None,
) -> str:
    """The backtest's scores as CSV (``backtest_scores``, ``format_scores``)."""
    return format_scores(backtest_scores(histories, flash, start, progress))
