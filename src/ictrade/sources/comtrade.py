"""UN Comtrade API v1, monthly goods data: ``data/v1/get/C/M/HS``.

Each call asks for totals only (partner2Code=0, motCode=0, customsCode=C00), flows X and M,
every partner, at most 12 periods and a list of commodity codes sized to stay under the
per-call row cap; a response that reaches the cap is split (codes, then periods) and asked
again. 429 (or 403 with Retry-After) waits as told; calls are counted per UTC day in a small
JSON file and the run stops cleanly at the daily limit, resuming from its checkpoint later.

The key (header ``Ocp-Apim-Subscription-Key``) comes from ``ICTRADE_COMTRADE_KEY``;
``ICTRADE_COMTRADE_BASE_URL`` overrides the endpoint.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from ..errors import SourceError
from ..months import Month, month_range
from . import _http
from .checkpoint import Checkpoint, job_id
from .comtrade_parse import lines_from_records
from .kcs import Sink, default_hs

DEFAULT_URL = "https://comtradeapi.un.org/data/v1/get/C/M/HS"
KEY_ENV, URL_ENV = "ICTRADE_COMTRADE_KEY", "ICTRADE_COMTRADE_BASE_URL"
ROW_LIMIT = 100_000  # rows per call on the free tier
DAILY_LIMIT = 500  # calls per day on the free tier
PARTNERS_GUESS = 250  # partners a code may have, to size the code lists
MAX_CODES = 50  # keeps URLs short


def comtrade_key(key: str | None = None) -> str:
    key = key or os.environ.get(KEY_ENV, "")
    if not key:
        raise SourceError(f"no UN Comtrade subscription key: set {KEY_ENV}")
    return key


class CallCounter:
    """Calls made today (UTC), kept in a JSON file so separate runs share the daily limit."""

    def __init__(self, path: str | Path, limit: int) -> None:
        self.path, self.limit = Path(path), limit

    def _read(self) -> dict[str, int]:
        try:
            data: dict[str, int] = json.loads(self.path.read_text("utf-8"))
            return data
        except (OSError, ValueError):
            return {}

    def check(self) -> None:
        """Refuse a call past today's limit."""
        used = self._read().get(_today(), 0)
        if used >= self.limit:
            raise SourceError(
                f"UN Comtrade daily call limit reached ({used} of {self.limit} calls today, UTC);"
                " run the same command again tomorrow to resume"
            )

    def take(self) -> None:
        """Count a call the server answered (a DNS failure or refused connection is none)."""
        today = _today()
        used = self._read().get(today, 0)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.write_text(json.dumps({today: used + 1}), "utf-8")


def _today() -> str:
    return dt.datetime.now(dt.UTC).date().isoformat()


class _TooMany(Exception):
    """The answer reached the row cap (or the URL was too long): split the request."""


def _markup(response: httpx.Response) -> bool:
    """An HTML or XML page (a login, error or maintenance page), not cut-short JSON."""
    kind = response.headers.get("Content-Type", "").lower()
    return "html" in kind or "xml" in kind or response.content.lstrip()[:1] == b"<"


@dataclass
class ComtradeClient:
    key: str
    counter: CallCounter
    base_url: str = DEFAULT_URL
    row_limit: int = ROW_LIMIT
    retry: _http.Retry = field(default_factory=_http.Retry)
    http: httpx.Client = field(default_factory=lambda: httpx.Client(timeout=120.0))
    deadline: float = _http.REQUEST_DEADLINE

    def get(self, params: dict[str, str]) -> tuple[list[dict[str, Any]], bytes, dt.datetime, str]:
        origin = str(httpx.URL(self.base_url, params=params))
        headers = {"Ocp-Apim-Subscription-Key": self.key}
        redact = _http.redactor(self.key)

        def call() -> tuple[httpx.Response, dt.datetime, tuple[Any, ...]]:
            self.counter.check()
            response = _http.get(
                self.http,
                self.base_url,
                params=params,
                headers=headers,
                deadline=self.deadline,
                answered=self.counter.take,
            )
            try:
                parsed: tuple[Any, ...] = (response.json(),)
            except RecursionError:
                parsed = ()  # nested beyond reason: not the API's records
            except ValueError:
                if response.status_code == 200 and not _markup(response):
                    # cut short on the way: ask again
                    raise _http.Transient("the JSON answer is incomplete or malformed") from None
                parsed = ()
            return response, dt.datetime.now(dt.UTC), parsed

        response, at, parsed = self.retry.run(call, f"GET {origin}", redact)
        if response.status_code == 414 or b"URL Too Long" in response.content[:200]:
            raise _TooMany()
        if response.status_code in (401, 403):
            raise SourceError(
                f"UN Comtrade refused the subscription key (HTTP "
                f"{response.status_code}); check {KEY_ENV}"
            )
        if not parsed:
            raise SourceError(
                f"UN Comtrade answered {origin} with HTTP "
                f"{response.status_code} and no JSON: "
                f"{redact(response.text[:200])}"
            )
        payload = parsed[0]
        if not isinstance(payload, dict):
            raise SourceError(
                f"UN Comtrade answered {origin} with JSON {type(payload).__name__} "
                f"{redact(str(payload)[:80])!r}, not the API's object; try again later"
            )
        if response.status_code != 200 or payload.get("error"):
            message = payload.get("error") or payload.get("message") or payload
            raise SourceError(f"UN Comtrade rejected {origin}: {redact(str(message))}")
        records = payload.get("data") or []
        if not isinstance(records, list):
            raise SourceError(
                f"UN Comtrade answered {origin} with 'data' as {type(records).__name__}, not a "
                "list of records: the answer is not the API's format; try again later"
            )
        if len(records) >= self.row_limit:
            raise _TooMany()
        return records, response.content, at, origin


