"""Synthetic customs lines in the canonical Parquet layout (LINE_SCHEMA), for benchmarks.

Realistic in the ways that matter to the engine: real codes of the HS edition in force each
month (HSK10 codes of the ICT rules and HS6 codes of the nomenclature, ICT a minority of lines),
~230 partners with a Zipf-like skew, log-normal values with a trend and a seasonal swing, both
flows, 2014-01..2023-12, one confirmed vintage per month (the last month preliminary). Line keys
are unique. Deterministic for a given seed and size; vectorised (numpy/pyarrow).

    python bench/generate.py --lines 10000000 --out bench/out/lines-10000000.parquet
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from ictrade.classify.partners import partner_codes
from ictrade.store.schema import LINE_SCHEMA

ROOT = Path(__file__).resolve().parent.parent
FIRST_YEAR, YEARS = 2014, 10
EDITIONS = ((2012, 2013, 2016), (2017, 2017, 2021), (2022, 2022, 2099))  # (HS, from, to)
ICT_SHARE = 0.3  # of lines drawn from ICT codes (21% land in the basket: some rules exclude)
N_PARTNERS = 230
# Korea's main partners first, so the Zipf head is realistic.
HEAD = ["CN", "US", "VN", "HK", "JP", "TW", "IN", "SG", "DE", "MX", "AU", "MY", "PH", "ID", "TH"]


def _ict_rules() -> list[tuple[str, str, int, int]]:
    """(prefix, item, first year, last year) of the ICT rules (non_ict exclusions dropped)."""
    out = []
    with open(ROOT / "src/ictrade/classify/rules/kr-ict.csv", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if row["item"] == "non_ict":
                continue
            start = int(row["valid_from"][:4]) if row["valid_from"] else 1900
            end = int(row["valid_to"][:4]) if row["valid_to"] else 2999
            out.append((row["prefix"], row["item"], start, end))
    return out


def code_pools(rng: np.random.Generator) -> dict[int, tuple[np.ndarray, np.ndarray]]:
    """Per HS edition: (ICT codes as HSK10, non-ICT HS6 codes)."""
    rules = _ict_rules()
    pools = {}
    for hs, first, last in EDITIONS:
        valid = [p for p, _, a, b in rules if a <= last and b >= first]
        # HSK10 lines under each ICT prefix: the rule's own 10-digit code, or a few national
        # subdivisions of a shorter prefix.
        ict = set()
        for prefix in valid:
            if len(prefix) == 10:
                ict.add(prefix)
            else:
                for _ in range(4):
                    tail = "".join(rng.choice(list("0123456789"), size=10 - len(prefix)))
                    ict.add(prefix + tail)
        hs6 = (ROOT / f"tests/data/hs6_hs{hs}.txt").read_text().split()
        non_ict = [c for c in hs6 if not any(c.startswith(p[:6]) for p in valid)]
        pools[first] = (np.array(sorted(ict)), np.array(non_ict))
    return pools


def _partners(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    rest = sorted(partner_codes() - set(HEAD) - {"WORLD"})
    rest = list(rng.permutation(rest))[: N_PARTNERS - len(HEAD)]
    names = np.array(HEAD + rest)
    weights = 1.0 / np.arange(1, len(names) + 1) ** 1.1
    return names, weights / weights.sum()


def _month_factor(t: np.ndarray) -> np.ndarray:
    """Trend (+4%/year), a 3-year cycle and a December peak: gives streaks, turns, records."""
    return (
        np.exp(0.04 * t / 12)
        * (1 + 0.15 * np.sin(2 * np.pi * t / 36))
        * (1 + 0.08 * (t % 12 == 11))
    )


def generate(n_lines: int, seed: int = 2014) -> pa.Table:
    """``n_lines`` unique customs lines (LINE_SCHEMA), sorted by month, flow, code, partner."""
    rng = np.random.default_rng(seed)
    pools = code_pools(rng)
    partners, weights = _partners(rng)
    n_months = YEARS * 12
    per_cell = n_lines / (n_months * 2)  # lines per month and flow
    keys = []
    # Each month and flow draws (ICT?, code, partner) and keeps the distinct ones.
    for t in range(n_months):
        year = FIRST_YEAR + t // 12
        ict_codes, other_codes = next(pools[f] for _, f, last in EDITIONS if f <= year <= last)
        for flow in (0, 1):
            want = int(round(per_cell * (t * 2 + flow + 1))) - int(round(per_cell * (t * 2 + flow)))
            got = np.empty(0, np.int64)
            while len(got) < want:
                k = int((want - len(got)) * 1.3) + 16
                ict = rng.random(k) < ICT_SHARE
                code = np.where(
                    ict,
                    rng.integers(0, len(ict_codes), k),
                    len(ict_codes) + rng.integers(0, len(other_codes), k),
                )
                partner = rng.choice(len(partners), size=k, p=weights)
                got = np.unique(np.concatenate([got, code * len(partners) + partner]))
            got = np.sort(rng.choice(got, size=want, replace=False))
            keys.append((t, flow, got))
    return _table(keys, pools, partners, rng)


def _table(
    keys: list[tuple[int, int, np.ndarray]],
    pools: dict[int, tuple[np.ndarray, np.ndarray]],
    partners: np.ndarray,
    rng: np.random.Generator,
) -> pa.Table:
    t = np.concatenate([np.full(len(k), m, np.int32) for m, _, k in keys])
    flow = np.concatenate([np.full(len(k), f, np.int8) for _, f, k in keys])
    key = np.concatenate([k for _, _, k in keys])
    partner = (key % len(partners)).astype(np.int32)
    local_code = key // len(partners)
    # One dictionary of all codes; map each edition's local code index into it.
    edition = np.searchsorted([f for _, f, _ in EDITIONS], FIRST_YEAR + t // 12, "right") - 1
    all_codes, offsets, start = [], [], 0
    for _, first, _ in EDITIONS:
        ict, other = pools[first]
        all_codes += [*ict, *other]
        offsets.append(start)
        start += len(ict) + len(other)
    code = (np.asarray(offsets)[edition] + local_code).astype(np.int32)
    is_ict = local_code < np.asarray([len(pools[f][0]) for _, f, _ in EDITIONS])[edition]
    n = len(t)
    # Log-normal values scaled so monthly totals look like Korea's (~$58bn exports, ICT lines
    # worth more: about 47% of the value) whatever the number of lines; imports a little lower.
    scale = 1e7 / n
    value = rng.lognormal(11.0, 2.2, n) * scale * 1.4
    value *= np.where(is_ict, 2.6, 0.8) * _month_factor(t) * np.where(flow == 0, 1.0, 0.88)
    value = np.round(value, 0) + 1
    months = (np.datetime64("2014-01", "M") + t).astype("datetime64[D]")
    vintage = (np.datetime64("2014-02", "M") + t).astype("datetime64[D]") + 14
    last = t == t.max()

    def dictionary(idx: np.ndarray, names: list[str] | np.ndarray) -> pa.Array:
        return pa.DictionaryArray.from_arrays(pa.array(idx), pa.array(list(names))).cast(
            pa.string()
        )

    columns = {
        "month": pa.array(months, pa.date32()),
        "flow": dictionary(flow.astype(np.int32), ["export", "import"]),
        "hs_code": dictionary(code, all_codes),
        "partner": dictionary(partner, partners),
        "value_usd": pa.array(value),
        "net_kg": pa.array(np.round(value / rng.lognormal(2.0, 1.5, n), 1)),
        "quantity": pa.nulls(n, pa.float64()),
        "source": dictionary(np.zeros(n, np.int32), ["synthetic"]),
        "vintage": pa.array(vintage, pa.date32()),
        "status": dictionary(last.astype(np.int32), ["confirmed", "preliminary"]),
        "imputed": pa.array(np.zeros(n, bool)),
        "reporter": dictionary(np.zeros(n, np.int32), ["KR"]),
    }
    return pa.table(columns, schema=LINE_SCHEMA)


def write(n_lines: int, path: Path, seed: int = 2014) -> Path:
    table = generate(n_lines, seed)
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(table, path, row_group_size=1 << 20)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=2014)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    out = args.out or ROOT / f"bench/out/lines-{args.lines}.parquet"
    start = time.perf_counter()
    write(args.lines, out, args.seed)
    took = time.perf_counter() - start
    print(f"{args.lines} lines -> {out} ({out.stat().st_size / 1e6:.0f} MB) in {took:.1f} s")
    print(f"dates: {dt.date(FIRST_YEAR, 1, 1)}..{dt.date(FIRST_YEAR + YEARS - 1, 12, 1)}")


if __name__ == "__main__":
    main()
