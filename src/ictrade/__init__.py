"""ictrade: customs trade records to the monthly ICT goods trade release.

The public API, in the order of the data flow::

    store = ictrade.open_store("trade.duckdb")          # or open_store(dataset="default")
    ictrade.ingest_file(store, "lines.csv")              # validated, atomic, idempotent
    facts = ictrade.build_facts(store, ictrade.Month(2020, 11), as_published=True)
    print(ictrade.short_markdown(facts))
    cells = ictrade.facts_table(store, month="2020-11").to_pandas()   # tables: docs/python.md
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
from .frames import cube_table, facts_table, series_table
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
    "cube_table",
    "facts_table",
    "ingest_file",
    "ingest_table",
    "long_markdown",
    "open_store",
    "parse_months",
    "series",
    "series_table",
    "short_markdown",
    "write_release",
]
