"""UN Comtrade v1 ``data`` responses to lines.

Only total rows are lines: ``partner2Code`` 0, ``motCode`` 0, ``customsCode`` C00, a digit
``cmdCode``, monthly (``freqCode`` M, ``period`` YYYYMM). Flows X -> export and M -> import;
re-exports, re-imports and processing flows are skipped. Partner codes go to ISO2 through
``data/comtrade_partners.csv`` (0 -> WORLD); rows for areas without one are skipped and counted.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import re
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

import pyarrow as pa

from ..errors import SourceError
from ._rows import LineRows

FLOW_CODES = {"X": "export", "M": "import"}
KOREA = 410
_HS = re.compile(r"^\d{2,10}$", re.ASCII)
_PERIOD = re.compile(r"^(\d{4})(\d{2})$", re.ASCII)


@functools.cache
def partner_iso2() -> dict[int, str]:
    text = resources.files("ictrade").joinpath("data", "comtrade_partners.csv").read_text("utf-8")
    return {int(r["comtrade_code"]): r["iso2"] for r in csv.DictReader(text.splitlines())}


def source_name(reporter: int) -> str:
    """'comtrade' for Korea's own reports, 'comtrade:XX' for another reporter's."""
    if reporter == KOREA:
        return "comtrade"
    return f"comtrade:{partner_iso2().get(reporter, str(reporter))}"


@dataclass
class Parsed:
    table: pa.Table
    skipped: dict[str, int] = field(default_factory=dict)  # reason -> rows
    unknown_partners: set[int] = field(default_factory=set)

    def skip(self, reason: str) -> None:
        self.skipped[reason] = self.skipped.get(reason, 0) + 1


def _float(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _code(value: Any) -> int | None:
    """A numeric area code (an int, or digits in a string); None for anything else."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    return None


def _reason(record: dict[str, Any]) -> str | None:
    """Why a record is not a line, or None."""
    period = _PERIOD.match(str(record.get("period")))
    if str(record.get("freqCode")) != "M" or not period:
        return "not monthly"
    if not 1 <= int(period.group(2)) <= 12:
        return f"period {record.get('period')} is not a month"
    if _code(record.get("reporterCode", KOREA)) is None:
        return f"reporter code {record.get('reporterCode')!r} is not a number"
    if _code(record.get("partnerCode", -1)) is None:
        return f"partner code {record.get('partnerCode')!r} is not a number"
    if record.get("flowCode") not in FLOW_CODES:
        return f"flow {record.get('flowCode')}"
    if (
        (record.get("partner2Code") or 0) != 0
        or (record.get("motCode") or 0) != 0
        or (record.get("customsCode") or "C00") != "C00"
    ):
        return "not a total (partner2, mode of transport or customs procedure)"
    if not _HS.match(str(record.get("cmdCode"))):
        return f"commodity {record.get('cmdCode')}"
    if _float(record.get("primaryValue")) is None:
        return "no value"
    return None


def lines_from_records(records: list[Any], retrieved: dt.date) -> Parsed:
    """Lines from the answer's records; a record that is not an object is not the API's
    format and stops the fetch (``SourceError``)."""
    partners = partner_iso2()
    rows = LineRows(retrieved)
    out = Parsed(pa.table({}))
    for number, record in enumerate(records, start=1):
        if not isinstance(record, dict):
            raise SourceError(
                f"UN Comtrade record {number} is {type(record).__name__} {str(record)[:60]!r}, "
                "not an object: the answer is not the API's format; try again later"
            )
        reason = _reason(record)
        if reason:
            out.skip(reason)
            continue
        reporter_code = _code(record.get("reporterCode", KOREA))
        reporter = partners.get(reporter_code) if reporter_code is not None else None
        if reporter is None or reporter == "WORLD":
            out.skip("reporter without an ISO code")
            continue
        code = _code(record.get("partnerCode", -1))
        assert code is not None and reporter_code is not None  # _reason checked them
        if code not in partners:
            out.unknown_partners.add(code)
            out.skip("partner without an ISO code")
            continue
        period = _PERIOD.match(str(record["period"]))
        assert period is not None
        value = _float(record["primaryValue"])
        assert value is not None  # _reason checked it
        has_qty = (record.get("qtyUnitCode") or -1) != -1
        rows.add(
            dt.date(int(period.group(1)), int(period.group(2)), 1),
            FLOW_CODES[record["flowCode"]],
            str(record["cmdCode"]),
            partners[code],
            value,
            _float(record.get("netWgt")),
            quantity=_float(record.get("qty")) if has_qty else None,
            source=source_name(reporter_code),
            status="confirmed",
            reporter=reporter,
        )
    out.table = rows.table()
    return out
