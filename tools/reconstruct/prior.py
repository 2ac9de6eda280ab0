"""The prior: a smooth, plausible tensor close to the published figures (before exact fitting).

1. Every published series is fitted in logs by least squares: the world total directly, every
   other series as a log share of its parent (so a series with few figures keeps its share).
   Levels and year-on-year rates are equations, month-to-month smoothness fills the gaps.
2. A seed (total x leaf share x block share, with item-specific partner leanings) is raked to the
   fitted series by iterative proportional fitting.
"""

from __future__ import annotations

import csv
import math

import numpy as np

from ictrade.classify import taxonomy
from ictrade.months import Month

from .inputs import MI, MONTHS, RAW, Figure
from .lines import available
from .structure import LEAVES, LI, blocks, item_leaves, region_blocks

Key = tuple[str, str, str]  # flow, item, region

# Default leaf shares of the total, by flow (plausible basket shares around 2016-2020).
LEAF_SHARES = {
    "export": {"dram": .17, "nand": .05, "mcp": .09, "other_memory": .015,
               "system_semiconductors": .16, "other_semiconductors": .03, "lcd": .06, "oled": .06,
               "display_parts": .02, "other_displays": .005, "mobile_finished": .035,
               "mobile_parts": .05, "computers": .012, "ssd": .035, "other_peripherals": .02,
               "telecom_equipment": .025, "tv": .012, "secondary_batteries": .04,
               "other_ict": .09},
    "import": {"dram": .05, "nand": .035, "mcp": .04, "other_memory": .015,
               "system_semiconductors": .24, "other_semiconductors": .05, "lcd": .02,
               "oled": .01, "display_parts": .025, "other_displays": .005,
               "mobile_finished": .05, "mobile_parts": .045, "computers": .08, "ssd": .02,
               "other_peripherals": .07, "telecom_equipment": .04, "tv": .01,
               "secondary_batteries": .03, "other_ict": .17},
}
BLOCK_SHARES = {
    "export": {"CN": .33, "HK": .15, "VN": .15, "US": .10, "HU": .05, "GB": .006, "JP": .025,
               "IN": .015, "TW": .04, "SG": .06, "MX": .025, "AE": .01, "AU": .03},
    "import": {"CN": .30, "HK": .01, "VN": .12, "US": .06, "HU": .035, "GB": .004, "JP": .07,
               "IN": .005, "TW": .15, "SG": .15, "MX": .02, "AE": .006, "AU": .02},
}
# Item-specific partner leanings (multiply the block share), by flow.
LEANINGS = {
    "export": {
        "semiconductors": {"CN": 1.2, "HK": 1.4, "VN": .7, "US": .5, "HU": .3, "GB": .3,
                           "JP": .8, "TW": 1.6, "SG": 1.3, "IN": .5},
        "displays": {"CN": 1.3, "HK": .3, "VN": 1.6, "US": .2, "HU": .4, "JP": .6, "TW": .8},
        "mobile_phones": {"CN": .6, "HK": .3, "VN": 1.4, "US": 2.5, "HU": 1.5, "IN": 3,
                          "AU": 2, "MX": 3, "AE": 3},
        "computers_peripherals": {"CN": .8, "HK": .5, "VN": .6, "US": 3, "HU": 1.5, "JP": 1.2},
        "secondary_batteries": {"CN": .5, "HK": .2, "VN": .6, "US": 3, "HU": 4, "GB": 2},
        "telecom_equipment": {"US": 3, "JP": 2, "IN": 3, "HU": 1.5},
        "tv": {"US": 3, "HU": 2, "MX": 3, "CN": .3, "HK": .2},
    },
    "import": {
        "semiconductors": {"TW": 1.8, "JP": 1.2, "US": 1.4, "CN": .7, "SG": 1.4, "VN": .5},
        "displays": {"CN": 2, "VN": 1.5, "JP": 1.0, "TW": .8, "US": .3},
        "mobile_phones": {"VN": 3, "CN": 1.5, "TW": .2, "JP": .3, "SG": .3},
        "computers_peripherals": {"CN": 2, "VN": .6, "TW": .6, "US": .8, "SG": .7},
        "secondary_batteries": {"CN": 2, "JP": 1.5, "TW": .3},
        "telecom_equipment": {"CN": 1.8, "VN": 1.5, "TW": .3},
    },
}


