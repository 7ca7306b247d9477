"""Refuse what no handler should read: oversized bodies, and targets holding a NUL."""

import math
import time

from limits import parse
from limits.storage import MemoryStorage
from limits.strategies import FixedWindowRateLimiter
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.core.errors import problem_response


class BodySizeLimit:
    """Answers 413 when Content-Length, or the bytes actually sent, pass the limit."""

    def __init__(self, app: ASGIApp, *, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            await self._refuse(scope, receive, send)
            return
        received = 0
        refused = False

        async def guarded_send(message: Message) -> None:
            # Once the 413 is out, whatever the app still tries to answer goes nowhere.
            if not refused:
                await send(message)

        async def limited_receive() -> Message:
            nonlocal received, refused
            if refused:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    await self._refuse(scope, receive, send)
                    refused = True
                    return {"type": "http.disconnect"}
            return message

        try:
            await self.app(scope, limited_receive, guarded_send)
        except Exception:
            # The app failed only because its body was cut off; the client has its answer.
            if not refused:
                raise

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = problem_response(
            None,
            413,
            f"The request body is larger than the limit of {self.max_bytes:,} bytes.",
        )
        await response(scope, receive, send)


class HeadAsGet:
    """HEAD answers with what GET would, headers only (RFC 9110): a cheap check of the
    validators without the body."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def headers_only(message: Message) -> None:
            if message["type"] == "http.response.body":
                if message.get("more_body", False):
                    return
                message = {"type": "http.response.body", "body": b"", "more_body": False}
            await send(message)

        as_get = {**scope, "method": "GET"}
        try:
            await self.app(as_get, receive, headers_only)
        finally:
            # The route the GET matched is the HEAD's too, for its log line and metrics.
            if "route" in as_get:
                scope["route"] = as_get["route"]


class RefuseNulInTarget:
    """A NUL in the path or the query names nothing (PostgreSQL cannot even compare it): a
    400 problem before any route sees it."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            target = (scope.get("raw_path") or scope["path"].encode("utf-8", "replace")).lower()
            query = scope.get("query_string", b"").lower()
            if b"%00" in target or b"\x00" in target or b"%00" in query or b"\x00" in query:
                response = problem_response(None, 400, "The request target holds a NUL byte.")
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)


class RateLimit:
    """At most ``rate`` requests per client address (a fixed window, in memory, per process;
    the notation is that of the ``limits`` package: "120/minute", "10/second"). A client over
    it gets a 429 problem with Retry-After. Liveness, readiness and metrics are never limited:
    a load balancer polls them."""

    UNLIMITED_PATHS = frozenset({"/healthz", "/readyz", "/metrics"})

    def __init__(self, app: ASGIApp, *, rate: str) -> None:
        self.app = app
        self.rate = parse(rate)
        # A fixed window's counter is dropped once its window has passed (a moving window's
        # key would stay for every address ever seen): memory holds the last window's clients.
        self.limiter = FixedWindowRateLimiter(MemoryStorage())

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in self.UNLIMITED_PATHS:
            await self.app(scope, receive, send)
            return
        client = scope.get("client")
        key = client[0] if client else "unknown"
        if self.limiter.hit(self.rate, key):
            await self.app(scope, receive, send)
            return
        reset_at, _remaining = self.limiter.get_window_stats(self.rate, key)
        wait = max(1, math.ceil(reset_at - time.time()))
        response = problem_response(
            None,
            429,
            f"Too many requests from this address (at most {self.rate}); try again later.",
            headers={"Retry-After": str(wait)},
        )
        await response(scope, receive, send)
