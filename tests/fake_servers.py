"""Local fake API servers for the source tests (127.0.0.1, random port, a thread each).

FakeKcs reproduces the data.go.kr ``nitemtrade`` XML: a ``response/header/resultCode`` envelope
with ``body/items/item`` rows, ``totalCount`` paging, a ``총계`` summary row, the gateway's
``OpenAPI_ServiceResponse`` error envelope, a daily quota (code 22) and scripted transient
failures (HTTP 5xx, connection resets, empty bodies, gateway code 05).
"""

from __future__ import annotations

import threading
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse

SUMMARY = {"year": "총계", "statCd": "-", "hsCd": "-", "statKor": "-", "statCdCntnKor1": "-",
           "expDlr": "0", "impDlr": "0", "expWgt": "0", "impWgt": "0", "balPayments": "0"}


def envelope(code: str, message: str, items: list[dict[str, str]] | None = None,
             total: int = 0, page: int = 1, size: int = 10) -> bytes:
    root = ET.Element("response")
    header = ET.SubElement(root, "header")
    ET.SubElement(header, "resultCode").text = code
    ET.SubElement(header, "resultMsg").text = message
    body = ET.SubElement(root, "body")
    node = ET.SubElement(body, "items")
    for item in items or []:
        el = ET.SubElement(node, "item")
        for name, value in item.items():
            ET.SubElement(el, name).text = value
    ET.SubElement(body, "numOfRows").text = str(size)
    ET.SubElement(body, "pageNo").text = str(page)
    ET.SubElement(body, "totalCount").text = str(total)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def gateway_error(code: str, message: str) -> bytes:
    return (
        "<OpenAPI_ServiceResponse><cmmMsgHeader><errMsg>SERVICE ERROR</errMsg>"
        f"<returnAuthMsg>{message}</returnAuthMsg><returnReasonCode>{code}</returnReasonCode>"
        "</cmmMsgHeader></OpenAPI_ServiceResponse>"
    ).encode()


class FakeKcs:
    """Serves ``rows`` (dicts of nitemtrade item fields) the way the API pages them."""

    def __init__(self, rows: list[dict[str, str]], key: str = "s3cret/key+==") -> None:
        self.rows = sorted(rows, key=lambda r: (r["year"], r["hsCd"], r["statCd"]))
        self.key = key
        self.calls = 0
        self.served = 0  # successful data responses
        self.script: dict[int, str] = {}  # call number -> failure to produce
        self.quota_after: int | None = None
        self.requests: list[dict[str, str]] = []

    def respond(self, query: dict[str, str]) -> tuple[int, bytes]:
        self.calls += 1
        self.requests.append(query)
        failure = self.script.get(self.calls)
        if failure == "reset":
            return -1, b""
        if failure in ("500", "502", "503"):
            return int(failure), b"<html>Bad Gateway</html>"
        if failure == "empty":
            return 200, b""
        if failure == "gateway05":
            return 200, gateway_error("05", "SERVICE_TIMEOUT_ERROR")
        if query.get("serviceKey") != self.key:
            return 200, gateway_error("30", "SERVICE_KEY_IS_NOT_REGISTERED_ERROR")
        if self.quota_after is not None and self.served >= self.quota_after:
            return 200, gateway_error("22", "LIMITED_NUMBER_OF_SERVICE_REQUESTS_EXCEEDS_ERROR")
        return 200, self.data(query)

    def data(self, query: dict[str, str]) -> bytes:
        start, end = query["strtYymm"], query["endYymm"]
        months = (int(end[:4]) * 12 + int(end[4:])) - (int(start[:4]) * 12 + int(start[4:]))
        if months >= 12 or months < 0:
            return envelope("10", "INVALID_REQUEST_PARAMETER_ERROR")
        hs, partner = query.get("hsSgn", ""), query.get("cntyCd")
        hits = [r for r in self.rows
                if start <= r["year"].replace(".", "") <= end and r["hsCd"].startswith(hs)
                and (partner is None or r["statCd"] == partner)]
        if not hits:
            return envelope("03", "NODATA_ERROR")
        listed = [SUMMARY, *hits]  # the summary row counts in totalCount, as clients report
        page, size = int(query.get("pageNo", "1")), int(query.get("numOfRows", "10"))
        self.served += 1
        return envelope("00", "NORMAL SERVICE.", listed[(page - 1) * size: page * size],
                        len(listed), page, size)


