"""The vocabulary in memory: the matcher and every phrase, rebuilt only when it changes."""

import weakref
from dataclasses import dataclass

from sqlalchemy import Engine, func
from sqlmodel import Session, col, select

from app.knowledge.matcher import SymptomMatcher, make_term
from app.models import Document, Symptom, SymptomSynonym


@dataclass(frozen=True)
class KnownSymptom:
    slug: str
    name: str
    region: str | None


@dataclass(frozen=True)
class Phrase:
    symptom_slug: str
    text: str


@dataclass(frozen=True)
class VocabularyIndex:
    matcher: SymptomMatcher
    symptoms: dict[str, KnownSymptom]
    phrases: list[Phrase]


_cache: "weakref.WeakKeyDictionary[Engine, tuple[tuple[int, ...], VocabularyIndex]]" = (
    weakref.WeakKeyDictionary()
)


def _fingerprint(session: Session) -> tuple[int, ...]:
    # Every vocabulary change writes a new document or symptom row, so these numbers move.
    row = session.exec(
        select(
            select(func.coalesce(func.max(Document.id), 0)).scalar_subquery(),
            select(func.coalesce(func.max(Symptom.id), 0)).scalar_subquery(),
            select(func.count(col(Symptom.id))).scalar_subquery(),
            select(func.coalesce(func.max(SymptomSynonym.id), 0)).scalar_subquery(),
        )
    ).one()
    return tuple(int(value) for value in row)


def load_vocabulary_index(session: Session) -> VocabularyIndex:
    fingerprint = _fingerprint(session)
    engine = session.get_bind()
    assert isinstance(engine, Engine)
    cached = _cache.get(engine)
    if cached is not None and cached[0] == fingerprint:
        return cached[1]
    symptoms = {
        slug: KnownSymptom(slug, name, region)
        for slug, name, region in session.exec(select(Symptom.slug, Symptom.name, Symptom.region))
    }
    phrases = [Phrase(slug, symptom.name) for slug, symptom in symptoms.items()]
    phrases += [
        Phrase(slug, text)
        for slug, text in session.exec(
            select(Symptom.slug, SymptomSynonym.text).join(
                SymptomSynonym, col(SymptomSynonym.symptom_id) == col(Symptom.id)
            )
        )
    ]
    terms = (make_term(phrase.symptom_slug, phrase.text) for phrase in phrases)
    matcher = SymptomMatcher(term for term in terms if term is not None)
    index = VocabularyIndex(matcher, symptoms, phrases)
    _cache[engine] = (fingerprint, index)
    return index
