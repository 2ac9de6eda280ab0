"""The comparability of months computed in arrays (stats.comparable, stats.reach) equals the
implementation it replaced, kept here as the reference, on generated layers: codes of lengths
4, 6, 8 and 10 with shared prefixes, codes of several items, months missing codes, zero and
fractional values, both flows, partner and WORLD lines, rows in any order."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from hypothesis import given, settings
from hypothesis import strategies as st

from ictrade.months import Month
from ictrade.stats.comparable import Comparability, comparability, mask_not_comparable
from ictrade.stats.reach import code_tree, reach
from ictrade.store.layers import Layers
from ictrade.store.schema import FLOWS

REACH = 0.95
REGULAR = 3
HS6 = 6
SCOPES = ("world", "partners")
Reference = tuple[np.ndarray, np.ndarray, dict[tuple[int, int], tuple[int, float]]]


# the implementation before stats.reach, as it was (comparability returns its three parts)
def finer_held(held: np.ndarray, index: dict[str, int], code: str) -> np.ndarray:
    """[t] whether the month holds a code finer than ``code``."""
    under = [n for c, n in index.items() if len(c) > len(code) and c.startswith(code)]
    return np.asarray(held[:, under].any(axis=1)) if under else np.zeros(len(held), dtype=bool)


def _indexes(column: pa.ChunkedArray | pa.Array) -> tuple[list[str], np.ndarray]:
    encoded = pc.dictionary_encode(column)
    if isinstance(encoded, pa.ChunkedArray):
        encoded = encoded.combine_chunks()
    return encoded.dictionary.to_pylist(), np.asarray(encoded.indices.to_numpy())


def reference_reach(
    rows: pa.Table, t: np.ndarray, n_t: int, finer_covers: bool = False
) -> np.ndarray:
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


def reference(layers: pa.Table, months: list[Month]) -> Reference:
    """The comparability of the cube's ``months`` from ``store.layers.code_layers`` rows."""
    n_t = len(months)
    same = np.zeros((len(FLOWS), len(SCOPES), n_t, n_t), dtype=bool)
    narrow = np.zeros((len(FLOWS), n_t), dtype=bool)
    wider: dict[tuple[int, int], tuple[int, float]] = {}
    if not n_t:
        return same, narrow, wider
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
            reach = reference_reach(layers.filter(pa.array(pick)), month_t[pick], n_t)
            ok = reach >= REACH
            np.fill_diagonal(ok, True)
            same[f, s] = ok & ok.T
            if scope == "world":
                short = ok.T & ~ok  # [t, w]: w reaches t, t does not reach w
                for t in np.nonzero(short.any(axis=1))[0]:
                    w = int(np.argmin(np.where(short[t], reach[t], np.inf)))
                    narrow[f, t] = True
                    wider[(f, int(t))] = (w, float(1 - reach[t, w]))
    reference_imports_short(layers.filter(pa.array(inside)), month_t[inside], n_t, narrow, wider)
    return same, narrow, wider


