"""POST /v1/lookup and /v1/parse: recognise the symptoms, rank the conditions that could
explain them, propose the next question and say where to go."""

import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import Engine
from sqlmodel import Session

from app.cache.knowledge_cache import KnowledgeCache
from app.cache.version import KnowledgeState
from app.core.errors import InvalidContent
from app.ingest.codes import ICD_10_CM
from app.language.matcher import is_english_word
from app.language.mentions import find_mentions
from app.language.placing import place_regions, unplaced_words
from app.language.recognition import recognize, suggest_phrases
from app.language.vocabulary_index import (
    VocabularyIndex,
    kept_vocabulary_index,
    load_vocabulary_index,
)
from app.models import Frequency
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
from app.ranking.profiles import (
    ConditionProfiles,
    ListedSymptom,
    kept_condition_profiles,
    load_condition_profiles,
)
from app.schemas.conditions import CodePublic
from app.schemas.lookup import (
    Candidate,
    ConditionRef,
    Coverage,
    LookupRequest,
    LookupResponse,
    MatchedSymptom,
    NextQuestion,
    ParseResponse,
    RecognizedSymptom,
    RegionCoverage,
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
        # The English word list spelling correction consults (100 ms to load), so that no
        # lookup loads it on the event loop.
        is_english_word("warm")
    except Exception:
        logger.warning(
            "warming up the lookup failed; the first lookup will build it", exc_info=True
        )


@dataclass
class Reading:
    """What a lookup's words say, before any ranking: the symptoms recognised, the inputs and
    words that could not be placed, and the body regions of the complaint."""

    recognized: list[RecognizedSymptom] = field(default_factory=list)
    unrecognized: list[UnrecognizedSymptom] = field(default_factory=list)
    regions: set[str] = field(default_factory=set)
    unplaced: int = 0  # stretches of free text that name nothing known
    unsure: set[str] = field(default_factory=set)  # asked, and the person could not say


# Called with each stage's name as it ends (a benchmark's stopwatch); by default nothing.
Lap = Callable[[str], None]
STAGES = ("recognition", "ranking", "next_question", "triage", "serialisation")


def look_up(
    session: Session, cache: KnowledgeCache, request: LookupRequest, *, lap: Lap | None = None
) -> LookupResponse:
    """The answer to a lookup, from the copies of the version the session sees."""
    return answer_lookup(
        load_vocabulary_index(session, cache),
        load_condition_profiles(session, cache),
        request,
        remember=cache.remembered_phrases,
        lap=lap,
    )


# A short lookup is a few milliseconds of work, less than handing it to a thread; the cost of
# a long one grows with its words and items (each unknown one is spelling-corrected), so it
# goes to a thread, where it cannot hold the event loop for long.
LOOP_LOOKUP_ITEMS = 12


def look_up_from_memory(
    cache: KnowledgeCache, request: LookupRequest, at_least: KnowledgeState, *, characters: int
) -> LookupResponse | None:
    """The answer from copies already in memory, at least as new as ``at_least``, or None
    when one is missing or the question is longer than ``characters`` or 12 items: then it
    is answered in a thread, with the database."""
    items = [*request.symptoms, *request.absent, *request.unsure]
    if (
        len(items) > LOOP_LOOKUP_ITEMS
        or len(request.text or "") + sum(map(len, items)) > characters
    ):
        return None
    index = kept_vocabulary_index(cache, at_least)
    profiles = kept_condition_profiles(cache, at_least)
    if index is None or profiles is None:
        return None
    return answer_lookup(index, profiles, request, remember=cache.remembered_phrases)


def answer_lookup(
    index: VocabularyIndex,
    profiles: ConditionProfiles,
    request: LookupRequest,
    *,
    remember: int,
    lap: Lap | None = None,
) -> LookupResponse:
    """The answer to a lookup, in its stages: recognition (the words read as symptoms and body
    regions), ranking, the next question, triage and serialisation into the response shape."""
    lap = lap or _no_lap
    reading = read_request(index, request, remember=remember)
    evidence = gather_evidence(index, request, reading)
    lap("recognition")
    ranking = rank_candidates(profiles, evidence, limit=request.limit)
    coverage = _coverage(index, profiles, evidence)
    lap("ranking")
    question = _question(index, profiles, ranking, evidence)
    lap("next_question")
    assessed = _triage(
        index,
        triage.assess(
            index,
            set(evidence.red_flags),
            ranking,
            placed=coverage.placed,
            uncovered=[r.name for r in coverage.regions if not r.covered],
        ),
    )
    lap("triage")
    response = LookupResponse(
        recognized=reading.recognized,
        unrecognized=reading.unrecognized,
        candidates=[_candidate(item) for item in ranking.candidates[: request.limit]],
        something_else=round(ranking.something_else, 4),
        not_listed=round(ranking.not_listed, 4),
        next_question=question,
        coverage=coverage,
        triage=assessed,
    )
    lap("serialisation")
    return response


def _no_lap(_stage: str) -> None:
    pass


def rank_request(session: Session, cache: KnowledgeCache, request: LookupRequest) -> Ranking:
    """The ranking a lookup answers with, whole (for benchmarks and evaluations)."""
    index = load_vocabulary_index(session, cache)
    reading = read_request(index, request, remember=cache.remembered_phrases)
    evidence = gather_evidence(index, request, reading)
    return rank_candidates(load_condition_profiles(session, cache), evidence, limit=request.limit)


def gather_evidence(index: VocabularyIndex, request: LookupRequest, reading: Reading) -> Evidence:
    recognized = reading.recognized
    present = {item.symptom.slug for item in recognized if item.present}
    # A symptom both reported and denied is taken as reported: the person has it somewhere.
    absent = {item.symptom.slug for item in recognized if not item.present} - present
    red_flags = {slug for slug in present if index.symptoms[slug].warns(present)}
    regions = set(reading.regions)
    regions |= {index.symptom_regions[slug] for slug in present if slug in index.symptom_regions}
    return Evidence(
        present=frozenset(present),
        absent=frozenset(absent),
        red_flags=frozenset(red_flags),
        warning_signs=index.warning_signs,
        age=request.age,
        sex=request.sex.value if request.sex else None,
        regions=frozenset(index.regions.most_specific(regions)),
        unplaced=reading.unplaced,
        unsure=frozenset(reading.unsure),
    )


def read_request(index: VocabularyIndex, request: LookupRequest, *, remember: int) -> Reading:
    """Recognise every input: list items one by one (remembered per vocabulary copy), and the
    free text as a whole, with the words of it that could not be placed."""
    reading = Reading()
    unknown = [slug for slug in request.regions if slug not in index.regions.regions]
    if unknown:
        raise InvalidContent(
            f"regions: {', '.join(map(repr, unknown))} is not a body region (see /v1/regions)."
        )
    reading.regions.update(request.regions)
    unsure = {name: index.symptom_slug(name) for name in request.unsure}
    unknown = [name for name, slug in unsure.items() if slug is None]
    if unknown:
        raise InvalidContent(
            f"unsure: {', '.join(map(repr, unknown))} is not a symptom slug (see /v1/symptoms)."
        )
    reading.unsure = {slug for slug in unsure.values() if slug is not None}
    for phrases, reported_present in ((request.symptoms, True), (request.absent, False)):
        for phrase in phrases:
            recognition = recognize(index, phrase, remember=remember)
            if not recognition.symptoms and not recognition.regions:
                suggestions = [_symptom_ref(index, slug) for slug in recognition.suggestions]
                reading.unrecognized.append(
                    UnrecognizedSymptom(input=phrase, suggestions=suggestions)
                )
                reading.unplaced += 1
            for slug, stated_present in recognition.symptoms:
                # "No numbness" among the symptoms is an absent symptom all the same.
                reading.recognized.append(
                    RecognizedSymptom(
                        input=phrase,
                        symptom=_symptom_ref(index, slug),
                        present=reported_present and stated_present,
                    )
                )
            if reported_present:
                reading.regions.update(slug for slug, hurts in recognition.regions if hurts)
    if request.text is not None:
        text = request.text
        mentions = find_mentions(index, text, most_specific=True)
        reading.recognized += [
            RecognizedSymptom(
                input=mention.text,
                symptom=_symptom_ref(index, mention.symptom_slug),
                present=mention.present,
            )
            for mention in mentions
        ]
        regions = place_regions(index, text, mentions)
        reading.regions.update(region.region for region in regions if region.complaint)
        unplaced = unplaced_words(text, mentions, regions)
        reading.unrecognized += [
            UnrecognizedSymptom(input=item.text, suggestions=[], start=item.start, end=item.end)
            for item in unplaced
        ]
        reading.unplaced += len(unplaced)
    return reading


def _coverage(index: VocabularyIndex, profiles: ConditionProfiles, evidence: Evidence) -> Coverage:
    regions = [
        RegionCoverage(slug=slug, name=index.regions.name_of(slug), covered=profiles.covered(slug))
        for slug in sorted(evidence.regions)
    ]
    placed = bool(evidence.present or evidence.absent or regions)
    uncovered = [region.name.lower() for region in regions if not region.covered]
    message = None
    if not placed:
        message = (
            "This service could not place what you describe: it recognised no symptom and no "
            "part of the body it knows."
        )
    elif uncovered and len(uncovered) == len(regions):
        message = f"This knowledge base has no conditions of the {_joined(uncovered)}."
    elif uncovered:
        message = (
            f"This knowledge base has no conditions of the {_joined(uncovered)}; what it says "
            "covers the rest."
        )
    return Coverage(regions=regions, placed=placed, message=message)


def _joined(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or the " + names[-1]


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
            slug=item.profile.slug,
            name=item.profile.name,
            source_id=item.profile.source_id,
            codes=[
                CodePublic(system=ICD_10_CM, code=code, display=display)
                for code, display in item.profile.codes
            ],
        ),
        score=round(item.score, 4),
        matched=[_listed(match.listed, match) for match in item.matched],
        against=_matched(item.against)
        + [
            MatchedSymptom(
                slug=slug,
                name=f"Pain in the {name.lower()}",
                frequency=Frequency.absent,
                relation="outside_its_regions",
            )
            for slug, name in item.outside_regions
        ],
        unexpected=_matched(item.unexpected),
        not_mentioned=_matched(item.not_mentioned),
        explanation=explain(item),
        promoted_for_safety=item.promoted_for_safety,
        care_level=item.profile.care_level,
        seek_help=item.profile.seek_help,
    )
