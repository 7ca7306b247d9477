"""What the server itself answers, before any route: requests it cannot parse and clients that
never finish their headers get the service's problem shape, and no connection is held open."""

import json
import signal
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.core.config import Settings
from app.core.http_protocol import without_nagle
from tests.live_server import free_port, serve


@pytest.fixture
def server(settings: Settings, tmp_path: Path) -> Iterator[int]:
    port = free_port()
    process = serve(
        settings.database_url, port, tmp_path / "serve.log", {"KB_HEADER_TIMEOUT_SECONDS": "1"}
    )
    yield port
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=30)


def _exchange(port: int, sent: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=15) as connection:
        connection.sendall(sent)
        received = b""
        while chunk := connection.recv(65536):  # until the server closes the connection
            received += chunk
        return received


def _problem(answer: bytes) -> tuple[int, dict[str, str], dict[str, object]]:
    head, _, body = answer.partition(b"\r\n\r\n")
    status_line, *header_lines = head.decode().split("\r\n")
    headers = dict(line.lower().split(": ", 1) for line in header_lines)
    return int(status_line.split()[1]), headers, json.loads(body)


@pytest.mark.parametrize(
    "request_bytes",
    [
        b"GET /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n",
        b"NOT HTTP AT ALL\r\n\r\n",
        b"GET /healthz HTTP/1.1\r\nBad Header Line\r\n\r\n",
    ],
    ids=["bad content-length", "no request line", "bad header"],
)
def test_an_unparsable_request_gets_a_problem(server: int, request_bytes: bytes) -> None:
    status, headers, problem = _problem(_exchange(server, request_bytes))
    assert status == 400
    assert headers["content-type"] == "application/problem+json"
    assert problem["status"] == 400 and problem["title"] == "Bad Request"


def test_headers_that_never_finish_are_cut_off_with_a_408(server: int) -> None:
    started = time.monotonic()
    answer = _exchange(server, b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: 1")
    assert time.monotonic() - started < 10  # the 1 s deadline, not the client's patience
    status, headers, problem = _problem(answer)
    assert status == 408 and headers["content-type"] == "application/problem+json"
    assert "did not arrive" in str(problem["detail"])


def test_a_silent_connection_is_closed(server: int) -> None:
    started = time.monotonic()
    assert _exchange(server, b"") == b""
    assert time.monotonic() - started < 10


def test_every_answer_is_sent_at_once_even_in_a_worker_process() -> None:
    """A worker process gets its listening socket without the TCP protocol number, and asyncio
    then leaves Nagle's algorithm on: each keep-alive answer waited 40 ms for the client's
    delayed acknowledgement. The protocol turns it off itself."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM, 0)
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    with listener, socket.create_connection(listener.getsockname()) as client:
        accepted, _ = listener.accept()
        with accepted:
            assert accepted.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) == 0

            class Transport:
                def get_extra_info(self, name: str) -> object:
                    return accepted if name == "socket" else None

            without_nagle(Transport())  # type: ignore[arg-type]
            assert accepted.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) != 0
        client.sendall(b"")
