"""The web server: a JSON API over the library and the dashboard, read-only.

Every answer is one envelope: ``{"ok": true, "data": ..., "meta": {...}}`` or
``{"ok": false, "error": {"code": 400, "message": "...", "allowed": [...]}}``. Successful
answers are cached as serialized bytes, keyed by store, the store's stamp (latest ingest) and the
parsed request, so a repeated request costs a dictionary look-up.
"""

from __future__ import annotations

import datetime as dt
import gc
import os
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any, TypeVar

import anyio
from anyio import to_thread
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import QueryParams
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Mount, Route
from threadpoolctl import threadpool_limits

from ..classify import using_scheme
from ..classify.rules import available_schemes
from ..store.store import StoreChoice, choose_store
from . import olap, params, releases
from .dashboard import VENDOR_PATH, VendorFiles, dashboard_html
from .envelope import (
    JSON,
    ApiKeyMiddleware,
    Body,
    CatchAll,
    dumps,
    error_handlers,
    request_error,
)
from .handles import StoreHandle
from .lru import LRU, look_once
from .openapi import openapi_document
from .service import Service

PING = b'{"ok":true,"data":"pong","meta":{}}'
# Answers computed at once, the rest waiting their turn: one, beside one release on a thread
# of its own. The interpreter lock runs one at a time anyway; a second computing thread only
# took turns from the first (cold mixed run: p99 about 110 ms with one, 370 ms with two).
COMPUTING = 1
DOCUMENTS = 1
COMPRESSING = 2  # gzip forms made at once (the compressor lets go of the interpreter lock)
SNAPSHOTS = 2  # requests that may take a new snapshot: one takes it, others use the last
RESPONSE_BYTES = 256 << 20  # serialized answers kept (a month's facts: about 1 MB)
V = TypeVar("V")
COMMON = ("as_of", "dataset", "reporter", "scheme", "api_key")
SERIES = ("flow", "item", "region", "measure", "from", "to")
CUBE = ("drilldowns", "measures", "flow", "item", "region", "month", "from", "to", "format")
RELEASE = ("format", "lang", "download", "variant")


