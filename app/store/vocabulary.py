"""Every write of the symptom vocabulary: symptoms with their lay words, the symptoms each
implies, and their broader symptoms (a cycle is refused)."""

from typing import Any

from sqlalchemy import bindparam, delete, insert, update
from sqlmodel import Session, col, select

from app.ingest.document import DocumentError
from app.ingest.hierarchy import on_a_cycle
from app.ingest.vocabulary_file import Vocabulary, entry_line
from app.language.text import normalize_phrase
from app.models import (
    BodyRegion,
    BodyRegionWord,
    Document,
    DocumentKind,
    Symptom,
    SymptomImplication,
    SymptomParent,
    SymptomRedFlagPartner,
    SymptomRegion,
    SymptomSynonym,
    SynonymKind,
)
from app.schemas.symptoms import RegionEntry, VocabularyEntry
from app.store.documents import execute_many, sha256_hex, utcnow
from app.store.version import bump_version


def apply_vocabulary(session: Session, vocabulary: Vocabulary, *, provenance: str) -> bool:
    """Upsert every symptom of the vocabulary by slug; False when nothing changed."""
    sha = sha256_hex(vocabulary.text + provenance)
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
    region_ids = _write_regions(session, vocabulary, document.id)
    ids = _write_symptoms(session, vocabulary, document.id)
    _write_implications(session, vocabulary, ids, document.id)
    _write_parents(session, vocabulary, ids, document.id)
    _write_symptom_regions(session, vocabulary, ids, region_ids)
    _write_red_flag_partners(session, vocabulary, ids)
    bump_version(session, vocabulary=True)
    return True


def _write_symptoms(session: Session, vocabulary: Vocabulary, document_id: int) -> dict[str, int]:
    """Upsert the entries' symptoms and replace their lay words, in bulk (an executemany per
    table); every symptom id by slug, the pages' own symptoms included."""
    session.flush()
    stored = {slug: id_ for slug, id_ in session.exec(select(Symptom.slug, Symptom.id)) if id_}

    def values(entry: VocabularyEntry) -> dict[str, Any]:
        return {
            "name": entry.name,
            "region": entry.region,
            "question": entry.question,
            "red_flag_level": entry.red_flag.level if entry.red_flag else None,
            "red_flag_advice": entry.red_flag.advice if entry.red_flag else None,
            "document_id": document_id,
        }

    execute_many(
        session,
        insert(Symptom),
        [
            {"slug": entry.slug, **values(entry)}
            for entry in vocabulary.entries
            if entry.slug not in stored
        ],
    )
    execute_many(
        session,
        update(Symptom).where(col(Symptom.id) == bindparam("stored_id")),
        [
            {"stored_id": stored[entry.slug], **values(entry)}
            for entry in vocabulary.entries
            if entry.slug in stored
        ],
    )
    # The session's own copies of those symptoms are older than the rows now.
    for held in list(session.identity_map.values()):
        if isinstance(held, Symptom):
            session.expire(held)
    ids = {slug: id_ for slug, id_ in session.exec(select(Symptom.slug, Symptom.id)) if id_}
    synonyms: list[dict[str, Any]] = []
    for entry in vocabulary.entries:
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
            synonyms.append(
                {
                    "symptom_id": ids[entry.slug],
                    "text": phrase,
                    "normalized": normalized,
                    "kind": kind,
                    "document_id": document_id,
                }
            )
    _replace_rows(session, SymptomSynonym, vocabulary, ids, synonyms)
    return ids


def _write_regions(session: Session, vocabulary: Vocabulary, document_id: int) -> dict[str, int]:
    """Upsert the vocabulary's body regions (with their words and parents); every region id
    by slug, stored ones included."""
    stored = {region.slug: region for region in session.exec(select(BodyRegion)).all()}
    for entry in vocabulary.regions:
        region = stored.get(entry.slug) or BodyRegion(
            slug=entry.slug, name=entry.name, document_id=0
        )
        region.name, region.document_id = entry.name, document_id
        session.add(region)
        stored[entry.slug] = region
    session.flush()
    ids = {slug: region.id for slug, region in stored.items() if region.id is not None}
    for entry in vocabulary.regions:
        region = stored[entry.slug]
        region.parent_id = ids[entry.parent] if entry.parent else None
        session.add(region)
        session.exec(delete(BodyRegionWord).where(col(BodyRegionWord.region_id) == region.id))
        seen: set[str] = set()
        for word in [entry.name, *entry.words]:
            normalized = normalize_phrase(word)
            if normalized and normalized not in seen:
                seen.add(normalized)
                session.add(
                    BodyRegionWord(region_id=ids[entry.slug], text=word, normalized=normalized)
                )
    session.flush()
    parents = {
        region.id: [region.parent_id] if region.parent_id else []
        for region in stored.values()
        if region.id is not None
    }
    cyclic = on_a_cycle(parents)
    if cyclic is not None:
        slug = next(slug for slug, id_ in ids.items() if id_ == cyclic)
        raise DocumentError(vocabulary.file_name, 1, f"the region {slug!r} is under itself")
    return ids


