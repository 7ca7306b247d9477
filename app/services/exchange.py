"""Export the whole knowledge base as JSON, and import such an export exactly."""

from datetime import UTC, datetime

from sqlalchemy import Engine
from sqlalchemy.orm import Mapped
from sqlmodel import Session, col, select

from app.core.db import snapshot_reads
from app.core.errors import InvalidContent
from app.ingest.condition_input import draft_from_input
from app.ingest.drafting import DocumentSource
from app.ingest.vocabulary_file import Vocabulary
from app.language.vocabulary_index import build_vocabulary_index
from app.models import (
    BodyRegion,
    Condition,
    Document,
    DocumentKind,
    RevisionAction,
    Symptom,
    SymptomImplication,
    SymptomParent,
    SymptomRedFlagPartner,
    SymptomRegion,
    SymptomSynonym,
    SynonymKind,
)
from app.schemas.editing import ConditionInput
from app.schemas.exchange import EXPORT_FORMAT, KnowledgeExport, VocabularyExport
from app.schemas.symptoms import RedFlag, VocabularyEntry
from app.services.conditions import get_condition
from app.services.editing import keep_of
from app.store.conditions import ImportOutcome, finish_writes, latest_version, write_condition
from app.store.vocabulary import apply_vocabulary, region_entries

EXPORT_FILE_NAME = "export.json"


def export_knowledge(session: Session) -> KnowledgeExport:
    """The base's own content. Conditions from an outside release (HPO) are left out: their
    release is their record, and `import-hpo` brings them back exactly."""
    bind = session.get_bind()
    if isinstance(bind, Engine) and snapshot_reads(bind) is not bind:
        # Every condition of one moment: an edit committed halfway through the export must
        # not show in half of it (PostgreSQL's statements each see their own moment).
        # The request's own read (its version check) is done: its connection goes back to the
        # pool first, so an export holds one connection, not two.
        session.rollback()
        with Session(snapshot_reads(bind)) as snapshot:
            return export_knowledge(snapshot)
    own = select(Condition.slug).where(col(Condition.source_id).is_(None))
    conditions = [
        ConditionInput.model_validate_json(
            get_condition(session, slug).model_dump_json(exclude={"disclaimer"})
        )
        for slug in session.exec(own.order_by(col(Condition.slug))).all()
    ]
    return KnowledgeExport(
        exported_at=datetime.now(UTC),
        vocabulary=_vocabulary(session),
        conditions=conditions,
    )


def _vocabulary(session: Session) -> VocabularyExport:
    entries = vocabulary_entries(session)
    provenances = session.exec(
        select(Document.provenance)
        .join(Symptom, col(Symptom.document_id) == col(Document.id))
        .where(Document.kind == DocumentKind.vocabulary)
        .distinct()
    ).all()
    return VocabularyExport(
        provenance=" ".join(sorted(provenances)),
        regions=region_entries(session),
        symptoms=list(entries.values()),
    )


