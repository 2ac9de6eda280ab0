"""What verify's reading costs on text dense with figures: sentences of growth rates, shares,
'$1.2 billion', '12억 달러', dates and counts in English and Korean, a figure every few words.

Prints, for each size, the seconds and seconds per megabyte of reading (``extract``), and its
ratio to a baseline measured in the same run on the same text: one pass of a plain number
pattern over it. The ratio does not depend on the machine or its load as seconds do.

Run by hand: ``PYTHONPATH=src python bench/verify_dense.py [--size BYTES ...]``
(default 100,000 and 1,000,000). Figures measured when reading was made faster are in the
commit that added this script.
"""

from __future__ import annotations

import argparse
import random
import re
import time
from collections.abc import Callable
from functools import partial

from ictrade.months import Month
from ictrade.release.claims.read import extract

ITEMS = ["semiconductors", "mobile phones", "displays", "computers", "ICT exports",
         "exports to China", "imports from Vietnam", "SSDs"]  # fmt: skip
ITEMS_KO = ["반도체", "휴대폰", "디스플레이", "컴퓨터", "ICT 수출", "중국 수출"]


def sentence(rnd: random.Random) -> str:
    """One sentence of the kinds releases and news print, with random figures."""
    item, ko = rnd.choice(ITEMS), rnd.choice(ITEMS_KO)
    pct, usd, year, month = (
        rnd.random() * 40,
        rnd.random() * 20,
        rnd.randint(2015, 2024),
        rnd.randint(1, 12),
    )
    return rnd.choice([
        f"{item} rose {pct:.1f}% to ${usd:.1f} billion in November 2020, up for the "
        f"{rnd.randint(2, 12)}th consecutive month.",
        f"{ko} 수출은 {rnd.randint(1, 999)}억 달러로 전년 동월 대비 {pct:.1f}% 증가했다"
        f"({year}년 {month}월).",
        f"On {rnd.randint(1, 28)} March {year}, {item} fell {pct / 4:.2f} percent, a share of "
        f"{pct:.1f}% and {rnd.randint(1000, 99999):,} units.",
        f"({pct / 8:.1f}%) {rnd.randint(1, 9)},{rnd.randint(100, 999)},{rnd.randint(100, 999)} "
        f"${rnd.randint(1, 99)}.{rnd.randint(0, 9)} million; {year}-{month:02d}",
        f"{ko} {usd * 5:.1f}억 달러(↑{pct / 2:.1f}%), {rnd.choice(ITEMS_KO)} {usd * 3:.1f}억 "
        f"달러(↓{pct / 3:.1f}%).",
        f"Year-to-date exports of {item} reached ${usd * 10:.1f} billion, {pct / 4:.1f}% more "
        f"than in 2019 and the highest since {rnd.randint(1990, 2019)}.",
    ])  # fmt: skip


def dense_text(size: int, seed: int = 1) -> str:
    rnd = random.Random(seed)
    parts: list[str] = []
    length = 0
    while length < size:
        part = sentence(rnd) + ("\n" if rnd.random() < 0.2 else " ")
        parts.append(part)
        length += len(part)
    return "".join(parts)[:size]


NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")


def seconds(run: Callable[[], object], repeat: int = 3) -> float:
    """The least CPU time of ``repeat`` runs (other processes' load counts less than in wall
    time)."""
    best = float("inf")
    for _ in range(repeat):
        started = time.process_time()
        run()
        best = min(best, time.process_time() - started)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", type=int, action="append", help="bytes of text (repeatable)")
    sizes = parser.parse_args().size or [100_000, 1_000_000]
    print(f"{'size':>10} {'claims':>7} {'seconds':>8} {'s per MB':>9} {'vs baseline':>12}")
    for size in sizes:
        text = dense_text(size)
        claims = extract(text, Month(2020, 11))
        took = seconds(partial(extract, text, Month(2020, 11)), repeat=1 if size > 500_000 else 3)
        base = seconds(partial(NUMBER.findall, text), repeat=5)
        per_mb = took / (size / 1e6)
        print(f"{size:>10,} {len(claims):>7,} {took:>8.2f} {per_mb:>9.2f} {took / base:>11.0f}x")


if __name__ == "__main__":
    main()
