"""Managing the symptom vocabulary through the API: each change is a vocabulary document of
its own, so it is kept with its author like any other."""

from sqlmodel import Session, col, select

from app.cache.knowledge_cache import KnowledgeCache
from app.core.errors import Conflict, InvalidContent, NotFound
from app.ingest.document import DocumentError
from app.ingest.vocabulary_file import Vocabulary
from app.language.text import normalize_phrase
from app.language.vocabulary_index import load_vocabulary_index
from app.models import Condition, ConditionSymptom, Symptom, SymptomRedFlagPartner
from app.schemas.symptoms import SymptomPublic, SynonymInput, VocabularyEntry
from app.services.editing import api_provenance
from app.services.exchange import vocabulary_entries
from app.store.vocabulary import apply_vocabulary, delete_vocabulary_symptom


def _symptom_and_users(session: Session, slug: str) -> tuple[Symptom, list[str]]:
    """The symptom, and the slugs of the conditions that list it."""
    symptom = session.exec(select(Symptom).where(Symptom.slug == slug)).first()
    if symptom is None:
        raise NotFound(f"No symptom has the slug {slug!r}.")
    conditions = session.exec(
        select(Condition.slug)
        .join(ConditionSymptom, col(ConditionSymptom.condition_id) == col(Condition.id))
        .where(ConditionSymptom.symptom_id == symptom.id)
        .order_by(col(Condition.slug))
    ).all()
    return symptom, list(conditions)


def get_symptom(session: Session, cache: KnowledgeCache, slug: str) -> SymptomPublic:
    """A symptom by slug, or by its ontology id (HP:0001250, or an earlier id of the term)."""
    index = load_vocabulary_index(session, cache)
    slug = index.symptom_slug(slug) or slug
    symptom, conditions = _symptom_and_users(session, slug)
    entry = vocabulary_entries(session, slugs={slug}, any_source=True)[slug]
    return SymptomPublic(
        **entry.model_dump(),
        in_vocabulary=slug in index.vocabulary_slugs,
        source_id=symptom.source_id,
        conditions=conditions,
    )


def put_symptom(session: Session, slug: str, entry: VocabularyEntry, *, author: str) -> bool:
    """Create or replace a vocabulary symptom; True when it is new."""
    if entry.slug != slug:
        raise InvalidContent(f"The body is about {entry.slug!r}, not {slug!r}.")
    created = session.exec(select(Symptom.id).where(Symptom.slug == slug)).first() is None
    vocabulary = Vocabulary(f"api-vocabulary-{slug}", entry.model_dump_json(), [entry])
    try:
        apply_vocabulary(session, vocabulary, provenance=api_provenance(author))
    except DocumentError as error:
        raise InvalidContent(error.message) from error
    return created


def add_synonym(session: Session, slug: str, synonym: SynonymInput, *, author: str) -> None:
    entry = _vocabulary_entry(session, slug)
    words = entry.synonyms if synonym.kind == "term" else entry.region_words
    if any(
        normalize_phrase(word) == normalize_phrase(synonym.text)
        for word in [entry.name, *entry.synonyms, *entry.region_words]
    ):
        raise Conflict(f"{slug!r} has {synonym.text!r} already.")
    words.append(synonym.text)
    put_symptom(session, slug, entry, author=author)


def remove_synonym(session: Session, slug: str, text: str, *, author: str) -> None:
    entry = _vocabulary_entry(session, slug)
    key = normalize_phrase(text)
    kept_terms = [word for word in entry.synonyms if normalize_phrase(word) != key]
    kept_regions = [word for word in entry.region_words if normalize_phrase(word) != key]
    if len(kept_terms) == len(entry.synonyms) and len(kept_regions) == len(entry.region_words):
        raise NotFound(f"{slug!r} has no synonym {text!r}.")
    changed = entry.model_copy(update={"synonyms": kept_terms, "region_words": kept_regions})
    put_symptom(session, slug, changed, author=author)


def delete_symptom(session: Session, cache: KnowledgeCache, slug: str, *, author: str) -> None:
    symptom, used = _symptom_and_users(session, slug)
    if used:
        raise Conflict(f"{slug!r} is a symptom of {', '.join(used)}; change them first.")
    # A warning sign that holds only together with this symptom would hold on its own without
    # it (its partner rows go with the symptom): the warning sign is changed first.
    warned = session.exec(
        select(Symptom.slug)
        .join(SymptomRedFlagPartner, col(SymptomRedFlagPartner.symptom_id) == col(Symptom.id))
        .where(SymptomRedFlagPartner.partner_id == symptom.id)
        .order_by(col(Symptom.slug))
    ).all()
    if warned:
        raise Conflict(
            f"{slug!r} is what the warning sign of {', '.join(warned)} holds together with; "
            "change them first."
        )
    text = get_symptom(session, cache, slug).model_dump_json()
    delete_vocabulary_symptom(session, symptom, text=text, author=author)


def _vocabulary_entry(session: Session, slug: str) -> VocabularyEntry:
    entry = vocabulary_entries(session, slugs={slug}).get(slug)
    if entry is None:
        raise NotFound(f"No vocabulary symptom has the slug {slug!r}.")
    return entry
