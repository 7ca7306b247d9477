"""Moving the one version of the knowledge: every write calls this in its own transaction, so
the version a reader sees and the rows it reads always belong together (see
``models.KnowledgeVersion``). A rolled-back write leaves the version where it was."""

from sqlalchemy import update
from sqlmodel import Session, col

from app.models import KnowledgeVersion
from app.store.documents import utcnow


def bump_version(session: Session, *, vocabulary: bool = False, conditions: bool = False) -> None:
    """Move the vocabulary counter, the conditions counter, or both."""
    session.exec(
        update(KnowledgeVersion)
        .where(col(KnowledgeVersion.id) == 1)
        .values(
            vocabulary=KnowledgeVersion.vocabulary + int(vocabulary),
            conditions=KnowledgeVersion.conditions + int(conditions),
            changed_at=utcnow(),
        )
    )
