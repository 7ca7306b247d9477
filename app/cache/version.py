"""What version of the knowledge a response shows: the validators HTTP caching needs.

Reading them costs a query per request, more than a cached answer itself; so each process
keeps them for a moment and forgets them at once when one of its own sessions writes (see
app.cache.copies). Another process's edit is seen within that moment, or two while one
request renews the copy for the others.

Checking again costs two index lookups (the newest document and revision), whatever the size
of the base: every write adds one or the other. A condition's own version is read when first
asked for and kept while those two stay the same, so a base of 12,000 conditions costs no more
to keep current than one of ten."""

import threading
import time
import weakref
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from app.cache.copies import RECHECK_SECONDS, local_writes
from app.core.errors import ConditionDeleted, ConditionNotFound
from app.models import Condition, ConditionRevision, Document

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class KnowledgeState:
    """Moves on every write anywhere in the base: an import, an edit, a deletion."""

    token: str
    last_modified: datetime


@dataclass(frozen=True)
class ConditionState:
    slug: str
    version: int
    updated_at: datetime


@dataclass(frozen=True)
class _Snapshot:
    taken_at: float
    generation: int
    knowledge: KnowledgeState
    # Versions read so far under this knowledge token; shared by the snapshots that follow
    # while the token holds (a dict's single get and set are atomic, so threads may share it).
    conditions: dict[str, tuple[int, datetime]]


_snapshots: "weakref.WeakKeyDictionary[Engine, _Snapshot]" = weakref.WeakKeyDictionary()
_snapshots_guard = threading.Lock()


_renewals: "weakref.WeakKeyDictionary[Engine, float]" = weakref.WeakKeyDictionary()


def current_snapshot(engine: Engine) -> _Snapshot | None:
    """The moment's copy if it is still to be trusted, without touching the database.

    When it expires, the first caller is told to renew it (None) and the others keep using it
    for up to one more moment meanwhile: if every request in flight renewed it at once, each
    renewal would stall a burst of requests, which is what a p99 sees."""
    generation = local_writes(engine)
    now = time.monotonic()
    with _snapshots_guard:
        snapshot = _snapshots.get(engine)
        if snapshot is None or snapshot.generation != generation:
            return None
        age = now - snapshot.taken_at
        if age < RECHECK_SECONDS:
            return snapshot
        renewing_since = _renewals.get(engine)
        if renewing_since is not None and now - renewing_since < RECHECK_SECONDS:
            return snapshot if age < 2 * RECHECK_SECONDS else None
        _renewals[engine] = now
        return None


def cached_condition_state(
    engine: Engine, slug: str
) -> tuple[ConditionState, KnowledgeState] | None:
    """A condition's versions from the moment's copy; None when the database must answer."""
    snapshot = current_snapshot(engine)
    row = snapshot.conditions.get(slug) if snapshot else None
    if snapshot is None or row is None:
        return None
    return ConditionState(slug, row[0], row[1]), snapshot.knowledge


def _snapshot(session: Session, *, fresh: bool = False) -> _Snapshot:
    """The versions, from the moment's copy; ``fresh`` reads them in the session itself (a
    writer answering with what it has just written, before it commits)."""
    engine = session.get_bind()
    assert isinstance(engine, Engine)
    generation = local_writes(engine)
    with _snapshots_guard:
        snapshot = _snapshots.get(engine)
    current = (
        snapshot is not None
        and snapshot.generation == generation
        and time.monotonic() - snapshot.taken_at < RECHECK_SECONDS
    )
    if snapshot is not None and current and not fresh:
        return snapshot
    knowledge = _read_knowledge_state(session)
    unchanged = snapshot is not None and snapshot.knowledge == knowledge and not fresh
    conditions = snapshot.conditions if snapshot is not None and unchanged else {}
    renewed = _Snapshot(time.monotonic(), generation, knowledge, conditions)
    if not fresh:
        with _snapshots_guard:
            _snapshots[engine] = renewed
            _renewals.pop(engine, None)
    return renewed


def knowledge_state(session: Session, *, fresh: bool = False) -> KnowledgeState:
    return _snapshot(session, fresh=fresh).knowledge


def _read_knowledge_state(session: Session) -> KnowledgeState:
    # The newest rows by id (an index walk each, not a scan): every write adds one.
    newest_document = select(Document.id, Document.imported_at).order_by(col(Document.id).desc())
    newest_revision = select(ConditionRevision.id, ConditionRevision.created_at).order_by(
        col(ConditionRevision.id).desc()
    )
    document = session.exec(newest_document.limit(1)).first()
    revision = session.exec(newest_revision.limit(1)).first()
    row = (
        document[0] if document else 0,
        revision[0] if revision else 0,
        document[1] if document else None,
        revision[1] if revision else None,
    )
    documents, revisions, imported, revised = row
    changes = [_aware(moment) for moment in (imported, revised) if moment is not None]
    return KnowledgeState(f"{documents}.{revisions}", max(changes, default=EPOCH))


def condition_state(session: Session, slug: str, *, fresh: bool = False) -> ConditionState:
    snapshot = _snapshot(session, fresh=fresh)
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
