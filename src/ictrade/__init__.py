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

from .api import checked
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
from .load import ingest_file as _ingest_file
from .months import Month, parse_months
from .release.build import write_release as _write_release
from .release.markdown import long_markdown as _long_markdown
from .release.markdown import short_markdown as _short_markdown
from .stats.check import check_published as _check_published
from .stats.facts import build_facts as _build_facts
from .stats.series import series as _series
from .store.ingest import ingest_table as _ingest_table
from .store.store import Store
from .store.store import open_store as _open_store

# Checked where a user calls them (api.py): text for months and dates, clear errors otherwise.
build_facts = checked(_build_facts)
check_published = checked(_check_published)
ingest_file = checked(_ingest_file)
ingest_table = checked(_ingest_table)
long_markdown = checked(_long_markdown)
open_store = checked(_open_store)
series = checked(_series)
short_markdown = checked(_short_markdown)
write_release = checked(_write_release)

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
