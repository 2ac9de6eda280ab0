"""ictrade: customs trade records to the monthly ICT goods trade release.

The public API, in the order of the data flow::

    store = ictrade.open_store("trade.duckdb")          # or open_store(dataset="default")
    ictrade.ingest_file(store, "lines.csv")              # validated, atomic, idempotent
    facts = ictrade.build_facts(store, ictrade.Month(2020, 11), as_published=True)
    print(ictrade.short_markdown(facts))
"""

from __future__ import annotations

__version__ = "0.1.0"

from .errors import (
    IctradeError,
    InputError,
    NoDataError,
    ReferenceDataError,
    SourceError,
    StoreError,
    UsageError,
)
from .load import ingest_file
from .months import Month, parse_months
from .release.build import write_release
from .release.markdown import long_markdown, short_markdown
from .stats.check import check_published
from .stats.facts import build_facts
from .stats.series import series
from .store.ingest import ingest_table
from .store.store import Store, open_store

__all__ = [
    "IctradeError",
    "InputError",
    "Month",
    "NoDataError",
    "ReferenceDataError",
    "SourceError",
    "Store",
    "StoreError",
    "UsageError",
    "build_facts",
    "check_published",
    "ingest_file",
    "ingest_table",
    "long_markdown",
    "open_store",
    "parse_months",
    "series",
    "short_markdown",
    "write_release",
]
