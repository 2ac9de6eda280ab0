"""Synthetic monthly customs lines of many reporters, for the lake benchmark and the engine test.

Realistic where it matters to the engines: the real HS6 codes of the edition in force each
month (tests/data/hs6_hs<edition>.txt: HS2012 to 2016, HS2017 to 2021, HS2022 after), real
partner codes (ISO alpha-2, Zipf-skewed), chapters 84/85 more frequent, log-normal values in
cents with a trend and a December peak, both flows, and revisions: a share of each month's
lines gets a second vintage thirteen months later with another value. Keys are unique per
vintage. Deterministic for a seed; vectorised; one table per reporter so memory stays bounded.

    python bench/synthetic.py --lines 10000000 --out bench/out/lake-input-10M
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from ictrade.classify.partners import partner_codes
from ictrade.store.schema import LINE_SCHEMA

ROOT = Path(__file__).resolve().parent.parent
REPORTERS = ("KR", "DE", "US", "JP", "CN", "VN", "MX", "FR", "IT", "NL", "IN", "BR")
EDITIONS = ((2012, 2016), (2017, 2021), (2022, 2099))  # HS edition: in force up to that year
REVISED = 0.1  # share of a month's lines revised a year later


def _codes() -> dict[int, tuple[np.ndarray, np.ndarray]]:
    """Per edition: its HS6 codes and their draw weights (skewed; chapters 84/85 favoured)."""
    rng = np.random.default_rng(6)
    out = {}
    for edition, _ in EDITIONS:
        codes = np.array((ROOT / f"tests/data/hs6_hs{edition}.txt").read_text().split())
        rank = rng.permutation(len(codes)) + 1
        favoured = np.isin(codes.astype("U2"), ["84", "85"])
        weight = (1.0 / rank**0.8) * np.where(favoured, 6.0, 1.0)
        out[edition] = (codes, weight / weight.sum())
    return out


def _partners() -> tuple[np.ndarray, np.ndarray]:
    names = np.array(sorted(partner_codes() - {"WORLD"}))
    rank = np.random.default_rng(7).permutation(len(names)) + 1
    weight = 1.0 / rank**1.1
    return names, weight / weight.sum()


def reporter_lines(
    reporter: str, n_lines: int, first: str, n_months: int, seed: int
) -> pa.Table:
    """About ``n_lines`` first-vintage lines of one reporter (plus their revisions)."""
    rng = np.random.default_rng(seed)
    codes, partners = _codes(), _partners()
    names, p_weight = partners
    start = np.datetime64(first, "M")
    per_month = max(n_lines // n_months, 1)
    parts: list[dict[str, np.ndarray]] = []
    for t in range(n_months):
        month = start + t
        year = int(str(month)[:4])
        edition = next(e for e, last in EDITIONS if year <= last)
        pool, c_weight = codes[edition]
        k = int(per_month * 1.5) + 16
        key = np.empty(0, np.int64)
        while len(key) < per_month:  # skewed draws repeat keys: draw again until enough
            code = rng.choice(len(pool), size=k, p=c_weight)
            partner = rng.choice(len(names), size=k, p=p_weight)
            flow = (rng.random(k) < 0.45).astype(np.int64)
            drawn = (flow * len(pool) + code) * len(names) + partner
            key = np.unique(np.concatenate([key, drawn]))
        rng.shuffle(key)
        key = key[:per_month]
        n = len(key)
        partner, rest = key % len(names), key // len(names)
        code, flow = rest % len(pool), rest // len(pool)
        trend = np.exp(0.03 * t / 12) * (1.0 + 0.1 * (int(str(month)[5:7]) == 12))
        value = np.round(rng.lognormal(9.0, 2.0, n) * trend, 2) + 0.01
        vintage = np.full(n, (month + 1).astype("datetime64[D]") + 14)
        revised = rng.random(n) < REVISED
        parts.append(
            {
                "month": np.full(n, month.astype("datetime64[D]")),
                "flow": flow,
                "code": np.asarray(pool)[code],
                "partner": names[partner],
                "value": value,
                "vintage": vintage,
            }
        )
        later = (month + 13).astype("datetime64[D]") + 14
        r = int(revised.sum())
        parts.append(
            {
                "month": np.full(r, month.astype("datetime64[D]")),
                "flow": flow[revised],
                "code": np.asarray(pool)[code[revised]],
                "partner": names[partner[revised]],
                "value": np.round(value[revised] * rng.normal(1.0, 0.05, r), 2).clip(0.01),
                "vintage": np.full(r, later),
            }
        )
    cols = {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}
    n = len(cols["value"])
    table = pa.table(
        {
            "month": pa.array(cols["month"], pa.date32()),
            "flow": pa.DictionaryArray.from_arrays(
                pa.array(cols["flow"].astype(np.int32)), pa.array(["export", "import"])
            ).cast(pa.string()),
            "hs_code": pa.array(cols["code"]),
            "partner": pa.array(cols["partner"]),
            "value_usd": pa.array(cols["value"]),
            "net_kg": pa.nulls(n, pa.float64()),
            "quantity": pa.nulls(n, pa.float64()),
            "source": pa.repeat("synthetic", n),
            "vintage": pa.array(cols["vintage"], pa.date32()),
            "status": pa.repeat("confirmed", n),
            "imputed": pa.repeat(False, n),
            "reporter": pa.repeat(reporter, n),
        }
    )
    return table.cast(LINE_SCHEMA)


def generate(
    n_lines: int,
    *,
    reporters: int = 4,
    first: str = "2021-01",
    n_months: int = 24,
    seed: int = 2026,
) -> Iterator[pa.Table]:
    """About ``n_lines`` first-vintage lines split over ``reporters`` (one table each)."""
    if reporters > len(REPORTERS):
        raise ValueError(f"at most {len(REPORTERS)} reporters")
    for n, reporter in enumerate(REPORTERS[:reporters]):
        yield reporter_lines(reporter, n_lines // reporters, first, n_months, seed + n)


def write(n_lines: int, out: Path, **options: int | str) -> int:
    """Write one Parquet file per reporter under ``out``; return the lines written."""
    out.mkdir(parents=True, exist_ok=True)
    written = 0
    for table in generate(n_lines, **options):  # type: ignore[arg-type]
        reporter = table["reporter"][0].as_py()
        pq.write_table(table, out / f"lines-{reporter}.parquet", row_group_size=1 << 20)
        written += table.num_rows
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--reporters", type=int, default=10)
    parser.add_argument("--first", default="2014-01")
    parser.add_argument("--months", type=int, default=120)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    began = time.perf_counter()
    n = write(
        args.lines, args.out, reporters=args.reporters, first=args.first, n_months=args.months
    )
    print(f"{n} lines -> {args.out} in {time.perf_counter() - began:.1f} s")


if __name__ == "__main__":
    main()