def _block_index(iso2: str) -> int:
    return next(b for b, members in enumerate(blocks()) if iso2 in members)


def parent_key(key: Key) -> Key | None:
    flow, item, region = key
    if item == "total":
        if region == "world":
            return None
        if region in ("china", "hong_kong"):
            return (flow, "total", "china_incl_hk")
        return (flow, "total", "world")
    if region == "world":
        parent = taxonomy().by_id[item].parent
        assert parent is not None
        return (flow, parent, "world")
    return (flow, item, "world")


def _lstsq(eqs: list[tuple[dict[int, float], float, float]], n: int) -> np.ndarray:
    a = np.zeros((len(eqs), n))
    b = np.zeros(len(eqs))
    for r, (coefs, rhs, w) in enumerate(eqs):
        for j, c in coefs.items():
            a[r, j] = c * w
        b[r] = rhs * w
    return np.linalg.lstsq(a, b, rcond=None)[0]


def fit_series(figs: list[Figure], base: np.ndarray | None, default: float,
               smooth: float) -> np.ndarray:
    """Log level (base None) or log share of a parent whose log level is ``base``."""
    n = len(MONTHS)
    bl = np.zeros(n) if base is None else base
    eqs: list[tuple[dict[int, float], float, float]] = []
    for f in figs:
        i = MI[f.month]
        if f.value is not None and f.value > 0:
            eqs.append(({i: 1.0}, math.log(f.value) - bl[i], 1.0))
        if f.yoy is not None and i >= 12:
            eqs.append(({i: 1.0, i - 12: -1.0},
                        math.log1p(f.yoy / 100) - (bl[i] - bl[i - 12]), 1.0))
    for i in range(1, n):
        eqs.append(({i: 1.0, i - 1: -1.0}, 0.0, smooth))
    for i in range(n):
        eqs.append(({i: 1.0}, math.log(default), 0.01))
    out: np.ndarray = _lstsq(eqs, n) + bl
    return out


def default_share(key: Key) -> float:
    flow, item, region = key
    if region == "world":
        leaves = [LEAVES[i] for i in item_leaves(item)]
        pitem = parent_key(key)
        assert pitem is not None
        pleaves = [LEAVES[i] for i in item_leaves(pitem[1])]
        shares_ = LEAF_SHARES[flow]
        return sum(shares_[x] for x in leaves) / sum(shares_[x] for x in pleaves)
    shares = BLOCK_SHARES[flow]
    names = {b: blocks()[b] for b in range(len(blocks()))}

    def share(reg: str) -> float:
        return sum(v for k, v in shares.items() if _block_index(k) in region_blocks(reg, 0)
                   and k in names[_block_index(k)])

    if item == "total" and region in ("china", "hong_kong"):
        return share(region) / share("china_incl_hk")
    return share(region)


def fitted_series(figs: list[Figure]) -> dict[Key, np.ndarray]:
    """Log-level fits of every published series (balance turned into import levels)."""
    by_key: dict[Key, list[Figure]] = {}
    for f in figs:
        if f.flow != "balance":
            by_key.setdefault((f.flow, f.series, f.region), []).append(f)
    fits: dict[Key, np.ndarray] = {}
    exp = fit_series(by_key[("export", "total", "world")], None, 15000, 0.05)
    fits[("export", "total", "world")] = exp
    imports = list(by_key.get(("import", "total", "world"), []))
    for f in figs:
        world_balance = (f.flow, f.series, f.region) == ("balance", "total", "world")
        if world_balance and f.value is not None:
            v = math.exp(exp[MI[f.month]]) - f.value
            imports.append(Figure(f.row, f.month, "import", "total", "world", v, f.prec,
                                  None, None, f.vintage, "from balance"))
    fits[("import", "total", "world")] = fit_series(imports, None, 9000, 0.05)

    def depth(k: Key) -> int:
        d, p = 0, parent_key(k)
        while p is not None:
            d, p = d + 1, parent_key(p)
        return d

    for key in sorted(by_key, key=lambda k: (depth(k), k)):
        if key in fits:
            continue
        chain = [key]
        while (p := parent_key(chain[-1])) is not None and p not in fits:
            chain.append(p)
        for k in reversed(chain):
            parent = parent_key(k)
            assert parent is not None
            fits[k] = fit_series(by_key.get(k, []), fits[parent], default_share(k), 0.3)
    return fits


