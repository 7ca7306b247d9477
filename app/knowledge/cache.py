"""One in-memory copy per database of something built from it, rebuilt when it changes."""

import weakref
from collections.abc import Callable
from typing import Generic, TypeVar

from sqlalchemy import Engine
from sqlmodel import Session

Built = TypeVar("Built")


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
        self._built: weakref.WeakKeyDictionary[Engine, tuple[tuple[int, ...], Built]] = (
            weakref.WeakKeyDictionary()
        )

    def get(self, session: Session) -> Built:
        fingerprint = self._fingerprint(session)
        engine = session.get_bind()
        assert isinstance(engine, Engine)
        cached = self._built.get(engine)
        if cached is not None and cached[0] == fingerprint:
            return cached[1]
        built = self._build(session)
        self._built[engine] = (fingerprint, built)
        return built
