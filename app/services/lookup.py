"""POST /v1/lookup and /v1/parse: recognise the symptoms, rank the conditions that could
explain them, propose the next question and say where to go."""

import logging

from sqlalchemy import Engine
from sqlmodel import Session

from app.cache.knowledge_cache import KnowledgeCache
from app.language.mentions import find_mentions
from app.language.recognition import recognize, suggest_phrases
from app.language.vocabulary_index import VocabularyIndex, load_vocabulary_index
from app.ranking import triage
from app.ranking.model import (
    Evidence,
    Match,
    RankedCondition,
    Ranking,
    explain,
    next_question,
    rank_candidates,
)
from app.ranking.profiles import ConditionProfiles, ListedSymptom, load_condition_profiles
from app.schemas.lookup import (
    Candidate,
    ConditionRef,
    LookupRequest,
    LookupResponse,
    MatchedSymptom,
    NextQuestion,
    ParseResponse,
    RecognizedSymptom,
    SymptomMention,
    Triage,
    TriageReason,
    UnrecognizedSymptom,
)
from app.schemas.symptoms import SymptomRef, SymptomSuggestion

logger = logging.getLogger(__name__)


def suggest_symptoms(
    session: Session, cache: KnowledgeCache, *, q: str, limit: int
) -> list[SymptomSuggestion]:
    """Autocomplete: the symptoms whose names or lay words start with what was typed."""
    index = load_vocabulary_index(session, cache)
    return [
        SymptomSuggestion(
            slug=slug,
            name=index.symptoms[slug].name,
            region=index.symptoms[slug].region,
            matched=text,
        )
        for slug, text in suggest_phrases(index, q, limit=limit)
    ]


def parse_text(session: Session, cache: KnowledgeCache, text: str) -> ParseResponse:
    index = load_vocabulary_index(session, cache)
    return ParseResponse(text=text, symptoms=_mentions(index, text))


def _mentions(index: VocabularyIndex, text: str) -> list[SymptomMention]:
    return [
        SymptomMention(
            symptom=_symptom_ref(index, m.symptom_slug),
            present=m.present,
            start=m.start,
            end=m.end,
            text=m.text,
        )
        for m in find_mentions(index, text, most_specific=True)
    ]


def warm_up(engine: Engine, cache: KnowledgeCache) -> None:
    """Build what a lookup reads (the vocabulary and the ranking's arrays) ahead of the first
    one. A failure here is only a slower first lookup, which then says what went wrong."""
    try:
        with Session(engine) as session:
            load_vocabulary_index(session, cache)
            load_condition_profiles(session, cache)
    except Exception:
        logger.warning(
            "warming up the lookup failed; the first lookup will build it", exc_info=True
        )


def look_up(session: Session, cache: KnowledgeCache, request: LookupRequest) -> LookupResponse:
    index = load_vocabulary_index(session, cache)
    recognized, unrecognized = _recognize_all(index, request, remember=cache.remembered_phrases)
    evidence = gather_evidence(index, request, recognized)
    profiles = load_condition_profiles(session, cache)
    ranking = rank_candidates(profiles, evidence, limit=request.limit)
    return LookupResponse(
        recognized=recognized,
        unrecognized=unrecognized,
        candidates=[_candidate(item) for item in ranking.candidates[: request.limit]],
        something_else=round(ranking.something_else, 4),
        not_listed=round(ranking.not_listed, 4),
        next_question=_question(index, profiles, ranking, evidence),
        triage=_triage(index, triage.assess(index, set(evidence.red_flags), ranking)),
    )


def rank_request(session: Session, cache: KnowledgeCache, request: LookupRequest) -> Ranking:
    """The ranking a lookup answers with, whole (for benchmarks and evaluations)."""
    index = load_vocabulary_index(session, cache)
    recognized = _recognize_all(index, request, remember=cache.remembered_phrases)[0]
    evidence = gather_evidence(index, request, recognized)
    return rank_candidates(load_condition_profiles(session, cache), evidence, limit=request.limit)


