"""Export the whole knowledge base as JSON, and import such an export exactly."""

from datetime import UTC, datetime

from sqlmodel import Session, col, select

from app.core.errors import InvalidContent
from app.knowledge.drafting import DocumentSource
from app.knowledge.store import ImportOutcome, apply_vocabulary, finish_writes, write_condition
from app.knowledge.vocabulary import RedFlag, Vocabulary, VocabularyEntry
from app.knowledge.vocabulary_index import load_vocabulary_index
from app.models import (
    Condition,
    Document,
    DocumentKind,
    RevisionAction,
    Symptom,
    SymptomImplication,
    SymptomSynonym,
    SynonymKind,
)
from app.schemas import EXPORT_FORMAT, ConditionInput, KnowledgeExport, VocabularyExport
from app.services.conditions import get_condition
from app.services.editing import draft_from_input, keep_of

EXPORT_FILE_NAME = "export.json"


def export_knowledge(session: Session) -> KnowledgeExport:
    conditions = [
        ConditionInput.model_validate(
            get_condition(session, slug).model_dump(exclude={"disclaimer"})
        )
        for slug in session.exec(select(Condition.slug).order_by(col(Condition.slug))).all()
    ]
    return KnowledgeExport(
        exported_at=datetime.now(UTC),
        vocabulary=_vocabulary(session),
        conditions=conditions,
    )


def _vocabulary(session: Session) -> VocabularyExport:
    rows = session.exec(
        select(Symptom, Document)
        .join(Document, col(Document.id) == col(Symptom.document_id))
        .where(Document.kind == DocumentKind.vocabulary)
        .order_by(col(Symptom.id))
    ).all()
    synonyms = session.exec(select(SymptomSynonym).order_by(col(SymptomSynonym.id))).all()
    terms: dict[int, list[str]] = {}
    regions: dict[int, list[str]] = {}
    for synonym in synonyms:
        target = terms if synonym.kind is SynonymKind.term else regions
        target.setdefault(synonym.symptom_id, []).append(synonym.text)
    implications: dict[int, list[str]] = {}
    slugs = {symptom.id: symptom.slug for symptom, _ in rows}
    for implication in session.exec(
        select(SymptomImplication).order_by(col(SymptomImplication.id))
    ):
        if implication.implied_symptom_id in slugs:
            implications.setdefault(implication.symptom_id, []).append(
                slugs[implication.implied_symptom_id]
            )
    provenances = dict.fromkeys(document.provenance for _, document in rows)
    entries = [
        VocabularyEntry(
            slug=symptom.slug,
            name=symptom.name,
            region=symptom.region,
            question=symptom.question,
            synonyms=terms.get(symptom.id or 0, []),
            region_words=regions.get(symptom.id or 0, []),
            red_flag=RedFlag(level=symptom.red_flag_level, advice=symptom.red_flag_advice)
            if symptom.red_flag_level is not None and symptom.red_flag_advice
            else None,
            implies=implications.get(symptom.id or 0, []),
        )
        for symptom, _document in rows
    ]
    return VocabularyExport(provenance=" ".join(provenances), symptoms=entries)


def import_knowledge(session: Session, export: KnowledgeExport) -> list[ImportOutcome]:
    """The vocabulary, then every condition as it was exported (versions, dates and sources
    kept), in one unit of work."""
    if export.format != EXPORT_FORMAT:
        raise InvalidContent(f"Not an export this service reads (format {export.format!r}).")
    vocabulary = Vocabulary(
        EXPORT_FILE_NAME, export.vocabulary.model_dump_json(), export.vocabulary.symptoms
    )
    apply_vocabulary(session, vocabulary, provenance=export.vocabulary.provenance)
    index = load_vocabulary_index(session)
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
        outcomes.append(
            write_condition(
                session, source, draft, action=RevisionAction.imported, kept=keep_of(content)
            )
        )
    finish_writes(session)
    return outcomes
