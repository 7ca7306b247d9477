"""The service as it really runs: `python -m app serve` in a process of its own, on a free port.
Only a real server shows what TestClient hides, such as when a response leaves against when
its transaction commits."""

import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx2

from app.core.config import PROJECT_ROOT


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def serve(
    database_url: str, port: int, log: Path, settings: dict[str, str] | None = None
) -> subprocess.Popen[bytes]:
    """Start the service (with these KB_ settings besides) and wait until it is ready."""
    # As it is served for real: what is built once is frozen out of garbage collections.
    environment = os.environ | {
        "KB_DATABASE_URL": database_url,
        "KB_PORT": str(port),
        "KB_FREEZE_LONG_LIVED": "true",
    }
    environment |= settings or {}
    with log.open("wb") as log_file:
        process = subprocess.Popen(
            [sys.executable, "-m", "app", "serve"],
            cwd=PROJECT_ROOT,
            env=environment,
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
    deadline = time.monotonic() + 30
    while True:
        try:
            if httpx2.get(f"http://127.0.0.1:{port}/readyz", timeout=1).status_code == 200:
                return process
        except httpx2.HTTPError:
            pass
        assert process.poll() is None, "the service died on start"
        assert time.monotonic() < deadline, "the service did not become ready"
        time.sleep(0.1)


@contextmanager
def another_site(page: str) -> Iterator[str]:
    """Another origin serving one HTML page (an app's or a club's page that frames ours)."""
    body = page.encode()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802  (the standard library's name)
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *_args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
