"""Editing conditions: create, replace, patch, delete and restore, each a new version that
keeps the one before, and refused when the editor's copy is stale."""

import json
from dataclasses import dataclass
from datetime import date
from typing import Any

from pydantic import ValidationError
from sqlmodel import Session, col, select

from app.cache.knowledge_cache import KnowledgeCache
from app.core.errors import (
    ConditionDeleted,
    Conflict,
    FieldError,
    InvalidContent,
    NotFound,
    PreconditionFailed,
    PreconditionRequired,
)
from app.ingest.condition_input import draft_from_input
from app.ingest.document import DocumentError, parse_document
from app.ingest.drafting import ConditionDraft, DocumentSource, draft_condition
from app.language.text import make_slug
from app.language.vocabulary_index import load_vocabulary_index
from app.models import Condition, ConditionRevision, DocumentKind, RevisionAction
from app.schemas.editing import ConditionInput, RevisionList, RevisionPublic
from app.services.conditions import get_condition
from app.store.conditions import (
    ImportStatus,
    Kept,
    finish_writes,
    latest_version,
    record_revision,
    remove_search_row,
    write_condition,
)


@dataclass(frozen=True)
class PageInput:
    """A whole page in the user's text format, sent as text/plain."""

    text: str
    name: str | None = None
    provenance: str | None = None
    reviewed_on: date | None = None


Content = ConditionInput | PageInput


def api_provenance(author: str, given: str | None = None) -> str:
    """Where content sent through the API comes from, unless the sender says."""
    return given or f"Edited through the API with the key {author!r}"


def _draft(
    session: Session, cache: KnowledgeCache, content: Content, *, slug: str | None, author: str
) -> tuple[DocumentSource, ConditionDraft]:
    index = load_vocabulary_index(session, cache)
    if isinstance(content, PageInput):
        name = content.name
        if name is None and _untitled(content.text):
            current = _live(session, slug) if slug else None
            if current is None:
                raise InvalidContent(
                    "The page has no title line: start it with '# Name', or send ?name=."
                )
            name = current.name
        source = DocumentSource(
            file_name=f"api-{slug or make_slug(name or 'page') or 'page'}.md",
            text=content.text,
            provenance=api_provenance(author, content.provenance),
            reviewed_on=content.reviewed_on,
            name=name,
        )
        try:
            draft = draft_condition(source, index)
        except DocumentError as error:
            raise InvalidContent(
                f"The page cannot be read: line {error.line}: {error.message}"
            ) from error
        if slug is not None and draft.slug != slug:
            raise InvalidContent(f"The page is about {draft.slug!r}, not {slug!r}.")
        return source, draft
    source = DocumentSource(
        file_name=f"api-{slug or content.slug or make_slug(content.name)}.json",
        text=content.model_dump_json(exclude_none=True),
        provenance=api_provenance(author, content.source.provenance if content.source else None),
        reviewed_on=content.source.reviewed_on if content.source else None,
        kind=DocumentKind.edit,
    )
    return source, draft_from_input(index, content, slug=slug)


def _untitled(text: str) -> bool:
    try:
        return parse_document("page", text).title is None
    except DocumentError:
        return False  # the draft reports the error with its line


# --- the operations ---------------------------------------------------------------------------


def _live(session: Session, slug: str) -> Condition | None:
    return session.exec(select(Condition).where(Condition.slug == slug)).first()


# If-Match: * (any current version) arrives as this.
ANY_VERSION = -1


def _check_precondition(condition: Condition, expected_version: int | None) -> None:
    if expected_version is None:
        raise PreconditionRequired(
            "Send If-Match with the ETag you read, so that no one else's change is overwritten."
        )
    if expected_version not in (condition.version, ANY_VERSION):
        raise PreconditionFailed(
            f"{condition.slug!r} has changed since you read it (now version "
            f"{condition.version}); read it again and reapply your change."
        )


def create_condition(
    session: Session, cache: KnowledgeCache, content: Content, *, author: str
) -> str:
    source, draft = _draft(session, cache, content, slug=None, author=author)
    if _live(session, draft.slug) is not None:
        raise Conflict(f"{draft.slug!r} exists already; replace or patch it instead.")
    write_condition(session, source, draft, action=RevisionAction.created, author=author)
    finish_writes(session)
    return draft.slug


def replace_condition(
    session: Session,
    cache: KnowledgeCache,
    slug: str,
    content: Content,
    *,
    author: str,
    expected_version: int | None,
) -> None:
    condition = _require_live(session, slug)
    _check_precondition(condition, expected_version)
    source, draft = _draft(session, cache, content, slug=slug, author=author)
    write_condition(session, source, draft, action=RevisionAction.replaced, author=author)
    finish_writes(session)


