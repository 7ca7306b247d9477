"""Every write of a condition to the tables (drafts stored, versions kept as revisions, look-alikes
linked), and the read model of one condition."""

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import delete, func, insert, update
from sqlmodel import Session, col, select

from app.core.errors import ConditionNotFound
from app.ingest.codes import ICD_10_CM, icd_10_cm_display
from app.ingest.document import DocumentError
from app.ingest.drafting import ConditionDraft, DocumentSource, draft_condition
from app.language.text import make_slug
from app.language.vocabulary_index import build_vocabulary_index
from app.models import (
    Advice,
    AdviceKind,
    BodyRegion,
    Cause,
    Condition,
    ConditionAlias,
    ConditionCode,
    ConditionPriorFactor,
    ConditionRegion,
    ConditionRevision,
    ConditionSymptom,
    Differential,
    Document,
    DocumentKind,
    Frequency,
    PriorFactorKind,
    RevisionAction,
    Symptom,
    SymptomRegion,
)
from app.schemas.conditions import (
    AdvicePublic,
    CausePublic,
    CodePublic,
    ConditionPublic,
    ConditionSymptomPublic,
    DifferentialPublic,
    PriorFactorPublic,
    RecoveryPublic,
    SourcePublic,
)
from app.store import search_index
from app.store.documents import execute_many, utcnow
from app.store.version import bump_version


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
    # How the page was read, for the importer to say: lines kept as symptoms of their own
    # (the vocabulary does not know them, or not all they say), and a name from the file.
    own_symptoms: tuple[str, ...] = ()
    named_from_file: bool = False


def import_condition_documents(
    session: Session, sources: list[DocumentSource]
) -> list[ImportOutcome]:
    """Draft every document first, then write them all: one bad document writes nothing. The
    drafts read the vocabulary as this transaction sees it (an import may have just changed it)."""
    index = build_vocabulary_index(session)
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
            ConditionRegion,
            ConditionCode,
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
        snapshot = read_condition(session, slug).model_dump_json(exclude={"disclaimer"})
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
    """After conditions changed: relink look-alikes, drop symptoms no page uses, and move the
    version of the knowledge (every condition write ends here)."""
    _link_differentials(session)
    _drop_orphan_symptoms(session)
    bump_version(session, conditions=True)
    session.flush()


def remove_search_row(session: Session, condition_id: int) -> None:
    search_index.remove_row(session.connection(), condition_id)


def _write_children(
    session: Session, condition_id: int, document_id: int, draft: ConditionDraft
) -> None:
    symptom_ids = _symptom_ids(session, draft, document_id)
    of_page = {"condition_id": condition_id, "document_id": document_id}
    execute_many(
        session,
        insert(ConditionSymptom),
        [
            {
                **of_page,
                "symptom_id": symptom_ids[symptom.slug],
                "frequency": symptom.frequency,
                "frequency_value": None,
                "text": symptom.text,
                "position": position,
            }
            for position, symptom in enumerate(draft.symptoms)
        ],
    )
    execute_many(
        session,
        insert(Cause),
        [
            {
                **of_page,
                "kind": cause.kind,
                "text": cause.text,
                "source_text": cause.source_text,
                "position": position,
            }
            for position, cause in enumerate(draft.causes)
        ],
    )
    execute_many(
        session,
        insert(Differential),
        [
            {
                **of_page,
                "name": differential.name,
                "note": differential.note,
                "related_slug": differential.related_slug,
                "related_condition_id": None,
                "position": position,
            }
            for position, differential in enumerate(draft.differentials)
        ],
    )
    execute_many(
        session,
        insert(ConditionAlias),
        [{**of_page, "name": alias, "slug": make_slug(alias)} for alias in draft.meta.aliases],
    )
    factors: list[dict[str, Any]] = [
        {
            **of_page,
            "kind": PriorFactorKind.age,
            "age_min": band.min,
            "age_max": band.max,
            "sex": None,
            "factor": band.factor,
        }
        for band in draft.meta.age
    ]
    factors += [
        {
            **of_page,
            "kind": PriorFactorKind.sex,
            "age_min": None,
            "age_max": None,
            "sex": sex,
            "factor": factor,
        }
        for sex, factor in draft.meta.sex.model_dump().items()
        if factor != 1.0
    ]
    execute_many(session, insert(ConditionPriorFactor), factors)
    execute_many(
        session,
        insert(Advice),
        [
            {**of_page, "kind": kind, "text": advice_text, "position": position}
            for position, (kind, advice_text) in enumerate(draft.advice)
        ],
    )
    _write_regions(session, condition_id, document_id, draft, symptom_ids)
    execute_many(
        session,
        insert(ConditionCode),
        [
            {
                "condition_id": condition_id,
                "system": ICD_10_CM,
                "code": code,
                "display": icd_10_cm_display(code),
                "position": position,
            }
            for position, code in enumerate(draft.meta.codes)
        ],
    )


