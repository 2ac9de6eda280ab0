"""The envelope every answer comes in, errors included, and the API key guard."""

from __future__ import annotations

import hmac
import re
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from starlette.datastructures import QueryParams
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..errors import IctradeError, NoDataError, StoreBusyError, StoreError, UsageError, quoted
from .gzipped import Part, gzip_of, raw_of
from .json_bytes import dumps as dumps
from .params import ApiError

JSON = "application/json"
GZIP_FROM = 1024  # bytes: smaller answers go out as they are


@dataclass(frozen=True)
class Serialized:
    """An answer's data already serialized (``dumps``), to be put in the envelope as it is: in
    parts, of which the big ones may be kept with their deflate stream (gzipped.py)."""

    parts: tuple[bytes | Part, ...]

    @property
    def raw(self) -> bytes:
        return raw_of(self.parts)


@dataclass(frozen=True)
class Body:
    """A serialized answer, and its gzip form for clients that accept it (big answers only);
    ``parts``: ``raw`` in parts, to gzip from (not kept once gzipped)."""

    raw: bytes
    gz: bytes | None
    status: int = 200
    parts: tuple[bytes | Part, ...] = field(default=(), compare=False, repr=False)

    @classmethod
    def of(cls, document: Any, status: int = 200) -> Body:
        return cls.sized(dumps(document), status)

    @classmethod
    def ok(cls, data: Any, meta: dict[str, Any], *, gzipped: bool = True) -> Body:
        """The envelope of a successful answer: ``Body.of({"ok": True, "data": data, "meta":
        meta})``, with ``data`` serialized already when it is ``Serialized``; not gzipped yet
        unless ``gzipped`` (``gzipped()`` then)."""
        if isinstance(data, Serialized):
            parts = (b'{"ok":true,"data":', *data.parts, b',"meta":' + dumps(meta) + b"}")
            body = cls(raw_of(parts), None, parts=parts)
        else:
            body = cls(dumps({"ok": True, "data": data, "meta": meta}), None)
        return body.gzipped() if gzipped else body

    @classmethod
    def sized(cls, raw: bytes, status: int = 200) -> Body:
        return cls(raw, None, status).gzipped()

    def gzipped(self) -> Body:
        """This body with its gzip form, when it is large enough to gain from one."""
        if self.gz is not None or len(self.raw) < GZIP_FROM:
            return Body(self.raw, self.gz, self.status) if self.parts else self
        return Body(self.raw, gzip_of(self.parts or (self.raw,)), self.status)

    def size(self) -> int:
        return len(self.raw) + (len(self.gz) if self.gz is not None else 0)

    def response(self, request: Request) -> Response:
        if self.gz is not None and accepts_gzip(request.headers.get("accept-encoding", "")):
            headers = {"Content-Encoding": "gzip", "Vary": "Accept-Encoding"}
            return Response(self.gz, self.status, media_type=JSON, headers=headers)
        return Response(self.raw, self.status, media_type=JSON, headers={"Vary": "Accept-Encoding"})


def accepts_gzip(header: str) -> bool:
    """Whether an Accept-Encoding header takes gzip: named (or ``*``, when gzip is not named)
    with a weight above 0 (``gzip;q=0`` refuses it)."""
    weights: dict[str, float] = {}
    for part in header.lower().split(","):
        coding, *options = (piece.strip() for piece in part.split(";"))
        weight = 1.0
        for option in options:
            key, _, value = option.partition("=")
            if key.strip() == "q":
                try:
                    weight = float(value)
                except ValueError:
                    weight = 0.0
        weights[coding] = weight
    gzip_weight = weights.get("gzip", weights.get("x-gzip", weights.get("*", 0.0)))
    return gzip_weight > 0  # NaN is not


def error_body(status: int, message: str, allowed: list[str] | None = None) -> bytes:
    return dumps(error_document(status, message, allowed))


def error_document(status: int, message: str, allowed: list[str] | None = None) -> Any:
    error: dict[str, Any] = {"code": status, "message": message}
    if allowed is not None:
        error["allowed"] = allowed
    return {"ok": False, "error": error}


# A path of the server's disk in a library's message ("cannot open the store /srv/x.duckdb"):
# answers show its file name only.
ABSOLUTE_PATH = re.compile(r"(?<![\w.:/])/(?:[^\s'\"/]+/)+([^\s'\"/:;,)]+)")


