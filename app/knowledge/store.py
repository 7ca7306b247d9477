"""Write vocabularies and condition drafts to the database, and read the vocabulary back."""

import hashlib
import tomllib
from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import StrEnum
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError
from sqlalchemy import delete, func, update
from sqlmodel import Session, col, select

from app.knowledge import search_index
from app.knowledge.document import DocumentError, decode_document
from app.knowledge.drafting import ConditionDraft, DocumentSource, draft_condition
from app.knowledge.scoring import on_a_cycle
from app.knowledge.text import make_slug, normalize_phrase
from app.knowledge.vocabulary import Vocabulary, parse_vocabulary
from app.knowledge.vocabulary_index import load_vocabulary_index
from app.models import (
    Advice,
    Cause,
    Condition,
    ConditionAlias,
    ConditionPriorFactor,
    ConditionRevision,
    ConditionSymptom,
    Differential,
    Document,
    DocumentKind,
    PriorFactorKind,
    RevisionAction,
    Symptom,
    SymptomImplication,
    SymptomParent,
    SymptomSynonym,
    SynonymKind,
)
from app.services.conditions import get_condition

MANIFEST_NAME = "knowledge.toml"


class ImportStatus(StrEnum):
    created = "created"
    updated = "updated"
    unchanged = "unchanged"


@dataclass(frozen=True)
class ImportOutcome:
    file_name: str
    slug: str
    name: str
    status: ImportStatus
    symptoms: int
    causes: int
    differentials: int
    advice: int


def utcnow() -> datetime:
    return datetime.now(UTC)


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


# --- vocabulary ------------------------------------------------------------------------------


def apply_vocabulary(session: Session, vocabulary: Vocabulary, *, provenance: str) -> bool:
    """Upsert every symptom of the vocabulary by slug; False when nothing changed."""
    sha = _sha256(vocabulary.text + provenance)
    latest = session.exec(
        select(Document)
        .where(Document.kind == DocumentKind.vocabulary, Document.name == vocabulary.file_name)
        .order_by(col(Document.id).desc())
    ).first()
    if latest is not None and latest.sha256 == sha:
        return False
    document = Document(
        kind=DocumentKind.vocabulary,
        name=vocabulary.file_name,
        sha256=sha,
        provenance=provenance,
        imported_at=utcnow(),
        text=vocabulary.text,
    )
    session.add(document)
    session.flush()
    assert document.id is not None
    existing = {s.slug: s for s in session.exec(select(Symptom)).all()}
    for entry in vocabulary.entries:
        symptom = existing.get(entry.slug) or Symptom(
            slug=entry.slug, name=entry.name, document_id=0
        )
        symptom.name, symptom.region, symptom.document_id = entry.name, entry.region, document.id
        symptom.question = entry.question
        symptom.red_flag_level = entry.red_flag.level if entry.red_flag else None
        symptom.red_flag_advice = entry.red_flag.advice if entry.red_flag else None
        session.add(symptom)
        session.flush()
        session.exec(delete(SymptomSynonym).where(col(SymptomSynonym.symptom_id) == symptom.id))
        assert symptom.id is not None
        # A phrase that is both a term and a region word is kept once, as a term: terms count
        # where a text denies them too.
        seen = {normalize_phrase(entry.name)}
        phrases = [(SynonymKind.term, text) for text in entry.synonyms]
        phrases += [(SynonymKind.region, text) for text in entry.region_words]
        for kind, phrase in phrases:
            normalized = normalize_phrase(phrase)
            if not normalized or normalized in seen:
                continue
            seen.add(normalized)
            session.add(
                SymptomSynonym(
                    symptom_id=symptom.id,
                    text=phrase,
                    normalized=normalized,
                    kind=kind,
                    document_id=document.id,
                )
            )
    session.flush()
    ids = {slug: id_ for slug, id_ in session.exec(select(Symptom.slug, Symptom.id)) if id_}
    _write_implications(session, vocabulary, ids, document.id)
    _write_parents(session, vocabulary, ids, document.id)
    return True


