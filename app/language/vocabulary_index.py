"""The vocabulary in memory: the matcher and every phrase, rebuilt only when it changes."""

from collections.abc import Set
from dataclasses import dataclass, field
from typing import Any

from rapidfuzz import utils
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from app.cache.copies import DependsOn
from app.cache.knowledge_cache import KnowledgeCache
from app.cache.version import KnowledgeState
from app.language.matcher import SymptomMatcher, make_term
from app.language.regions import Region, RegionIndex
from app.language.text import normalize_phrase
from app.models import (
    BodyRegion,
    BodyRegionWord,
    CareLevel,
    Document,
    DocumentKind,
    Symptom,
    SymptomImplication,
    SymptomRedFlagPartner,
    SymptomRegion,
    SymptomSynonym,
    SynonymKind,
)


@dataclass(frozen=True)
class KnownSymptom:
    slug: str
    name: str
    region: str | None
    question: str | None = None
    red_flag_level: CareLevel | None = None
    red_flag_advice: str | None = None
    # A warning sign only together with one of these (none: on its own).
    red_flag_with: frozenset[str] = frozenset()

    def warns(self, reported: Set[str]) -> bool:
        """Whether it is a warning sign among these reported symptoms."""
        return self.red_flag_level is not None and (
            not self.red_flag_with or not self.red_flag_with.isdisjoint(reported)
        )


@dataclass(frozen=True)
class Phrase:
    symptom_slug: str
    text: str


@dataclass(frozen=True)
class VocabularyIndex:
    matcher: SymptomMatcher
    symptoms: dict[str, KnownSymptom]
    phrases: list[Phrase]
    region_matcher: SymptomMatcher
    vocabulary_slugs: frozenset[str]
    implications: dict[str, tuple[str, ...]]
    # An ontology's terms are named exactly, not found in running text: lower-cased ids
    # (HP:0001250 and its earlier ids) and the normalised names and synonyms of its terms.
    identifiers: dict[str, str] = field(default_factory=dict)
    ontology_names: dict[str, str] = field(default_factory=dict)
    warning_signs: frozenset[str] = frozenset()  # symptoms that are red flags
    # An ontology's names and synonyms, for autocomplete: every word-start suffix of each
    # (lower-cased, with the phrase's position), sorted, so a prefix is found by bisection.
    ontology_phrases: list[Phrase] = field(default_factory=list)
    ontology_suffixes: list[tuple[str, int]] = field(default_factory=list)
    # Every word of the phrases, with the positions of the phrases it is in (for near spellings).
    phrase_words: dict[str, list[int]] = field(default_factory=dict)
    # Where on the body: the region hierarchy with its words, and each symptom's region.
    regions: RegionIndex = field(default_factory=lambda: RegionIndex({}))
    symptom_regions: dict[str, str] = field(default_factory=dict)
    # What each phrase was recognised as, for as long as this index lives: people say the
    # same things in the same words, and recognising a phrase is a third of a lookup.
    recognitions: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    def symptom_slug(self, name: str) -> str | None:
        """The symptom a slug or an ontology id (HP:0001250, or an earlier id) names."""
        return name if name in self.symptoms else self.identifiers.get(name.lower())


def _matcher(phrases: list[Phrase]) -> SymptomMatcher:
    terms = (make_term(phrase.symptom_slug, phrase.text) for phrase in phrases)
    return SymptomMatcher(term for term in terms if term is not None)