def gather_evidence(
    index: VocabularyIndex, request: LookupRequest, recognized: list[RecognizedSymptom]
) -> Evidence:
    present = {item.symptom.slug for item in recognized if item.present}
    # A symptom both reported and denied is taken as reported: the person has it somewhere.
    absent = {item.symptom.slug for item in recognized if not item.present} - present
    red_flags = {slug for slug in present if index.symptoms[slug].red_flag_level is not None}
    return Evidence(
        present=frozenset(present),
        absent=frozenset(absent),
        red_flags=frozenset(red_flags),
        warning_signs=index.warning_signs,
        age=request.age,
        sex=request.sex.value if request.sex else None,
    )


def _recognize_all(
    index: VocabularyIndex, request: LookupRequest, *, remember: int
) -> tuple[list[RecognizedSymptom], list[UnrecognizedSymptom]]:
    recognized: list[RecognizedSymptom] = []
    unrecognized: list[UnrecognizedSymptom] = []
    for phrases, reported_present in ((request.symptoms, True), (request.absent, False)):
        for phrase in phrases:
            recognition = recognize(index, phrase, remember=remember)
            if not recognition.symptoms:
                suggestions = [_symptom_ref(index, slug) for slug in recognition.suggestions]
                unrecognized.append(UnrecognizedSymptom(input=phrase, suggestions=suggestions))
            for slug, stated_present in recognition.symptoms:
                # "No numbness" among the symptoms is an absent symptom all the same.
                recognized.append(
                    RecognizedSymptom(
                        input=phrase,
                        symptom=_symptom_ref(index, slug),
                        present=reported_present and stated_present,
                    )
                )
    if request.text is not None:
        recognized += [
            RecognizedSymptom(input=mention.text, symptom=mention.symptom, present=mention.present)
            for mention in _mentions(index, request.text)
        ]
    return recognized, unrecognized


def _symptom_ref(index: VocabularyIndex, slug: str) -> SymptomRef:
    return SymptomRef(slug=slug, name=index.symptoms[slug].name)


def _triage(index: VocabularyIndex, decision: triage.Triage) -> Triage:
    return Triage(
        level=decision.level,
        advice=decision.advice,
        reasons=[
            TriageReason(
                level=reason.level,
                advice=reason.advice,
                symptom=_symptom_ref(index, reason.symptom) if reason.symptom else None,
                condition=(
                    ConditionRef(slug=reason.condition.slug, name=reason.condition.name)
                    if reason.condition
                    else None
                ),
            )
            for reason in decision.reasons
        ],
    )


def _question(
    index: VocabularyIndex, profiles: ConditionProfiles, ranking: Ranking, evidence: Evidence
) -> NextQuestion | None:
    question = next_question(profiles, ranking, evidence)
    if question is None:
        return None
    symptom = index.symptoms[question.symptom]
    return NextQuestion(
        symptom=SymptomRef(slug=symptom.slug, name=symptom.name),
        question=symptom.question or f"Do you have this: {symptom.name.lower()}?",
        information_gain=round(question.information_gain, 4),
        purpose="rule_out_warning_sign" if question.rules_out_warning_sign else "separate",
    )


def _matched(items: list[ListedSymptom]) -> list[MatchedSymptom]:
    return [_listed(item) for item in items]


def _listed(item: ListedSymptom, match: Match | None = None) -> MatchedSymptom:
    return MatchedSymptom(
        slug=item.slug,
        name=item.name,
        frequency=item.frequency,
        frequency_value=item.frequency_value,
        reported=match.reported if match else None,
        relation=match.relation.value if match else None,
    )


def _candidate(item: RankedCondition) -> Candidate:
    return Candidate(
        condition=ConditionRef(
            slug=item.profile.slug, name=item.profile.name, source_id=item.profile.source_id
        ),
        score=round(item.score, 4),
        matched=[_listed(match.listed, match) for match in item.matched],
        against=_matched(item.against),
        unexpected=_matched(item.unexpected),
        not_mentioned=_matched(item.not_mentioned),
        explanation=explain(item),
        promoted_for_safety=item.promoted_for_safety,
        care_level=item.profile.care_level,
        seek_help=item.profile.seek_help,
    )