def _write_parents(
    session: Session, vocabulary: Vocabulary, ids: dict[str, int], document_id: int
) -> None:
    """Each entry's broader symptoms, replacing those it had; a cycle is refused."""
    for entry in vocabulary.entries:
        session.exec(delete(SymptomParent).where(col(SymptomParent.symptom_id) == ids[entry.slug]))
        for parent in entry.parents:
            if parent not in ids:
                raise DocumentError(
                    vocabulary.file_name, 1, f"{entry.slug!r} has unknown parent {parent!r}"
                )
            session.add(
                SymptomParent(
                    symptom_id=ids[entry.slug], parent_id=ids[parent], document_id=document_id
                )
            )
    session.flush()
    parents: dict[int, list[int]] = {}
    for child, parent_id in session.exec(select(SymptomParent.symptom_id, SymptomParent.parent_id)):
        parents.setdefault(child, []).append(parent_id)
    cyclic = on_a_cycle(parents, starts=[ids[entry.slug] for entry in vocabulary.entries])
    if cyclic is not None:
        slug = next(slug for slug, id_ in ids.items() if id_ == cyclic)
        raise DocumentError(vocabulary.file_name, 1, f"{slug!r} would be its own ancestor")


def _write_implications(
    session: Session, vocabulary: Vocabulary, ids: dict[str, int], document_id: int
) -> None:
    for entry in vocabulary.entries:
        session.exec(
            delete(SymptomImplication).where(col(SymptomImplication.symptom_id) == ids[entry.slug])
        )
        for implied in entry.implies:
            if implied not in ids:
                raise DocumentError(
                    vocabulary.file_name, 1, f"{entry.slug!r} implies unknown {implied!r}"
                )
            session.add(
                SymptomImplication(
                    symptom_id=ids[entry.slug],
                    implied_symptom_id=ids[implied],
                    document_id=document_id,
                )
            )
    session.flush()


# --- conditions ------------------------------------------------------------------------------


def import_condition_documents(
    session: Session, sources: list[DocumentSource]
) -> list[ImportOutcome]:
    """Draft every document first, then write them all: one bad document writes nothing."""
    index = load_vocabulary_index(session)
    drafts = [(source, draft_condition(source, index)) for source in sources]
    seen: dict[str, str] = {}
    for source, draft in drafts:
        if draft.slug in seen:
            raise DocumentError(
                source.file_name, 1, f"{draft.name!r} is also the condition of {seen[draft.slug]}"
            )
        seen[draft.slug] = source.file_name
    outcomes = [
        write_condition(session, source, draft, action=RevisionAction.imported)
        for source, draft in drafts
    ]
    finish_writes(session)
    return outcomes


@dataclass(frozen=True)
class Kept:
    """What an import of an export keeps as it was, so the copy is exact."""

    version: int
    updated_at: datetime
    imported_at: datetime
    document_name: str


def write_condition(
    session: Session,
    source: DocumentSource,
    draft: ConditionDraft,
    *,
    action: RevisionAction,
    author: str | None = None,
    kept: Kept | None = None,
) -> ImportOutcome:
    """Store a condition as its next version, recording the revision; a draft identical to
    the current version changes nothing. Call ``finish_writes`` after the last one."""
    sha = draft.fingerprint(source)
    condition = session.exec(select(Condition).where(Condition.slug == draft.slug)).first()
    status = ImportStatus.created if condition is None else ImportStatus.updated
    if condition is not None:
        current = session.get(Document, condition.document_id)
        if current is not None and current.sha256 == sha:
            return _outcome(source, draft, ImportStatus.unchanged)
    now = utcnow()
    version = kept.version if kept else latest_version(session, draft.slug) + 1
    document = Document(
        kind=source.kind,
        name=kept.document_name if kept else source.file_name,
        sha256=sha,
        provenance=source.provenance,
        reviewed_on=source.reviewed_on,
        imported_at=kept.imported_at if kept else now,
        text=source.text,
    )
    session.add(document)
    session.flush()
    assert document.id is not None
    if condition is None:
        condition = Condition(
            slug=draft.slug, name=draft.name, document_id=document.id, updated_at=now
        )
    else:
        for child in (
            ConditionSymptom,
            Cause,
            Differential,
            Advice,
            ConditionAlias,
            ConditionPriorFactor,
        ):
            session.exec(delete(child).where(col(child.condition_id) == condition.id))
    condition.version = version
    condition.name = draft.name
    condition.summary = draft.summary
    condition.recovery_text = draft.recovery_text
    condition.recovery_min_days = draft.recovery_min_days
    condition.recovery_max_days = draft.recovery_max_days
    condition.document_id = document.id
    condition.updated_at = kept.updated_at if kept else now
    condition.prior_weight = draft.meta.prior
    condition.care_level = draft.meta.care_level
    condition.cant_miss = draft.meta.cant_miss
    session.add(condition)
    session.flush()
    assert condition.id is not None
    _write_children(session, condition.id, document.id, draft)
    _refresh_search_row(session, condition.id)
    record_revision(session, draft.slug, version, action, author=author, document_id=document.id)
    return _outcome(source, draft, status)


