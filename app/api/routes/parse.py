from fastapi import APIRouter

from app.api.deps import CacheDep, SessionDep
from app.core.errors import problem_responses
from app.schemas.lookup import ParseRequest, ParseResponse
from app.services.lookup import parse_text

router = APIRouter(prefix="/v1/parse", tags=["lookup"])


@router.post("", summary="Find the symptoms in free text", responses=problem_responses(413, 422))
def post_parse(session: SessionDep, cache: CacheDep, request: ParseRequest) -> ParseResponse:
    """The symptoms a person's own words name, in any word order, with lay words and small
    typos understood, each with its character span and whether the text denies it:
    "it hurts in my bum when I sit in the car but my back is fine" names buttock pain,
    pain when sitting and pain when driving, and denies lower back pain. Send the text to
    `POST /v1/lookup` as `text` to rank what could be causing them."""
    return parse_text(session, cache, request.text)
