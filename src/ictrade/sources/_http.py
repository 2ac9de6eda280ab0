"""What the API clients share: retries with exponential backoff, key redaction, progress."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar
from urllib.parse import quote, quote_plus

import httpx

from ..errors import SourceError

T = TypeVar("T")
Sleep = Callable[[float], None]
Progress = Callable[[str], None]


class Transient(Exception):
    """A failure worth retrying; ``wait`` overrides the backoff (a Retry-After header)."""

    def __init__(self, message: str, wait: float | None = None) -> None:
        super().__init__(message)
        self.wait = wait


@dataclass
class Retry:
    attempts: int = 6  # tries in all, the first included
    base_delay: float = 1.0  # seconds before the second try; doubles each time
    max_delay: float = 120.0
    sleep: Sleep = field(default=time.sleep)

    def run(self, call: Callable[[], T], what: str, redact: Callable[[str], str]) -> T:
        """Call until it succeeds or a Transient failure repeats ``attempts`` times."""
        delay = self.base_delay
        for attempt in range(1, self.attempts + 1):
            try:
                return call()
            except Transient as exc:
                if exc.wait is not None and exc.wait > self.max_delay:
                    raise SourceError(
                        f"{redact(what)}: the server asks to wait {exc.wait:,.0f} s before "
                        f"asking again ({redact(str(exc))}); run the same command again then"
                    ) from None
                if attempt == self.attempts:
                    raise SourceError(
                        f"{redact(what)} failed {self.attempts} times; last error: "
                        f"{redact(str(exc))}. Try again later"
                    ) from None
                self.sleep(min(exc.wait if exc.wait is not None else delay, self.max_delay))
                delay *= 2
        raise AssertionError("unreachable")


# Seconds one request may take in all, however slowly the server drips its answer.
REQUEST_DEADLINE = 300.0
# Bytes an answer may hold (decompressed): an API page is far smaller; more is not the API
# (or a compressed bomb), and memory stays bounded.
MAX_BODY = 256 << 20
# Statuses that say the address is wrong: asking again will not help.
_WRONG_ADDRESS = {404: "Not Found", 405: "Method Not Allowed", 410: "Gone"}

_NO_HOST = (
    "name or service not known",
    "nodename nor servname",
    "name resolution",
    "getaddrinfo failed",
    "no address associated",
)


def get(
    client: httpx.Client,
    url: str,
    *,
    params: dict[str, str] | None = None,
    headers: dict[str, str] | None = None,
    deadline: float = REQUEST_DEADLINE,
    answered: Callable[[], None] | None = None,
    max_body: int = MAX_BODY,
) -> httpx.Response:
    """One GET, read in full within ``deadline`` seconds; ``answered`` is called once the
    server answers (a quota counts answered requests only).

    Transport failures (a cut or truncated body, a timeout), 5xx and 429 become Transient. A
    host that does not resolve or refuses the connection, a redirect, a wrong address (404)
    and an answer over ``max_body`` bytes fail at once with SourceError: retrying will not
    change them."""
    host = httpx.URL(url).host
    try:
        with client.stream("GET", url, params=params, headers=headers) as response:
            if answered is not None:
                answered()
            if response.is_redirect:
                where = response.headers.get("Location", "?")
                raise SourceError(
                    f"{host} answered HTTP {response.status_code}, a redirect to {where}; "
                    "set the base URL to the address the API answers at"
                )
            if response.status_code in _WRONG_ADDRESS:
                raise SourceError(
                    f"{host} answered HTTP {response.status_code} "
                    f"{_WRONG_ADDRESS[response.status_code]}; check the base URL"
                )
            chunks, until, size = [], time.monotonic() + deadline, 0
            for chunk in response.iter_bytes():
                chunks.append(chunk)
                size += len(chunk)
                if size > max_body:
                    raise SourceError(
                        f"{host} sent an answer over {max_body >> 20} MB, far more than an API "
                        "page; check the base URL"
                    )
                if time.monotonic() > until:
                    raise Transient(f"the answer took over {deadline:g} s; the server is too slow")
            kept = {
                k: v
                for k, v in response.headers.items()
                if k.lower() not in ("content-encoding", "content-length", "transfer-encoding")
            }
            response = httpx.Response(
                response.status_code,
                headers=kept,
                content=b"".join(chunks),
                request=response.request,
            )
    except httpx.UnsupportedProtocol:
        raise SourceError(f"'{url}' is not an http(s) URL; check the base URL setting") from None
    except httpx.ConnectError as exc:
        text = str(exc).lower()
        if any(part in text for part in _NO_HOST):
            raise SourceError(
                f"cannot find the host {host} (DNS); check the network connection or the base "
                "URL, then run the same command again"
            ) from None
        if "refused" in text:
            raise SourceError(
                f"{host} refused the connection; check the base URL (and port), then run the "
                "same command again"
            ) from None
        raise Transient(f"{type(exc).__name__}: {exc}") from None
    except (httpx.TimeoutException, httpx.TransportError) as exc:
        raise Transient(f"{type(exc).__name__}: {exc}") from None
    wait = retry_after(response)
    # 429, or a 403 that says when to come back (Comtrade's rate limiter), is worth a wait.
    if (
        response.status_code == 429
        or response.status_code >= 500
        or (response.status_code == 403 and wait is not None)
    ):
        raise Transient(f"HTTP {response.status_code}", wait=wait)
    return response


def retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("Retry-After", "")
    try:
        seconds = float(value)
    except ValueError:
        return None
    return seconds if seconds > 0 else None


def redactor(secret: str | None) -> Callable[[str], str]:
    """Replace a key (plain or URL-encoded) with '***' in any text shown to the user."""
    forms = {secret, quote(secret or "", safe=""), quote_plus(secret or "")} if secret else set()
    forms.discard("")

    def redact(text: str) -> str:
        for form in sorted(forms, key=len, reverse=True):
            text = text.replace(form, "***")
        return text

    return redact


def stderr_progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def quiet(_message: str) -> None:
    """A progress callback that says nothing."""
