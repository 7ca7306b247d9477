"""Store an HPO release: each OMIM and ORPHA disease a condition, each term a symptom.

Ids are kept: a disease's (``OMIM:147791``) on its condition, a term's (``HP:0001250``) on its
symptom, and slugs follow from them (``omim-147791``, ``hp-0001250``), so either names the same
thing anywhere. The import compares the release with what is stored and writes only the
difference, in the caller's transaction: the same release again writes nothing at all.

Conditions from a release keep no revision history: the release is their record, and a newer
one replaces them wholesale.
"""

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import bindparam, delete, func, insert, tuple_, update
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from app.ingest.hpo_release import Disease, Ontology, Release, Term
from app.language.text import normalize_phrase
from app.language.text import slug_for_source_id as slug_for
from app.models import (
    CareLevel,
    Condition,
    ConditionSymptom,
    Document,
    DocumentKind,
    Frequency,
    Source,
    Symptom,
    SymptomParent,
    SymptomSynonym,
    SynonymKind,
)
from app.store import search_index
from app.store.documents import execute_many
from app.store.version import bump_version

SOURCE_KEY = "hpo"
SOURCE_NAME = "Human Phenotype Ontology"
SOURCE_URL = "https://hpo.jax.org"
# What https://hpo.jax.org/license asks of a service that uses HPO, kept with the data.
SOURCE_LICENSE = (
    "The HPO is freely available under the conditions of its license "
    "(https://hpo.jax.org/license): a service that uses it must show the HPO version it uses "
    "and acknowledge it, must not change the content of terms or their relations, and must "
    "not present itself as the HPO."
)
SOURCE_ACKNOWLEDGEMENT = (
    "This service uses the Human Phenotype Ontology (release {release}). Find out more at "
    "http://www.human-phenotype-ontology.org. Gargano MA, et al. The Human Phenotype Ontology "
    "in 2024: phenotypes around the world. Nucleic Acids Res. 2024;52(D1):D1333-D1346."
)
# A rare disease is far less likely to be what a person asks about than a common complaint:
# one in ten thousand of a typical sports injury's prior weight.
RARE_DISEASE_PRIOR = 0.0001
# An annotation without a frequency says only that the disease can have it.
UNKNOWN_FREQUENCY = Frequency.sometimes


def frequency_bucket(value: float | None, *, excluded: bool) -> Frequency:
    if excluded:
        return Frequency.absent
    if value is None:
        return UNKNOWN_FREQUENCY
    if value >= 0.3:
        return Frequency.common
    if value >= 0.05:
        return Frequency.sometimes
    return Frequency.rare


class Progress:
    """What a long import reports; the command line shows it as progress bars."""

    def stage(self, label: str, total: int) -> Callable[[int], None]:
        return lambda _done: None


@dataclass(frozen=True)
class HpoImportOutcome:
    release: str
    changed: bool
    terms: int
    conditions_created: int
    conditions_updated: int
    conditions_removed: int
    conditions_unchanged: int


def fingerprint(*file_contents: bytes) -> str:
    digest = hashlib.sha256()
    for content in file_contents:
        digest.update(hashlib.sha256(content).digest())
    return digest.hexdigest()


def import_hpo(
    session: Session, release: Release, *, sha256: str, progress: Progress | None = None
) -> HpoImportOutcome:
    """Bring the stored HPO knowledge to this release. ``sha256`` fingerprints the files: the
    release already stored is recognised by it and nothing is written."""
    progress = progress or Progress()
    version = release.annotations.release or release.ontology.release
    latest = session.exec(
        select(Document)
        .where(Document.kind == DocumentKind.ontology, Document.name == SOURCE_KEY)
        .order_by(col(Document.id).desc())
    ).first()
    if latest is not None and latest.sha256 == sha256:
        held = session.exec(
            select(func.count()).select_from(Condition).where(col(Condition.source_id).is_not(None))
        ).one()
        return HpoImportOutcome(version, False, len(release.ontology.terms), 0, 0, 0, held)
    stored = _stored_conditions(session)
    now = datetime.now(UTC)
    document = Document(
        kind=DocumentKind.ontology,
        name=SOURCE_KEY,
        sha256=sha256,
        provenance=f"{SOURCE_NAME}, release {version}: the ontology (hp.obo) and its disease "
        "annotations (phenotype.hpoa), imported unchanged.",
        reviewed_on=_release_date(version),
        imported_at=now,
        text=_describe(release, version),
    )
    session.add(document)
    session.flush()
    assert document.id is not None
    _write_source(session, version, document.id)
    symptom_ids = _write_terms(session, release.ontology, document.id, progress)
    counts = _write_diseases(
        session,
        release.annotations.diseases,
        stored,
        release.ontology.terms,
        symptom_ids,
        document.id,
        now,
        progress,
    )
    _drop_retired_terms(session, release.ontology)
    bump_version(session, vocabulary=True, conditions=True)
    session.flush()
    return HpoImportOutcome(version, True, len(release.ontology.terms), *counts)


