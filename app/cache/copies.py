"""In-memory copies of what is built from the base (the vocabulary's matcher, the ranking's
arrays), one per version of what they are built from.

A copy is named by the counters of ``KnowledgeState`` it depends on. A caller asks for a copy at
least as new as the version its own transaction sees, so an answer kept under a version is
never computed from an older copy; a newer one is fine. Building is single flight: on a large
base a build takes seconds and hundreds of MB, and every request that arrived meanwhile would
otherwise start its own. Only the newest copy is kept (bounded: one per kind).

A copy is only kept under a committed version: a writer (whose own transaction may have moved
the version) uses the kept copy when it is of the version it sees, and otherwise gets a copy of
what it sees, made for it alone."""

import threading
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from typing import Generic, TypeVar

from sqlmodel import Session

from app.cache.version import KnowledgeState, read_knowledge_state
from app.core.db import is_writing

Built = TypeVar("Built")


class DependsOn(Enum):
    """Which counters of the version a kind of copy follows."""

    vocabulary = "vocabulary"  # symptoms, their words and hierarchy
    everything = "everything"  # conditions too

    def updatable(self, kept: tuple[int, ...], wanted: tuple[int, ...]) -> bool:
        """Whether a kept copy can be brought up to date by its updater: only conditions
        changed since (the vocabulary, which every copy is built with, did not)."""
        return self is DependsOn.everything and kept[0] == wanted[0]

    def key(self, state: KnowledgeState) -> tuple[int, ...]:
        if self is DependsOn.vocabulary:
            return (state.vocabulary,)
        return (state.vocabulary, state.conditions)


@dataclass(frozen=True)
class _Copy(Generic[Built]):
    key: tuple[int, ...]
    built: Built


class Copies(Generic[Built]):
    """The newest copy of one kind of thing built from the base."""

    def __init__(
        self,
        build: Callable[[Session], Built],
        depends_on: DependsOn,
        *,
        update: Callable[[Built, Session], Built | None] | None = None,
        on_new_copy: Callable[[], None] | None = None,
    ) -> None:
        self._build = build
        self._update = update
        self._on_new_copy = on_new_copy
        self._depends_on = depends_on
        self._copy: _Copy[Built] | None = None
        self._building = threading.Lock()

    def get(self, session: Session, trusted: KnowledgeState | None = None) -> Built:
        """The copy for the version the session sees. With ``trusted`` (the process's current
        snapshot of the version, which every answer's key is at most), a kept copy at least that
        new is returned without reading the version again; a writer always reads its own."""
        copy = self._copy
        writing = is_writing(session)
        if trusted is not None and not writing and copy is not None:
            if _at_least(copy.key, self._depends_on.key(trusted)):
                return copy.built
        wanted = self._depends_on.key(read_knowledge_state(session))
        if copy is not None and _at_least(copy.key, wanted):
            return copy.built
        with self._building:
            copy = self._copy
            if copy is not None and _at_least(copy.key, wanted):
                return copy.built  # built while this one waited
            updated = None
            if (
                copy is not None
                and self._update is not None
                and self._depends_on.updatable(copy.key, wanted)
            ):
                updated = self._update(copy.built, session)
            built = updated if updated is not None else self._build(session)
            # A writer's transaction may have moved the version itself: what it sees could be
            # rolled back, and its number given to another write. It gets a copy of its own.
            if not writing:
                self._copy = _Copy(wanted, built)
                # An update makes few new objects and no cycles: only a copy built whole asks
                # for the collection that settles the garbage collector.
                if self._on_new_copy is not None and updated is None:
                    del copy  # the replaced copy is not to outlive the hook's collection
                    self._on_new_copy()
        return built

    def kept(self, trusted: KnowledgeState) -> Built | None:
        """The kept copy if it is at least as new as ``trusted``, without a database."""
        copy = self._copy
        if copy is not None and _at_least(copy.key, self._depends_on.key(trusted)):
            return copy.built
        return None


def _at_least(have: tuple[int, ...], wanted: tuple[int, ...]) -> bool:
    return all(mine >= theirs for mine, theirs in zip(have, wanted, strict=True))
