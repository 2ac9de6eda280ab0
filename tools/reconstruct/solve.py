"""The exact fit: one linear programme (HiGHS) over every cell of both vintages.

Cells are (flow, month, leaf item, partner block) in USD millions. Each month has a preliminary
vintage P (its own release) and a confirmed vintage C (restated by the release a year later).
P = prior + up - down and C = P + rev_up - rev_down; the cost is the relative distance to the
prior and between the vintages, piecewise linear (convex): small moves are cheap, large ones dear,
so adjustments spread over many cells instead of piling onto one. Every published figure is an
interval constraint on a sum of cells (a level), or on P(M) against C(M-12) (a growth rate), with
an elastic slack at a high cost: a slack left non-zero marks a figure that cannot hold together
with the others (a conflict).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass

import numpy as np
from scipy.optimize import linprog
from scipy.sparse import coo_matrix

from ictrade.classify import taxonomy
from ictrade.months import Month

from .inputs import FLOWS, MI, MONTHS, RAW, Figure, Vintages
from .structure import LEAVES, blocks, item_leaves, region_blocks

SLACK_COST = 1e4
CONTEXT_COST = 1.0  # soft targets (figures quoted in later releases): held unless they conflict
LEVEL_EPS, RATE_EPS = 0.01, 0.005  # share of the printed precision kept off each interval edge
Expr = tuple[float, np.ndarray, np.ndarray]  # constant, variable columns, coefficients
# Deviation variables, one group per cell: (sign, C only, bound x prior, cost x 1/prior)
GROUPS = (
    (1.0, False, 0.02, 1.0), (1.0, False, 0.08, 4.0), (1.0, False, np.inf, 20.0),
    (-1.0, False, 0.02, 1.0), (-1.0, False, 0.08, 4.0), (-1.0, False, 0.75, 20.0),
    (1.0, True, 0.02, 1.0), (1.0, True, np.inf, 6.0),
    (-1.0, True, 0.02, 1.0), (-1.0, True, np.inf, 6.0),
)
NG = len(GROUPS)
# Where unexplained differences go: the residual ("other") leaves and the rest of the world move
# most easily, items with plausible stable shares (telecom, TV, batteries) and the major
# partners least.
LEAF_COST = {"other_memory": .5, "other_semiconductors": .5, "other_displays": .5,
             "other_peripherals": .5, "other_ict": .4, "telecom_equipment": 4.0, "tv": 4.0,
             "secondary_batteries": 4.0}
MAJOR_PARTNERS = {"CN", "HK", "VN", "US", "JP", "GB", "DE"}
REST_PARTNERS = {"AU", "MX", "AE"}


def cell_weights() -> np.ndarray:
    """[leaf, block] weight of moving a cell (see LEAF_COST, MAJOR_PARTNERS)."""
    leaf = np.array([LEAF_COST.get(x, 1.0) for x in LEAVES])
    blk = np.array([2.0 if set(m) & MAJOR_PARTNERS else 0.6 if set(m) & REST_PARTNERS else 1.0
                    for m in blocks()])
    out: np.ndarray = leaf[:, None] * blk[None, :]
    return out


@dataclass
class Constraint:
    label: str  # what it is, for the conflicts file
    row: int  # published_figures.csv line, 0 for narrative ones
    kind: str
    stated: str
    file: str = "published_figures.csv"
    disputed: bool = False  # its source notes a disagreement with other reports: yields first


class Programme:
    def __init__(self, prior: dict[str, np.ndarray]) -> None:
        self.nm, self.nl, self.nb = len(MONTHS), len(LEAVES), len(blocks())
        self.ncell = self.nm * self.nl * self.nb
        self.prior = np.concatenate([prior[f].reshape(-1) for f in FLOWS])
        self.nc = self.prior.size
        self.rows: list[tuple[np.ndarray, np.ndarray, float]] = []
        self.meta: list[Constraint] = []
        self.slack_cost: list[float] = []

    def index(self, m: Month) -> int | None:
        """Index of a month in the grid (None outside it)."""
        return MI.get(m)

    def expr(self, flow: str, mi: int, item: str, region: str, vintage: int,
             region_month: int | None = None) -> Expr:
        """Sum of cells; ``region_month`` fixes the membership (growth uses the current one)."""
        rm = mi if region_month is None else region_month
        leaves, blks = item_leaves(item), region_blocks(region, rm)
        base = FLOWS.index(flow) * self.ncell + mi * self.nl * self.nb
        idx = (base + leaves[:, None] * self.nb + blks[None, :]).reshape(-1)
        groups = [g for g, spec in enumerate(GROUPS) if vintage == 1 or not spec[1]]
        parts = [idx + g * self.nc for g in groups]
        coefs = [np.full(idx.size, GROUPS[g][0]) for g in groups]
        return float(self.prior[idx].sum()), np.concatenate(parts), np.concatenate(coefs)

    def add_le(self, e: Expr, bound: float, meta: Constraint) -> None:
        """const + coefs.x - slack <= bound."""
        self.rows.append((e[1], e[2], bound - e[0]))
        self.meta.append(meta)
        self.slack_cost.append(CONTEXT_COST if meta.kind.startswith("context") else
                               SLACK_COST / 10 if meta.disputed else SLACK_COST)

    def add_range(self, e: Expr, lo: float, hi: float, meta: Constraint) -> None:
        self.add_le(e, hi, meta)
        self.add_le((-e[0], e[1], -e[2]), -lo, meta)

    def add_ratio(self, num: Expr, den: Expr, lo: float, hi: float, meta: Constraint) -> None:
        """lo <= num/den <= hi, as num - lo*den >= 0 and num - hi*den <= 0."""
        for r, sign in ((lo, -1.0), (hi, 1.0)):
            e = (sign * (num[0] - r * den[0]), np.concatenate([num[1], den[1]]),
                 sign * np.concatenate([num[2], -r * den[2]]))
            self.add_le(e, 0.0, meta)

    def cost_weights(self) -> np.ndarray:
        cell = np.broadcast_to(cell_weights(), (self.nm, self.nl, self.nb))
        return np.tile(cell.reshape(-1), 2)

    def solve(self) -> tuple[np.ndarray, np.ndarray, list[tuple[Constraint, float]]]:
        nc, nr = self.nc, len(self.rows)
        nvar = NG * nc + nr
        w = self.cost_weights() / np.maximum(self.prior, 1e-3)
        cost = np.concatenate([w * g[3] for g in GROUPS] + [np.array(self.slack_cost)])
        has_c = np.tile(np.repeat(np.arange(self.nm) + 12 < self.nm, self.nl * self.nb), 2)
        upper = np.concatenate([np.where((has_c | (not g[1])) & (self.prior > 0),
                                         np.where(np.isinf(g[2]), np.inf, g[2] * self.prior), 0.0)
                                for g in GROUPS] + [np.full(nr, np.inf)])
        ri, ci, vals, rhs = [], [], [], []
        for r, (cols, coefs, b) in enumerate(self.rows):
            ri.append(np.full(cols.size + 1, r))
            ci.append(np.append(cols, NG * nc + r))
            vals.append(np.append(coefs, -1.0))
            rhs.append(b)
        # no cell of either vintage below 15% of its prior: -(signed deviations) <= 0.85 prior
        cidx = np.nonzero(has_c)[0]
        for g, spec in enumerate(GROUPS):
            ri.append(nr + np.arange(cidx.size))
            ci.append(cidx + g * nc)
            vals.append(np.full(cidx.size, -spec[0]))
        rhs_all = np.concatenate([np.array(rhs), 0.85 * self.prior[cidx]])
        a = coo_matrix((np.concatenate(vals), (np.concatenate(ri), np.concatenate(ci))),
                       shape=(nr + cidx.size, nvar)).tocsr()
        res = linprog(cost, A_ub=a, b_ub=rhs_all, bounds=np.column_stack([np.zeros(nvar), upper]),
                      method="highs")
        if res.status != 0:
            raise SystemExit(f"linear programme failed: {res.message}")
        x = res.x
        dev = [x[g * nc:(g + 1) * nc] * spec[0] for g, spec in enumerate(GROUPS)]
        p = self.prior + sum(d for d, spec in zip(dev, GROUPS, strict=True) if not spec[1])
        c = p + sum(d for d, spec in zip(dev, GROUPS, strict=True) if spec[1])
        slack = x[NG * nc:]
        bad = [(self.meta[r], float(slack[r])) for r in range(nr)
               if slack[r] > 1e-6 and not self.meta[r].kind.startswith("context")]
        return p.reshape(2, self.nm, self.nl, self.nb), c.reshape(2, self.nm, self.nl, self.nb), bad


def add_figures(prog: Programme, figs: list[Figure], vint: Vintages, soft: bool = False,
                printed: bool | None = None) -> None:
    """Interval constraints of figures (``soft``: context targets at a low slack cost);
    ``printed`` (default: not ``soft``) adds, softly, the level as a release prints it."""
    pre = "context-" if soft else ""
    for f in figs:
        mi, mi0 = prog.index(f.month), prog.index(f.month - 12)
        v = vint.in_force(f.month, f.vintage)
        if v is None or mi is None:
            continue
        disputed = "disagreement" in f.note.lower()
        meta_l = Constraint(f.label(), f.row, pre + "level", f"{f.value} at {f.prec}", f.file,
                            disputed)
        if f.value is not None and f.prec is not None:
            lo = f.value - f.prec / 2 + LEVEL_EPS * f.prec
            hi = f.value + f.prec / 2 - LEVEL_EPS * f.prec
            e = _value(prog, f.flow, mi, f.series, f.region, v)
            prog.add_range(e, lo, hi, meta_l)
            if (not soft) if printed is None else printed:
                # softly, the figure as a release prints it ($X.X billion, else $X million)
                pp = 100.0 if abs(f.value) >= 1000 else 1.0
                plo, phi = max(lo, f.value - pp / 2 + 0.01), min(hi, f.value + pp / 2 - 0.01)
                if abs(f.value) >= 1000:
                    plo = max(plo, 999.51) if f.value > 0 else plo
                    phi = min(phi, -999.51) if f.value < 0 else phi
                if plo < phi:
                    prog.add_range(e, plo, phi, Constraint(f.label(), f.row, "context-print",
                                                           f"{f.value} printed", f.file))
        if f.yoy is not None and f.yprec is not None and mi0 is not None and f.flow != "balance":
            v0 = vint.in_force(f.month - 12, f.vintage)
            assert v0 is not None
            lo = 1 + (f.yoy - f.yprec / 2 + RATE_EPS * f.yprec) / 100
            hi = 1 + (f.yoy + f.yprec / 2 - RATE_EPS * f.yprec) / 100
            num = prog.expr(f.flow, mi, f.series, f.region, v)
            den = prog.expr(f.flow, mi0, f.series, f.region, v0, region_month=mi)
            prog.add_ratio(num, den, lo, hi, Constraint(f.label(), f.row, pre + "yoy",
                                                        f"{f.yoy:+} at {f.yprec}", f.file,
                                                        disputed))


def _contribution(prog: Programme, flow: str, mi: int, item: str, region: str) -> Expr:
    num = prog.expr(flow, mi, item, region, 0)
    den = prog.expr(flow, mi - 12, item, region, 1, region_month=mi)
    return (num[0] - den[0], np.concatenate([num[1], den[1]]), np.concatenate([num[2], -den[2]]))


def _value(prog: Programme, flow: str, mi: int, item: str, region: str, v: int) -> Expr:
    if flow != "balance":
        return prog.expr(flow, mi, item, region, v)
    ex, im = prog.expr("export", mi, item, region, v), prog.expr("import", mi, item, region, v)
    return ex[0] - im[0], np.concatenate([ex[1], im[1]]), np.concatenate([ex[2], -im[2]])


def _above(prog: Programme, hi: Expr, lo: Expr, meta: Constraint) -> None:
    """hi - lo >= 1 (USD millions)."""
    prog.add_le((lo[0] - hi[0], np.concatenate([lo[1], hi[1]]), np.concatenate([lo[2], -hi[2]])),
                -1.0, meta)


def add_records(prog: Programme, row: dict[str, str], vint: Vintages, meta: Constraint) -> None:
    """The month is the highest since the data begin, below only the months in ``except``."""
    month = Month.parse(row["month"])
    mi, as_of = MI[month], vint.own(month)
    above = {MI[Month.parse(m)] for m in row["except"].split(";") if m}
    this = _value(prog, row["flow"], mi, row["items"], row["region"], 0)
    for k in range(mi):
        v = vint.in_force(MONTHS[k], as_of)
        assert v is not None
        other = _value(prog, row["flow"], k, row["items"], row["region"], v)
        if k in above:
            _above(prog, other, this, meta)
        else:
            _above(prog, this, other, meta)


def _lin(terms: list[tuple[float, Expr]]) -> Expr:
    """A linear combination of expressions."""
    return (sum(k * e[0] for k, e in terms), np.concatenate([e[1] for _, e in terms]),
            np.concatenate([k * e[2] for k, e in terms]))


def _at_least(prog: Programme, e: Expr, margin: float, meta: Constraint) -> None:
    """e >= margin (USD millions)."""
    prog.add_le((-e[0], e[1], -e[2]), -margin, meta)


def add_drivers(prog: Programme, mi: int, region: str, items: list[str], sign: float,
                meta: Constraint) -> None:
    """The named major items drive the region's change, in this order, as the release picks them
    (items moving the region's way with at least 15% of that movement, largest first): each
    named one moves the region's way, by at least a fifth of the named total, in order; other
    major items move it by less than an eighth of that total (or the other way)."""
    contrib = {i: _lin([(sign, _contribution(prog, "export", mi, i, region))])
               for i in taxonomy().majors()}
    named = _lin([(1.0, contrib[i]) for i in items])
    for k, item in enumerate(items):
        _at_least(prog, _lin([(1.0, contrib[item]), (-0.2, named)]), 1.0, meta)
        if k:
            _at_least(prog, _lin([(1.0, contrib[items[k - 1]]), (-1.0, contrib[item])]), 1.0,
                      meta)
    for other in contrib:
        if other not in items:
            _at_least(prog, _lin([(0.12, named), (-1.0, contrib[other])]), 1.0, meta)


def add_narrative(prog: Programme, vint: Vintages) -> None:
    """Statements of releases that constrain unpublished cells (data-raw narrative.csv)."""
    with open(RAW / "narrative.csv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    for row in rows:
        mi = MI[Month.parse(row["month"])]
        items, flow, region, kind = row["items"].split(";"), row["flow"], row["region"], row["kind"]
        meta = Constraint(f"{row['month']} {flow} {row['items']}/{region} {kind}", 0, "narrative",
                          row["source"])
        sign = -1.0 if kind in ("yoy_decline", "drivers_down") else 1.0
        if kind == "record_high":
            add_records(prog, row, vint, meta)
        elif kind == "yoy_range":
            num = prog.expr(flow, mi, items[0], region, 0)
            den = prog.expr(flow, mi - 12, items[0], region, 1, region_month=mi)
            prog.add_ratio(num, den, 1 + float(row["lo"]) / 100, 1 + float(row["hi"]) / 100, meta)
        elif kind == "level_range":
            prog.add_range(_value(prog, flow, mi, items[0], region, 0), float(row["lo"]),
                           float(row["hi"]), meta)
        elif kind.startswith("drivers"):
            add_drivers(prog, mi, region, items, sign, meta)
        else:
            for item in items:
                _at_least(prog, _lin([(sign, _contribution(prog, flow, mi, item, region))]), 1.0,
                          meta)