def _write_regions(
    session: Session,
    condition_id: int,
    document_id: int,
    draft: ConditionDraft,
    symptom_ids: dict[str, int],
) -> None:
    """The regions the page names, or else those its symptoms are felt in (not the ones it
    says it lacks). A region the vocabulary does not hold is refused."""
    region_ids = {
        slug: id_ for slug, id_ in session.exec(select(BodyRegion.slug, BodyRegion.id)) if id_
    }
    declared = bool(draft.meta.regions)
    if declared:
        unknown = [slug for slug in draft.meta.regions if slug not in region_ids]
        if unknown:
            raise DocumentError(
                _file_of(session, document_id),
                1,
                f"regions: {', '.join(map(repr, unknown))} is not a body region of the vocabulary",
            )
        chosen = [region_ids[slug] for slug in dict.fromkeys(draft.meta.regions)]
    else:
        felt_in = dict(
            session.exec(
                select(SymptomRegion.symptom_id, SymptomRegion.region_id).where(
                    col(SymptomRegion.symptom_id).in_(list(symptom_ids.values()))
                )
            ).all()
        )
        # In the order of the page's symptoms, each region once.
        chosen = list(
            dict.fromkeys(
                felt_in[symptom_ids[symptom.slug]]
                for symptom in draft.symptoms
                if symptom.frequency is not Frequency.absent
                and symptom_ids[symptom.slug] in felt_in
            )
        )
    execute_many(
        session,
        insert(ConditionRegion),
        [
            {"condition_id": condition_id, "region_id": region_id, "declared": declared}
            for region_id in chosen
        ],
    )


def _file_of(session: Session, document_id: int) -> str:
    document = session.get(Document, document_id)
    return document.name if document is not None else "page"


def _symptom_ids(session: Session, draft: ConditionDraft, document_id: int) -> dict[str, int]:
    slugs = [symptom.slug for symptom in draft.symptoms]
    ids = dict(
        session.exec(select(Symptom.slug, Symptom.id).where(col(Symptom.slug).in_(slugs))).all()
    )
    missing = {symptom.slug: symptom for symptom in draft.symptoms if symptom.slug not in ids}
    for symptom in missing.values():
        if symptom.in_vocabulary:
            raise LookupError(f"the vocabulary symptom {symptom.slug!r} is not in the database")
    if missing:
        execute_many(
            session,
            insert(Symptom),
            [
                {"slug": symptom.slug, "name": symptom.name, "document_id": document_id}
                for symptom in missing.values()
            ],
        )
        ids.update(
            session.exec(
                select(Symptom.slug, Symptom.id).where(col(Symptom.slug).in_(list(missing)))
            ).all()
        )
        # A page's own symptoms are named by the vocabulary's in-memory copy too.
        bump_version(session, vocabulary=True)
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
        own_symptoms=tuple(symptom.name for symptom in draft.symptoms if not symptom.in_vocabulary),
        named_from_file=draft.named_from_file,
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
    dropped = session.exec(
        delete(Symptom).where(
            col(Symptom.id).not_in(linked), col(Symptom.document_id).in_(from_pages)
        )
    )
    if dropped.rowcount:
        bump_version(session, vocabulary=True)


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


