"""Which months of a store are made of the same goods, so that a growth rate, a streak, a
record or a year-to-date sum compares like with like.

Files of different reach end up in one store: a series of a few HSK10 items since 2016 beside
a file of every HS6 code since 2025, partner lines for some months only. Month ``a`` *covers*
a code of month ``b`` when it holds that code or a coarser one, a code of the same items among
codes as detailed (the same goods under another revision of the HS), or a code of the same
length under the same HS6 (a national line split off another); ``a`` *reaches* ``b`` when it
covers codes carrying at least ``REACH`` of ``b``'s value. Two months compare when each
reaches the other.
A month that another reaches but that does not reach it holds only part of the goods: it is
*narrow*, and is not stated as a whole. An HS6 code with national (HSK10) codes under it
carries what they leave (its remainder); a heading beside finer codes adds nothing (they hold
its detail); codes the store holds in fewer than ``reach.REGULAR`` months (a one-off line)
are not asked of other months (``stats.reach`` computes the shares).

The test runs on all the lines (world figures) and on partner lines only (regions); and
between a month's imports and its exports: import lines that do not reach the export lines'
goods (a few headings beside every code) are not stated as ICT imports.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from ..errors import NoDataError
from ..months import Month
from ..store.layers import Layers
from ..store.schema import FLOWS
from .reach import code_tree, reach

REACH = 0.95
SCOPES = ("world", "partners")


@dataclass(frozen=True)
class Comparability:
    """``same`` [flow, scope, a, b]: whether months a and b of the cube compare; ``narrow``
    [flow, t]: months holding part of the goods; ``wider`` (flow, t): the month a narrow month
    falls short of, and the share of that month's value it misses."""

    same: np.ndarray
    narrow: np.ndarray
    wider: dict[tuple[int, int], tuple[int, float]]

    def with_month(self, flows: list[int], region: str, t: int) -> np.ndarray:
        """[t'] the months that compare with ``t`` for a series of ``flows`` (a balance: both)
        and ``region``."""
        scopes = [0] if region == "world" else [0, 1]
        return np.asarray(np.all(self.same[np.ix_(flows, scopes)][:, :, t], axis=(0, 1)))

    def check(self, month: Month, t: int, months: list[Month]) -> None:
        """Refuse a month whose export lines hold only part of the goods of another month."""
        reason = self.refusal(month, t, months)
        if reason is not None:
            raise NoDataError(reason)

    def refusal(self, month: Month, t: int, months: list[Month]) -> str | None:
        """Why a release of a month whose export lines hold only part of the goods of another
        month is refused (None: they do not)."""
        if not self.narrow[0, t]:
            return None
        w, missed = self.wider[(0, t)]
        return (
            f"{month} holds only part of the ICT goods of other months: its codes carry "
            f"{100 * (1 - missed):.0f}% of {months[w]}'s export value (the rest is in codes "
            f"{month} has no line for, or only finer lines of), so it is not released as ICT "
            "exports as a whole; load the month's lines of every code, or see what there is "
            "with 'ictrade series'"
        )


def comparability(layers: Layers | pa.Table, months: list[Month]) -> Comparability:
    """The comparability of the cube's ``months`` from ``store.layers.code_layers`` rows."""
    n_t = len(months)
    same = np.zeros((len(FLOWS), len(SCOPES), n_t, n_t), dtype=bool)
    narrow = np.zeros((len(FLOWS), n_t), dtype=bool)
    wider: dict[tuple[int, int], tuple[int, float]] = {}
    if not n_t:
        return Comparability(same, narrow, wider)
    if isinstance(layers, pa.Table):
        layers = Layers.of(layers)
    month_t = layers.month - months[0].index
    inside = (month_t >= 0) & (month_t < n_t)
    for f in range(len(FLOWS)):
        lines = inside & (layers.flow == f)
        for s, scope in enumerate(SCOPES):
            pick = lines & layers.partnered if scope == "partners" else lines
            if scope == "partners" and np.array_equal(pick, lines):
                same[f, s] = same[f, 0]  # no WORLD lines: the partner lines were tested
                continue
            if not pick.any():  # no such lines: nothing tells the months apart
                same[f, s] = True
                continue
            rows = np.flatnonzero(pick)
            shares, _ = _reach(layers, rows, month_t[rows], n_t)
            ok = shares >= REACH
            np.fill_diagonal(ok, True)
            same[f, s] = ok & ok.T
            if scope == "world":
                short = ok.T & ~ok  # [t, w]: w reaches t, t does not reach w
                closest = np.argmin(np.where(short, shares, np.inf), axis=1)
                for t in np.flatnonzero(short.any(axis=1)).tolist():
                    w = int(closest[t])
                    narrow[f, t] = True
                    wider[(f, t)] = (w, float(1 - shares[t, w]))
    _imports_short(layers, np.flatnonzero(inside), month_t, n_t, narrow, wider)
    return Comparability(same, narrow, wider)


def _reach(
    layers: Layers, rows: np.ndarray, t: np.ndarray, n_t: int, kinds: bool = False
) -> tuple[np.ndarray, np.ndarray | None]:
    """``stats.reach.reach`` of the layers' ``rows`` at months ``t``."""
    return reach(
        t,
        layers.code[rows],
        layers.key[rows],
        layers.value[rows],
        n_t,
        code_tree(layers.codes),
        len(layers.keys),
        kinds,
    )


def _imports_short(
    layers: Layers,
    rows: np.ndarray,
    month_t: np.ndarray,
    n_t: int,
    narrow: np.ndarray,
    wider: dict[tuple[int, int], tuple[int, float]],
) -> None:
    """Mark narrow the months whose import lines hold a part of the goods of their export
    lines: the exports hold goods of every kind the imports do, the imports do not reach the
    exports (imports of other goods than the exports are not a part of them)."""
    imports = FLOWS.index("import")
    flow = layers.flow[rows]
    if not ((flow != imports).any() and (flow == imports).any()):
        return
    shares, kinds = _reach(layers, rows, month_t[rows] + n_t * (flow == imports), 2 * n_t, True)
    assert kinds is not None
    t = np.arange(n_t)
    missed = 1 - shares[n_t + t, t]
    part = (kinds[t, n_t + t] >= REACH) & (missed > 1 - REACH)
    found = (shares[n_t + t, n_t + t] > 0) & part & ~narrow[imports]
    for m in np.flatnonzero(found).tolist():
        narrow[imports, m] = True
        wider[(imports, m)] = (m, float(missed[m]))


def mask_not_comparable(
    comp: Comparability, value: np.ndarray, prior: np.ndarray, world: int
) -> None:
    """In a cube's ``value`` and ``prior`` [flow, item, region, t]: no prior-year value where
    the year before is not comparable (regions: also on their partner lines), no value in a
    narrow month."""
    t = np.arange(12, value.shape[3])
    for f in range(len(FLOWS)):
        whole = comp.same[f, 0, t, t - 12]
        prior[f][..., t[~whole]] = np.nan
        regions = t[whole & ~comp.same[f, 1, t, t - 12]]  # the world's figure stands
        kept = prior[f, :, world][:, regions]
        prior[f][..., regions] = np.nan
        prior[f, :, world][:, regions] = kept
        value[f][..., comp.narrow[f]] = np.nan