SymptomLink = (
    type[SymptomSynonym]
    | type[SymptomRegion]
    | type[SymptomRedFlagPartner]
    | type[SymptomParent]
    | type[SymptomImplication]
)


def _replace_rows(
    session: Session,
    link: SymptomLink,
    vocabulary: Vocabulary,
    ids: dict[str, int],
    rows: list[dict[str, Any]],
) -> None:
    """The entries' rows of a table keyed by symptom, replaced by these: one delete and one
    executemany, however many entries."""
    entry_ids = [ids[entry.slug] for entry in vocabulary.entries]
    session.exec(delete(link).where(col(link.symptom_id).in_(entry_ids)))
    execute_many(session, insert(link), rows)


def _write_symptom_regions(
    session: Session, vocabulary: Vocabulary, ids: dict[str, int], region_ids: dict[str, int]
) -> None:
    """Where each entry's symptom is felt, replacing what it said before."""
    rows: list[dict[str, Any]] = []
    for index, entry in enumerate(vocabulary.entries):
        if entry.body_region is None:
            continue
        region_id = region_ids.get(entry.body_region)
        if region_id is None:
            raise DocumentError(
                vocabulary.file_name,
                entry_line(vocabulary.text, index),
                f"{entry.slug!r} is felt in {entry.body_region!r}, which is not a body region",
            )
        rows.append({"symptom_id": ids[entry.slug], "region_id": region_id})
    _replace_rows(session, SymptomRegion, vocabulary, ids, rows)


def _write_red_flag_partners(session: Session, vocabulary: Vocabulary, ids: dict[str, int]) -> None:
    """The symptoms each entry's warning sign holds together with, replacing those it had."""
    rows: list[dict[str, Any]] = []
    for index, entry in enumerate(vocabulary.entries):
        for partner in dict.fromkeys(entry.red_flag.together_with if entry.red_flag else []):
            if partner not in ids:
                raise DocumentError(
                    vocabulary.file_name,
                    entry_line(vocabulary.text, index),
                    f"{entry.slug!r} is a warning sign together with unknown {partner!r}",
                )
            rows.append({"symptom_id": ids[entry.slug], "partner_id": ids[partner]})
    _replace_rows(session, SymptomRedFlagPartner, vocabulary, ids, rows)


def _write_parents(
    session: Session, vocabulary: Vocabulary, ids: dict[str, int], document_id: int
) -> None:
    """Each entry's broader symptoms, replacing those it had; a cycle is refused."""
    rows: list[dict[str, Any]] = []
    for entry in vocabulary.entries:
        for parent in entry.parents:
            if parent not in ids:
                raise DocumentError(
                    vocabulary.file_name, 1, f"{entry.slug!r} has unknown parent {parent!r}"
                )
            rows.append(
                {
                    "symptom_id": ids[entry.slug],
                    "parent_id": ids[parent],
                    "document_id": document_id,
                }
            )
    _replace_rows(session, SymptomParent, vocabulary, ids, rows)
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
    rows: list[dict[str, Any]] = []
    for entry in vocabulary.entries:
        for implied in entry.implies:
            if implied not in ids:
                raise DocumentError(
                    vocabulary.file_name, 1, f"{entry.slug!r} implies unknown {implied!r}"
                )
            rows.append(
                {
                    "symptom_id": ids[entry.slug],
                    "implied_symptom_id": ids[implied],
                    "document_id": document_id,
                }
            )
    _replace_rows(session, SymptomImplication, vocabulary, ids, rows)


def has_vocabulary(session: Session) -> bool:
    return (
        session.exec(
            select(Document.id).where(Document.kind == DocumentKind.vocabulary).limit(1)
        ).first()
        is not None
    )


def delete_vocabulary_symptom(
    session: Session, symptom: Symptom, *, text: str, author: str
) -> None:
    """Take a symptom out of the vocabulary (its synonyms and implications go with it, ON
    DELETE CASCADE). The deletion is kept as a document of its own, with its author."""
    session.add(
        Document(
            kind=DocumentKind.vocabulary,
            name=f"api-vocabulary-{symptom.slug}",
            sha256=sha256_hex(f"deleted {symptom.slug}"),
            provenance=f"Deleted through the API with the key {author!r}",
            imported_at=utcnow(),
            text=text,
        )
    )
    session.delete(symptom)
    bump_version(session, vocabulary=True)
    session.flush()


def region_entries(session: Session) -> list[RegionEntry]:
    """The body regions as the vocabulary file lists them, broad before narrow."""
    parent = BodyRegion.__table__.alias("parent")  # type: ignore[attr-defined]
    words: dict[int, list[str]] = {}
    for word in session.exec(select(BodyRegionWord).order_by(col(BodyRegionWord.id))):
        words.setdefault(word.region_id, []).append(word.text)
    return [
        RegionEntry(slug=slug, name=name, parent=above, words=words.get(id_ or 0, [])[1:])
        for id_, slug, name, above in session.exec(
            select(BodyRegion.id, BodyRegion.slug, BodyRegion.name, parent.c.slug)
            .outerjoin(parent, parent.c.id == BodyRegion.parent_id)
            .order_by(col(BodyRegion.id))
        ).all()
    ]
