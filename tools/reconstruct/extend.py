"""The extension: data months 2024-01..2025-06 from ``published_figures_2024_2025h1.csv``.

Solved after the first stage (2013-2023), whose lines it leaves exactly as they are, so that
every release rebuilt as of a date before 2024-02 is unchanged. The later releases revise their
figures often (a rate quoted a month or two later, a level quoted a year later), so a month here
has a chain of vintages, not two: its own release, then every later release date at which a
figure states it or uses it as the base of a growth rate. Months of 2023 keep their first-stage
preliminary set and gain the restatements of the 2024 releases. Each vintage is the previous one
plus revisions (the same piecewise-linear costs as the first stage); a vintage that revises
nothing is not written.

The prior of a month is the cell tensor of a year earlier raked to the month's figures (levels,
or growth rates applied to that base); a flow without any figure for the month grows like the
nearest months' published growth of that flow (marked imputed).
"""

from __future__ import annotations

import datetime as dt
import sys
import time
from collections import defaultdict

import numpy as np
from scipy.optimize import linprog
from scipy.sparse import coo_matrix

from ictrade.months import Month, month_range

from .inputs import (
    EXT_FIRST,
    EXT_LAST,
    EXTENSION,
    FLOWS,
    MI,
    Figure,
    Vintages,
    constrained_set,
    load_figures,
    without,
)
from .lines import Columns, add_lines, codes, new_columns
from .prior import memory_split
from .solve import GROUPS, Constraint, Expr, Programme, add_figures, cell_weights
from .structure import LEAVES, blocks, blocks_of, item_leaves

WINDOW = list(month_range(EXT_FIRST - 12, EXT_LAST))
WI = {m: i for i, m in enumerate(WINDOW)}
P_GROUPS = [g for g in GROUPS if not g[1]]  # the month's own release against the prior
R_GROUPS = [g for g in GROUPS if g[1]]  # each later vintage against the one before


class Chain(Vintages):
    """Vintage dates of each month of the window, in order. Vintage 0 of a month before
    EXT_FIRST is its first-stage preliminary set (fixed)."""

    def __init__(self, dates: dict[Month, dt.date], figs: list[Figure]) -> None:
        super().__init__(dates)
        chain: dict[Month, set[dt.date]] = {m: {dates[m]} for m in WINDOW}
        for m in WINDOW[:12]:
            chain[m].add(dates[m + 12])
        for f in figs:
            chain[f.month].add(f.vintage)
            if f.yoy is not None and f.month - 12 in chain:
                chain[f.month - 12].add(f.vintage)
        self.chain = {m: sorted(d) for m, d in chain.items()}

    def in_force(self, m: Month, as_of: dt.date) -> int | None:
        got = [j for j, d in enumerate(self.chain[m]) if d <= as_of]
        return got[-1] if got else None

    def status(self, m: Month, j: int) -> str:
        return "confirmed" if self.chain[m][j] >= self.dates[m + 12] else "preliminary"