def patch_condition(
    session: Session,
    cache: KnowledgeCache,
    slug: str,
    patch: dict[str, Any],
    *,
    author: str,
    expected_version: int | None,
) -> None:
    """Apply a JSON merge patch (RFC 7396) to the condition as `GET` shows it."""
    condition = _require_live(session, slug)
    _check_precondition(condition, expected_version)
    current = get_condition(session, slug).model_dump(mode="json", exclude={"disclaimer"})
    merged = _merge_patch(current, patch)
    new_recovery = patch.get("recovery")
    if isinstance(new_recovery, dict) and isinstance(merged.get("recovery"), dict):
        # New words, new days: the old text's days do not carry over unless the patch says.
        for bound in ("min_days", "max_days"):
            if bound not in new_recovery:
                merged["recovery"].pop(bound, None)
    # The current version's own number and date are not the patched version's; its source
    # (provenance, review date) stays unless the patch changes it.
    for field in ("version", "updated_at"):
        merged.pop(field, None)
    try:
        content = ConditionInput.model_validate_json(json.dumps(merged), strict=True)
    except ValidationError as error:
        raise InvalidContent(
            "The condition the patch makes is not valid.",
            errors=[
                FieldError(field=".".join(("body", *map(str, e["loc"]))), message=e["msg"])
                for e in error.errors()
            ],
        ) from error
    source, draft = _draft(session, cache, content, slug=slug, author=author)
    write_condition(session, source, draft, action=RevisionAction.patched, author=author)
    finish_writes(session)


def _merge_patch(target: Any, patch: Any) -> Any:
    if not isinstance(patch, dict):
        return patch
    result = dict(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = _merge_patch(result.get(key), value)
    return result


def delete_condition(
    session: Session, slug: str, *, author: str, expected_version: int | None
) -> None:
    condition = _require_live(session, slug)
    _check_precondition(condition, expected_version)
    snapshot = get_condition(session, slug).model_dump_json(exclude={"disclaimer"})
    assert condition.id is not None
    remove_search_row(session, condition.id)
    session.delete(condition)
    session.flush()
    record_revision(
        session,
        slug,
        condition.version + 1,
        RevisionAction.deleted,
        author=author,
        document_id=None,
        snapshot=snapshot,
    )
    finish_writes(session)


def list_revisions(session: Session, slug: str) -> RevisionList:
    revisions = session.exec(
        select(ConditionRevision)
        .where(ConditionRevision.slug == slug)
        .order_by(col(ConditionRevision.version).desc())
    ).all()
    if not revisions:
        raise NotFound(f"No condition has ever had the slug {slug!r}.")
    return RevisionList(
        slug=slug,
        live=_live(session, slug) is not None,
        items=[
            RevisionPublic(
                version=r.version, action=r.action.value, author=r.author, created_at=r.created_at
            )
            for r in revisions
        ],
    )


def get_revision(session: Session, slug: str, version: int) -> ConditionInput:
    revision = session.exec(
        select(ConditionRevision).where(
            ConditionRevision.slug == slug, ConditionRevision.version == version
        )
    ).first()
    if revision is None:
        raise NotFound(f"{slug!r} has no version {version}.")
    return ConditionInput.model_validate_json(revision.snapshot)


def restore_revision(
    session: Session,
    cache: KnowledgeCache,
    slug: str,
    version: int,
    *,
    author: str,
    expected_version: int | None,
) -> None:
    """Make an earlier version (or the last one before a deletion) current again."""
    content = get_revision(session, slug, version)
    condition = _live(session, slug)
    if condition is not None:
        _check_precondition(condition, expected_version)
    content = content.model_copy(update={"version": None, "updated_at": None})
    source, draft = _draft(session, cache, content, slug=slug, author=author)
    outcome = write_condition(session, source, draft, action=RevisionAction.restored, author=author)
    if outcome.status is ImportStatus.unchanged:
        raise Conflict(f"Version {version} of {slug!r} is the current content already.")
    finish_writes(session)


def _require_live(session: Session, slug: str) -> Condition:
    condition = _live(session, slug)
    if condition is not None:
        return condition
    if latest_version(session, slug):
        raise ConditionDeleted(slug)
    raise NotFound(f"No condition has the slug {slug!r}.")


def keep_of(content: ConditionInput) -> Kept | None:
    """What an exported condition keeps as it was, if it says."""
    source = content.source
    if (
        content.version is None
        or content.updated_at is None
        or source is None
        or source.imported_at is None
        or source.document is None
    ):
        return None
    return Kept(content.version, content.updated_at, source.imported_at, source.document)
