"""How verify's reading of a text grows with its size, on texts written to be hard: prose
whose figures come every few words, one line of numbers, a table, all in one line or in
lines. Prints the seconds per megabyte of each size beside the smallest one's (1.0x: linear).

Run by hand: ``PYTHONPATH=src python bench/verify_speed.py [--big]`` (--big adds 10 MB).
"""

from __future__ import annotations

import argparse
import random
import time

from ictrade.months import Month
from ictrade.release.claims.read import extract

UNIT = (
    "Korea's ICT exports rose 15.8% to $16.6 billion; semiconductors up 16.1% to $8.5 "
    "billion; 반도체 수출 85.2억 달러(16.1%↑); 2020년 11월; (3.4%); 1,234,567; "
)


def texts(size: int) -> dict[str, str]:
    rnd = random.Random(size)
    numbers = " ".join(f"{rnd.random() * 1e6:.2f}" for _ in range(size // 10))
    return {
        "prose, one line": (UNIT * (size // len(UNIT) + 1))[:size],
        "prose, in lines": ((UNIT + "\n") * (size // len(UNIT) + 1))[:size],
        "numbers, one line": numbers[:size],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--big", action="store_true", help="also 10 MB")
    sizes = [100_000, 1_000_000] + ([10_000_000] if parser.parse_args().big else [])
    base: dict[str, float] = {}
    print(f"{'text':<20} {'size':>10} {'seconds':>8} {'s per MB':>9} {'vs smallest':>11}")
    for size in sizes:
        for name, text in texts(size).items():
            started = time.perf_counter()
            extract(text, Month(2020, 11))
            took = time.perf_counter() - started
            per_mb = took / (size / 1e6)
            base.setdefault(name, per_mb)
            ratio = per_mb / base[name]
            print(f"{name:<20} {size:>10,} {took:>8.1f} {per_mb:>9.1f} {ratio:>10.2f}x")


if __name__ == "__main__":
    main()
