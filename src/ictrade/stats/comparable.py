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
its detail); codes the store holds in fewer than ``REGULAR`` months (a one-off line) are not
asked of other months.

The test runs on all the lines (world figures) and on partner lines only (regions); and
between a month's imports and its exports: import lines that do not reach the export lines'
goods (a few headings beside every code) are not stated as ICT imports.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..errors import NoDataError
from ..months import Month
from ..store.schema import FLOWS

REACH = 0.95
REGULAR = 3
HS6 = 6
SCOPES = ("world", "partners")


def finer_held(held: np.ndarray, index: dict[str, int], code: str) -> np.ndarray:
    """[t] whether the month holds a code finer than ``code``."""
    under = [n for c, n in index.items() if len(c) > len(code) and c.startswith(code)]
    return np.asarray(held[:, under].any(axis=1)) if under else np.zeros(len(held), dtype=bool)


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


def _indexes(column: pa.ChunkedArray | pa.Array) -> tuple[list[str], np.ndarray]:
    encoded = pc.dictionary_encode(column)
    if isinstance(encoded, pa.ChunkedArray):
        encoded = encoded.combine_chunks()
    return encoded.dictionary.to_pylist(), np.asarray(encoded.indices.to_numpy())


def _reach(rows: pa.Table, t: np.ndarray, n_t: int, finer_covers: bool = False) -> np.ndarray:
    """[a, b]: the share of month b's value that month a covers (``finer_covers``: also by
    codes finer than b's: whether a holds goods of b's kinds, not all of them)."""
    codes, c = _indexes(rows.column("hs_code"))
    keys, k = _indexes(rows.column("items"))
    held = np.zeros((n_t, len(codes)), dtype=bool)
    held[t, c] = True
    value = np.zeros((n_t, len(codes)))
    np.add.at(value, (t, c), rows.column("value_usd").to_numpy(zero_copy_only=False))
    held_key = np.zeros((n_t, len(keys)), dtype=bool)
    held_key[t, k] = True
    lengths = sorted({len(code) for code in codes})
    held_length = np.stack(
        [
            held[:, [n for n, code in enumerate(codes) if len(code) == d]].any(axis=1)
            for d in lengths
        ],
        axis=1,
    )
    covered = held.copy()
    for code_n, key_n in set(zip(c.tolist(), k.tolist(), strict=True)):
        # a code of the same items, in a month that holds codes as detailed as this one
        level = held_length[:, lengths.index(len(codes[code_n]))]
        covered[:, code_n] |= held_key[:, key_n] & level
    siblings: dict[tuple[int, str], list[int]] = {}
    for n, code in enumerate(codes):
        siblings.setdefault((len(code), code[:HS6]), []).append(n)
    for group in siblings.values():
        covered[:, group] |= np.asarray(held[:, group].any(axis=1))[:, None]
    index = {code: n for n, code in enumerate(codes)}
    own = value.copy()  # what each code adds beyond its finer codes
    for n, code in enumerate(codes):
        prefixes = [p for p in (index.get(code[:d]) for d in range(2, len(code))) if p is not None]
        for p in prefixes:
            covered[:, n] |= held[:, p]
            if finer_covers:
                covered[:, p] |= held[:, n]
        if prefixes and len(codes[prefixes[-1]]) >= HS6:
            own[:, prefixes[-1]] -= value[:, n]  # the nearest coarser code holds it
    for n, code in enumerate(codes):
        if len(code) < HS6:  # a heading beside its detail adds nothing: its detail has it
            own[finer_held(held, index, code), n] = 0.0
    own = np.clip(own, 0.0, None)
    regular = own * (held.sum(axis=0) >= min(REGULAR, n_t))[None, :]
    # one-off codes are not asked of other months, unless they are most of the month
    mostly = regular.sum(axis=1) >= 0.5 * own.sum(axis=1)
    own = np.where(mostly[:, None], regular, own)
    total = own.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        out: np.ndarray = np.nan_to_num((covered.astype(float) @ own.T) / total[None, :])
    return out


def comparability(layers: pa.Table, months: list[Month]) -> Comparability:
    """The comparability of the cube's ``months`` from ``store.layers.code_layers`` rows."""
    n_t = len(months)
    same = np.zeros((len(FLOWS), len(SCOPES), n_t, n_t), dtype=bool)
    narrow = np.zeros((len(FLOWS), n_t), dtype=bool)
    wider: dict[tuple[int, int], tuple[int, float]] = {}
    if not n_t:
        return Comparability(same, narrow, wider)
    month_t = layers.column("month").to_numpy().astype("datetime64[M]").astype(np.int64)
    month_t = month_t + 1970 * 12 - months[0].index
    inside = (month_t >= 0) & (month_t < n_t)
    partnered = layers.column("partnered").to_numpy(zero_copy_only=False).astype(bool)
    flow = layers.column("flow").to_numpy(zero_copy_only=False)
    for f, name in enumerate(FLOWS):
        for s, scope in enumerate(SCOPES):
            pick = inside & (flow == name) & (partnered if scope == "partners" else True)
            if not pick.any():  # no such lines: nothing tells the months apart
                same[f, s] = True
                continue
            reach = _reach(layers.filter(pa.array(pick)), month_t[pick], n_t)
            ok = reach >= REACH
            np.fill_diagonal(ok, True)
            same[f, s] = ok & ok.T
            if scope == "world":
                short = ok.T & ~ok  # [t, w]: w reaches t, t does not reach w
                for t in np.nonzero(short.any(axis=1))[0]:
                    w = int(np.argmin(np.where(short[t], reach[t], np.inf)))
                    narrow[f, t] = True
                    wider[(f, int(t))] = (w, float(1 - reach[t, w]))
    _imports_short(layers.filter(pa.array(inside)), month_t[inside], n_t, narrow, wider)
    return Comparability(same, narrow, wider)


def _imports_short(
    rows: pa.Table,
    month_t: np.ndarray,
    n_t: int,
    narrow: np.ndarray,
    wider: dict[tuple[int, int], tuple[int, float]],
) -> None:
    """Mark narrow the months whose import lines hold a part of the goods of their export
    lines: the exports hold goods of every kind the imports do, the imports do not reach the
    exports (imports of other goods than the exports are not a part of them)."""
    flow = rows.column("flow").to_numpy(zero_copy_only=False)
    if not ((flow == "export").any() and (flow == "import").any()):
        return
    imports = FLOWS.index("import")
    at = month_t + n_t * (flow == "import")
    reach = _reach(rows, at, 2 * n_t)
    kinds = _reach(rows, at, 2 * n_t, finer_covers=True)
    for t in range(n_t):
        missed = 1 - reach[n_t + t, t]
        part = kinds[t, n_t + t] >= REACH and missed > 1 - REACH
        if reach[n_t + t, n_t + t] > 0 and part and not narrow[imports, t]:
            narrow[imports, t] = True
            wider[(imports, t)] = (t, float(missed))


def mask_not_comparable(
    comp: Comparability, value: np.ndarray, prior: np.ndarray, world: int
) -> None:
    """In a cube's ``value`` and ``prior`` [flow, item, region, t]: no prior-year value where
    the year before is not comparable (regions: also on their partner lines), no value in a
    narrow month."""
    for f in range(len(FLOWS)):
        for t in range(12, value.shape[3]):
            if not comp.same[f, 0, t, t - 12]:
                prior[f, :, :, t] = np.nan
            elif not comp.same[f, 1, t, t - 12]:
                keep = prior[f, :, world, t].copy()
                prior[f, :, :, t] = np.nan
                prior[f, :, world, t] = keep
        value[f, :, :, comp.narrow[f]] = np.nan
