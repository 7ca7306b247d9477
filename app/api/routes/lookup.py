from typing import Annotated

from fastapi import APIRouter, Query

from app.api.caching import KnowledgeFresh
from app.api.deps import SessionDep
from app.core.errors import problem_responses
from app.schemas import LookupQuery, LookupRequest, LookupResponse
from app.services.lookup import look_up
from app.services.ranking import __doc__ as RANKING_MODEL

router = APIRouter(prefix="/v1/lookup", tags=["lookup"])

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
    responses=problem_responses(413, 422),
)
def post_lookup(session: SessionDep, request: LookupRequest) -> LookupResponse:
    return look_up(session, request)


@router.get(
    "",
    summary="Candidate causes of a set of symptoms (query string)",
    description="The same as `POST /v1/lookup`, for links and quick tries: repeat `symptom` "
    "(and `absent`) for each one.\n\n" + LOOKUP_DESCRIPTION,
    responses=problem_responses(422),
)
def get_lookup(
    session: SessionDep, _fresh: KnowledgeFresh, query: Annotated[LookupQuery, Query()]
) -> LookupResponse:
    return look_up(session, query.as_request())
