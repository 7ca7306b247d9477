"""What version of the knowledge a response shows: the validators HTTP caching needs."""

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlmodel import Session, col, select

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


def knowledge_state(session: Session) -> KnowledgeState:
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


def condition_state(session: Session, slug: str) -> ConditionState:
    row = session.exec(
        select(Condition.version, Condition.updated_at).where(Condition.slug == slug)
    ).first()
    if row is None:
        deleted = session.exec(
            select(ConditionRevision.id).where(ConditionRevision.slug == slug).limit(1)
        ).first()
        if deleted is not None:
            raise ConditionDeleted(slug)
        raise ConditionNotFound(slug)
    version, updated_at = row
    return ConditionState(slug, version, _aware(updated_at))


def shown_since(state: ConditionState, knowledge: KnowledgeState) -> datetime:
    """When a condition's representation last changed: its own edits, and the base's (a
    linked look-alike, a vocabulary name shown in it)."""
    return max(state.updated_at, knowledge.last_modified)


def _aware(moment: datetime) -> datetime:
    # SQLite hands back naive datetimes; every one stored here is UTC.
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
