"""Everything a process keeps in memory about one database's knowledge, in one object: the
moment's version, the copies built from the base, and the answers already rendered.

The service makes one in its lifespan and keeps it on ``app.state`` (routes declare it as
``CacheDep``); a command or a benchmark makes its own. Nothing here is a module global, so tests
get a fresh one with every app, and pass its tunables (and clock) as settings."""

import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar, cast

from sqlmodel import Session

from app.cache.answers import RenderedAnswers
from app.cache.copies import Copies, DependsOn
from app.cache.version import Clock, KnowledgeState, VersionSnapshots
from app.core.config import Settings

Built = TypeVar("Built")


class KnowledgeCache:
    def __init__(
        self,
        settings: Settings,
        *,
        clock: Clock = time.monotonic,
        on_new_copy: Callable[[], None] | None = None,
    ) -> None:
        self.versions = VersionSnapshots(
            recheck_seconds=settings.version_recheck_seconds, clock=clock
        )
        self.answers = RenderedAnswers(
            max_entries=settings.answer_cache_entries, max_bytes=settings.answer_cache_bytes
        )
        # Phrases each vocabulary copy remembers having recognised; past this many, it starts
        # again (people say the same things in the same words, and unknown words are endless).
        self.remembered_phrases = settings.remembered_phrases
        self._copies: dict[Callable[[Session], Any], Copies[Any]] = {}
        # Called once a new copy is kept (the service settles the garbage collector there).
        self._on_new_copy = on_new_copy
        self._guard = threading.Lock()

    def copy(
        self,
        session: Session,
        build: Callable[[Session], Built],
        depends_on: DependsOn,
        *,
        update: Callable[[Built, Session], Built | None] | None = None,
    ) -> Built:
        """What ``build`` makes of the base, at least as new as the session sees it; with
        ``update``, a kept copy is first offered to it to bring up to date."""
        with self._guard:
            copies = self._copies.get(build)
            if copies is None:
                copies = self._copies[build] = Copies(
                    build, depends_on, update=update, on_new_copy=self._on_new_copy
                )
        return cast(Built, copies.get(session, self.versions.trusted()))

    def kept(self, build: Callable[[Session], Built], at_least: KnowledgeState) -> Built | None:
        """What ``build`` made, if a copy at least as new as ``at_least`` is kept: what
        answering from memory alone needs (None: ask the database)."""
        copies = self._copies.get(build)
        return None if copies is None else cast(Built | None, copies.kept(at_least))

    def committed_write(self) -> None:
        """A unit of work of this process has committed a write: trust no snapshot from before."""
        self.versions.forget()
