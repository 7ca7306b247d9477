"""uvicorn's HTTP/1.1 protocol (h11) with the service's own answers where uvicorn answers by
itself: a request it cannot parse gets the one error shape (RFC 9457 problem+json, not plain
text), and a connection that does not finish its request headers in time is closed with a 408
(a slow-headers client holds no connection open for long)."""

import asyncio
import json
import socket
from http import HTTPStatus

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

from app.core.config import get_settings
from app.core.errors import PROBLEM_MEDIA_TYPE

# How long a client has to send a request's headers, from the connection or the end of the
# previous answer. Headers are a few hundred bytes: even a slow phone sends them in a second.
HEADER_TIMEOUT_SECONDS = 10.0


def problem_bytes(status: HTTPStatus, detail: str) -> bytes:
    problem = {"type": "about:blank", "title": status.phrase, "status": status, "detail": detail}
    return json.dumps(problem).encode()


def with_header_timeout(seconds: float) -> type["ProblemH11Protocol"]:
    """The protocol class uvicorn is given, with the configured deadline."""
    return type("ConfiguredH11Protocol", (ProblemH11Protocol,), {"header_timeout": seconds})


def without_nagle(transport: asyncio.Transport) -> None:
    """Send each write at once (TCP_NODELAY). asyncio does so only for a socket it knows to be
    TCP, and the listening socket uvicorn hands to worker processes arrives without its
    protocol number: there, every keep-alive answer waited 40 ms for the client's delayed
    acknowledgement of its headers before its body went."""
    sock = transport.get_extra_info("socket")
    if sock is not None and sock.family in (socket.AF_INET, socket.AF_INET6):
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


class ProblemH11Protocol(H11Protocol):
    header_timeout: float = HEADER_TIMEOUT_SECONDS
    _header_deadline: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        without_nagle(transport)
        self._arm_header_deadline()

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        if self.conn.their_state is not h11.IDLE:
            self._disarm_header_deadline()  # the headers are in

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self.transport.is_closing():
            self._arm_header_deadline()  # the next request on this connection

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm_header_deadline()
        super().connection_lost(exc)

    def send_400_response(self, msg: str) -> None:
        body = problem_bytes(HTTPStatus.BAD_REQUEST, "The request is not valid HTTP/1.1.")
        headers = [
            (b"content-type", PROBLEM_MEDIA_TYPE.encode()),
            (b"content-length", str(len(body)).encode()),
            (b"connection", b"close"),
        ]
        try:
            self.transport.write(
                self.conn.send(
                    h11.Response(status_code=400, headers=headers, reason=b"Bad Request")
                )
            )
            self.transport.write(self.conn.send(h11.Data(data=body)))
            self.transport.write(self.conn.send(h11.EndOfMessage()))
        except h11.LocalProtocolError:
            # h11 cannot answer in this state (the request line itself was unreadable): the
            # same answer, written by hand.
            self.transport.write(_raw_response(HTTPStatus.BAD_REQUEST, body))
        self.transport.close()

    def _arm_header_deadline(self) -> None:
        self._disarm_header_deadline()
        self._header_deadline = self.loop.call_later(self.header_timeout, self._headers_too_slow)

    def _disarm_header_deadline(self) -> None:
        if self._header_deadline is not None:
            self._header_deadline.cancel()
            self._header_deadline = None

    def _headers_too_slow(self) -> None:
        self._header_deadline = None
        if self.transport.is_closing() or self.conn.their_state is not h11.IDLE:
            return
        if self.conn.trailing_data[0]:  # part of a request came: say why it is cut off
            detail = f"The request headers did not arrive within {self.header_timeout:g} s."
            body = problem_bytes(HTTPStatus.REQUEST_TIMEOUT, detail)
            self.transport.write(_raw_response(HTTPStatus.REQUEST_TIMEOUT, body))
        self.transport.close()


def _raw_response(status: HTTPStatus, body: bytes) -> bytes:
    head = (
        f"HTTP/1.1 {status.value} {status.phrase}\r\n"
        f"content-type: {PROBLEM_MEDIA_TYPE}\r\n"
        f"content-length: {len(body)}\r\n"
        "connection: close\r\n\r\n"
    )
    return head.encode() + body


class ServiceH11Protocol(ProblemH11Protocol):
    """The protocol ``serve`` names to uvicorn by its import path, so that every worker process
    imports it too (a class made at run time cannot be sent to one), with the deadline of the
    service's settings."""

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        self.header_timeout = get_settings().header_timeout_seconds
        super().connection_made(transport)