def reference_imports_short(
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
    reach = reference_reach(rows, at, 2 * n_t)
    kinds = reference_reach(rows, at, 2 * n_t, finer_covers=True)
    for t in range(n_t):
        missed = 1 - reach[n_t + t, t]
        part = kinds[t, n_t + t] >= REACH and missed > 1 - REACH
        if reach[n_t + t, n_t + t] > 0 and part and not narrow[imports, t]:
            narrow[imports, t] = True
            wider[(imports, t)] = (t, float(missed))


# codes sharing prefixes: headings, HS6 codes, a national 8-digit line, HSK10 codes
POOL = [
    "8471", "847130", "847141", "8471301000", "8471302000", "8471303000", "8471410000",
    "8542", "854231", "854232", "85423210", "8542321010", "8542321030", "8542329000",
    "8542311000", "8517", "851713", "8517130000",
]  # fmt: skip
ITEMS = ["computers", "dram", "nand", "dram|nand", "mcp", "telecom_equipment"]
FIRST = Month(2019, 1)


@st.composite
def layer_tables(draw: st.DrawFn) -> tuple[pa.Table, list[Month]]:
    """code_layers rows of a few codes over a few months, and the cube's months (they may
    begin or end before or after the rows')."""
    codes = draw(st.lists(st.sampled_from(POOL), min_size=1, max_size=14, unique=True))
    n_months = draw(st.integers(1, 15))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    items = {c: draw(st.sampled_from(ITEMS)) for c in codes}
    rows = []
    scopes = [True] if draw(st.booleans()) else [False, True]  # partner lines only, or not
    for flow in FLOWS:
        for partnered in scopes:
            for code in codes:
                if not draw(st.booleans()):
                    continue
                start = draw(st.integers(0, n_months - 1))
                end = draw(st.integers(start + 1, n_months))
                holes = draw(st.sets(st.integers(start, end - 1), max_size=3))
                for m in sorted(set(range(start, end)) - holes):
                    kind = rng.integers(6)  # zeros, whole dollars, fractions, wide magnitudes
                    value = [0.0, float(rng.integers(1, 100)), rng.random() * 1e3][kind % 3]
                    if kind == 5:
                        value = rng.random() * 10.0 ** int(rng.integers(-2, 12))
                    rows.append(
                        {
                            "flow": flow,
                            "partnered": partnered,
                            "month": (FIRST + m).first_day(),
                            "hs_code": code,
                            # a code's items change from some month on (a new code map)
                            "items": items[code] if rng.random() < 0.8 else str(rng.choice(ITEMS)),
                            "value_usd": value,
                        }
                    )
    if draw(st.booleans()):  # coarser codes carry their finer codes' value and a remainder
        for row in rows:
            row["value_usd"] += sum(
                other["value_usd"]
                for other in rows
                if other["hs_code"].startswith(row["hs_code"])
                and len(other["hs_code"]) > len(row["hs_code"])
                and all(other[k] == row[k] for k in ("flow", "partnered", "month"))
            )
    if rows and draw(st.booleans()):  # a row given twice (two keys of one layer)
        rows.append(dict(rows[int(rng.integers(len(rows)))]))
    order = rng.permutation(len(rows)) if draw(st.booleans()) else np.arange(len(rows))
    schema = pa.schema(
        [
            ("flow", pa.string()),
            ("partnered", pa.bool_()),
            ("month", pa.date32()),
            ("hs_code", pa.string()),
            ("items", pa.string()),
            ("value_usd", pa.float64()),
        ]
    )
    table = pa.Table.from_pylist([rows[i] for i in order], schema=schema)
    first = FIRST + draw(st.integers(-2, 2))
    months = [first + k for k in range(draw(st.integers(0, n_months + 3)))]
    return table, months


@settings(max_examples=400)
@given(layer_tables())
def test_comparability_equals_the_reference(case: tuple[pa.Table, list[Month]]) -> None:
    table, months = case
    comp = comparability(table, months)
    same, narrow, wider = reference(table, months)
    assert np.array_equal(comp.same, same)
    assert np.array_equal(comp.narrow, narrow)
    assert comp.wider == wider  # the shares missed to the last bit


@settings(max_examples=400)
@given(layer_tables(), st.booleans())
def test_each_reach_equals_the_reference_to_the_last_bit(
    case: tuple[pa.Table, list[Month]], finer_covers: bool
) -> None:
    table, _ = case
    if not table.num_rows:
        return
    layers = Layers.of(table)
    t = layers.month - layers.month.min() + layers.flow * 20  # a flow's months after the other's
    n_t = int(t.max()) + 1
    shares, kinds = reach(
        t, layers.code, layers.key, layers.value, n_t, code_tree(layers.codes), len(layers.keys),
        finer_covers,
    )  # fmt: skip
    expected = reference_reach(table, t, n_t, finer_covers)
    assert np.array_equal(kinds if finer_covers else shares, expected)


def reference_mask(comp: Comparability, value: np.ndarray, prior: np.ndarray, world: int) -> None:
    """mask_not_comparable as it was: month by month."""
    for f in range(len(FLOWS)):
        for t in range(12, value.shape[3]):
            if not comp.same[f, 0, t, t - 12]:
                prior[f, :, :, t] = np.nan
            elif not comp.same[f, 1, t, t - 12]:
                keep = prior[f, :, world, t].copy()
                prior[f, :, :, t] = np.nan
                prior[f, :, world, t] = keep
        value[f, :, :, comp.narrow[f]] = np.nan


@settings(max_examples=100)
@given(st.integers(1, 40), st.integers(0, 3), st.integers(0, 2**32 - 1))
def test_masking_equals_the_reference(n_t: int, world: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    comp = Comparability(rng.random((2, 2, n_t, n_t)) < 0.7, rng.random((2, n_t)) < 0.2, {})
    value, prior = rng.random((2, 3, 4, n_t)), rng.random((2, 3, 4, n_t))
    expected_value, expected_prior = value.copy(), prior.copy()
    reference_mask(comp, expected_value, expected_prior, world)
    mask_not_comparable(comp, value, prior, world)
    assert np.array_equal(value, expected_value, equal_nan=True)
    assert np.array_equal(prior, expected_prior, equal_nan=True)
