"""One in-memory copy per database of something built from it, rebuilt when it changes.

Checking whether it changed costs a query; so a copy is trusted for a moment
(``RECHECK_SECONDS``) and dropped at once when a session of this process writes. Another
process's write is seen within that moment."""

import threading
import time
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import Engine, event
from sqlmodel import Session

Built = TypeVar("Built")
RECHECK_SECONDS = 0.1
# Set in a session's info to a version of the base (a knowledge token): the copies are then
# checked against the database unless they were already checked under that version, whatever
# their age. An answer kept under a version must be computed from copies at least that new.
RECHECK = "recheck_copies"

_local_writes: "weakref.WeakKeyDictionary[Engine, int]" = weakref.WeakKeyDictionary()
_local_writes_guard = threading.Lock()


def local_writes(engine: Engine) -> int:
    """How many transactions of this process have written to the database (a generation)."""
    with _local_writes_guard:
        return _local_writes.get(engine, 0)


@event.listens_for(Session, "after_flush")
def _note_write(session: Session, _context: Any) -> None:
    session.info["wrote"] = True


@event.listens_for(Session, "after_commit")
def _count_write(session: Session) -> None:
    if session.info.pop("wrote", False):
        engine = session.get_bind()
        if isinstance(engine, Engine):
            with _local_writes_guard:
                _local_writes[engine] = _local_writes.get(engine, 0) + 1


@dataclass(frozen=True)
class _Copy(Generic[Built]):
    fingerprint: tuple[int, ...]
    built: Built
    checked_at: float
    generation: int
    verified_for: str | None = None  # the version of the base it was last checked under


class PerDatabase(Generic[Built]):
    """Holds what ``build`` made from a database until ``fingerprint`` (a few cheap numbers
    that move on every relevant write) changes; tests' many databases never share it."""

    def __init__(
        self,
        fingerprint: Callable[[Session], tuple[int, ...]],
        build: Callable[[Session], Built],
    ) -> None:
        self._fingerprint = fingerprint
        self._build = build
        self._copies: weakref.WeakKeyDictionary[Engine, _Copy[Built]] = weakref.WeakKeyDictionary()
        self._building = threading.Lock()

    def get(self, session: Session) -> Built:
        engine = session.get_bind()
        assert isinstance(engine, Engine)
        generation = local_writes(engine)
        copy = self._copies.get(engine)
        now = time.monotonic()
        version: str | None = session.info.get(RECHECK)
        wrote = session.info.get("wrote")
        if copy is not None and not wrote:
            if version is not None:
                if copy.verified_for == version:
                    return copy.built
            elif copy.generation == generation and now - copy.checked_at < RECHECK_SECONDS:
                return copy.built
        fingerprint = self._fingerprint(session)
        if copy is not None and copy.fingerprint == fingerprint:
            self._copies[engine] = _Copy(fingerprint, copy.built, now, generation, version)
            return copy.built
        # One build at a time: on a large base a build takes seconds and hundreds of MB, and
        # every request that arrives meanwhile would otherwise start its own.
        with self._building:
            copy = self._copies.get(engine)
            if copy is not None and copy.fingerprint == fingerprint:
                return copy.built
            built = self._build(session)
            self._copies[engine] = _Copy(fingerprint, built, now, generation, version)
        return built
