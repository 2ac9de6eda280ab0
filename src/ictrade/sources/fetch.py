"""Fetch a remote source into a store: what ``ictrade fetch kcs|comtrade`` calls.

Every response goes to ``ingest_table`` with its raw body, origin (the URL, key redacted) and
retrieval time. Checkpoints and the Comtrade call counter sit beside the store file
(``<store>.kcs-checkpoint.json``, ``<store>.comtrade-checkpoint.json``,
``<store>.comtrade-calls.json``).
"""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa

from ..classify.partners import partner_codes
from ..errors import UsageError
from ..months import Month
from ..store.ingest import ingest_table
from ..store.store import Store
from . import _http, comtrade, kcs
from .comtrade_parse import partner_iso2


@dataclass(frozen=True)
class FetchReport:
    """What a fetch read and stored; ``summary`` is the line ``ictrade fetch`` prints."""

    source: str  # 'kcs' or 'comtrade'
    start: Month
    end: Month
    lines_read: int
    lines_stored: int
    requests: int  # KCS: requests (each of one or more pages); Comtrade: calls
    pages: int  # pages answered (a Comtrade call is one page)
    resumed: bool
    skipped_rows: int
    unknown_partners: tuple[str, ...]
    summary: str


def _sink(store: Store) -> kcs.Sink:
    def sink(table: pa.Table, raw: bytes, at: dt.datetime, origin: str) -> int:
        return ingest_table(store, table, origin=origin, raw=raw, retrieved_at=at).lines_added

    return sink


def _stored(stored: int, read: int) -> str:
    """'N lines stored', and how many of the lines read were in the store already."""
    known = read - stored
    return f"{stored} lines stored" + (
        f" ({known} of {read} read were stored already)" if known else ""
    )


def _beside(store_path: Path, suffix: str) -> Path:
    return store_path.with_name(store_path.name + suffix)


def check_hs(codes: list[str], lengths: tuple[int, ...]) -> list[str]:
    for code in codes:
        if not re.fullmatch(r"[0-9]+", code) or len(code) not in lengths:
            allowed = ", ".join(map(str, lengths))
            raise UsageError(f"HS code '{code}' is not {allowed} digits")
    return codes


def check_reporter_code(reporter: int) -> int:
    """A country's Comtrade (M49) code, else a UsageError (before any request)."""
    if partner_iso2().get(reporter, "WORLD") == "WORLD":
        raise UsageError(
            f"unknown reporter code {reporter}; give a country's Comtrade (M49) code, e.g. 410 "
            "for Korea (data/comtrade_partners.csv lists them)"
        )
    return reporter


def check_partners(partners: list[str]) -> list[str]:
    known = partner_codes() - {"WORLD"}
    out = [p.upper() for p in partners]
    for p in out:
        if p not in known:
            raise UsageError(f"unknown partner '{p}'; use an ISO 3166-1 alpha-2 code (e.g. US)")
    return out


def fetch_kcs_into(
    store: Store,
    store_path: Path,
    start: Month,
    end: Month,
    *,
    hs: list[str],
    partners: list[str],
    page_size: int = 500,
    progress: _http.Progress | None = None,
) -> FetchReport:
    """Fetch KCS nitemtrade lines into ``store``."""
    client = kcs.KcsClient(
        key=kcs.service_key(),
        base_url=os.environ.get(kcs.URL_ENV) or kcs.DEFAULT_URL,
        page_size=page_size,
    )
    summary = kcs.fetch_kcs(
        client,
        start,
        end,
        _sink(store),
        checkpoint=_beside(store_path, ".kcs-checkpoint.json"),
        hs=check_hs(hs, kcs.HS_LENGTHS) or None,
        partners=check_partners(partners),
        progress=progress or _http.stderr_progress,
    )
    text = (
        f"kcs {start}..{end}: {_stored(summary.stored, summary.lines)} from {summary.pages} "
        f"pages ({summary.requests} requests{', resumed' if summary.resumed else ''})"
    )
    if summary.unknown_partners:
        text += f"; skipped rows for unknown partner codes {sorted(summary.unknown_partners)}"
    return FetchReport(
        "kcs", start, end, summary.lines, summary.stored, summary.requests, summary.pages,
        summary.resumed, summary.skipped_rows, tuple(sorted(summary.unknown_partners)), text,
    )  # fmt: skip


def fetch_comtrade_into(
    store: Store,
    store_path: Path,
    reporter: int,
    start: Month,
    end: Month,
    *,
    codes: list[str],
    daily_limit: int = comtrade.DAILY_LIMIT,
    row_limit: int = comtrade.ROW_LIMIT,
    progress: _http.Progress | None = None,
) -> FetchReport:
    """Fetch UN Comtrade monthly lines of ``reporter`` into ``store``."""
    check_reporter_code(reporter)
    counter = comtrade.CallCounter(_beside(store_path, ".comtrade-calls.json"), daily_limit)
    client = comtrade.ComtradeClient(
        key=comtrade.comtrade_key(),
        counter=counter,
        row_limit=row_limit,
        base_url=os.environ.get(comtrade.URL_ENV) or comtrade.DEFAULT_URL,
    )
    summary = comtrade.fetch_comtrade(
        client,
        reporter,
        start,
        end,
        _sink(store),
        checkpoint=_beside(store_path, ".comtrade-checkpoint.json"),
        codes=check_hs(codes, (2, 4, 6)) or None,
        progress=progress or _http.stderr_progress,
    )
    text = (
        f"comtrade reporter {reporter} {start}..{end}: {_stored(summary.stored, summary.lines)}"
        f" from {summary.calls} calls{' (resumed)' if summary.resumed else ''}"
    )
    if summary.skipped:
        text += "; skipped rows: " + ", ".join(f"{k} {v}" for k, v in summary.skipped.items())
    unknown = tuple(str(code) for code in sorted(summary.unknown_partners))
    return FetchReport(
        "comtrade", start, end, summary.lines, summary.stored, summary.calls, summary.calls,
        summary.resumed, sum(summary.skipped.values()), unknown, text,
    )  # fmt: skip