def vocabulary_entries(
    session: Session, *, slugs: set[str] | None = None, any_source: bool = False
) -> dict[str, VocabularyEntry]:
    """The vocabulary's symptoms as its file would list them, by slug; with ``any_source``,
    also symptoms of an ontology or of a page's own wording, in the same shape."""
    query = select(Symptom).order_by(col(Symptom.id))
    if not any_source:
        query = query.join(Document, col(Document.id) == col(Symptom.document_id)).where(
            Document.kind == DocumentKind.vocabulary
        )
    if slugs is not None:
        query = query.where(col(Symptom.slug).in_(slugs))
    symptoms = session.exec(query).all()
    ids = [symptom.id for symptom in symptoms]
    terms: dict[int, list[str]] = {}
    regions: dict[int, list[str]] = {}
    for synonym in session.exec(
        select(SymptomSynonym)
        .where(col(SymptomSynonym.symptom_id).in_(ids))
        .order_by(col(SymptomSynonym.id))
    ):
        if synonym.kind is SynonymKind.identifier:
            continue  # an ontology's earlier id of the term, not a word people use
        target = terms if synonym.kind is SynonymKind.term else regions
        target.setdefault(synonym.symptom_id, []).append(synonym.text)
    felt_in = dict(
        session.exec(
            select(SymptomRegion.symptom_id, BodyRegion.slug)
            .join(BodyRegion, col(BodyRegion.id) == col(SymptomRegion.region_id))
            .where(col(SymptomRegion.symptom_id).in_(ids))
        ).all()
    )
    implied = col(SymptomImplication.implied_symptom_id)
    implications = _linked_slugs(session, SymptomImplication, implied, ids)
    parents = _linked_slugs(session, SymptomParent, col(SymptomParent.parent_id), ids)
    partner = col(SymptomRedFlagPartner.partner_id)
    partners = _linked_slugs(session, SymptomRedFlagPartner, partner, ids)
    return {
        symptom.slug: VocabularyEntry(
            slug=symptom.slug,
            name=symptom.name,
            region=symptom.region,
            question=symptom.question,
            synonyms=terms.get(symptom.id or 0, []),
            region_words=regions.get(symptom.id or 0, []),
            red_flag=RedFlag(
                level=symptom.red_flag_level,
                advice=symptom.red_flag_advice,
                together_with=partners.get(symptom.id or 0, []),
            )
            if symptom.red_flag_level is not None and symptom.red_flag_advice
            else None,
            implies=implications.get(symptom.id or 0, []),
            parents=parents.get(symptom.id or 0, []),
            body_region=felt_in.get(symptom.id or 0),
        )
        for symptom in symptoms
    }


def _linked_slugs(
    session: Session,
    link: type[SymptomImplication] | type[SymptomParent] | type[SymptomRedFlagPartner],
    other: Mapped[int],
    ids: list[int | None],
) -> dict[int, list[str]]:
    """For each of these symptoms, the slugs a link table (implications, parents, warning-sign
    partners) points it to through its column ``other``: in the order they were written, or by
    slug for a table that keeps no order."""
    linked = Symptom.__table__.alias("linked")  # type: ignore[attr-defined]
    order = col(link.id) if hasattr(link, "id") else linked.c.slug
    found: dict[int, list[str]] = {}
    for symptom_id, slug in session.exec(
        select(link.symptom_id, linked.c.slug)
        .join(linked, linked.c.id == other)
        .where(col(link.symptom_id).in_(ids))
        .order_by(order)
    ):
        found.setdefault(symptom_id, []).append(slug)
    return found


def import_knowledge(session: Session, export: KnowledgeExport) -> list[ImportOutcome]:
    """The vocabulary, then every condition as it was exported (versions, dates and sources
    kept), in one unit of work."""
    if export.format != EXPORT_FORMAT:
        raise InvalidContent(f"Not an export this service reads (format {export.format!r}).")
    vocabulary = Vocabulary(
        EXPORT_FILE_NAME,
        export.vocabulary.model_dump_json(),
        export.vocabulary.symptoms,
        export.vocabulary.regions,
    )
    apply_vocabulary(session, vocabulary, provenance=export.vocabulary.provenance)
    index = build_vocabulary_index(session)  # as just applied, not the cached copy
    outcomes: list[ImportOutcome] = []
    for content in export.conditions:
        source = DocumentSource(
            file_name=EXPORT_FILE_NAME,
            text=content.model_dump_json(),
            provenance=content.source.provenance
            if content.source and content.source.provenance
            else "Imported from an export",
            reviewed_on=content.source.reviewed_on if content.source else None,
            kind=DocumentKind.edit,
        )
        draft = draft_from_input(index, content, slug=content.slug)
        # Versions and dates are kept exactly where the slug has no history here; where it
        # has, the import becomes its next version.
        kept = keep_of(content) if latest_version(session, draft.slug) == 0 else None
        outcomes.append(
            write_condition(session, source, draft, action=RevisionAction.imported, kept=kept)
        )
    finish_writes(session)
    return outcomes