class ChainProgramme(Programme):
    """Cells [flow, leaf, block] of each (month, vintage) of the window; see the module doc."""

    def __init__(self, base: dict[Month, np.ndarray], chain: Chain,
                 held: set[tuple[Month, str, int]]) -> None:
        self.nl, self.nb = len(LEAVES), len(blocks())
        self.ncell = len(FLOWS) * self.nl * self.nb
        self.base, self.chain, self.held = base, chain, held
        self.rows, self.meta, self.slack_cost = [], [], []
        # stages with variables: (month, vintage) -> first column of each of its groups
        self.stages: dict[tuple[Month, int], list[int]] = {}
        col = 0
        for m in WINDOW:
            for j in range(len(chain.chain[m])):
                if j == 0 and m < EXT_FIRST:
                    continue
                groups = P_GROUPS if j == 0 else R_GROUPS
                self.stages[(m, j)] = [col + g * self.ncell for g in range(len(groups))]
                col += len(groups) * self.ncell
        self.nvar = col

    def index(self, m: Month) -> int | None:
        return WI.get(m)

    def _groups(self, m: Month, j: int) -> list[tuple[int, tuple[float, bool, float, float]]]:
        cols = self.stages.get((m, j), [])
        specs = P_GROUPS if j == 0 else R_GROUPS
        return list(zip(cols, specs, strict=False))

    def expr(self, flow: str, mi: int, item: str, region: str, vintage: int,
             region_month: int | None = None) -> Expr:
        m = WINDOW[mi]
        blks = blocks_of(region, WINDOW[mi if region_month is None else region_month])
        idx = (FLOWS.index(flow) * self.nl * self.nb + item_leaves(item)[:, None] * self.nb
               + blks[None, :]).reshape(-1)
        cols, coefs = [], []
        for j in range(vintage + 1):
            for start, spec in self._groups(m, j):
                cols.append(start + idx)
                coefs.append(np.full(idx.size, spec[0]))
        if not cols:
            return float(self.base[m].reshape(-1)[idx].sum()), np.zeros(0, int), np.zeros(0)
        return (float(self.base[m].reshape(-1)[idx].sum()), np.concatenate(cols),
                np.concatenate(coefs))

    def solve_chain(self) -> tuple[dict[tuple[Month, int], np.ndarray],
                                   list[tuple[Constraint, float]]]:
        nr = len(self.rows)
        weight = np.tile(cell_weights().reshape(-1), len(FLOWS))
        cost, upper = [], []
        for m, j in self.stages:
            base = self.base[m].reshape(-1)
            # a later vintage revises only the flows that some figure reads at that vintage
            free = np.repeat([j == 0 or (m, flow, j) in self.held for flow in FLOWS],
                             self.nl * self.nb)
            for _, spec in self._groups(m, j):
                cost.append(weight / np.maximum(base, 1e-3) * spec[3])
                bound = spec[2] * base if np.isfinite(spec[2]) else np.inf
                upper.append(np.where(free & (base > 0), bound, 0.0))
        cost.append(np.array(self.slack_cost))
        upper.append(np.full(nr, np.inf))
        ri, ci, vals, rhs = [], [], [], []
        for r, (cols, coefs, b) in enumerate(self.rows):
            ri.append(np.full(cols.size + 1, r))
            ci.append(np.append(cols, self.nvar + r))
            vals.append(np.append(coefs, -1.0))
            rhs.append(b)
        # no cell of any vintage below 15% of its base: -(signed deviations) <= 0.85 base
        r = nr
        for (m, j) in self.stages:
            base = self.base[m].reshape(-1)
            for k in range(j + 1):
                for start, spec in self._groups(m, k):
                    ri.append(r + np.arange(self.ncell))
                    ci.append(start + np.arange(self.ncell))
                    vals.append(np.full(self.ncell, -spec[0]))
            rhs += list(0.85 * base)
            r += self.ncell
        a = coo_matrix((np.concatenate(vals), (np.concatenate(ri), np.concatenate(ci))),
                       shape=(r, self.nvar + nr)).tocsr()
        res = linprog(np.concatenate(cost), A_ub=a, b_ub=np.array(rhs),
                      bounds=np.column_stack([np.zeros(self.nvar + nr), np.concatenate(upper)]),
                      method="highs")
        if res.status != 0:
            raise SystemExit(f"linear programme failed: {res.message}")
        x = res.x
        out: dict[tuple[Month, int], np.ndarray] = {}
        for m in WINDOW:
            cur = self.base[m].reshape(-1).copy()
            for j in range(len(self.chain.chain[m])):
                for start, spec in self._groups(m, j):
                    cur = cur + spec[0] * x[start:start + self.ncell]
                out[(m, j)] = cur.reshape(len(FLOWS), self.nl, self.nb)
        slack = x[self.nvar:]
        bad = [(self.meta[k], float(slack[k])) for k in range(nr)
               if slack[k] > 1e-6 and not self.meta[k].kind.startswith("context")]
        return out, bad


Targets = dict[tuple[str, str, str], tuple[str, float]]


def _targets(figs: list[Figure], m: Month) -> Targets:
    """(flow, series, region) -> ('level', USD m) or ('yoy', ratio): medians of the figures."""
    levels: dict[tuple[str, str, str], list[float]] = defaultdict(list)
    rates: dict[tuple[str, str, str], list[float]] = defaultdict(list)
    for f in figs:
        if f.month == m:
            if f.value is not None:
                levels[(f.flow, f.series, f.region)].append(f.value)
            if f.yoy is not None and f.flow != "balance":
                rates[(f.flow, f.series, f.region)].append(1 + f.yoy / 100)
    out: dict[tuple[str, str, str], tuple[str, float]] = {
        k: ("yoy", float(np.median(v))) for k, v in rates.items()}
    out.update({k: ("level", float(np.median(v))) for k, v in levels.items()})
    return out


def _rake(t: np.ndarray, targets: list[tuple[np.ndarray, np.ndarray, float]]) -> None:
    for _ in range(40):
        for leaves, blks, target in targets:
            sub = t[np.ix_(leaves, blks)]
            if sub.sum() > 0:
                t[np.ix_(leaves, blks)] = sub * (target / sub.sum())


def _world_totals(base: dict[Month, np.ndarray], targets: dict[Month, Targets],
                  fi: int) -> dict[Month, float]:
    """A flow's world total of each new month: as published (level; growth on the total of a
    year earlier; imports as exports less the balance), else grown as the nearest months with
    figures grew (interpolated growth)."""
    flow = FLOWS[fi]
    new = [m for m in WINDOW if m >= EXT_FIRST]
    out: dict[Month, float] = {m: float(base[m][fi].sum()) for m in base}
    missing = []
    for m in new:
        tg = targets[m]
        got = tg.get((flow, "total", "world"))
        exp, bal = tg.get(("export", "total", "world")), tg.get(("balance", "total", "world"))
        if flow == "import" and (got is None or got[0] == "yoy") and bal and exp \
                and exp[0] == "level":
            got = ("level", exp[1] - bal[1])
        if got is not None and got[0] == "yoy" and m - 12 in out:
            got = ("level", got[1] * out[m - 12])
        if got is not None and got[0] == "level":
            out[m] = got[1]
        else:
            missing.append(m)
    known = [(WI[m], out[m] / out[m - 12]) for m in new if m in out and m - 12 in out]
    xs, ys = zip(*known, strict=True)
    for m in missing:
        out[m] = float(np.interp(WI[m], xs, ys)) * out[m - 12]
    return {m: out[m] for m in new}


