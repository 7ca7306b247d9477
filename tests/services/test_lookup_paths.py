"""Speed bought nothing with correctness: a few thousand generated lookups answered by today's
path (the inverted index of terms, the question's table read row by row, priors kept per age
and sex, the answer computed from memory) and by the straightforward path it replaced (every
term whose first word occurs tried against the clause, every chance of the question's table
computed alone, priors computed per lookup, the answer computed from a session) come out the
same, to the last rounded figure and in the same order."""

import random
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.cache.knowledge_cache import KnowledgeCache
from app.core.config import PROJECT_ROOT
from app.language import matcher as matching
from app.language.matcher import SymptomMatch, SymptomMatcher, Term
from app.language.vocabulary_index import VocabularyIndex, load_vocabulary_index
from app.ranking import model
from app.ranking.profiles import ConditionProfile, ConditionProfiles, load_condition_profiles
from app.ranking.scoring import FloatArray, ScoringIndex
from app.schemas.lookup import LookupRequest
from app.services.evaluation import read_vignettes
from app.services.lookup import answer_lookup, look_up, look_up_from_memory
from tests.conftest import client_session

GENERATED = 2_000


class FirstWordMatcher(SymptomMatcher):
    """The matcher as it was: terms filed under their first stem, each one tried."""

    def __init__(self, terms: list[Term]) -> None:
        super().__init__(terms)
        self._by_first: dict[str, list[Term]] = defaultdict(list)
        for term in terms:
            self._by_first[term.stems[0]].append(term)

    def _find_in_clause(self, clause: str, offset: int) -> list[SymptomMatch]:
        tokens = self._spell_checked(clause)
        positions_by_stem = matching.stem_positions(tokens)
        matches: list[SymptomMatch] = []
        for stem in positions_by_stem:
            for term in self._by_first.get(stem, ()):
                match = matching._match_term(term, tokens, positions_by_stem, offset)
                if match is not None:
                    matches.append(match)
        return matches


def _terms(current: SymptomMatcher) -> list[Term]:
    filed = [entry for entries in current._terms_by_stem.values() for entry in entries]
    return [term for _, term in sorted(filed, key=lambda entry: entry[0])]


def _chances_one_by_one(
    profile: ConditionProfile, symptoms: list[str], index: ScoringIndex, _below: object
) -> list[float]:
    chances = []
    for symptom in symptoms:
        lineage = index.hierarchy.lineage(symptom)
        if profile.lacks and not profile.lacks.keys().isdisjoint(lineage):
            chances.append(model.ABSENT)
        else:
            chances.append(profile.chances(index.hierarchy).get(symptom, model.UNLISTED))
    return chances


def _priors_per_lookup(
    profiles: ConditionProfiles, *, age: int | None, sex: str | None
) -> tuple[FloatArray, float]:
    if age is None and sex is None or not profiles.with_factors:
        return profiles.base_priors, profiles.total_base_prior
    priors = profiles.base_priors.copy()
    for number in profiles.with_factors:
        priors[number] = profiles.ordered[number].prior(age=age, sex=sex)
    changed = priors[profiles.with_factors] - profiles.base_priors[profiles.with_factors]
    return priors, profiles.total_base_prior + float(changed.sum())


def _generated(index: VocabularyIndex) -> Iterator[LookupRequest]:
    """Lookups of every kind an app sends: people's texts, phrases and slugs as lists, denials,
    body regions, ages and sexes."""
    chance = random.Random(20261201)
    phrases = sorted({phrase.text for phrase in index.phrases})
    slugs = sorted(index.symptoms)
    regions = sorted(index.regions.regions)
    texts = [
        vignette.text or ". ".join(vignette.symptoms)
        for name in ("vignettes_body.toml", "vignettes.toml")
        for vignette in read_vignettes(PROJECT_ROOT / "tests" / name)
    ]
    sexes = ["male", "female", None]
    bodies: list[dict[str, Any]] = [
        {"text": text, "age": chance.randint(8, 80), "sex": chance.choice(sexes)} for text in texts
    ]
    while len(bodies) < GENERATED:
        if chance.random() < 0.5:
            body: dict[str, Any] = {
                "symptoms": chance.sample(phrases, chance.randint(1, 5))
                + chance.sample(slugs, chance.randint(0, 2)),
                "absent": chance.sample(slugs, chance.randint(0, 2)),
                "limit": chance.randint(1, 12),
            }
            if chance.random() < 0.3:
                body["regions"] = chance.sample(regions, chance.randint(1, 2))
        else:
            parts = chance.sample(phrases, chance.randint(1, 4))
            if chance.random() < 0.5:
                parts.append("no " + chance.choice(phrases))
            if chance.random() < 0.3:
                parts.append(chance.choice(texts))
            body = {"text": ". ".join(parts)}
        body["age"] = chance.choice([None, chance.randint(5, 90)])
        body["sex"] = chance.choice(sexes)
        bodies.append(body)
    for body in bodies:
        yield LookupRequest.model_validate({k: v for k, v in body.items() if v is not None})


@pytest.fixture
def base(client: TestClient) -> Iterator[tuple[Session, KnowledgeCache]]:
    cache: KnowledgeCache = client.app.state.cache  # type: ignore[attr-defined]
    with client_session(client) as session:
        yield session, cache


def test_generated_lookups_answer_as_the_straightforward_path_does(
    base: tuple[Session, KnowledgeCache], monkeypatch: pytest.MonkeyPatch
) -> None:
    session, cache = base
    index = load_vocabulary_index(session, cache)
    profiles = load_condition_profiles(session, cache)
    state = cache.versions.knowledge(session)
    requests = list(_generated(index))
    today = [look_up_from_memory(cache, request, state, characters=8_000) for request in requests]
    assert all(answer is not None for answer in today)
    assert today == [look_up(session, cache, request) for request in requests]

    straightforward = replace(
        index, matcher=FirstWordMatcher(_terms(index.matcher)), recognitions={}
    )
    monkeypatch.setattr(model, "_chances_of", _chances_one_by_one)
    monkeypatch.setattr(ConditionProfiles, "priors", _priors_per_lookup)
    differing = [
        request
        for request, answer in zip(requests, today, strict=True)
        if answer
        != answer_lookup(straightforward, profiles, request, remember=cache.remembered_phrases)
    ]
    assert differing == []
    # What is compared is worth comparing: most lookups recognise something and rank several.
    ranked = [answer for answer in today if answer is not None and len(answer.candidates) > 1]
    assert len(ranked) > 0.8 * GENERATED
    assert sum(answer.next_question is not None for answer in today if answer) > 0.5 * GENERATED
