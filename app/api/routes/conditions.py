from datetime import date
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response, status
from fastapi.responses import JSONResponse
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from app.api.bodies import CONDITION_BODY, PATCH_BODY, condition_content, merge_patch
from app.api.deps import CacheDep, SessionDep, WriterDep
from app.api.http_cache import (
    FromTheBase,
    KnowledgeFresh,
    OneCondition,
    answer_from_base,
    condition_validators,
    if_match_version,
)
from app.api.sections import SECTIONS, fields_of, parse_sections
from app.cache.knowledge_cache import KnowledgeCache
from app.core.errors import problem_responses
from app.language.text import SOURCE_ID, slug_for_source_id
from app.schemas.conditions import ConditionPage, ConditionPublic, ConditionView
from app.schemas.editing import ConditionInput, RevisionList
from app.services.conditions import get_condition, list_conditions
from app.services.editing import (
    create_condition,
    delete_condition,
    get_revision,
    list_revisions,
    patch_condition,
    replace_condition,
    restore_revision,
)
from app.services.keys import start_writing

router = APIRouter(prefix="/v1/conditions", tags=["conditions"])

SlugPath = Annotated[
    str,
    Path(
        max_length=120,
        description="The condition's slug, as in the list; or, for a condition imported from "
        "an outside knowledge base, its id there (OMIM:147791).",
        examples=["hamstring-origin-problem"],
    ),
]
PageName = Annotated[
    str | None,
    Query(max_length=255, description="For a text/plain page with no title line: its name."),
]
Provenance = Annotated[
    str | None,
    Query(max_length=2000, description="For a text/plain page: who wrote it, from what."),
]
ReviewedOn = Annotated[
    date | None, Query(description="For a text/plain page: when it was last reviewed.")
]
WRITE_ERRORS = problem_responses(401, 403, 413, 415, 422)
PRECONDITION_ERRORS = problem_responses(401, 403, 404, 410, 412, 413, 415, 422, 428)


@router.get(
    "",
    summary="List or search conditions",
    response_model=ConditionPage,
    responses=problem_responses(422),
)
async def read_conditions(
    request: Request,
    q: Annotated[
        str | None,
        Query(
            max_length=200,
            description="Words to search for in every part of a condition; each word must "
            "occur (as a word or the start of one). Results come best match first.",
            examples=["buttock running"],
        ),
    ] = None,
    region: Annotated[
        str | None,
        Query(
            max_length=60,
            pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$",
            description="Only conditions that hurt in this body region or one below it "
            "(`knee` includes the front of the knee); slugs from `/v1/regions`.",
            examples=["knee"],
        ),
    ] = None,
    limit: Annotated[int, Query(ge=1, le=100, description="Page size.")] = 20,
    cursor: Annotated[
        str | None,
        Query(max_length=500, description="The `next_cursor` of the previous page."),
    ] = None,
) -> Response:
    """Conditions in alphabetical order of slug, or the ones matching `q`, or those of a body
    `region`, a page at a time. Follow `next_cursor` until it is null to see them all."""
    return await answer_from_base(
        request,
        FromTheBase(),
        lambda session: (
            list_conditions(session, q=q, limit=limit, cursor=cursor, region=region)
            .model_dump_json()
            .encode()
        ),
    )


@router.get(
    "/{slug}",
    summary="Everything about one condition",
    response_model=ConditionView,
    responses=problem_responses(404, 410, 422),
)
async def read_condition(
    request: Request,
    slug: SlugPath,
    sections: Annotated[
        str | None,
        Query(
            max_length=300,
            description="Only these sections, comma-separated: " + ", ".join(SECTIONS) + ".",
            examples=["self_help,prevention"],
        ),
    ] = None,
) -> Response:
    """The whole condition: symptoms with how often they occur, causes and contributing
    factors, other conditions that look alike, self help, treatment, prevention, when to
    seek help, and the recovery time in days, with where the content came from and when it
    was reviewed. `slug`, `name`, `source`, `version`, `updated_at` and the disclaimer always
    come. Send `If-None-Match` with the `ETag` you have to get a 304 while it is current."""
    if SOURCE_ID.match(slug):  # OMIM:147791 names the condition imported as omim-147791
        slug = slug_for_source_id(slug)
    chosen = parse_sections(sections)
    return await answer_from_base(
        request,
        OneCondition(slug, ",".join(sorted(chosen or ()))),
        lambda session: (
            get_condition(session, slug).model_dump_json(include=fields_of(chosen)).encode()
        ),
    )


def _written(
    session: Session, cache: KnowledgeCache, request: Request, slug: str, status_code: int
) -> JSONResponse:
    """The condition as stored, with the ETag an editor sends back on the next change."""
    headers = condition_validators(session, cache, request, slug, check=False)
    headers["Cache-Control"] = "no-store"
    if status_code == status.HTTP_201_CREATED:
        headers["Location"] = str(request.url_for("read_condition", slug=slug))
    body = get_condition(session, slug).model_dump(mode="json")
    return JSONResponse(body, status_code=status_code, headers=headers)


