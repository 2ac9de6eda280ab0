"""Korea Customs Service open API, item-by-country endpoint ``nitemtrade`` (data.go.kr).

``fetch_kcs`` splits the months asked into requests of at most 12 months (the API's limit),
pages through each (pageNo/numOfRows), retries transient failures with exponential backoff,
and hands every page to ``sink`` as lines together with the raw response and its retrieval
time. A quota (result code 22) or key error (20, 21, 30-33) stops the run with a SourceError;
pages already handed over stay, and a checkpoint file lets the same command resume.

The key comes from ``ICTRADE_KCS_KEY`` and never appears in messages (URLs are redacted);
``ICTRADE_KCS_BASE_URL`` overrides the endpoint.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote

import httpx
import pyarrow as pa

from ..classify.rules import NON_ICT, scheme
from ..errors import SourceError, UsageError
from ..months import Month, month_range
from . import _http
from .checkpoint import Checkpoint, job_id
from .kcs_parse import (
    KEY_CODES,
    NO_DATA,
    QUOTA_CODES,
    TRANSIENT_CODES,
    Page,
    lines_from_items,
    parse_page,
)

DEFAULT_URL = "https://apis.data.go.kr/1220000/nitemtrade/getNitemtradeList"
KEY_ENV, URL_ENV = "ICTRADE_KCS_KEY", "ICTRADE_KCS_BASE_URL"
HS_LENGTHS = (2, 4, 6, 10)  # what hsSgn accepts
MAX_MONTHS = 12

# sink(lines, raw response body, retrieval time, origin) - usually store.ingest.ingest_table.
# Takes a page's lines, body, retrieval time and origin; returns how many lines it stored.
Sink = Callable[[pa.Table, bytes, dt.datetime, str], int | None]


@dataclass
class FetchSummary:
    requests: int = 0
    pages: int = 0
    lines: int = 0  # read from the answers
    stored: int = 0  # new in the store (the rest were stored already)
    skipped_rows: int = 0
    unknown_partners: set[str] = field(default_factory=set)
    resumed: bool = False


@dataclass(frozen=True)
class Request:
    hs: str
    partner: str | None  # None: every partner in one request
    start: Month
    end: Month

    @property
    def key(self) -> str:
        return f"{self.hs}|{self.partner or '*'}|{self.start}|{self.end}"

    def params(self, page: int, size: int) -> dict[str, str]:
        params = {
            "strtYymm": f"{self.start.year}{self.start.month:02d}",
            "endYymm": f"{self.end.year}{self.end.month:02d}",
            "hsSgn": self.hs,
            "numOfRows": str(size),
            "pageNo": str(page),
        }
        if self.partner:
            params["cntyCd"] = self.partner
        return params


def chunks(start: Month, end: Month, size: int = MAX_MONTHS) -> list[tuple[Month, Month]]:
    """Consecutive periods of at most ``size`` months covering start..end."""
    if end < start:
        raise UsageError(f"the period {start}..{end} ends before it starts")
    return [
        (Month.from_index(i), Month.from_index(min(i + size - 1, end.index)))
        for i in range(start.index, end.index + 1, size)
    ]


def request_codes(prefixes: list[str]) -> list[str]:
    """The coarsest codes hsSgn accepts that cover ``prefixes``, with none under another."""
    usable = set()
    for prefix in prefixes:
        length = max(n for n in HS_LENGTHS if n <= len(prefix))
        usable.add(prefix[:length])
    return sorted(c for c in usable if not any(c[:n] in usable for n in range(2, len(c))))


def default_hs(start: Month, end: Month) -> list[str]:
    """The ICT prefixes of the kr-ict scheme valid in any month asked, as request codes."""
    try:
        rules = scheme("kr-ict").rules
    except UsageError:
        rules = []
    months = [m.index for m in month_range(start, end)]
    prefixes = [r.prefix for r in rules if r.item != NON_ICT and any(r.valid_at(m) for m in months)]
    if not prefixes:
        raise UsageError("the kr-ict scheme has no HS rules for these months; name codes with --hs")
    return request_codes(prefixes)


def service_key(key: str | None = None) -> str:
    key = key or os.environ.get(KEY_ENV, "")
    if not key:
        raise SourceError(f"no KCS service key: set {KEY_ENV} (the key from data.go.kr)")
    # data.go.kr hands out an already URL-encoded key too; send its decoded form.
    return unquote(key) if "%" in key else key


@dataclass
class KcsClient:
    key: str
    base_url: str = DEFAULT_URL
    page_size: int = 500
    retry: _http.Retry = field(default_factory=_http.Retry)
    http: httpx.Client = field(default_factory=lambda: httpx.Client(timeout=60.0))
    deadline: float = _http.REQUEST_DEADLINE

    def __post_init__(self) -> None:
        self.redact = _http.redactor(self.key)

    def page(self, request: Request, number: int) -> tuple[Page, bytes, dt.datetime, str]:
        params = {"serviceKey": self.key, **request.params(number, self.page_size)}
        origin = self.redact(str(httpx.URL(self.base_url, params=params)))

        def call() -> tuple[Page, bytes, dt.datetime]:
            response = _http.get(self.http, self.base_url, params=params, deadline=self.deadline)
            at = dt.datetime.now(dt.UTC)
            page = parse_page(response.content)
            if page.code in TRANSIENT_CODES:
                raise _http.Transient(f"result code {page.code} {page.message}")
            return page, response.content, at

        page, body, at = self.retry.run(call, f"GET {origin}", self.redact)
        if page.code in QUOTA_CODES:
            raise SourceError(
                f"KCS daily quota exhausted (result code {page.code} "
                f"{page.message}); run the same command again tomorrow to resume"
            )
        if page.code in KEY_CODES:
            raise SourceError(
                f"KCS refused the service key (result code {page.code} "
                f"{page.message}); check {KEY_ENV}"
            )
        if page.code not in ("00", NO_DATA):
            raise SourceError(f"KCS rejected {origin}: result code {page.code} {page.message}")
        return page, body, at, origin


def plan(start: Month, end: Month, hs: list[str], partners: list[str]) -> list[Request]:
    each: list[str | None] = list(partners) or [None]
    return [
        Request(code, partner, first, last)
        for code in hs
        for partner in each
        for first, last in chunks(start, end)
    ]


def fetch_kcs(
    client: KcsClient,
    start: Month,
    end: Month,
    sink: Sink,
    *,
    checkpoint: str | Path,
    hs: list[str] | None = None,
    partners: list[str] | None = None,
    progress: _http.Progress | None = _http.stderr_progress,
) -> FetchSummary:
    """Fetch start..end into ``sink``, resuming an unfinished run with the same arguments."""
    codes = hs or default_hs(start, end)
    requests = plan(start, end, codes, partners or [])
    state = Checkpoint(checkpoint, job_id("kcs", start, end, codes, partners, client.page_size))
    summary = FetchSummary(resumed=state.resuming)
    say: _http.Progress = progress or _http.quiet
    for number, request in enumerate(requests, start=1):
        _fetch_request(
            client,
            request,
            state,
            sink,
            summary,
            functools.partial(_prefixed, say, f"kcs {number}/{len(requests)}"),
        )
        summary.requests += 1
    state.finish()
    return summary


def _prefixed(say: _http.Progress, prefix: str, message: str) -> None:
    say(f"{prefix} {message}")


def _fetch_request(
    client: KcsClient,
    request: Request,
    state: Checkpoint,
    sink: Sink,
    summary: FetchSummary,
    say: _http.Progress,
) -> None:
    done, page_number, pages = state.pages_done(request.key), 1, None
    total = state.total(request.key)
    if total is not None:
        pages = max(1, math.ceil(total / client.page_size))
    while pages is None or page_number <= pages:
        if page_number in done:
            page_number += 1
            continue
        page, body, at, origin = client.page(request, page_number)
        if total is not None and page.total != total and page_number > 1:
            say(
                f"hs {request.hs} {request.start}..{request.end}: the API now counts "
                f"{page.total:,} rows, not {total:,}: its pages are asked for again"
            )  # resumed on pages that shifted, rows would be skipped or read twice
            state.restart(request.key)
            done, page_number, total = set(), 1, None
            continue
        pages = max(1, math.ceil(page.total / client.page_size))
        if not page.items and page_number < pages:  # asking on would not end before the count
            raise SourceError(
                f"KCS page {page_number} of {pages} for hs {request.hs} holds no rows though "
                f"the answer counts {page.total:,}: the server answers inconsistently; the "
                "pages before are stored: run the same command again later to resume"
            )
        parsed = lines_from_items(page.items, at.date())
        stored = sink(parsed.table, body, at, origin)
        state.page_done(request.key, page_number, page.total)
        summary.pages += 1
        summary.lines += parsed.table.num_rows
        summary.stored += parsed.table.num_rows if stored is None else stored
        summary.skipped_rows += parsed.skipped_summary
        summary.unknown_partners |= parsed.unknown_partners
        say(
            f"hs {request.hs} {request.start}..{request.end} partner {request.partner or 'all'}"
            f" page {page_number}/{pages}: {parsed.table.num_rows} lines"
        )
        page_number += 1