def read_condition(session: Session, slug: str) -> ConditionPublic:
    """The read model of one condition: its row and every related row, in order."""
    condition = session.exec(select(Condition).where(Condition.slug == slug)).first()
    if condition is None or condition.id is None:
        raise ConditionNotFound(slug)
    document = session.get(Document, condition.document_id)
    assert document is not None
    symptoms = session.exec(
        select(ConditionSymptom, Symptom)
        .join(Symptom, col(Symptom.id) == col(ConditionSymptom.symptom_id))
        .where(ConditionSymptom.condition_id == condition.id)
        .order_by(col(ConditionSymptom.position))
    ).all()
    causes = session.exec(
        select(Cause).where(Cause.condition_id == condition.id).order_by(col(Cause.position))
    ).all()
    related = Condition.__table__.alias("related")  # type: ignore[attr-defined]
    differentials = session.exec(
        select(Differential, related.c.slug)
        .outerjoin(related, related.c.id == Differential.related_condition_id)
        .where(Differential.condition_id == condition.id)
        .order_by(col(Differential.position))
    ).all()
    advice = session.exec(
        select(Advice).where(Advice.condition_id == condition.id).order_by(col(Advice.position))
    ).all()
    aliases = session.exec(
        select(ConditionAlias.name)
        .where(ConditionAlias.condition_id == condition.id)
        .order_by(col(ConditionAlias.id))
    ).all()
    factors = session.exec(
        select(ConditionPriorFactor)
        .where(ConditionPriorFactor.condition_id == condition.id)
        .order_by(col(ConditionPriorFactor.id))
    ).all()

    def advice_of(kind: AdviceKind) -> list[AdvicePublic]:
        return [AdvicePublic(text=item.text) for item in advice if item.kind == kind]

    recovery = (
        RecoveryPublic(
            text=condition.recovery_text,
            min_days=condition.recovery_min_days,
            max_days=condition.recovery_max_days,
        )
        if condition.recovery_text is not None
        else None
    )
    return ConditionPublic(
        slug=condition.slug,
        source_id=condition.source_id,
        name=condition.name,
        aliases=list(aliases),
        summary=condition.summary,
        symptoms=[
            ConditionSymptomPublic(
                slug=symptom.slug,
                name=symptom.name,
                region=symptom.region,
                frequency=link.frequency,
                frequency_value=link.frequency_value,
                source_id=symptom.source_id,
                text=link.text,
            )
            for link, symptom in symptoms
        ],
        causes=[
            CausePublic(kind=cause.kind, text=cause.text, source_text=cause.source_text)
            for cause in causes
        ],
        differentials=[
            DifferentialPublic(name=item.name, slug=related_slug, note=item.note)
            for item, related_slug in differentials
        ],
        self_help=advice_of(AdviceKind.self_help),
        treatment=advice_of(AdviceKind.treatment),
        prevention=advice_of(AdviceKind.prevention),
        seek_help=advice_of(AdviceKind.seek_help),
        recovery=recovery,
        care_level=condition.care_level,
        cant_miss=condition.cant_miss,
        codes=[
            CodePublic(system=row.system, code=row.code, display=row.display)
            for row in session.exec(
                select(ConditionCode)
                .where(ConditionCode.condition_id == condition.id)
                .order_by(col(ConditionCode.position))
            )
        ],
        regions=list(
            session.exec(
                select(BodyRegion.slug)
                .join(ConditionRegion, col(ConditionRegion.region_id) == col(BodyRegion.id))
                .where(ConditionRegion.condition_id == condition.id)
                .order_by(col(ConditionRegion.id))
            ).all()
        ),
        prior_weight=condition.prior_weight,
        prior_factors=[
            PriorFactorPublic(
                age_min=factor.age_min,
                age_max=factor.age_max,
                sex=factor.sex,
                factor=factor.factor,
            )
            for factor in factors
        ],
        source=SourcePublic(
            document=document.name,
            provenance=document.provenance,
            reviewed_on=document.reviewed_on,
            imported_at=document.imported_at,
        ),
        version=condition.version,
        updated_at=condition.updated_at,
    )