def build_vocabulary_index(session: Session) -> VocabularyIndex:
    """The vocabulary as the session sees it, built whole (a writer that changed it uses this)."""
    rows = session.exec(
        select(Symptom, Document.kind)
        .join(Document, col(Document.id) == col(Symptom.document_id))
        .order_by(col(Symptom.id))
    ).all()
    partner = aliased(Symptom)
    partners: dict[str, set[str]] = {}
    for slug, partner_slug in session.exec(
        select(Symptom.slug, partner.slug)
        .join(SymptomRedFlagPartner, col(SymptomRedFlagPartner.symptom_id) == col(Symptom.id))
        .join(partner, col(partner.id) == col(SymptomRedFlagPartner.partner_id))
    ):
        partners.setdefault(slug, set()).add(partner_slug)
    symptoms = {
        row.slug: KnownSymptom(
            row.slug,
            row.name,
            row.region,
            row.question,
            row.red_flag_level,
            row.red_flag_advice,
            frozenset(partners.get(row.slug, ())),
        )
        for row, _kind in rows
    }
    # Only the vocabulary names symptoms in text: a symptom a page made of its own wording
    # stays that page's, or one page's "pain" would become every later page's symptom.
    phrases = [Phrase(row.slug, row.name) for row, kind in rows if kind == DocumentKind.vocabulary]
    region_phrases: list[Phrase] = []
    identifiers = {row.source_id.lower(): row.slug for row, _kind in rows if row.source_id}
    # Where names collide (an ontology has a few), the oldest term keeps the name.
    ontology_names: dict[str, str] = {}
    ontology_phrases: list[Phrase] = []
    for row, kind in rows:
        if kind == DocumentKind.ontology:
            ontology_names.setdefault(normalize_phrase(row.name), row.slug)
            ontology_phrases.append(Phrase(row.slug, row.name))
    synonyms = session.exec(
        select(Symptom.slug, SymptomSynonym.text, SymptomSynonym.kind, Document.kind)
        .join(SymptomSynonym, col(SymptomSynonym.symptom_id) == col(Symptom.id))
        .join(Document, col(Document.id) == col(SymptomSynonym.document_id))
        .order_by(col(SymptomSynonym.id))
    )
    for slug, text, kind, source_kind in synonyms:
        if kind == SynonymKind.identifier:
            # A live term's earlier id wins over a retired term kept for a page that lists it.
            identifiers[text.lower()] = slug
        elif source_kind == DocumentKind.ontology:
            ontology_names.setdefault(normalize_phrase(text), slug)
            ontology_phrases.append(Phrase(slug, text))
        else:
            (phrases if kind == SynonymKind.term else region_phrases).append(Phrase(slug, text))
    implied = Symptom.__table__.alias("implied")  # type: ignore[attr-defined]
    implications: dict[str, list[str]] = {}
    for slug, implied_slug in session.exec(
        select(Symptom.slug, implied.c.slug)
        .join(SymptomImplication, col(SymptomImplication.symptom_id) == col(Symptom.id))
        .join(implied, implied.c.id == SymptomImplication.implied_symptom_id)
    ):
        implications.setdefault(slug, []).append(implied_slug)
    phrase_words: dict[str, list[int]] = {}
    for position, phrase in enumerate(phrases):
        for word in dict.fromkeys(utils.default_process(phrase.text).split()):
            phrase_words.setdefault(word, []).append(position)
    return VocabularyIndex(
        phrase_words=phrase_words,
        regions=read_regions(session),
        symptom_regions=dict(
            session.exec(
                select(Symptom.slug, BodyRegion.slug)
                .join(SymptomRegion, col(SymptomRegion.symptom_id) == col(Symptom.id))
                .join(BodyRegion, col(BodyRegion.id) == col(SymptomRegion.region_id))
            ).all()
        ),
        matcher=_matcher(phrases),
        symptoms=symptoms,
        phrases=phrases,
        region_matcher=_matcher(region_phrases),
        implications={slug: tuple(items) for slug, items in implications.items()},
        vocabulary_slugs=frozenset(
            row.slug for row, kind in rows if kind == DocumentKind.vocabulary
        ),
        identifiers=identifiers,
        ontology_names=ontology_names,
        ontology_phrases=ontology_phrases,
        ontology_suffixes=_word_suffixes(ontology_phrases),
        warning_signs=frozenset(slug for slug, known in symptoms.items() if known.red_flag_level),
    )


def read_regions(session: Session) -> RegionIndex:
    """The body regions and their words, as stored."""
    parent = BodyRegion.__table__.alias("parent")  # type: ignore[attr-defined]
    rows = session.exec(
        select(BodyRegion.slug, BodyRegion.name, parent.c.slug)
        .outerjoin(parent, parent.c.id == BodyRegion.parent_id)
        .order_by(col(BodyRegion.id))
    ).all()
    words = session.exec(
        select(BodyRegion.slug, BodyRegionWord.text)
        .join(BodyRegionWord, col(BodyRegionWord.region_id) == col(BodyRegion.id))
        .order_by(col(BodyRegionWord.id))
    ).all()
    return RegionIndex.of((Region(slug, name, above) for slug, name, above in rows), words)


def _word_suffixes(phrases: list[Phrase]) -> list[tuple[str, int]]:
    suffixes: list[tuple[str, int]] = []
    for position, phrase in enumerate(phrases):
        lowered = utils.default_process(phrase.text)
        suffixes += [
            (lowered[start:], position)
            for start in range(len(lowered))
            if start == 0 or lowered[start - 1] == " "
        ]
    suffixes.sort()
    return suffixes


def load_vocabulary_index(session: Session, cache: KnowledgeCache) -> VocabularyIndex:
    """The vocabulary in memory, built once per version of it."""
    return cache.copy(session, build_vocabulary_index, DependsOn.vocabulary)


def kept_vocabulary_index(
    cache: KnowledgeCache, at_least: KnowledgeState
) -> VocabularyIndex | None:
    """The vocabulary's copy, if one at least as new as ``at_least`` is already in memory."""
    return cache.kept(build_vocabulary_index, at_least)