def memory_split(months: list[Month] = MONTHS) -> dict[str, np.ndarray]:
    """Monthly shares of dram/nand/mcp in memory from the real KCS series (2016-), else means."""
    vals: dict[tuple[str, str], float] = {}
    with open(RAW / "kcs_memory_monthly.csv", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            vals[(row["item_name"], row["month"])] = float(row["value_usd"])
    names = {"dram": ("디램", "디램모듈"), "nand": ("낸드",), "mcp": ("HBM",)}
    out = {k: np.full(len(months), np.nan) for k in names}
    for i, m in enumerate(months):
        parts = {k: sum(vals.get((n, str(m)), np.nan) for n in ns) for k, ns in names.items()}
        tot = sum(parts.values())
        for k in names:
            out[k][i] = parts[k] / tot * 0.95
    for k in names:
        mean = np.nanmean(out[k][:36]) if np.isfinite(out[k][:36]).any() else 0.3
        out[k] = np.where(np.isfinite(out[k]), out[k], mean)
    return out


def seed(flow: str, total: np.ndarray) -> np.ndarray:
    """Seed tensor [month, leaf, block] in USD millions."""
    nb = len(blocks())
    leaf = np.array([LEAF_SHARES[flow][x] for x in LEAVES])
    t = np.zeros((len(MONTHS), len(LEAVES), nb))
    mem = memory_split()
    memory_total = sum(LEAF_SHARES[flow][x] for x in ("dram", "nand", "mcp", "other_memory"))
    bshare = np.zeros(nb)
    for k, v in BLOCK_SHARES[flow].items():
        bshare[_block_index(k)] = v
    for li, name in enumerate(LEAVES):
        lean = np.ones(nb)
        for group, lk in LEANINGS[flow].items():
            if li in item_leaves(group):
                for k, v in lk.items():
                    lean[_block_index(k)] = v
        bs = bshare * lean / (bshare * lean).sum()
        for mi in range(len(MONTHS)):
            share = leaf[li]
            if name in mem:
                share = memory_total * mem[name][mi]
            t[mi, li, :] = total[mi] * share * bs
    t *= available()[:, :, None]
    # re-normalise leaf shares (memory split, empty items) to the total
    t *= (total / t.sum(axis=(1, 2)))[:, None, None]
    return t


def rake(t: np.ndarray, flow: str, fits: dict[Key, np.ndarray], rounds: int = 40) -> None:
    """Iterative proportional fitting of the seed to the fitted series (in place)."""
    keys = [k for k in fits if k[0] == flow]
    keys.sort(key=lambda k: (k[1] != "total", k[2] != "world", k))
    for mi in range(len(MONTHS)):
        sel = [(item_leaves(k[1]), region_blocks(k[2], mi), math.exp(fits[k][mi])) for k in keys]
        for _ in range(rounds):
            for leaves, blks, target in sel:
                sub = t[mi][np.ix_(leaves, blks)]
                cur = sub.sum()
                if cur > 0:
                    t[mi][np.ix_(leaves, blks)] = sub * (target / cur)


def build_prior(figs: list[Figure]) -> dict[str, np.ndarray]:
    fits = fitted_series(figs)
    out = {}
    for flow in ("export", "import"):
        s = seed(flow, np.exp(fits[(flow, "total", "world")]))
        t = s.copy()
        rake(t, flow, fits)
        # Raking can starve cells that no figure speaks of (when published parts nearly fill a
        # total); a tenth of the seed keeps every partner in every item (the exact fit corrects).
        out[flow] = 0.9 * t + 0.1 * s
    return out


__all__ = ["LI", "build_prior"]
