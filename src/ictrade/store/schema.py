"""The customs line: the one record every source is turned into.

A line is one reported figure: the reporter (ISO 3166-1 alpha-2 of the customs authority
that reports it; ``KR`` for the Korea Customs Service), month, flow, HS code as reported (HSK10,
HS6 or shorter),
partner (ISO 3166-1 alpha-2, or ``WORLD`` for sources that give only totals), value in USD
(exports FOB, imports CIF), optional net weight and quantity, where it came from (source), when
it was published or retrieved (vintage), its status, and whether it was imputed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pyarrow as pa

from ..months import Month

FLOWS = ("export", "import")
STATUSES = ("preliminary", "confirmed")
DEFAULT_REPORTER = "KR"  # the Korea Customs Service: the default data and the Korean release

# Column order of the lines table and of every Arrow table handed to ingest.
LINE_SCHEMA = pa.schema(
    [
        pa.field("month", pa.date32(), nullable=False),  # first day of the month
        pa.field("flow", pa.string(), nullable=False),
        pa.field("hs_code", pa.string(), nullable=False),
        pa.field("partner", pa.string(), nullable=False),
        pa.field("value_usd", pa.float64(), nullable=False),
        pa.field("net_kg", pa.float64()),
        pa.field("quantity", pa.float64()),
        pa.field("source", pa.string(), nullable=False),
        pa.field("vintage", pa.date32(), nullable=False),
        pa.field("status", pa.string(), nullable=False),
        pa.field("imputed", pa.bool_(), nullable=False),
        pa.field("reporter", pa.string(), nullable=False),
    ]
)

# The largest value one line may carry. A month of a whole country's exports of an HS chapter
# to the world stays far below it (Korea's largest, chapter 85, is under 2e10 USD); values above
# it are unit mistakes (won read as dollars, a misplaced exponent) and are refused at ingest.
VALUE_CEILING_USD = 1e12

# The earliest month or vintage a line may carry: the Harmonized System came into force in
# January 1988. The latest is the end of the month after today (store/validate.py).
FIRST_PLAUSIBLE = dt.date(1988, 1, 1)

# Files up to this size are kept whole in the store (``ingests.raw``); bigger ones (a decade of
# HSK10 lines) are recorded by their SHA-256 only, so the store does not double in size.
RAW_KEPT_MAX = 32 * 1024 * 1024

# A line is identified by these; two lines with the same key and vintage are duplicates.
LINE_KEY = ("source", "reporter", "month", "flow", "hs_code", "partner")
KEY_SQL = ", ".join(LINE_KEY)  # the same, as an SQL column list

LINES_DDL = """
CREATE TABLE IF NOT EXISTS lines (
    month DATE NOT NULL,
    flow VARCHAR NOT NULL,
    hs_code VARCHAR NOT NULL,
    partner VARCHAR NOT NULL,
    value_usd DOUBLE NOT NULL,
    net_kg DOUBLE,
    quantity DOUBLE,
    source VARCHAR NOT NULL,
    vintage DATE NOT NULL,
    status VARCHAR NOT NULL,
    imputed BOOLEAN NOT NULL,
    reporter VARCHAR NOT NULL DEFAULT 'KR',
    -- the vintage of the next line with the same key, if any: a line is the one in force
    -- as of D when vintage <= D < superseded_by (keeps as-of queries a plain filter)
    superseded_by DATE
)
"""


# Customs flash figures (sources/flash.py): a watched series' cumulative value from day 1 to
# cut_day (10, 20; 30 = month end), in the file's unit. Kept apart from the lines (store/flash.py).
FLASH_SCHEMA = pa.schema(
    pa.field(name, kind, nullable=name == "hs_code")
    for name, kind in [
        *[(n, pa.string()) for n in ("item_key", "hs_code", "flow", "unit", "partner_ko")],
        ("month", pa.date32()),
        ("cut_day", pa.int32()),
        ("cum_value", pa.float64()),
        ("source", pa.string()),
        ("vintage", pa.date32()),
    ]
)


Series = tuple[str, str]  # a watched series of the flash figures: item_key, partner_ko


@dataclass(frozen=True)
class FlashFigure:
    """One flash figure: the series' cumulative value from day 1 to the cut."""

    series: Series
    unit: str
    month: Month
    cut: int
    value: float
    month_text: str  # the month as the file writes it


def encoded_schema(columns: dict[str, pa.ChunkedArray | pa.Array]) -> pa.Schema:
    """LINE_SCHEMA, keeping the dictionary encoding of the string columns that have it."""
    fields = []
    for f in LINE_SCHEMA:
        kind = columns[f.name].type
        encoded = pa.types.is_dictionary(kind) and kind.value_type == f.type
        fields.append(f.with_type(kind) if encoded else f)
    return pa.schema(fields)
