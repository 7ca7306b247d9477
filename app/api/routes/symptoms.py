from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from app.api.caching import conditional_get, knowledge_etag
from app.api.deps import SessionDep
from app.core.errors import problem_responses
from app.schemas import SymptomSuggestions
from app.services.symptoms import suggest_symptoms
from app.services.versions import knowledge_state

router = APIRouter(prefix="/v1/symptoms", tags=["symptoms"])


@router.get("", summary="Autocomplete symptoms", responses=problem_responses(422))
def read_symptoms(
    session: SessionDep,
    request: Request,
    response: Response,
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
) -> SymptomSuggestions:
    """Symptoms whose name or a synonym starts with what was typed, or has a word that does
    ("bum" finds buttock pain), followed by near spellings, so "buttok" still finds it. Each
    suggestion's `slug` can be sent to the lookup as it is."""
    knowledge = knowledge_state(session)
    etag = knowledge_etag(knowledge, request)
    conditional_get(request, response, etag=etag, last_modified=knowledge.last_modified)
    return SymptomSuggestions(items=suggest_symptoms(session, q=q, limit=limit))
