"""What version of the knowledge a response shows: the validators HTTP caching needs.

The version is one row (``models.KnowledgeVersion``), so reading it is a primary-key lookup;
even that costs more than an answer already rendered, so the process keeps a snapshot of it for
a moment (``Settings.version_recheck_seconds``) and forgets it at once when one of its own units
of work commits a write. Another process's edit is seen within that moment, or two while one
request renews the snapshot for the others (stale-while-revalidate).

A condition's own version is read when first asked for and kept in the snapshot while the base's
version holds, so a base of 12,000 conditions costs no more to keep current than one of ten."""

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlmodel import Session, col, select

from app.core.errors import ConditionDeleted, ConditionNotFound
from app.models import Condition, ConditionRevision, KnowledgeVersion

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

Clock = Callable[[], float]


@dataclass(frozen=True)
class KnowledgeState:
    """The version of the whole base: it moves on every write, an import, an edit, a deletion."""

    vocabulary: int
    conditions: int
    last_modified: datetime

    @property
    def token(self) -> str:
        return f"{self.vocabulary}.{self.conditions}"


@dataclass(frozen=True)
class ConditionState:
    slug: str
    version: int
    updated_at: datetime


def read_knowledge_state(session: Session) -> KnowledgeState:
    """The version as the session's transaction sees it (a writer sees its own changes)."""
    row = session.exec(
        select(
            KnowledgeVersion.vocabulary, KnowledgeVersion.conditions, KnowledgeVersion.changed_at
        ).where(col(KnowledgeVersion.id) == 1)
    ).one()
    return KnowledgeState(row[0], row[1], _aware(row[2]))


@dataclass(frozen=True)
class Snapshot:
    taken_at: float
    generation: int
    knowledge: KnowledgeState
    # Versions read so far under this knowledge version; shared by the snapshots that follow
    # while it holds (a dict's single get and set are atomic, so threads may share it).
    conditions: dict[str, tuple[int, datetime]] = field(default_factory=dict)


class VersionSnapshots:
    """The moment's version of the base for one database, renewed by one request at a time."""

    def __init__(self, *, recheck_seconds: float, clock: Clock) -> None:
        self._recheck = recheck_seconds
        self._clock = clock
        self._guard = threading.Lock()
        self._snapshot: Snapshot | None = None
        self._renewing_since: float | None = None
        # Moves when a unit of work of this process commits a write: snapshots taken before
        # are no longer trusted, even those whose read was under way meanwhile.
        self._generation = 0

    def forget(self) -> None:
        with self._guard:
            self._generation += 1
            self._snapshot = None

    def current(self) -> Snapshot | None:
        """The moment's snapshot if it is still to be trusted, without touching the database.

        When it expires, the first caller is told to renew it (None) and the others keep using
        it for up to one more moment meanwhile: if every request in flight renewed it at once,
        each renewal would stall a burst of requests, which is what a p99 sees."""
        now = self._clock()
        with self._guard:
            snapshot = self._snapshot
            if snapshot is None or snapshot.generation != self._generation:
                return None
            age = now - snapshot.taken_at
            if age < self._recheck:
                return snapshot
            renewing = self._renewing_since
            if renewing is not None and now - renewing < self._recheck:
                return snapshot if age < 2 * self._recheck else None
            self._renewing_since = now
            return None

    def trusted(self) -> KnowledgeState | None:
        """The moment's version, if it is still trusted (no side effect, no database)."""
        with self._guard:
            snapshot = self._snapshot
            if snapshot is None or snapshot.generation != self._generation:
                return None
            if self._clock() - snapshot.taken_at >= self._recheck:
                return None
            return snapshot.knowledge

    def snapshot(self, session: Session, *, fresh: bool = False) -> Snapshot:
        """The versions, from the moment's snapshot; ``fresh`` reads them in the session itself
        (a writer answering with what it has just written, before it commits), and keeps
        nothing of them."""
        with self._guard:
            generation = self._generation
            snapshot = self._snapshot
        current = (
            snapshot is not None
            and snapshot.generation == generation
            and self._clock() - snapshot.taken_at < self._recheck
        )
        if snapshot is not None and current and not fresh:
            return snapshot
        knowledge = read_knowledge_state(session)
        unchanged = snapshot is not None and snapshot.knowledge == knowledge and not fresh
        conditions = snapshot.conditions if snapshot is not None and unchanged else {}
        renewed = Snapshot(self._clock(), generation, knowledge, conditions)
        if not fresh:
            with self._guard:
                if self._generation == generation:
                    self._snapshot = renewed
                    self._renewing_since = None
        return renewed

    def knowledge(self, session: Session, *, fresh: bool = False) -> KnowledgeState:
        return self.snapshot(session, fresh=fresh).knowledge

    def condition(self, session: Session, slug: str, *, fresh: bool = False) -> ConditionState:
        snapshot = self.snapshot(session, fresh=fresh)
        row = snapshot.conditions.get(slug)
        if row is None:
            found = session.exec(
                select(Condition.version, Condition.updated_at).where(Condition.slug == slug)
            ).first()
            if found is not None:
                row = (found[0], _aware(found[1]))
                snapshot.conditions[slug] = row
        if row is None:
            deleted = session.exec(
                select(ConditionRevision.id).where(ConditionRevision.slug == slug).limit(1)
            ).first()
            if deleted is not None:
                raise ConditionDeleted(slug)
            raise ConditionNotFound(slug)
        version, updated_at = row
        return ConditionState(slug, version, updated_at)


def shown_since(state: ConditionState, knowledge: KnowledgeState) -> datetime:
    """When a condition's representation last changed: its own edits, and the base's (a
    linked look-alike, a vocabulary name shown in it)."""
    return max(state.updated_at, knowledge.last_modified)


def _aware(moment: datetime) -> datetime:
    # SQLite hands back naive datetimes; every one stored here is UTC.
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