def latest_version(session: Session, slug: str) -> int:
    """The newest version the slug has had, deleted or not; 0 for a new one. A condition from
    an outside release has versions without revisions, so its own counts too."""
    revised = session.exec(
        select(func.max(ConditionRevision.version)).where(ConditionRevision.slug == slug)
    ).one()
    current = session.exec(select(Condition.version).where(Condition.slug == slug)).first()
    return max(int(revised or 0), current or 0)


def record_revision(
    session: Session,
    slug: str,
    version: int,
    action: RevisionAction,
    *,
    author: str | None,
    document_id: int | None,
    snapshot: str | None = None,
) -> None:
    if snapshot is None:
        snapshot = get_condition(session, slug).model_dump_json(exclude={"disclaimer"})
    session.add(
        ConditionRevision(
            slug=slug,
            version=version,
            action=action,
            snapshot=snapshot,
            author=author,
            created_at=utcnow(),
            document_id=document_id,
        )
    )
    session.flush()


def finish_writes(session: Session) -> None:
    """After conditions changed: relink look-alikes and drop symptoms no page uses."""
    _link_differentials(session)
    _drop_orphan_symptoms(session)
    session.flush()


def remove_search_row(session: Session, condition_id: int) -> None:
    search_index.remove_row(session.connection(), condition_id)


def _write_children(
    session: Session, condition_id: int, document_id: int, draft: ConditionDraft
) -> None:
    symptom_ids = _symptom_ids(session, draft, document_id)
    for position, symptom in enumerate(draft.symptoms):
        session.add(
            ConditionSymptom(
                condition_id=condition_id,
                symptom_id=symptom_ids[symptom.slug],
                frequency=symptom.frequency,
                text=symptom.text,
                position=position,
                document_id=document_id,
            )
        )
    for position, cause in enumerate(draft.causes):
        session.add(
            Cause(
                condition_id=condition_id,
                kind=cause.kind,
                text=cause.text,
                source_text=cause.source_text,
                position=position,
                document_id=document_id,
            )
        )
    for position, differential in enumerate(draft.differentials):
        session.add(
            Differential(
                condition_id=condition_id,
                name=differential.name,
                note=differential.note,
                related_slug=differential.related_slug,
                position=position,
                document_id=document_id,
            )
        )
    for alias in draft.meta.aliases:
        session.add(
            ConditionAlias(
                condition_id=condition_id,
                name=alias,
                slug=make_slug(alias),
                document_id=document_id,
            )
        )
    for band in draft.meta.age:
        session.add(
            ConditionPriorFactor(
                condition_id=condition_id,
                kind=PriorFactorKind.age,
                age_min=band.min,
                age_max=band.max,
                factor=band.factor,
                document_id=document_id,
            )
        )
    for sex, factor in draft.meta.sex.model_dump().items():
        if factor != 1.0:
            session.add(
                ConditionPriorFactor(
                    condition_id=condition_id,
                    kind=PriorFactorKind.sex,
                    sex=sex,
                    factor=factor,
                    document_id=document_id,
                )
            )
    for position, (kind, advice_text) in enumerate(draft.advice):
        session.add(
            Advice(
                condition_id=condition_id,
                kind=kind,
                text=advice_text,
                position=position,
                document_id=document_id,
            )
        )
    session.flush()


def _symptom_ids(session: Session, draft: ConditionDraft, document_id: int) -> dict[str, int]:
    slugs = [symptom.slug for symptom in draft.symptoms]
    ids = dict(
        session.exec(select(Symptom.slug, Symptom.id).where(col(Symptom.slug).in_(slugs))).all()
    )
    for symptom in draft.symptoms:
        if symptom.slug in ids:
            continue
        if symptom.in_vocabulary:
            raise LookupError(f"the vocabulary symptom {symptom.slug!r} is not in the database")
        row = Symptom(slug=symptom.slug, name=symptom.name, document_id=document_id)
        session.add(row)
        session.flush()
        assert row.id is not None
        ids[symptom.slug] = row.id
    return {slug: symptom_id for slug, symptom_id in ids.items() if symptom_id is not None}


def _outcome(source: DocumentSource, draft: ConditionDraft, status: ImportStatus) -> ImportOutcome:
    return ImportOutcome(
        file_name=source.file_name,
        slug=draft.slug,
        name=draft.name,
        status=status,
        symptoms=len(draft.symptoms),
        causes=len(draft.causes),
        differentials=len(draft.differentials),
        advice=len(draft.advice),
    )


