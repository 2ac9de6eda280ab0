"""UN Comtrade monthly bulk files (``/bulk/v1/get/C/M/HS``): many reporters' lines at once.

A bulk file is tab-separated text (usually gzipped, ``*.txt.gz``) with the columns of the
``data`` API's records (docs/sources.md): one row per reporter, period, flow, commodity and
partner, with ``partner2Code``, ``customsCode`` and ``motCode`` breakdowns. As in
``comtrade_parse``, only monthly total rows are lines (partner2 0, mode of transport 0, customs
procedure C00, a digit ``cmdCode``, flow X or M); the reporter and partner numeric codes go to
ISO alpha-2 through ``data/comtrade_partners.csv``. Rows are read and filtered column-wise, so
a file of millions of rows loads in seconds.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pv

from ..errors import InputError
from ..store.schema import LINE_SCHEMA
from ._read import HEADER_ONLY
from .comtrade_parse import FLOW_CODES, partner_iso2, source_name

COLUMNS = (
    "freqCode",
    "period",
    "reporterCode",
    "flowCode",
    "partnerCode",
    "partner2Code",
    "customsCode",
    "motCode",
    "cmdCode",
    "primaryValue",
    "netWgt",
    "qty",
    "qtyUnitCode",
)
_TEXT = {"freqCode", "period", "flowCode", "customsCode", "cmdCode"}


def is_comtrade_bulk(path: Path) -> bool:
    """Whether a file's header is that of a Comtrade bulk file."""
    try:
        with pa.input_stream(str(path), compression="detect") as stream:
            head = stream.read(4096).decode("utf-8", errors="replace").splitlines()[:1]
    except (OSError, pa.ArrowInvalid):
        return False
    names = set(head[0].lstrip("\ufeff").split("\t")) if head else set()
    return {"reporterCode", "cmdCode", "primaryValue", "partner2Code"} <= names


def read_comtrade_bulk(path: Path, vintage: dt.date) -> tuple[pa.Table, dict[str, int]]:
    """The file's lines (LINE_SCHEMA) and the count of rows skipped, by reason."""
    types = {c: pa.string() if c in _TEXT else pa.float64() for c in COLUMNS}
    try:
        raw = pv.read_csv(
            str(path),
            parse_options=pv.ParseOptions(delimiter="\t"),
            convert_options=pv.ConvertOptions(include_columns=list(COLUMNS), column_types=types),
        )
    except (pa.ArrowInvalid, KeyError) as exc:
        raise InputError(
            f"not a Comtrade bulk file (tab-separated, columns {', '.join(COLUMNS)}): {exc}",
            file=str(path),
        ) from None
    if raw.num_rows == 0:
        raise InputError(HEADER_ONLY.format(unit="line"), file=str(path))
    skipped: dict[str, int] = {}

    def keep(mask: pa.ChunkedArray, reason: str) -> None:
        nonlocal raw
        mask = pc.fill_null(mask, False)
        dropped = len(mask) - pc.sum(mask).as_py() if len(mask) else 0
        if dropped:
            skipped[reason] = skipped.get(reason, 0) + int(dropped)
        raw = raw.filter(mask)

    keep(pc.equal(raw["freqCode"], "M"), "not monthly")
    keep(pc.match_substring_regex(raw["period"], r"^\d{4}(0[1-9]|1[0-2])$"), "period not YYYYMM")
    keep(pc.is_in(raw["flowCode"], pa.array(list(FLOW_CODES))), "flow")
    totals = pc.and_(
        pc.and_(pc.equal(raw["partner2Code"], 0), pc.equal(raw["motCode"], 0)),
        pc.equal(raw["customsCode"], "C00"),
    )
    keep(totals, "not a total (partner2, mode of transport or customs procedure)")
    keep(pc.match_substring_regex(raw["cmdCode"], r"^\d{2,10}$"), "commodity")
    keep(pc.is_valid(raw["primaryValue"]), "no value")
    iso = partner_iso2()
    codes = pa.array(sorted(iso), pa.float64())
    names = pa.array([iso[int(c)] for c in codes.to_pylist()])
    keep(pc.is_in(raw["reporterCode"], codes), "reporter without an ISO code")
    keep(pc.is_in(raw["partnerCode"], codes), "partner without an ISO code")
    reporters = pc.take(names, pc.index_in(raw["reporterCode"], codes))
    keep_rep = pc.not_equal(reporters, "WORLD")
    raw, reporters = raw.filter(keep_rep), reporters.filter(keep_rep)
    n = raw.num_rows
    if n == 0:
        why = "; ".join(f"{reason}: {count}" for reason, count in skipped.items())
        raise InputError(
            f"no row of the file is a monthly total line of a known reporter (rows skipped, by "
            f"reason: {why or 'world reporter'}); check that it is a monthly HS bulk file",
            file=str(path),
        )
    period = raw["period"]
    month = pc.strptime(pc.binary_join_element_wise(period, "01", ""), "%Y%m%d", "s")
    reporter_codes = pc.unique(raw["reporterCode"])
    source_names = pa.array([source_name(int(c)) for c in reporter_codes.to_pylist()], pa.string())
    has_qty = pc.and_(pc.is_valid(raw["qtyUnitCode"]), pc.not_equal(raw["qtyUnitCode"], -1))
    table = pa.table(
        {
            "month": month.cast(pa.date32()),
            "flow": pc.if_else(pc.equal(raw["flowCode"], "X"), "export", "import"),
            "hs_code": raw["cmdCode"],
            "partner": pc.take(names, pc.index_in(raw["partnerCode"], codes)),
            "value_usd": raw["primaryValue"],
            "net_kg": raw["netWgt"],
            "quantity": pc.if_else(has_qty, raw["qty"], pa.scalar(None, pa.float64())),
            "source": pc.take(source_names, pc.index_in(raw["reporterCode"], reporter_codes)),
            "vintage": pa.repeat(pa.scalar(vintage, pa.date32()), n),
            "status": pa.repeat(pa.scalar("confirmed"), n),
            "imputed": pa.repeat(pa.scalar(False), n),
            "reporter": reporters,
        }
    )
    return table.cast(LINE_SCHEMA), skipped
