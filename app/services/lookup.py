"""POST /v1/lookup: recognise the symptoms, then rank the conditions that could explain them."""

from sqlalchemy import func
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from app.knowledge.vocabulary_index import load_vocabulary_index
from app.models import Condition, ConditionSymptom, Symptom
from app.schemas import (
    Candidate,
    ConditionRef,
    LookupRequest,
    LookupResponse,
    MatchedSymptom,
    RecognizedSymptom,
    UnrecognizedSymptom,
)
from app.services.ranking import (
    ConditionProfile,
    ListedSymptom,
    RankedCondition,
    explain,
    rank_candidates,
)
from app.services.symptoms import recognize


def look_up(session: Session, request: LookupRequest) -> LookupResponse:
    index = load_vocabulary_index(session)
    recognized: list[RecognizedSymptom] = []
    unrecognized: list[UnrecognizedSymptom] = []
    present: set[str] = set()
    absent: set[str] = set()
    for phrases, reported_present in ((request.symptoms, True), (request.absent, False)):
        for phrase in phrases:
            recognition = recognize(index, phrase)
            if not recognition.symptoms:
                unrecognized.append(
                    UnrecognizedSymptom(input=phrase, suggestions=recognition.suggestions)
                )
            for symptom, stated_present in recognition.symptoms:
                # "No numbness" among the symptoms is an absent symptom all the same.
                is_present = reported_present and stated_present
                recognized.append(
                    RecognizedSymptom(input=phrase, symptom=symptom, present=is_present)
                )
                (present if is_present else absent).add(symptom.slug)
    # A symptom both reported and denied is taken as reported: the person has it somewhere.
    absent -= present
    ranked = rank_candidates(
        _profiles(session, present | absent),
        present=present,
        absent=absent,
        conditions_in_base=session.exec(select(func.count(col(Condition.id)))).one(),
    )
    return LookupResponse(
        recognized=recognized,
        unrecognized=unrecognized,
        candidates=[_candidate(item) for item in ranked[: request.limit]],
    )


def _profiles(session: Session, slugs: set[str]) -> list[ConditionProfile]:
    """Every condition listing any of the symptoms, with all the symptoms it lists."""
    if not slugs:
        return []
    involved = (
        select(ConditionSymptom.condition_id)
        .join(Symptom, col(Symptom.id) == col(ConditionSymptom.symptom_id))
        .where(col(Symptom.slug).in_(slugs))
    )
    rows = (
        session.connection()
        .execute(
            sa_select(
                col(Condition.slug),
                col(Condition.name),
                col(Symptom.slug),
                col(Symptom.name),
                col(ConditionSymptom.frequency),
            )
            .join(ConditionSymptom, col(ConditionSymptom.condition_id) == col(Condition.id))
            .join(Symptom, col(Symptom.id) == col(ConditionSymptom.symptom_id))
            .where(col(Condition.id).in_(involved))
            .order_by(col(Condition.slug), col(ConditionSymptom.position))
        )
        .all()
    )
    profiles: dict[str, ConditionProfile] = {}
    for condition_slug, condition_name, symptom_slug, symptom_name, frequency in rows:
        profile = profiles.setdefault(
            condition_slug, ConditionProfile(condition_slug, condition_name)
        )
        profile.symptoms[symptom_slug] = ListedSymptom(symptom_slug, symptom_name, frequency)
    return list(profiles.values())


def _matched(items: list[ListedSymptom]) -> list[MatchedSymptom]:
    return [MatchedSymptom(slug=s.slug, name=s.name, frequency=s.frequency) for s in items]


def _candidate(item: RankedCondition) -> Candidate:
    return Candidate(
        condition=ConditionRef(slug=item.profile.slug, name=item.profile.name),
        score=round(item.score, 4),
        matched=_matched(item.matched),
        against=_matched(item.against),
        not_mentioned=_matched(item.not_mentioned),
        explanation=explain(item),
    )