def _drop_retired_terms(session: Session, ontology: Ontology) -> None:
    """Terms the release no longer has go, once no condition lists them (every condition
    from the release now lists live terms): their ids then name the terms that replaced them.
    One that a condition of the service's own still lists stays, with its id."""
    live = set(ontology.terms)
    retired = [
        row_id
        for row_id, source_id in session.connection().execute(
            sa_select(col(Symptom.id), col(Symptom.source_id)).where(
                col(Symptom.source_id).is_not(None),
                col(Symptom.id).not_in(sa_select(col(ConditionSymptom.symptom_id))),
            )
        )
        if source_id not in live
    ]
    execute_many(
        session,
        delete(Symptom).where(col(Symptom.id) == bindparam("row_id")),
        [{"row_id": row_id} for row_id in retired],
    )


def _release_date(version: str) -> date | None:
    try:
        return date.fromisoformat(version)
    except ValueError:
        return None


def _describe(release: Release, version: str) -> str:
    annotations = sum(len(d.annotations) for d in release.annotations.diseases.values())
    return (
        f"{SOURCE_NAME} release {version}\n"
        f"hp.obo: {len(release.ontology.terms)} live terms "
        f"(data-version {release.ontology.release})\n"
        f"phenotype.hpoa: {len(release.annotations.diseases)} OMIM and ORPHA diseases, "
        f"{annotations} phenotype annotations\n"
    )


def _write_source(session: Session, version: str, document_id: int) -> None:
    source = session.exec(select(Source).where(Source.key == SOURCE_KEY)).first()
    values: dict[str, Any] = {
        "name": SOURCE_NAME,
        "release": version,
        "url": SOURCE_URL,
        "license": SOURCE_LICENSE,
        "acknowledgement": SOURCE_ACKNOWLEDGEMENT.format(release=version),
        "document_id": document_id,
    }
    if source is None:
        session.add(Source(key=SOURCE_KEY, **values))
    else:
        for name, value in values.items():
            setattr(source, name, value)
    session.flush()


