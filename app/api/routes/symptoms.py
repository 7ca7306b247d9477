from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response, status
from fastapi.responses import JSONResponse

from app.api.deps import AdminDep, CacheDep, SessionDep
from app.api.http_cache import FromTheBase, KnowledgeFresh, answer_from_base
from app.core.errors import problem_responses
from app.schemas.symptoms import SymptomPublic, SymptomSuggestions, SynonymInput, VocabularyEntry
from app.services.keys import start_writing
from app.services.lookup import suggest_symptoms
from app.services.vocabulary_editing import (
    add_synonym,
    delete_symptom,
    get_symptom,
    put_symptom,
    remove_synonym,
)

router = APIRouter(prefix="/v1/symptoms", tags=["symptoms"])


@router.get(
    "",
    summary="Autocomplete symptoms",
    response_model=SymptomSuggestions,
    responses=problem_responses(422),
)
async def read_symptoms(
    request: Request,
    q: Annotated[
        str,
        Query(
            min_length=1,
            max_length=100,
            description="What the person has typed so far, in any words.",
            examples=["bum"],
        ),
    ],
    limit: Annotated[int, Query(ge=1, le=50, description="How many suggestions at most.")] = 10,
) -> Response:
    """Symptoms whose name or a synonym starts with what was typed, or has a word that does
    ("bum" finds buttock pain), followed by near spellings, so "buttok" still finds it. Each
    suggestion's `slug` can be sent to the lookup as it is."""
    cache = request.app.state.cache
    return await answer_from_base(
        request,
        FromTheBase(),
        lambda session: (
            SymptomSuggestions(items=suggest_symptoms(session, cache, q=q, limit=limit))
            .model_dump_json()
            .encode()
        ),
    )


SymptomSlug = Annotated[str, Path(max_length=120, examples=["buttock-pain"])]
ADMIN_ERRORS = problem_responses(401, 403, 404, 409, 422)


@router.get("/{slug}", summary="One symptom", responses=problem_responses(404))
def read_symptom(
    session: SessionDep, cache: CacheDep, _fresh: KnowledgeFresh, slug: SymptomSlug
) -> SymptomPublic:
    """Everything the vocabulary says of a symptom (synonyms, region words, the question to
    ask, its red flag, what it implies) and the conditions that list it."""
    return get_symptom(session, cache, slug)


@router.put(
    "/{slug}",
    summary="Create or replace a vocabulary symptom",
    response_model=SymptomPublic,
    responses=ADMIN_ERRORS | {201: {"model": SymptomPublic, "description": "Created"}},
)
def put_symptom_route(
    session: SessionDep,
    cache: CacheDep,
    key: AdminDep,
    slug: SymptomSlug,
    entry: VocabularyEntry,
) -> JSONResponse:
    """The whole vocabulary entry, as `data/vocabulary.toml` writes it. Needs the `admin`
    scope. Pages imported earlier keep the symptoms they were read with; import them again
    to read them with the new vocabulary."""
    start_writing(session, key)
    created = put_symptom(session, slug, entry, author=key.name)
    body = get_symptom(session, cache, slug).model_dump(mode="json")
    return JSONResponse(body, status_code=status.HTTP_201_CREATED if created else 200)


@router.post(
    "/{slug}/synonyms",
    summary="Add a synonym",
    status_code=status.HTTP_201_CREATED,
    responses=ADMIN_ERRORS,
)
def post_synonym(
    session: SessionDep,
    cache: CacheDep,
    key: AdminDep,
    slug: SymptomSlug,
    synonym: SynonymInput,
) -> SymptomPublic:
    """Another way people say it ("sore sit bone"), or a word for its body part alone. Needs
    the `admin` scope."""
    start_writing(session, key)
    add_synonym(session, slug, synonym, author=key.name)
    return get_symptom(session, cache, slug)


@router.delete(
    "/{slug}/synonyms/{text}",
    summary="Remove a synonym",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=ADMIN_ERRORS,
)
def delete_synonym(
    session: SessionDep,
    key: AdminDep,
    slug: SymptomSlug,
    text: Annotated[str, Path(max_length=255)],
) -> Response:
    """Needs the `admin` scope."""
    start_writing(session, key)
    remove_synonym(session, slug, text, author=key.name)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.delete(
    "/{slug}",
    summary="Delete a symptom no condition uses",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=ADMIN_ERRORS,
)
def delete_symptom_route(
    session: SessionDep, cache: CacheDep, key: AdminDep, slug: SymptomSlug
) -> Response:
    """Refused with 409 while any condition lists it. Needs the `admin` scope."""
    start_writing(session, key)
    delete_symptom(session, cache, slug, author=key.name)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
