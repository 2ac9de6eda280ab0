"""The HTTP server under the app: uvicorn, whose answers to what never reaches the app (a
request that is not HTTP/1.1) come in the API's envelope too."""

from __future__ import annotations

import asyncio
import contextlib
import socket
from typing import Any

import h11
import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol

from .envelope import error_body

HEADERS_WITHIN = 30.0  # seconds (nginx waits 60 for a request's headers, Apache 20 to 40)
MALFORMED = (
    "the request is not valid HTTP/1.1 (its request line, headers or body framing are "
    "malformed, or its request line and headers exceed 16 KB); send a GET request as "
    "/api/openapi.json describes"
)


class Protocol(H11Protocol):
    """uvicorn's HTTP/1.1 protocol, answering a request it cannot parse with the envelope
    (uvicorn: plain text) and never over an answer in progress."""

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        # Answers go out without waiting (TCP_NODELAY): asyncio sets it only on sockets made
        # with the TCP protocol number, and a socket from socket.create_server (ictrade serve)
        # has 0. Without it a small answer's body, written after its headers, waited for the
        # client's delayed acknowledgement: 40 ms on every small answer of a keep-alive client.
        sock = transport.get_extra_info("socket")
        if sock is not None and sock.family in (socket.AF_INET, socket.AF_INET6):
            with contextlib.suppress(OSError):
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        super().connection_made(transport)
        self._await_headers()

    def send_400_response(self, msg: str) -> None:
        cycle = self.cycle
        if cycle is not None and not cycle.response_complete:
            # Bad bytes after a request the app is still answering (a lying Content-Length,
            # a broken chunked body): answering them first would put the 400 in that answer's
            # place, and the app's answer would then fail (a traceback in the log). Drop both.
            cycle.disconnected = True
            self.transport.close()
            return
        self._refuse(400, b"Bad Request", MALFORMED)

    def _refuse(self, status: int, reason: bytes, message: str) -> None:
        """Answer ``message`` in the envelope with 'Connection: close', and close."""
        body = error_body(status, message)
        headers = [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
            (b"connection", b"close"),
        ]
        try:
            for event in (
                h11.Response(status_code=status, headers=headers, reason=reason),
                h11.Data(data=body),
                h11.EndOfMessage(),
            ):
                self.transport.write(self.conn.send(event) or b"")
        except h11.LocalProtocolError:
            pass  # no answer can be sent on this connection any more: closing says it
        self.transport.close()

    # A request's line and headers must have come HEADERS_WITHIN seconds after the connection
    # opened or the last answer went out: uvicorn waited for ever, so connections that sent
    # nothing, or dripped a header every few seconds (slowloris), were held open without end
    # and could use up the server's file descriptors.
    _headers_timer: asyncio.TimerHandle | None = None

    def _await_headers(self) -> None:
        if self._headers_timer is not None:
            self._headers_timer.cancel()
        self._headers_timer = self.loop.call_later(HEADERS_WITHIN, self._headers_late, self.cycle)

    def connection_lost(self, exc: Exception | None) -> None:
        if self._headers_timer is not None:
            self._headers_timer.cancel()
        super().connection_lost(exc)

    def _headers_late(self, armed: object) -> None:
        if self.transport.is_closing() or self.cycle is not armed:
            return  # a request came since (being answered: its answer arms the next wait)
        if self.cycle is not None and not self.cycle.response_complete:
            return
        if not self.conn.trailing_data[0]:
            self.transport.close()  # nothing sent: closed as an idle keep-alive one is
            return
        message = (
            f"the request's line and headers did not all arrive within {HEADERS_WITHIN:g} s; "
            "send them at once"
        )
        self._refuse(408, b"Request Timeout", message)

    half_closed = False

    def eof_received(self) -> bool | None:  # type: ignore[override]
        """A client that closes its side after sending (``shutdown(SHUT_WR)``, ``nc -N``)
        still gets its answers: uvicorn closed the connection at once, dropping an answer
        still being computed. The connection closes once the requests read are answered."""
        if self.cycle is None or self.cycle.response_complete:
            return None  # nothing being answered: close now
        self.half_closed = True
        return True  # keep the socket open for writing

    def on_response_complete(self) -> None:
        super().on_response_complete()  # answers the next request already read, if any
        self._await_headers()
        if self.half_closed and (self.cycle is None or self.cycle.response_complete):
            self.transport.close()

    def _unsupported_upgrade_warning(self) -> None:
        """An Upgrade header (websocket, h2c) is ignored and the request answered as HTTP/1.1,
        without a warning per request in the log."""


def server(app: Any, **options: Any) -> uvicorn.Server:
    """A uvicorn server of ``app`` speaking through ``Protocol``."""
    return uvicorn.Server(uvicorn.Config(app, http=Protocol, **options))
