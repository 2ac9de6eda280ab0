"""KCS ``nitemtrade`` XML responses to lines.

A response row holds one month, partner and HS code with both flows (expDlr/impDlr in USD,
expWgt/impWgt in kg): it gives an export line and an import line. Rows whose ``year`` is not
``YYYY.MM`` (a ``총계`` total row) are skipped.

Status rule: KCS publishes a month around the 15th of the next month and revises it once,
around the 15th of the month after. A month M retrieved before the 15th of M+2 is therefore
``preliminary``; later it is ``confirmed``.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

import pyarrow as pa

from ..classify.partners import partner_codes
from ..errors import SourceError, UsageError
from ..months import Month
from ._http import Transient
from ._rows import LineRows, plain_number

SOURCE = "kcs"
_MONTH = re.compile(r"^(\d{4})\.(\d{2})$", re.ASCII)
_HS = re.compile(r"^\d{2,10}$", re.ASCII)

# data.go.kr result codes: worth retrying / stop now (quota, key) / the request is wrong.
TRANSIENT_CODES = {"01", "02", "04", "05", "99"}
QUOTA_CODES = {"22"}
KEY_CODES = {"20", "21", "30", "31", "32", "33"}
NO_DATA = "03"


_NOT_API = (
    "the KCS answer is {what}, not the API's <response> document; check the base URL and "
    "that data.go.kr is reachable without a login, then run the same command again"
)


@dataclass
class Page:
    code: str
    message: str
    total: int
    items: list[dict[str, str]] = field(default_factory=list)


def parse_page(body: bytes) -> Page:
    """Parse a response body; an empty or non-XML body is Transient."""
    if not body.strip():
        raise Transient("empty response body (the API sends one when it rejects a request)")
    head = body.lstrip()[:200].lower()
    if head.startswith((b"<!doctype html", b"<html")):
        raise SourceError(_NOT_API.format(what="an HTML page (a login or error page?)"))
    try:
        root = ET.fromstring(body)
    except ET.ParseError as exc:
        raise Transient(f"the response is not XML ({exc}): {body[:120]!r}") from None
    if root.tag == "OpenAPI_ServiceResponse":  # the gateway's own error envelope
        code = _text(root, ".//returnReasonCode") or "99"
        message = _text(root, ".//returnAuthMsg") or _text(root, ".//errMsg") or "gateway error"
        return Page(code.zfill(2), message, 0)
    code = (_text(root, ".//header/resultCode") or _text(root, ".//resultCode") or "").zfill(2)
    if root.tag != "response" or code == "00" and root.find(".//body") is None:
        # Answered, but not by the API: taking it as an empty page would end the run early.
        raise SourceError(_NOT_API.format(what=f"XML with a <{root.tag}> root and no result"))
    message = _text(root, ".//header/resultMsg") or _text(root, ".//resultMsg") or ""
    total = _text(root, ".//body/totalCount") or _text(root, ".//totalCount") or "0"
    items = [
        {child.tag: (child.text or "").strip() for child in item}
        for item in root.iterfind(".//items/item")
    ]
    return Page(code, message, int(total) if total.isdigit() else 0, items)


def _text(root: ET.Element, path: str) -> str | None:
    found = root.find(path)
    return found.text.strip() if found is not None and found.text else None


def status_for(month: Month, retrieved: dt.date) -> str:
    revised = (month + 2).first_day() + dt.timedelta(days=14)
    return "preliminary" if retrieved < revised else "confirmed"


def _amount(item: dict[str, str], name: str, row: int, *, required: bool = True) -> float | None:
    """An amount the row carries (dollars; kilograms may be missing): a malformed or negative
    one is refused, never stored as $0 or dropped."""
    given = item.get(name)
    value = plain_number(given)
    if value is None and not required and not (given or "").strip():
        return None
    if value is None or not math.isfinite(value) or value < 0:
        unit = "US dollars" if required else "kilograms"
        raise SourceError(
            f"KCS answer row {row} ({item.get('year')}, HS {item.get('hsCd')}, "
            f"{item.get('statCd')}): {name} {given!r} is not an amount in {unit}; the "
            "answer is malformed, so nothing of it was stored: run the command again later"
        )
    return value


@dataclass
class Parsed:
    table: pa.Table
    skipped_summary: int = 0
    unknown_partners: set[str] = field(default_factory=set)


def lines_from_items(items: list[dict[str, str]], retrieved: dt.date) -> Parsed:
    """Two lines (export, import) per monthly row; summary rows and unknown partners skipped."""
    codes = partner_codes()
    rows = LineRows(retrieved)
    out = Parsed(pa.table({}))
    for number, item in enumerate(items, start=1):
        m = _MONTH.match(item.get("year", "").strip())
        hs = item.get("hsCd", "").strip()
        partner = item.get("statCd", "").strip().upper()
        if not m or not _HS.match(hs):
            out.skipped_summary += 1
            continue
        if partner not in codes:
            out.unknown_partners.add(partner or "(empty)")
            continue
        try:
            month = Month(int(m.group(1)), int(m.group(2)))
        except UsageError:
            raise SourceError(
                f"KCS answer row {number}: year {item.get('year')!r} is not a month; the "
                "answer is malformed, so nothing of it was stored: run the command again later"
            ) from None
        for flow, value, kg in (("export", "expDlr", "expWgt"), ("import", "impDlr", "impWgt")):
            rows.add(
                month.first_day(),
                flow,
                hs,
                partner,
                _amount(item, value, number) or 0.0,
                _amount(item, kg, number, required=False),
                source=SOURCE,
                status=status_for(month, retrieved),
            )
    out.table = rows.table()
    return out