def _write_terms(
    session: Session, ontology: Ontology, document_id: int, progress: Progress
) -> dict[str, int]:
    """Every term a symptom, with its names, earlier ids and parents; the id of each symptom
    by term id (terms the release retired are dropped after the conditions are rewritten)."""
    terms = ontology.terms
    advance = progress.stage("Terms", len(terms))
    connection = session.connection()
    stored = {
        source_id: (symptom_id, name)
        for symptom_id, source_id, name in connection.execute(
            sa_select(col(Symptom.id), col(Symptom.source_id), col(Symptom.name)).where(
                col(Symptom.source_id).is_not(None)
            )
        )
    }
    new_rows = [
        {
            "slug": slug_for(term.id),
            "source_id": term.id,
            "name": term.name,
            "document_id": document_id,
        }
        for term in terms.values()
        if term.id not in stored
    ]
    renamed = [
        {"row_id": stored[term.id][0], "name": term.name, "document_id": document_id}
        for term in terms.values()
        if term.id in stored and stored[term.id][1] != term.name
    ]
    execute_many(session, insert(Symptom), new_rows)
    execute_many(
        session,
        update(Symptom)
        .where(col(Symptom.id) == bindparam("row_id"))
        .values(name=bindparam("name"), document_id=bindparam("document_id")),
        renamed,
    )
    ids = _ids_by_source_id(session, Symptom)
    advance(len(terms) // 3)
    _write_synonyms(session, ontology, ids, document_id)
    advance(len(terms) // 3)
    _write_parents(session, terms, ids, document_id)
    advance(len(terms) - 2 * (len(terms) // 3))
    return ids


def _ids_by_source_id(session: Session, model: type[Symptom] | type[Condition]) -> dict[str, int]:
    rows = session.connection().execute(
        sa_select(col(model.id), col(model.source_id)).where(col(model.source_id).is_not(None))
    )
    return {str(source_id): row_id for row_id, source_id in rows if row_id is not None}


def _write_synonyms(
    session: Session, ontology: Ontology, ids: dict[str, int], document_id: int
) -> None:
    wanted: set[tuple[int, str, str, SynonymKind]] = set()
    # An obsolete term's id names the term that replaced it.
    for old, new in ontology.replaced_by.items():
        if new in ids:
            wanted.add((ids[new], old, old.lower(), SynonymKind.identifier))
    for term in ontology.terms.values():
        seen = {normalize_phrase(term.name)}
        for text in term.synonyms:
            normalized = normalize_phrase(text)
            if normalized and normalized not in seen:
                seen.add(normalized)
                wanted.add((ids[term.id], text, normalized, SynonymKind.term))
        for alt_id in term.alt_ids:
            wanted.add((ids[term.id], alt_id, alt_id.lower(), SynonymKind.identifier))
    ontology_symptoms = set(ids.values())
    stored = {
        (row.symptom_id, row.text, row.normalized, SynonymKind(row.kind)): row.id
        for row in session.connection().execute(
            sa_select(
                col(SymptomSynonym.id),
                col(SymptomSynonym.symptom_id),
                col(SymptomSynonym.text),
                col(SymptomSynonym.normalized),
                col(SymptomSynonym.kind),
            )
        )
        if row.symptom_id in ontology_symptoms
    }
    gone = [{"row_id": row_id} for key, row_id in stored.items() if key not in wanted]
    execute_many(
        session, delete(SymptomSynonym).where(col(SymptomSynonym.id) == bindparam("row_id")), gone
    )
    execute_many(
        session,
        insert(SymptomSynonym),
        [
            {
                "symptom_id": symptom_id,
                "text": text,
                "normalized": normalized,
                "kind": kind,
                "document_id": document_id,
            }
            for symptom_id, text, normalized, kind in sorted(wanted - stored.keys())
        ],
    )


def _write_parents(
    session: Session, terms: dict[str, Term], ids: dict[str, int], document_id: int
) -> None:
    wanted = {(ids[term.id], ids[parent]) for term in terms.values() for parent in term.parents}
    ontology_symptoms = set(ids.values())
    stored = {
        (symptom_id, parent_id)
        for symptom_id, parent_id in session.connection().execute(
            sa_select(col(SymptomParent.symptom_id), col(SymptomParent.parent_id))
        )
        if symptom_id in ontology_symptoms
    }
    gone = stored - wanted
    if gone:
        session.connection().execute(
            delete(SymptomParent).where(
                tuple_(col(SymptomParent.symptom_id), col(SymptomParent.parent_id)).in_(gone)
            )
        )
    execute_many(
        session,
        insert(SymptomParent),
        [
            {"symptom_id": child, "parent_id": parent, "document_id": document_id}
            for child, parent in sorted(wanted - stored)
        ],
    )


# What a stored condition from a release is made of, to compare with the release.
# Its name, and each listing's term, frequency and wording (the term's name when written).
ConditionContent = tuple[str, frozenset[tuple[str, str, float | None, str]]]


def _stored_conditions(session: Session) -> dict[str, tuple[int, int, ConditionContent]]:
    """Each stored condition with a source id: its row id, version and content."""
    connection = session.connection()
    rows = connection.execute(
        sa_select(
            col(Condition.id), col(Condition.source_id), col(Condition.name), col(Condition.version)
        ).where(col(Condition.source_id).is_not(None))
    ).all()
    links: dict[int, set[tuple[str, str, float | None, str]]] = {row.id: set() for row in rows}
    for condition_id, source_id, frequency, value, text in connection.execute(
        sa_select(
            col(ConditionSymptom.condition_id),
            col(Symptom.source_id),
            col(ConditionSymptom.frequency),
            col(ConditionSymptom.frequency_value),
            col(ConditionSymptom.text),
        ).join(Symptom, col(Symptom.id) == col(ConditionSymptom.symptom_id))
    ):
        if condition_id in links:
            links[condition_id].add((str(source_id), str(frequency), value, text))
    return {
        row.source_id: (row.id, row.version, (row.name, frozenset(links[row.id]))) for row in rows
    }


def _content(disease: Disease, terms: dict[str, Term]) -> ConditionContent:
    """What the condition will hold: a renamed term rewrites every condition that lists it,
    so its wording and the search index follow."""
    return (
        disease.name,
        frozenset(
            (
                annotation.term_id,
                frequency_bucket(annotation.frequency, excluded=annotation.excluded).value,
                annotation.frequency,
                terms[annotation.term_id].name,
            )
            for annotation in disease.annotations.values()
        ),
    )


def _write_diseases(
    session: Session,
    diseases: dict[str, Disease],
    stored: dict[str, tuple[int, int, ConditionContent]],
    terms: dict[str, Term],
    symptom_ids: dict[str, int],
    document_id: int,
    now: datetime,
    progress: Progress,
) -> tuple[int, int, int, int]:
    advance = progress.stage("Diseases", len(diseases) + len(stored))
    connection = session.connection()
    created = [disease for key, disease in diseases.items() if key not in stored]
    changed = [
        disease
        for key, disease in diseases.items()
        if key in stored and stored[key][2] != _content(disease, terms)
    ]
    removed = [row_id for key, (row_id, _, _) in stored.items() if key not in diseases]
    for row_id in removed:
        search_index.remove_row(connection, row_id)
    execute_many(
        session,
        delete(Condition).where(col(Condition.id) == bindparam("row_id")),
        [{"row_id": row_id} for row_id in removed],
    )
    execute_many(
        session,
        insert(Condition),
        [
            {
                "slug": slug_for(disease.id),
                "source_id": disease.id,
                "name": disease.name,
                "document_id": document_id,
                "version": 1,
                "updated_at": now,
                "prior_weight": RARE_DISEASE_PRIOR,
                "care_level": CareLevel.see_doctor,
                "cant_miss": False,
            }
            for disease in created
        ],
    )
    execute_many(
        session,
        update(Condition)
        .where(col(Condition.id) == bindparam("row_id"))
        .values(
            name=bindparam("name"),
            version=bindparam("next_version"),
            updated_at=now,
            document_id=document_id,
        ),
        [
            {
                "row_id": stored[disease.id][0],
                "name": disease.name,
                "next_version": stored[disease.id][1] + 1,
            }
            for disease in changed
        ],
    )
    if changed:
        execute_many(
            session,
            delete(ConditionSymptom).where(
                col(ConditionSymptom.condition_id) == bindparam("row_id")
            ),
            [{"row_id": stored[disease.id][0]} for disease in changed],
        )
    condition_ids = _ids_by_source_id(session, Condition)
    rewritten = created + changed
    for batch in _batches(rewritten, 500):
        execute_many(
            session,
            insert(ConditionSymptom),
            [
                {
                    "condition_id": condition_ids[disease.id],
                    "symptom_id": symptom_ids[annotation.term_id],
                    "frequency": frequency_bucket(
                        annotation.frequency, excluded=annotation.excluded
                    ),
                    "frequency_value": annotation.frequency,
                    "text": terms[annotation.term_id].name,
                    "position": position,
                    "document_id": document_id,
                }
                for disease in batch
                for position, annotation in enumerate(disease.annotations.values())
            ],
        )
        for disease in batch:
            present = [
                terms[a.term_id].name for a in disease.annotations.values() if not a.excluded
            ]
            search_index.write_row(
                connection, condition_ids[disease.id], disease.name, "", " ".join(present)
            )
        advance(len(batch))
    advance(len(diseases) + len(stored) - len(rewritten))
    unchanged = len(diseases) - len(created) - len(changed)
    return len(created), len(changed), len(removed), unchanged


def _batches(items: list[Disease], size: int) -> Iterable[list[Disease]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