@router.post(
    "",
    summary="Create a condition",
    status_code=status.HTTP_201_CREATED,
    response_model=ConditionPublic,
    responses=WRITE_ERRORS | problem_responses(409),
    openapi_extra=CONDITION_BODY,
)
async def post_condition(
    session: SessionDep,
    cache: CacheDep,
    key: WriterDep,
    request: Request,
    name: PageName = None,
    provenance: Provenance = None,
    reviewed_on: ReviewedOn = None,
) -> JSONResponse:
    """A new condition, as JSON in the shape `GET` answers, or as a whole page in the
    user's text format (`text/plain`). Needs a key with the `write` scope. Answers 201 with
    its `Location` and the `ETag` to send with the next change."""
    content = await condition_content(
        request, name=name, provenance=provenance, reviewed_on=reviewed_on
    )
    # The body is read on the event loop; the database work goes to a thread, so a write
    # never stalls the other requests this process is serving.
    await run_in_threadpool(start_writing, session, key)
    slug = await run_in_threadpool(create_condition, session, cache, content, author=key.name)
    return await run_in_threadpool(_written, session, cache, request, slug, status.HTTP_201_CREATED)


@router.put(
    "/{slug}",
    summary="Replace a condition",
    response_model=ConditionPublic,
    responses=PRECONDITION_ERRORS,
    openapi_extra=CONDITION_BODY,
)
async def put_condition(
    session: SessionDep,
    cache: CacheDep,
    key: WriterDep,
    request: Request,
    slug: SlugPath,
    name: PageName = None,
    provenance: Provenance = None,
    reviewed_on: ReviewedOn = None,
) -> JSONResponse:
    """Replace the whole condition (JSON or a `text/plain` page). Send `If-Match` with the
    `ETag` you read: a stale one is refused with 412, none at all with 428, so two editors
    never overwrite each other. The version before is kept in the revisions."""
    content = await condition_content(
        request, name=name, provenance=provenance, reviewed_on=reviewed_on
    )
    await run_in_threadpool(start_writing, session, key)
    await run_in_threadpool(
        replace_condition,
        session,
        cache,
        slug,
        content,
        author=key.name,
        expected_version=if_match_version(request, slug),
    )
    return await run_in_threadpool(_written, session, cache, request, slug, status.HTTP_200_OK)


@router.patch(
    "/{slug}",
    summary="Change part of a condition",
    response_model=ConditionPublic,
    responses=PRECONDITION_ERRORS,
    openapi_extra=PATCH_BODY,
)
async def patch_condition_route(
    session: SessionDep, cache: CacheDep, key: WriterDep, request: Request, slug: SlugPath
) -> JSONResponse:
    """A JSON merge patch (RFC 7396) on the condition as `GET` shows it: fields you send
    replace theirs (lists whole), `null` removes one. Needs `If-Match`, like PUT."""
    patch = await merge_patch(request)
    await run_in_threadpool(start_writing, session, key)
    await run_in_threadpool(
        patch_condition,
        session,
        cache,
        slug,
        patch,
        author=key.name,
        expected_version=if_match_version(request, slug),
    )
    return await run_in_threadpool(_written, session, cache, request, slug, status.HTTP_200_OK)


@router.delete(
    "/{slug}",
    summary="Delete a condition (reversibly)",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=problem_responses(401, 403, 404, 410, 412, 428),
)
def delete_condition_route(
    session: SessionDep, key: WriterDep, request: Request, slug: SlugPath
) -> Response:
    """Takes the condition out of the base; its revisions stay, and restoring one brings it
    back. Needs `If-Match`, like PUT."""
    start_writing(session, key)
    delete_condition(
        session, slug, author=key.name, expected_version=if_match_version(request, slug)
    )
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get(
    "/{slug}/revisions",
    summary="Every version of a condition",
    responses=problem_responses(404),
)
def read_revisions(session: SessionDep, _fresh: KnowledgeFresh, slug: SlugPath) -> RevisionList:
    """Newest first: who made each version and how (imported, created, replaced, patched,
    deleted, restored). Deleted conditions keep theirs."""
    return list_revisions(session, slug)


@router.get(
    "/{slug}/revisions/{version}",
    summary="One version of a condition",
    responses=problem_responses(404),
)
def read_revision(
    session: SessionDep,
    _fresh: KnowledgeFresh,
    slug: SlugPath,
    version: Annotated[int, Path(ge=1, le=2**31 - 1)],
) -> ConditionInput:
    """The condition exactly as it was at that version (for a deletion, as it was just
    before)."""
    return get_revision(session, slug, version)


@router.post(
    "/{slug}/revisions/{version}/restore",
    summary="Restore a version",
    response_model=ConditionPublic,
    responses=problem_responses(401, 403, 404, 409, 412, 428),
)
def restore_revision_route(
    session: SessionDep,
    cache: CacheDep,
    key: WriterDep,
    request: Request,
    slug: SlugPath,
    version: Annotated[int, Path(ge=1, le=2**31 - 1)],
) -> JSONResponse:
    """Make that version current again, as a new version (nothing is rewritten). A deleted
    condition comes back; a live one needs `If-Match`, like PUT."""
    start_writing(session, key)
    restore_revision(
        session,
        cache,
        slug,
        version,
        author=key.name,
        expected_version=if_match_version(request, slug),
    )
    return _written(session, cache, request, slug, status.HTTP_200_OK)