class _Handler(BaseHTTPRequestHandler):
    server: Any

    def do_GET(self) -> None:  # noqa: N802 - the http.server API
        url = urlparse(self.path)
        query = {k: v[-1] for k, v in parse_qs(url.query).items()}
        status, body = self.server.fake.respond(query)
        if status < 0:  # drop the connection without an answer
            self.close_connection = True
            return
        self.send_response(status)
        self.send_header("Content-Type", "application/xml;charset=UTF-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@contextmanager
def _running(
    handler_class: type[BaseHTTPRequestHandler], path: str, **attributes: Any
) -> Iterator[str]:
    """Serve ``handler_class`` on a local port in a thread, ``attributes`` set on the server;
    yield the URL of ``path``."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler_class)
    for name, value in attributes.items():
        setattr(server, name, value)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}{path}"
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def serve(fake: Any) -> Iterator[str]:
    """Run ``fake`` on a local port; yield its base URL."""
    with _running(_Handler, "/1220000/nitemtrade/getNitemtradeList", fake=fake) as url:
        yield url


class _HttpxHandler(BaseHTTPRequestHandler):
    """Serves a function of httpx.Request -> httpx.Response over a real socket."""

    server: Any

    def do_GET(self) -> None:  # noqa: N802 - the http.server API
        import httpx

        request = httpx.Request("GET", f"http://127.0.0.1{self.path}",
                                headers=dict(self.headers.items()))
        response = self.server.handler(request)
        body = response.content
        self.send_response(response.status_code)
        for name, value in response.headers.items():
            if name.lower() not in ("content-length", "transfer-encoding"):
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@contextmanager
def serve_handler(handler: Any, path: str = "/data/v1/get/C/M/HS") -> Iterator[str]:
    """Run ``handler`` (httpx.Request -> httpx.Response) on a local port; yield its URL."""
    with _running(_HttpxHandler, path, handler=handler) as url:
        yield url


class _ScriptedHandler(BaseHTTPRequestHandler):
    """Answers each request with the next of ``server.script``: functions writing a raw
    answer to the handler (a dripped body, a body cut short, an HTML page...)."""

    server: Any
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:  # noqa: N802 - the http.server API
        script = self.server.script
        self.server.calls += 1
        answer = script.pop(0) if len(script) > 1 else script[0]
        answer(self)

    def log_message(self, *args: object) -> None:
        pass


def raw_answer(status: int, body: bytes, *, length: int | None = None,
               content_type: str = "application/json", drip: float = 0.0) -> Any:
    """An answer of ``body`` claiming ``length`` bytes (a longer claim: the body is cut short),
    sent a byte at a time every ``drip`` seconds when given."""

    def answer(handler: BaseHTTPRequestHandler) -> None:
        import time

        handler.send_response(status)
        handler.send_header("Content-Type", content_type)
        handler.send_header("Content-Length", str(len(body) if length is None else length))
        if length is not None:
            handler.send_header("Connection", "close")
            handler.close_connection = True
        handler.end_headers()
        if not drip:
            handler.wfile.write(body)
            return
        for byte in body:
            handler.wfile.write(bytes([byte]))
            handler.wfile.flush()
            time.sleep(drip)

    return answer


@contextmanager
def serve_script(script: list[Any], path: str = "/data/v1/get/C/M/HS") -> Iterator[Any]:
    """Run scripted answers on a local port; yield the server (``.url``, ``.calls``)."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _ScriptedHandler)
    server.daemon_threads = True
    server.script = list(script)  # type: ignore[attr-defined]
    server.calls = 0  # type: ignore[attr-defined]
    server.url = f"http://127.0.0.1:{server.server_address[1]}{path}"  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