class Api:
    def __init__(self, service: Service) -> None:
        self.service = service
        self.responses: LRU[Body] = LRU(1024, budget=RESPONSE_BYTES, weigh=Body.size)
        self.computing = anyio.CapacityLimiter(COMPUTING)
        # Releases queue apart: an answer does not wait behind a release being rendered.
        self.documents = anyio.CapacityLimiter(DOCUMENTS)
        self.compressing = anyio.CapacityLimiter(COMPRESSING)
        self.refreshing = anyio.CapacityLimiter(SNAPSHOTS)
        self.release_files: LRU[list[releases.ReleaseFile]] = LRU(32)

    async def answer(
        self,
        request: Request,
        key: tuple[object, ...],
        compute: Callable[[], tuple[Any, dict[str, Any]]],
        *,
        document: bool = False,
    ) -> Response:
        """The answer kept under ``key``, else ``compute()``'s: in the computing queue, or
        the documents' when ``document`` (a release: rendering may take seconds)."""
        body = self.responses.get(key)
        if body is None:

            def envelope(gzipped: bool = True) -> Body:
                try:
                    data, meta = compute()
                except Exception as exc:
                    known = request_error(exc)  # kept like an answer: asked again, not redone
                    if known is None:
                        raise
                    return known
                return Body.ok(data, meta, gzipped=gzipped)

            if document:
                body = await to_thread.run_sync(envelope, False, limiter=self.documents)
                # gzipped out of the queue (the compressor lets go of the interpreter lock)
                body = await to_thread.run_sync(body.gzipped, limiter=self.compressing)
            else:
                body = await self.run(envelope)
            body = self.responses.put(key, body)
        return body.response(request)

    async def run(self, func: Callable[..., V], *args: Any) -> V:
        """``func(*args)`` in a worker thread, at most COMPUTING at once: more would only
        share the cores (and the interpreter lock) with the answers served from the caches."""
        return await to_thread.run_sync(func, *args, limiter=self.computing)

    async def refresh(self, func: Callable[..., V], *args: Any) -> V:
        """``func(*args)``, which may take and prepare a new snapshot (a second or more), in a
        thread of its own: the computing queue goes on meanwhile (from the last snapshot)."""
        return await to_thread.run_sync(func, *args, limiter=self.refreshing)

    async def context(
        self, request: Request, names: tuple[str, ...] = (), *, published_allowed: bool = False
    ) -> tuple[StoreHandle, dt.date | None, bool, dict[str, Any]]:
        """The store, vintage and meta of a request whose other parameters are ``names``."""
        look_once()
        query = request.query_params
        allowed = [*names, *COMMON, *(["as_published"] if published_allowed else [])]
        params.names(query.multi_items(), allowed)
        handle = self.service.ready_handle(query)
        if handle is None:  # a snapshot to take, or the reporters held to read: not here
            handle = await self.refresh(self.service.handle, query)
        if not handle.fresh():
            # A new snapshot (after an ingest) takes a while: never on the event loop, which
            # would stall every connection (long enough to drop idle keep-alive ones).
            await self.refresh(handle.stamp)
        as_of, as_published = params.vintage(query, published_allowed=published_allowed)
        meta: dict[str, Any] = {
            "store": handle.name,
            "reporter": handle.choice.reporter,
            "scheme": handle.choice.scheme,
            "as_of": str(as_of) if as_of else None,
        }
        if published_allowed:
            meta["as_published"] = as_published
        return handle, as_of, as_published, meta

    async def ping(self, request: Request) -> Response:
        return Response(PING, media_type=JSON)

    async def facts(self, request: Request) -> Response:
        month = params.month(request.path_params["month"])
        handle, as_of, published, meta = await self.context(request, published_allowed=True)
        key = ("facts", handle.identity, handle.stamp(), month, as_of, published)
        asked = (handle, month, as_of, published)
        # in the computing queue: a document costs a few ms, and a thread of its own only took
        # turns from that queue's (cold mixed run: p99 about 100 ms so, 120 to 150 ms apart)
        return await self.answer(request, key, lambda: (self.service.facts_json(*asked), meta))

    async def series(self, request: Request) -> Response:
        handle, as_of, _, meta = await self.context(request, SERIES)
        query = dict(request.query_params)
        key = ("series", handle.identity, handle.stamp(), as_of, _query_key(query))
        return await self.answer(
            request, key, lambda: (self.service.series(handle, query, as_of), meta)
        )

    async def cube(self, request: Request) -> Response:
        handle, as_of, _, meta = await self.context(request, CUBE)
        query = dict(request.query_params)
        fmt = query.get("format") or "json"
        params.one_of("format", fmt, ("json", "csv"))
        if fmt == "csv":
            data = await self.run(self.service.cube, handle, query, as_of)
            return Response(
                olap.cube_csv(data),
                media_type="text/csv; charset=utf-8",
                headers={"Content-Disposition": 'attachment; filename="ictrade-cube.csv"'},
            )
        key = ("cube", handle.identity, handle.stamp(), as_of, _query_key(query))
        return await self.answer(
            request, key, lambda: (self.service.cube(handle, query, as_of), meta)
        )

    async def release(self, request: Request) -> Response:
        month = params.month(request.path_params["month"])
        handle, as_of, published, meta = await self.context(
            request, RELEASE, published_allowed=True
        )
        query = request.query_params
        fmt, lang = query.get("format") or "md", query.get("lang") or "en"
        variant = query.get("variant") or None
        releases.check(fmt, lang, variant)
        download = params.boolean("download", query.get("download"))
        key = ("release", handle.identity, handle.stamp(), month, as_of, published, fmt, lang)

        def files() -> list[releases.ReleaseFile]:
            cached = self.release_files.get(key)
            if cached is not None:
                return cached
            source = self.service.release_source(handle, month, as_of, published, lang)
            return self.release_files.put(key, releases.render_files(source, fmt))

        if download:
            file = releases.pick(await self.run(files), variant)
            return Response(
                file.content,
                media_type=file.media_type,
                headers={"Content-Disposition": f'attachment; filename="{month}-{file.name}"'},
            )
        meta = {**meta, "month": str(month), "format": fmt, "lang": lang}
        return await self.answer(
            request, key, lambda: ({"files": releases.file_list(files())}, meta), document=True
        )

    async def meta(self, request: Request) -> Response:
        handle, as_of, _, meta = await self.context(request)
        key = ("meta", handle.identity, handle.stamp(), as_of)
        return await self.answer(request, key, lambda: (self.service.meta(handle, as_of), meta))

    async def openapi(self, request: Request) -> Response:
        return Response(dumps(openapi_document()), media_type=JSON)

    async def dashboard(self, request: Request) -> Response:
        return HTMLResponse(dashboard_html())


