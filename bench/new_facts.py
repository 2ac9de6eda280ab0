"""What a facts document at a new date costs the server: the cube of its vintage, the
document, its serialized answer; beside a document asked again at another date between the
same vintages (a copy of its bytes and the gzip of the few around the date it echoes).

    PYTHONPATH=src python bench/new_facts.py [--store FILE] [--documents 60]

Without ``--store`` the shipped default dataset is served; give a store file (the default
dataset ingested into one, as ``load_api.py --mixed`` serves) to include what a user's store
adds (which months compare).

Medians on the shared machine (2026-12-04 02:00 UTC, load 5 to 6: about twice the idle
figures), the code before web/gzipped.py and facts_records.py beside it in the same run:
store file: document 7.4 -> 5.9 ms, answer 7.0 -> 3.1 ms, again 3.7 -> 0.3 ms; dataset:
document 5.1 -> 5.5 ms, answer 6.8 -> 3.1 ms, again 3.6 -> 0.3 ms.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import time

from threadpoolctl import threadpool_limits

from ictrade.months import Month
from ictrade.store.store import choose_store
from ictrade.web.envelope import Body
from ictrade.web.service import Service


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", default=None, help="a store file (default: the dataset)")
    parser.add_argument("--documents", type=int, default=60)
    args = parser.parse_args()
    # as the server keeps BLAS (web/app.py): its threads waiting for busy cores set the times
    threadpool_limits(1, user_api="blas")
    service = Service(choose_store(args.store, None if args.store else "default"))
    handle = service.default
    service.facts(handle, Month(2020, 11), None, False)  # the snapshot and its indexes
    handle.cube(dt.date(2020, 12, 20))
    phases: dict[str, list[float]] = {"cube": [], "document": [], "answer": [], "again": []}
    for k in range(args.documents):
        day = dt.date(2014, 2, 20) + dt.timedelta(days=round(k * 30.44))
        month = Month.from_date(day) - 1
        t0 = time.perf_counter()
        handle.cube(day)
        t1 = time.perf_counter()
        service.facts(handle, month, day, False)
        t2 = time.perf_counter()
        Body.ok(service.facts_json(handle, month, day, False), {})
        t3 = time.perf_counter()
        Body.ok(service.facts_json(handle, month, day + dt.timedelta(days=1), False), {})
        t4 = time.perf_counter()
        for name, took in zip(phases, (t1 - t0, t2 - t1, t3 - t2, t4 - t3), strict=True):
            phases[name].append(took * 1000)
    print(f"{args.documents} new facts documents, {args.store or 'dataset default'}")
    for name, took in phases.items():
        median, mean = statistics.median(took), statistics.mean(took)
        print(f"  {name:9} median {median:6.1f} ms, mean {mean:6.1f} ms")
    new = sum(statistics.median(phases[n]) for n in ("cube", "document", "answer"))
    again = statistics.median(phases["again"])
    print(f"a new document in all: {new:.1f} ms; asked again at another date: {again:.1f} ms")


if __name__ == "__main__":
    main()
