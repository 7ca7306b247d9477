from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from sqlmodel import Session

from app.api.http_cache import FromTheBase, answer_from_base
from app.cache.version import KnowledgeState
from app.core.errors import problem_responses
from app.ranking.model import __doc__ as RANKING_MODEL
from app.schemas.lookup import LookupQuery, LookupRequest, LookupResponse
from app.services.lookup import look_up, look_up_from_memory

router = APIRouter(prefix="/v1/lookup", tags=["lookup"])
# A lookup is someone's symptoms (in a GET, in its URL): no shared cache may keep it.
PERSONAL_ANSWER = {"Cache-Control": "private, no-store"}

LOOKUP_DESCRIPTION = f"""What could be causing these symptoms?

Each symptom is a slug from `/v1/symptoms` or a phrase in the person's own words ("it hurts in
my bum when I drive"). The answer says which inputs were recognised as which symptoms, offers
suggestions for the ones that were not, and ranks the candidate conditions, each with the
symptoms that support it, those that count against it, and an explanation.

This is health information, not a diagnosis.

{RANKING_MODEL}"""


@router.post(
    "",
    summary="Candidate causes of a set of symptoms",
    description=LOOKUP_DESCRIPTION,
    response_model=LookupResponse,
    responses=problem_responses(413, 422),
)
async def post_lookup(http: Request, request: LookupRequest) -> Response:
    # The same question on the same version of the base has the same answer: it is ranked
    # once and then served from memory.
    question = FromTheBase(body=request.model_dump_json())
    return await answer_from_base(
        http,
        question,
        _answering(http, request),
        headers=PERSONAL_ANSWER,
        from_memory=_from_memory(http, request),
    )


@router.get(
    "",
    summary="Candidate causes of a set of symptoms (query string)",
    description="The same as `POST /v1/lookup`, for links and quick tries: repeat `symptom` "
    "(and `absent`) for each one.\n\n" + LOOKUP_DESCRIPTION,
    response_model=LookupResponse,
    responses=problem_responses(422),
)
async def get_lookup(http: Request, query: Annotated[LookupQuery, Query()]) -> Response:
    request = query.as_request()
    return await answer_from_base(
        http,
        FromTheBase(),
        _answering(http, request),
        headers=PERSONAL_ANSWER,
        from_memory=_from_memory(http, request),
    )


def _from_memory(http: Request, request: LookupRequest) -> Callable[[KnowledgeState], bytes | None]:
    def render(at_least: KnowledgeState) -> bytes | None:
        answer = look_up_from_memory(
            http.app.state.cache,
            request,
            at_least,
            characters=http.app.state.settings.loop_lookup_characters,
        )
        return None if answer is None else answer.model_dump_json().encode()

    return render


def _answering(http: Request, request: LookupRequest) -> Callable[[Session], bytes]:
    cache = http.app.state.cache
    return lambda session: look_up(session, cache, request).model_dump_json().encode()
