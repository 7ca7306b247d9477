"""Answers already rendered, kept by the validators that name them (an LRU cache, with single
flight rendering).

A key holds the knowledge's version (every ETag of ours does), so an edit anywhere makes
every stale entry unreachable; the least recently used go when the cache is full. Full is
counted in bytes (``Settings.answer_cache_bytes``) as well as entries: a lookup on a base like
HPO's answers with up to a few hundred KB."""

import threading
from collections import OrderedDict
from collections.abc import Callable


class RenderedAnswers:
    def __init__(self, *, max_entries: int, max_bytes: int) -> None:
        self._max_entries = max_entries
        self._max_bytes = max_bytes
        self._entries: OrderedDict[str, bytes] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()
        # One render per key at a time: a burst of the same question (a cold start, a new
        # version of the base) waits for the first answer instead of computing it 30 times.
        self._rendering: dict[str, threading.Lock] = {}

    def peek(self, key: str) -> bytes | None:
        with self._lock:
            body = self._entries.get(key)
            if body is not None:
                self._entries.move_to_end(key)  # served from here is used, so kept longest
            return body

    def put(self, key: str, body: bytes) -> None:
        """Keep an answer rendered elsewhere (on the event loop, which must never wait for
        another's rendering)."""
        with self._lock:
            self._keep(key, body)

    def get_or_render(self, key: str, render: Callable[[], bytes]) -> bytes:
        with self._lock:
            if key in self._entries:
                self._entries.move_to_end(key)
                return self._entries[key]
            rendering = self._rendering.setdefault(key, threading.Lock())
        with rendering:
            with self._lock:
                if key in self._entries:  # rendered while this one waited
                    return self._entries[key]
            try:
                body = render()
            except BaseException:
                with self._lock:
                    if self._rendering.get(key) is rendering:
                        del self._rendering[key]
                raise
            with self._lock:
                self._keep(key, body)
                if self._rendering.get(key) is rendering:
                    del self._rendering[key]
        return body

    def _keep(self, key: str, body: bytes) -> None:
        replaced = self._entries.pop(key, None)
        self._bytes += len(body) - (len(replaced) if replaced is not None else 0)
        self._entries[key] = body
        while len(self._entries) > 1 and (
            len(self._entries) > self._max_entries or self._bytes > self._max_bytes
        ):
            _, evicted = self._entries.popitem(last=False)
            self._bytes -= len(evicted)