def _query_key(query: dict[str, str]) -> tuple[tuple[str, str], ...]:
    return tuple(sorted((k, v) for k, v in query.items() if k != "api_key"))


def create_app(
    store: str | None = None,
    dataset: str | None = None,
    *,
    api_key: str | None = None,
    warm: bool = False,
    scheme_name: str = "kr-ict",
    reporter: str = "KR",
    choice: StoreChoice | None = None,
) -> Starlette:
    """The ASGI app serving ``store`` (or ``dataset``, chosen as the CLI does), the lines of
    ``reporter`` classified by ``scheme_name``.

    ``api_key`` defaults to the environment's ``ICTRADE_API_KEY``; empty means no key. ``warm``
    prepares the store at start-up (``StoreHandle.warm``), so the first requests do not wait for it.
    ``choice``: the store already chosen (``ictrade serve``), instead of the arguments above.
    """
    choice = choice or choose_store(store, dataset, scheme_name=scheme_name, reporter=reporter)
    # The server computes on its own threads, on small matrices: BLAS's threads only fought
    # them for the cores (a month-comparability check took 130 ms instead of 35 on two busy
    # cores).
    threadpool_limits(1, user_api="blas")
    api = Api(Service(choice))

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        if warm:
            await run_in_threadpool(prepare, app)
        yield
        api.service.close()

    routes = [
        Route("/", api.dashboard),
        Route("/favicon.ico", lambda request: Response(status_code=204)),
        Route("/api/ping", api.ping),
        Route("/api/openapi.json", api.openapi),
        Route("/api/meta", api.meta),
        Route("/api/facts/{month}", api.facts),
        Route("/api/series", api.series),
        Route("/api/cube", api.cube),
        Route("/api/release/{month}", api.release),
        Mount(VENDOR_PATH, VendorFiles()),
    ]
    app = Starlette(routes=routes, exception_handlers=error_handlers(), lifespan=lifespan)
    app.state.api = api
    key = os.environ.get("ICTRADE_API_KEY", "") if api_key is None else api_key
    if key:
        app.add_middleware(ApiKeyMiddleware, key=key, public=VENDOR_PATH + "/")
    app.add_middleware(SchemeMiddleware, scheme_name=scheme_name)
    app.add_middleware(CatchAll)
    return app


def prepare(app: Starlette) -> None:
    """What a server does before it answers: its store prepared (``StoreHandle.warm``: a
    store that cannot be served is an error here), then all made so far frozen out of the
    collector's sight, as it lives as long as the server: each full collection walked it,
    pausing every answer for tens of ms (cold mixed run: p99 about 100 ms -> 69 ms)."""
    app.state.api.service.default.warm()
    gc.collect()
    gc.freeze()


class SchemeMiddleware:
    """Answer every request with the items (taxonomy()) of the scheme it asks for
    (``scheme=``), else of the server's; an unknown one is refused by the API (400)."""

    def __init__(self, app: Any, scheme_name: str) -> None:
        self.app, self.scheme_name = app, scheme_name

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        asked = QueryParams(scope.get("query_string", b"")).get("scheme")
        chosen = asked if asked in available_schemes() else self.scheme_name
        with using_scheme(chosen):
            await self.app(scope, receive, send)
