from typing import Annotated

from fastapi import APIRouter, Query

from app.api.deps import SessionDep
from app.core.errors import problem_responses
from app.schemas import MAX_PHRASE_LENGTH, MAX_SYMPTOMS, LookupRequest, LookupResponse, Sex
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
    session: SessionDep,
    symptom: Annotated[
        list[Annotated[str, Query(min_length=1, max_length=MAX_PHRASE_LENGTH)]],
        Query(
            min_length=1,
            max_length=MAX_SYMPTOMS,
            description="A symptom the person has: slug or phrase. Repeat for each.",
            examples=["buttock-pain"],
        ),
    ],
    absent: Annotated[
        list[Annotated[str, Query(min_length=1, max_length=MAX_PHRASE_LENGTH)]],
        Query(max_length=MAX_SYMPTOMS, description="A symptom the person does not have."),
    ] = [],  # noqa: B006  (FastAPI copies query defaults; this list is never mutated)
    age: Annotated[int | None, Query(ge=0, le=120, description="Age in years.")] = None,
    sex: Annotated[Sex | None, Query()] = None,
    limit: Annotated[int, Query(ge=1, le=50, description="How many candidates at most.")] = 10,
) -> LookupResponse:
    request = LookupRequest(symptoms=symptom, absent=absent, age=age, sex=sex, limit=limit)
    return look_up(session, request)
