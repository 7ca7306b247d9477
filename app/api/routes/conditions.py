from typing import Annotated

from fastapi import APIRouter, Path, Query

from app.api.deps import SessionDep
from app.core.errors import problem_responses
from app.schemas import ConditionPage, ConditionPublic
from app.services.conditions import get_condition, list_conditions

router = APIRouter(prefix="/v1/conditions", tags=["conditions"])

SlugPath = Annotated[
    str,
    Path(
        max_length=120,
        description="The condition's slug, as in the list.",
        examples=["hamstring-origin-problem"],
    ),
]


@router.get("", summary="List or search conditions", responses=problem_responses(422))
def read_conditions(
    session: SessionDep,
    q: Annotated[
        str | None,
        Query(
            max_length=200,
            description="Words to search for in every part of a condition; each word must "
            "occur (as a word or the start of one). Results come best match first.",
            examples=["buttock running"],
        ),
    ] = None,
    limit: Annotated[int, Query(ge=1, le=100, description="Page size.")] = 20,
    cursor: Annotated[
        str | None,
        Query(max_length=500, description="The `next_cursor` of the previous page."),
    ] = None,
) -> ConditionPage:
    """Conditions in alphabetical order of slug, or the ones matching `q`, a page at a time.
    Follow `next_cursor` until it is null to see them all."""
    return list_conditions(session, q=q, limit=limit, cursor=cursor)


@router.get(
    "/{slug}", summary="Everything about one condition", responses=problem_responses(404, 422)
)
def read_condition(session: SessionDep, slug: SlugPath) -> ConditionPublic:
    """The whole condition: symptoms with how often they occur, causes and contributing
    factors, other conditions that look alike, self help, treatment, prevention and the
    recovery time in days, with where the content came from and when it was reviewed."""
    return get_condition(session, slug)