def build_base(first_stage: np.ndarray, figs: list[Figure]) -> dict[Month, np.ndarray]:
    """[flow, leaf, block] of each window month: the first stage's preliminary set before
    EXT_FIRST, the prior after (the month of a year earlier raked to the month's figures)."""
    base = {m: first_stage[:, MI[m]].copy() for m in WINDOW if m < EXT_FIRST}
    new = [m for m in WINDOW if m >= EXT_FIRST]
    mem = memory_split(new)
    targets = {m: _targets(figs, m) for m in new}
    world = {flow: _world_totals(base, targets, fi) for fi, flow in enumerate(FLOWS)}
    for i, m in enumerate(new):
        t = base[m - 12].copy()
        tg = targets[m]
        for fi, flow in enumerate(FLOWS):
            # memory split after the real KCS series
            memory = item_leaves("memory")
            total = t[fi, memory].sum(axis=0)
            for name, share in mem.items():
                li = LEAVES.index(name)
                t[fi, li] = total * share[i]
            t[fi, LEAVES.index("other_memory")] = total * (1 - sum(s[i] for s in mem.values()))
            for li, leaf in enumerate(LEAVES):
                if not codes(leaf, m):
                    t[fi, li] = 0.0
            prev = t[fi].copy()
            world_total = ("level", world[flow][m])
            sel = []
            keys = [k for k in tg if k[0] == flow and k[1:] != ("total", "world")]
            keys.sort(key=lambda k: (k[1] != "total", k[2] != "world", k))
            for key in [(flow, "total", "world"), *keys]:
                kind, v = world_total if key == (flow, "total", "world") else tg[key]
                leaves, blks = item_leaves(key[1]), blocks_of(key[2], m)
                target = v if kind == "level" else v * prev[np.ix_(leaves, blks)].sum()
                if target > 0:
                    sel.append((leaves, blks, target))
            _rake(t[fi], sel)
            seed = prev * (t[fi].sum() / max(prev.sum(), 1e-9))
            t[fi] = 0.9 * t[fi] + 0.1 * seed  # keep every partner in every item
        base[m] = t
    return base


def add_extension_lines(cols: Columns, values: dict[tuple[Month, int], np.ndarray],
                        chain: Chain, held: set[tuple[Month, str, int]]) -> None:
    """Lines of every new vintage; one that revises nothing of a flow is left out."""
    for m in WINDOW:
        for j, date in enumerate(chain.chain[m]):
            if j == 0 and m < EXT_FIRST:
                continue
            for fi, flow in enumerate(FLOWS):
                cells = values[(m, j)][fi]
                if j and np.array_equal(np.round(cells * 1e6), np.round(values[(m, j - 1)][fi]
                                                                         * 1e6)):
                    continue
                add_lines(cols, m, flow, date, chain.status(m, j), (m, flow, j) not in held,
                          cells)


def own_dates(first_stage: dict[Month, dt.date], figs: list[Figure]) -> dict[Month, dt.date]:
    """Release date of each month through a year after EXT_LAST: the first stage's through
    2023, then as published (else the nominal 15th of the next month)."""
    dates = dict(first_stage)
    for m in month_range(EXT_FIRST, EXT_LAST + 12):
        dates[m] = dt.date((m + 1).year, (m + 1).month, 15)
    for f in figs:
        if f.month >= EXT_FIRST and Month.from_date(f.vintage) == f.month + 1:
            dates[f.month] = f.vintage
    return dates


def solve_extension(first_stage: np.ndarray, first_dates: dict[Month, dt.date]
                    ) -> tuple[Columns, list[tuple[Constraint, float]]]:
    """Lines of the extension and the figure parts that cannot hold (dropped, largest first)."""
    figs = load_figures(file=EXTENSION, first=EXT_FIRST, last=EXT_LAST)
    context = load_figures(context=True, file=EXTENSION, first=EXT_FIRST, last=EXT_LAST)
    chain = Chain(own_dates(first_dates, figs), figs)
    dropped: list[tuple[Constraint, float]] = []
    t0 = time.time()
    while True:
        parts = {(c.row, c.kind) for c, _ in dropped}
        held = [without(f, parts) for f in figs]
        read = constrained_set(held + context, chain)
        prog = ChainProgramme(build_base(first_stage, held + context), chain, read)
        add_figures(prog, held, chain)
        add_figures(prog, context, chain, soft=True, printed=True)
        values, bad = prog.solve_chain()
        print(f"extension: {len(prog.rows)} constraint rows, {len(bad)} not held "
              f"({time.time() - t0:.0f}s)", file=sys.stderr)
        if not bad:
            break
        dropped.append(max(bad, key=lambda b: (b[0].kind == "level", b[1])))
    cols = new_columns()
    add_extension_lines(cols, values, chain, read)
    return cols, dropped