def public(exc: Exception) -> str:
    """The message of a library error as an answer shows it."""
    return ABSOLUTE_PATH.sub(r"\1", str(exc))


def request_error(exc: Exception) -> Body | None:
    """The answer to an error that is the request's (a bad parameter, no data for it): the
    same request gets the same answer until the store changes, so it may be cached. None for
    other errors (a busy or broken store, a bug)."""
    if isinstance(exc, ApiError):
        return Body.of(error_document(exc.status, exc.message, exc.allowed), exc.status)
    if isinstance(exc, IctradeError) and not isinstance(exc, StoreError):
        return Body.of(error_document(400, public(exc)), 400)
    if isinstance(exc, NoDataError):
        return Body.of(error_document(404, public(exc)), 404)
    return None


def error_response(
    status: int,
    message: str,
    allowed: list[str] | None = None,
    headers: Mapping[str, str] | None = None,
) -> Response:
    return Response(error_body(status, message, allowed), status, headers, media_type=JSON)


class ApiKeyMiddleware:
    """When a key is set, every request must carry it (header X-API-Key or ?api_key=), except
    for paths under ``public`` (published library code, no data)."""

    def __init__(self, app: ASGIApp, key: str, public: str | None = None) -> None:
        self.app, self.key, self.public = app, key.encode(), public

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or self._public(scope):
            await self.app(scope, receive, send)
            return
        given = self._given(scope)
        if given is not None and hmac.compare_digest(given, self.key):
            await self.app(scope, receive, send)
            return
        message = (
            "no API key was sent; send the server's key in the header X-API-Key (or ?api_key=)"
            if given is None
            else "the API key sent is wrong; send the server's key in the header X-API-Key"
        )  # the key given is never echoed
        headers = {"WWW-Authenticate": 'ApiKey header="X-API-Key"'}  # a 401 names its scheme
        await error_response(401, message, headers=headers)(scope, receive, send)

    def _public(self, scope: Scope) -> bool:
        return bool(self.public) and Request(scope).url.path.startswith(self.public or "")

    @staticmethod
    def _given(scope: Scope) -> bytes | None:
        """The key sent: the header's bytes as they came (a key in UTF-8 compares as sent;
        Starlette's text of a header is its Latin-1 reading), else the query's, in UTF-8."""
        for name, value in scope["headers"]:
            if name == b"x-api-key" and value:
                return bytes(value)
        text = QueryParams(scope.get("query_string", b"")).get("api_key")
        return text.encode() if text else None


def internal_error(exc: BaseException) -> Response:
    """A bug's answer: its kind, never a traceback, a path or a process id."""
    return error_response(500, f"internal error: {type(exc).__name__}; please report it")


class CatchAll:
    """Answer an unexpected exception with the 500 envelope here, inside the app, so the
    server does not drop the connection as it does for exceptions that reach it: a client's
    keep-alive connection survives an error answer."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def sending(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, sending)
        except Exception as exc:
            if started:
                raise  # the answer is half sent: only closing the connection can say so
            await internal_error(exc)(scope, receive, send)


Handler = Callable[[Request, Exception], Awaitable[Response] | Response]


def error_handlers() -> dict[Any, Handler]:
    def api_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, ApiError)
        return error_response(exc.status, exc.message, exc.allowed)

    def domain_error(request: Request, exc: Exception) -> Response:
        status = 400
        if isinstance(exc, StoreError):  # no data for what was asked, or a store that fails
            status = 404 if isinstance(exc, NoDataError) else 503
        response = error_response(status, public(exc))
        if isinstance(exc, StoreBusyError):
            response.headers["Retry-After"] = "2"
        return response

    def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        path = quoted(str(request.scope.get("path", "")))  # as sent: "api/x" without its slash
        message = {
            404: f"no such path {path}; the API's paths are listed at /api/openapi.json",
            405: f"method {quoted(request.method)} is not allowed on {path}; use GET (or HEAD)",
        }.get(exc.status_code, str(exc.detail))
        return error_response(exc.status_code, message, headers=exc.headers)

    def server_error(request: Request, exc: Exception) -> Response:
        return internal_error(exc)

    return {
        ApiError: api_error,
        UsageError: domain_error,
        IctradeError: domain_error,
        HTTPException: http_error,
        Exception: server_error,
    }
