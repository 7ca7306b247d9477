"""Reading conditions: one whole, or a page of them with full-text search."""

import base64
import binascii
import json
from typing import Any

from sqlmodel import Session, col, select

from app.core.errors import ConditionNotFound, InvalidCursor, UnknownSections
from app.knowledge import search_index
from app.knowledge.search_index import SEARCH_WORD
from app.models import (
    Advice,
    AdviceKind,
    Cause,
    Condition,
    ConditionAlias,
    ConditionPriorFactor,
    ConditionSymptom,
    Differential,
    Document,
    Symptom,
)
from app.schemas import (
    AdvicePublic,
    CausePublic,
    ConditionPage,
    ConditionPublic,
    ConditionSummary,
    ConditionSymptomPublic,
    DifferentialPublic,
    PriorFactorPublic,
    RecoveryPublic,
    SourcePublic,
)

# What `?sections=` can ask for, and the fields each brings.
SECTIONS: dict[str, tuple[str, ...]] = {
    "summary": ("summary", "aliases"),
    "symptoms": ("symptoms",),
    "causes": ("causes",),
    "differentials": ("differentials",),
    "self_help": ("self_help",),
    "treatment": ("treatment",),
    "prevention": ("prevention",),
    "seek_help": ("seek_help", "care_level", "cant_miss"),
    "recovery": ("recovery",),
    "priors": ("prior_weight", "prior_factors"),
}


def parse_sections(sections: str | None) -> set[str] | None:
    """The sections a `?sections=` value names; None for all of them."""
    if sections is None or not sections.strip():
        return None
    chosen = {part.strip() for part in sections.split(",") if part.strip()}
    unknown = sorted(chosen - SECTIONS.keys())
    if unknown:
        raise UnknownSections(unknown, sorted(SECTIONS))
    return chosen


def get_condition(session: Session, slug: str) -> ConditionPublic:
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


def list_conditions(
    session: Session, *, q: str | None, limit: int, cursor: str | None
) -> ConditionPage:
    """Conditions by name, or by relevance to ``q``; keyset pages so no row is seen twice."""
    position = _decode_cursor(cursor) if cursor else None
    if q is not None and q.strip():
        return _search(session, q, limit, position)
    query = select(Condition.slug, Condition.name, Condition.summary).order_by(col(Condition.slug))
    if position is not None:
        if not isinstance(position.get("slug"), str) or "rank" in position:
            raise InvalidCursor()
        query = query.where(col(Condition.slug) > position["slug"])
    rows = session.exec(query.limit(limit + 1)).all()
    items = [
        ConditionSummary(slug=slug, name=name, summary=summary) for slug, name, summary in rows
    ]
    next_cursor = _encode_cursor({"slug": items[limit - 1].slug}) if len(rows) > limit else None
    return ConditionPage(items=items[:limit], next_cursor=next_cursor)


def _search(session: Session, q: str, limit: int, position: dict[str, Any] | None) -> ConditionPage:
    words = SEARCH_WORD.findall(q)
    if not words:
        return ConditionPage(items=[], next_cursor=None)
    after = None
    if position is not None:
        rank, slug = position.get("rank"), position.get("slug")
        if isinstance(rank, bool) or not isinstance(rank, int | float) or not isinstance(slug, str):
            raise InvalidCursor()
        after = (float(rank), slug)
    statement = search_index.search(
        session.get_bind().dialect.name, words, limit=limit + 1, after=after
    )
    rows = session.connection().execute(statement).all()
    items = [ConditionSummary(slug=row.slug, name=row.name, summary=row.summary) for row in rows]
    next_cursor = None
    if len(rows) > limit:
        last = rows[limit - 1]
        next_cursor = _encode_cursor({"rank": float(last.rank), "slug": last.slug})
    return ConditionPage(items=items[:limit], next_cursor=next_cursor)


def _encode_cursor(position: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(position).encode()).decode().rstrip("=")


def _decode_cursor(cursor: str) -> dict[str, Any]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        position = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (binascii.Error, ValueError, UnicodeDecodeError) as error:
        raise InvalidCursor() from error
    if not isinstance(position, dict):
        raise InvalidCursor()
    return position
