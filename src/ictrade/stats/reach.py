"""How much of one month's goods another month's codes cover (``stats.comparable`` tells
from it which months compare), as whole-array operations.

Which code is coarser than, or a sibling of, which depends on the codes alone: ``CodeTree``
finds it once for every code a snapshot holds at any date, so a new vintage costs a few
array operations over its months and codes instead of loops over them. Codes are taken in the
order the rows first give them and values summed in the rows' order, so that every sum is
made in the same order at any date (the shares are then the same to the last bit).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

REGULAR = 3
HS6 = 6


@dataclass(frozen=True)
class CodeTree:
    """``coarse``, ``fine``: every pair of codes where the finer starts with the coarser,
    grouped by the finer code, its coarser codes shortest first; ``by_coarse``: the pairs'
    order grouped by the coarser code."""

    length: np.ndarray  # [code]
    level: np.ndarray  # [code]: codes of one length share a number
    sibling: np.ndarray  # [code]: codes of one length under one HS6 share a number
    coarse: np.ndarray
    fine: np.ndarray
    by_coarse: np.ndarray
    coarse_length: np.ndarray
    levels: int  # how many numbers ``level`` uses
    siblings: int


@functools.lru_cache(maxsize=8)
def code_tree(codes: tuple[str, ...]) -> CodeTree:
    """The relations of ``codes`` (kept for a few sets: a snapshot asks for the same one at
    every date)."""
    index = {code: n for n, code in enumerate(codes)}
    coarse, fine = [], []
    for n, code in enumerate(codes):
        for d in range(len(code)):
            p = index.get(code[:d])
            if p is not None:
                coarse.append(p)
                fine.append(n)
    length = np.asarray([len(c) for c in codes], dtype=np.int64)
    groups: dict[tuple[int, str], int] = {}
    sibling = [groups.setdefault((len(c), c[:HS6]), len(groups)) for c in codes]
    coarse_a = np.asarray(coarse, dtype=np.int64)
    lengths, level = np.unique(length, return_inverse=True)
    return CodeTree(
        length,
        level.reshape(-1),
        np.asarray(sibling, dtype=np.int64),
        coarse_a,
        np.asarray(fine, dtype=np.int64),
        np.argsort(coarse_a, kind="stable"),
        length[coarse_a],
        len(lengths),
        len(groups),
    )


def _runs(numbers: np.ndarray) -> np.ndarray:
    """Whether each number begins a run of equal ones (``numbers``: equal ones together)."""
    return np.concatenate(([True], numbers[1:] != numbers[:-1]))


def _any_over(cols: np.ndarray, to: np.ndarray, size: int) -> np.ndarray:
    """[t, size]: whether any column ``j`` of ``cols`` with ``to[j]`` = the column holds
    (``to``: equal numbers together)."""
    out = np.zeros((cols.shape[0], size), dtype=bool)
    if len(to):
        starts = np.flatnonzero(_runs(to))
        if len(starts) == len(to):
            out[:, to] = cols
        else:
            out[:, to[starts]] = np.logical_or.reduceat(cols, starts, axis=1)
    return out


def _group_held(
    t: np.ndarray, group: np.ndarray, shape: tuple[int, int], of: np.ndarray
) -> np.ndarray:
    """[t, code]: whether the month holds a code of the group of each code of ``of``
    (``group``: the group of each row's code, at month ``t``; ``shape``: months, groups)."""
    out = np.zeros(shape, dtype=bool)
    out[t, group] = True
    return out[:, of]


def _subtract_in_order(own: np.ndarray, value: np.ndarray, to: np.ndarray, of: np.ndarray) -> None:
    """own[:, to[j]] -= value[:, of[j]], each column's in the order of ``of``."""
    if not len(to):
        return
    order = np.lexsort((of, to))
    to, of = to[order], of[order]
    starts = np.flatnonzero(_runs(to))
    # each column's own value, then what it loses: one left-to-right subtraction per column
    cols = np.insert(of, starts, to[starts])
    own[:, to[starts]] = np.subtract.reduceat(
        value[:, cols], starts + np.arange(len(starts)), axis=1
    )


def reach(
    t: np.ndarray,
    code: np.ndarray,
    key: np.ndarray,
    values: np.ndarray,
    n_t: int,
    tree: CodeTree,
    n_keys: int,
    kinds: bool = False,
) -> tuple[np.ndarray, np.ndarray | None]:
    """[a, b]: the share of month b's value that month a covers, from rows at month ``t`` of
    ``code`` (a number of ``tree``), of items ``key``, worth ``values``; and with ``kinds``
    the same when codes finer than b's cover too (whether a holds goods of b's kinds, not all
    of them)."""
    n_rows, n_codes = len(code), len(tree.length)
    first = np.full(n_codes, n_rows)
    np.minimum.at(first, code, np.arange(n_rows))
    present = np.flatnonzero(first < n_rows)
    codes = present[np.argsort(first[present])]  # in the order the rows give them
    n_c = len(codes)
    local = np.full(n_codes, -1, dtype=np.int64)
    local[codes] = np.arange(n_c)
    c = local[code]
    held = np.zeros((n_t, n_c), dtype=bool)
    held[t, c] = True
    value = np.bincount(t * n_c + c, weights=values, minlength=n_t * n_c).reshape(n_t, n_c)
    held_key = np.zeros((n_t, n_keys), dtype=bool)
    held_key[t, key] = True
    # a code of the same items, in a month that holds codes as detailed as this one
    level = _group_held(t, tree.level[code], (n_t, tree.levels), tree.level[codes])
    pairs = np.zeros(n_c * n_keys, dtype=bool)
    pairs[c * n_keys + key] = True
    pair = np.flatnonzero(pairs)
    pair_code, pair_key = pair // n_keys, pair % n_keys
    same_items = held_key[:, pair_key] & level[:, pair_code]
    covered = held | _any_over(same_items, pair_code, n_c)
    covered |= _group_held(t, tree.sibling[code], (n_t, tree.siblings), tree.sibling[codes])
    coarse, fine = local[tree.coarse], local[tree.fine]
    both = (coarse >= 0) & (fine >= 0)
    prefix = both & (tree.coarse_length >= 2)
    covered |= _any_over(held[:, coarse[prefix]], fine[prefix], n_c)
    by_coarse = tree.by_coarse[both[tree.by_coarse]]
    finer = None
    if kinds:
        down = by_coarse[prefix[by_coarse]]
        finer = covered | _any_over(held[:, fine[down]], coarse[down], n_c)
    # what each code adds beyond its finer codes: the nearest coarser code (the last of a
    # finer code's pairs) holds what they carry, when it is an HS6 code or finer
    pc, pf = coarse[prefix], fine[prefix]
    nearest = np.concatenate((pf[1:] != pf[:-1], [True]))[: len(pf)]
    nearest &= tree.coarse_length[prefix] >= HS6
    own = value.copy()
    _subtract_in_order(own, value, pc[nearest], pf[nearest])
    # a heading beside its detail adds nothing: its detail has it
    heading = by_coarse[tree.coarse_length[by_coarse] < HS6]
    own[_any_over(held[:, fine[heading]], coarse[heading], n_c)] = 0.0
    own = np.clip(own, 0.0, None)
    regular = own * (np.count_nonzero(held, axis=0) >= min(REGULAR, n_t))[None, :]
    # one-off codes are not asked of other months, unless they are most of the month
    mostly = regular.sum(axis=1) >= 0.5 * own.sum(axis=1)
    own = np.where(mostly[:, None], regular, own)
    total = own.sum(axis=1)

    def share(cover: np.ndarray) -> np.ndarray:
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.asarray(np.nan_to_num((cover.astype(float) @ own.T) / total[None, :]))

    return share(covered), None if finer is None else share(finer)