@dataclass
class FetchSummary:
    calls: int = 0
    lines: int = 0  # read from the answers
    stored: int = 0  # new in the store
    skipped: dict[str, int] = field(default_factory=dict)
    unknown_partners: set[int] = field(default_factory=set)
    resumed: bool = False


Part = tuple[tuple[str, ...], tuple[str, ...]]  # (periods, commodity codes)


def plan(start: Month, end: Month, codes: list[str], row_limit: int) -> list[Part]:
    """Requests of at most 12 periods and as many codes as the row cap allows."""
    parts = []
    months = [f"{m.year}{m.month:02d}" for m in month_range(start, end)]
    for i in range(0, len(months), 12):
        periods = tuple(months[i : i + 12])
        per_call = max(1, min(MAX_CODES, row_limit // (len(periods) * PARTNERS_GUESS * 2)))
        for j in range(0, len(codes), per_call):
            parts.append((periods, tuple(codes[j : j + per_call])))
    return parts


def _split(part: Part) -> list[Part]:
    periods, codes = part
    if len(codes) > 1:
        half = len(codes) // 2
        return [(periods, codes[:half]), (periods, codes[half:])]
    if len(periods) > 1:
        half = len(periods) // 2
        return [(periods[:half], codes), (periods[half:], codes)]
    raise SourceError(
        f"UN Comtrade: one code ({codes[0]}) for one period ({periods[0]}) "
        "exceeds the per-call row cap; raise --row-limit if your plan allows"
    )


def hs6_codes(start: Month, end: Month) -> list[str]:
    """The kr-ict request codes cut to HS6 at most (Comtrade's finest level)."""
    return sorted({c[:6] if len(c) > 6 else c for c in default_hs(start, end)})


def fetch_comtrade(
    client: ComtradeClient,
    reporter: int,
    start: Month,
    end: Month,
    sink: Sink,
    *,
    checkpoint: str | Path,
    codes: list[str] | None = None,
    progress: _http.Progress | None = _http.stderr_progress,
) -> FetchSummary:
    """Fetch monthly lines of ``reporter`` for start..end into ``sink``; resumable."""
    codes = codes or hs6_codes(start, end)
    state = Checkpoint(checkpoint, job_id("comtrade", reporter, start, end, codes))
    summary = FetchSummary(resumed=state.resuming)
    say: _http.Progress = progress or _http.quiet
    todo = list(reversed(plan(start, end, codes, client.row_limit)))
    while todo:
        part = todo.pop()
        key = f"{','.join(part[0])}|{','.join(part[1])}"
        if state.pages_done(key):
            continue
        params = {
            "reporterCode": str(reporter),
            "period": ",".join(part[0]),
            "cmdCode": ",".join(part[1]),
            "flowCode": "X,M",
            "partner2Code": "0",
            "motCode": "0",
            "customsCode": "C00",
            "maxRecords": str(client.row_limit),
        }
        try:
            records, raw, at, origin = client.get(params)
        except _TooMany:
            todo.extend(reversed(_split(part)))
            continue
        parsed = lines_from_records(records, at.date())
        stored = sink(parsed.table, raw, at, origin)
        state.page_done(key, 1, len(records))
        summary.calls += 1
        summary.lines += parsed.table.num_rows
        summary.stored += parsed.table.num_rows if stored is None else stored
        summary.unknown_partners |= parsed.unknown_partners
        for reason, count in parsed.skipped.items():
            summary.skipped[reason] = summary.skipped.get(reason, 0) + count
        say(
            f"comtrade {part[0][0]}..{part[0][-1]} {len(part[1])} codes: "
            f"{parsed.table.num_rows} lines ({len(todo)} requests left)"
        )
    state.finish()
    return summary
