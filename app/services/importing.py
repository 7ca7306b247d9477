"""Importing knowledge: condition pages and vocabulary files from disk, and the default
knowledge base of `data/` (its manifest says where each file came from)."""

import tomllib
from datetime import date
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError
from sqlmodel import Session, col, select

from app.ingest.document import DocumentError, decode_document
from app.ingest.drafting import DocumentSource
from app.ingest.hpo_release import default_data_directory, read_release
from app.ingest.vocabulary_file import parse_vocabulary
from app.models import Document, DocumentKind
from app.store.conditions import ImportOutcome, import_condition_documents
from app.store.hpo import HpoImportOutcome, Progress, fingerprint, import_hpo
from app.store.vocabulary import apply_vocabulary, has_vocabulary

MANIFEST_NAME = "knowledge.toml"


class _ManifestEntry(BaseModel):
    model_config = ConfigDict(extra="forbid")
    path: str
    provenance: str
    reviewed_on: date | None = None


class _Manifest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    vocabulary: _ManifestEntry
    document: list[_ManifestEntry]


def _read_manifest(data_dir: Path) -> _Manifest:
    path = data_dir / MANIFEST_NAME
    try:
        return _Manifest.model_validate(tomllib.loads(path.read_text(encoding="utf-8")))
    except (tomllib.TOMLDecodeError, ValidationError) as error:
        raise DocumentError(MANIFEST_NAME, 1, str(error)) from error


def read_source(
    path: Path, *, provenance: str, reviewed_on: date | None, name: str | None = None
) -> DocumentSource:
    text_content = decode_document(path.name, path.read_bytes())
    return DocumentSource(path.name, text_content, provenance, reviewed_on, name)


def load_vocabulary_file(session: Session, data_dir: Path) -> bool:
    manifest = _read_manifest(data_dir)
    path = data_dir / manifest.vocabulary.path
    vocabulary = parse_vocabulary(path.name, decode_document(path.name, path.read_bytes()))
    return apply_vocabulary(session, vocabulary, provenance=manifest.vocabulary.provenance)


def manifest_sources(data_dir: Path) -> list[DocumentSource]:
    """Every page the manifest lists, read and decoded, with its provenance."""
    return [
        read_source(
            data_dir / entry.path, provenance=entry.provenance, reviewed_on=entry.reviewed_on
        )
        for entry in _read_manifest(data_dir).document
    ]


def load_default_knowledge(session: Session, data_dir: Path) -> list[ImportOutcome]:
    """The vocabulary and every page the manifest lists, in one unit of work."""
    sources = manifest_sources(data_dir)
    load_vocabulary_file(session, data_dir)
    return import_condition_documents(session, sources)


def default_knowledge_missing(session: Session, data_dir: Path) -> bool:
    """True until the default pages have been imported once; a page deleted later stays so."""
    names = [Path(entry.path).name for entry in _read_manifest(data_dir).document]
    # An import of an export keeps the pages' names, so it counts as having them.
    imported = session.exec(
        select(Document.id).where(
            col(Document.kind).in_([DocumentKind.condition, DocumentKind.edit]),
            col(Document.name).in_(names),
        )
    ).first()
    return imported is None


def import_pages(
    session: Session,
    paths: list[Path],
    *,
    data_dir: Path,
    provenance: str | None,
    reviewed_on: date | None,
    name: str | None,
) -> list[ImportOutcome]:
    """Condition pages from disk, in the session's transaction. A base with a vocabulary keeps
    it (edits through the API included); only an empty one takes the default vocabulary."""
    if not has_vocabulary(session):
        load_vocabulary_file(session, data_dir)
    sources = [
        read_source(
            path,
            provenance=provenance or f"Imported from {path.name}",
            reviewed_on=reviewed_on,
            name=name,
        )
        for path in paths
    ]
    return import_condition_documents(session, sources)


def import_hpo_files(
    session: Session, *, hpoa: Path | None, obo: Path | None, progress: Progress
) -> HpoImportOutcome:
    """An HPO release (by default the one the `hpo` extra ships), in the session's transaction."""
    if hpoa is None or obo is None:
        directory = default_data_directory()
        hpoa, obo = hpoa or directory / "phenotype.hpoa", obo or directory / "hp.obo"
    sha256 = fingerprint(hpoa.read_bytes(), obo.read_bytes())
    read = progress.stage("Reading", 1)
    release = read_release(hpoa, obo)
    read(1)
    return import_hpo(session, release, sha256=sha256, progress=progress)
