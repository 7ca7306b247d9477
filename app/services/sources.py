"""The outside knowledge bases this service holds, with the terms of their licenses."""

from sqlalchemy import func
from sqlmodel import Session, col, select

from app.models import Condition, Document, DocumentKind, Source
from app.schemas.sources import SourceList, SourceSummary


def list_sources(session: Session) -> SourceList:
    # A re-import that changed only some conditions leaves the rest on the release document
    # before it, so conditions are counted over every document named after the source.
    counts = dict(
        session.exec(
            select(Document.name, func.count(col(Condition.id)))
            .join(Condition, col(Condition.document_id) == col(Document.id))
            .where(Document.kind == DocumentKind.ontology)
            .group_by(col(Document.name))
        ).all()
    )
    rows = session.exec(
        select(Source, Document)
        .join(Document, col(Document.id) == col(Source.document_id))
        .order_by(col(Source.key))
    ).all()
    return SourceList(
        items=[
            SourceSummary(
                key=source.key,
                name=source.name,
                release=source.release,
                url=source.url,
                license=source.license,
                acknowledgement=source.acknowledgement,
                imported_at=document.imported_at,
                conditions=counts.get(source.key, 0),
            )
            for source, document in rows
        ]
    )
