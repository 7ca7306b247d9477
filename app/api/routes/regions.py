from fastapi import APIRouter, Request, Response

from app.api.http_cache import FromTheBase, answer_from_base
from app.schemas.symptoms import RegionList
from app.services.conditions import list_regions

router = APIRouter(prefix="/v1/regions", tags=["regions"])


@router.get("", summary="The body regions", response_model=RegionList)
async def read_regions(request: Request) -> Response:
    """Every region of the body the service knows, broad before narrow (the knee, then the
    front, inside, outside and back of the knee), with the words people use for it and how
    many conditions of this base hurt there. A lookup may name them in `regions`; a complaint
    in a region where a condition does not hurt counts against it."""
    cache = request.app.state.cache
    return await answer_from_base(
        request,
        FromTheBase(),
        lambda session: list_regions(session, cache).model_dump_json().encode(),
    )