def _link_differentials(session: Session) -> None:
    """Point every differential at the condition it names (by name or alias), now that the
    base may have it."""
    by_slug = select(Condition.id).where(Condition.slug == Differential.related_slug)
    by_alias = (
        select(ConditionAlias.condition_id)
        .where(ConditionAlias.slug == Differential.related_slug)
        .order_by(col(ConditionAlias.id))
        .limit(1)
    )
    session.exec(
        update(Differential).values(
            related_condition_id=func.coalesce(
                by_slug.scalar_subquery(), by_alias.scalar_subquery()
            )
        )
    )


def _drop_orphan_symptoms(session: Session) -> None:
    """Symptoms that only a document's own wording created go when no condition has them."""
    linked = select(ConditionSymptom.symptom_id)
    from_pages = select(Document.id).where(
        col(Document.kind).in_([DocumentKind.condition, DocumentKind.edit])
    )
    session.exec(
        delete(Symptom).where(
            col(Symptom.id).not_in(linked), col(Symptom.document_id).in_(from_pages)
        )
    )


def _refresh_search_row(session: Session, condition_id: int) -> None:
    texts = (
        select(ConditionSymptom.text).where(ConditionSymptom.condition_id == condition_id),
        select(Cause.text).where(Cause.condition_id == condition_id),
        select(Differential.name + " " + Differential.note).where(
            Differential.condition_id == condition_id
        ),
        select(Advice.text).where(Advice.condition_id == condition_id),
        select(ConditionAlias.name).where(ConditionAlias.condition_id == condition_id),
    )
    parts: list[str] = []
    for query in texts:
        parts += session.exec(query).all()
    parts += session.exec(
        select(Symptom.name)
        .join(ConditionSymptom, col(ConditionSymptom.symptom_id) == col(Symptom.id))
        .where(ConditionSymptom.condition_id == condition_id)
    ).all()
    condition = session.get(Condition, condition_id)
    assert condition is not None
    parts.append(condition.recovery_text or "")
    search_index.write_row(
        session.connection(),
        condition_id,
        condition.name,
        condition.summary or "",
        "\n".join(parts),
    )


# --- the default knowledge base -------------------------------------------------------------


class _ManifestEntry(BaseModel):
    model_config = ConfigDict(extra="forbid")
    path: str
    provenance: str
    reviewed_on: date | None = None


class _Manifest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    vocabulary: _ManifestEntry
    document: list[_ManifestEntry]


def _read_manifest(data_dir: Path) -> _Manifest:
    path = data_dir / MANIFEST_NAME
    try:
        return _Manifest.model_validate(tomllib.loads(path.read_text(encoding="utf-8")))
    except (tomllib.TOMLDecodeError, ValidationError) as error:
        raise DocumentError(MANIFEST_NAME, 1, str(error)) from error


def read_source(
    path: Path, *, provenance: str, reviewed_on: date | None, name: str | None = None
) -> DocumentSource:
    text_content = decode_document(path.name, path.read_bytes())
    return DocumentSource(path.name, text_content, provenance, reviewed_on, name)


def has_vocabulary(session: Session) -> bool:
    return (
        session.exec(
            select(Document.id).where(Document.kind == DocumentKind.vocabulary).limit(1)
        ).first()
        is not None
    )


def load_vocabulary_file(session: Session, data_dir: Path) -> bool:
    manifest = _read_manifest(data_dir)
    path = data_dir / manifest.vocabulary.path
    vocabulary = parse_vocabulary(path.name, decode_document(path.name, path.read_bytes()))
    return apply_vocabulary(session, vocabulary, provenance=manifest.vocabulary.provenance)


def load_default_knowledge(session: Session, data_dir: Path) -> list[ImportOutcome]:
    """The vocabulary and every page the manifest lists, in one unit of work."""
    manifest = _read_manifest(data_dir)
    load_vocabulary_file(session, data_dir)
    sources = [
        read_source(
            data_dir / entry.path, provenance=entry.provenance, reviewed_on=entry.reviewed_on
        )
        for entry in manifest.document
    ]
    return import_condition_documents(session, sources)


def default_knowledge_missing(session: Session, data_dir: Path) -> bool:
    """True until the default pages have been imported once; a page deleted later stays so."""
    names = [Path(entry.path).name for entry in _read_manifest(data_dir).document]
    # An import of an export keeps the pages' names, so it counts as having them.
    imported = session.exec(
        select(Document.id).where(
            col(Document.kind).in_([DocumentKind.condition, DocumentKind.edit]),
            col(Document.name).in_(names),
        )
    ).first()
    return imported is None
