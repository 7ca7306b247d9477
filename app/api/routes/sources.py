from fastapi import APIRouter, Request, Response

from app.api.http_cache import FromTheBase, answer_from_base
from app.schemas.sources import SourceList
from app.services.sources import list_sources

router = APIRouter(prefix="/v1/sources", tags=["sources"])


@router.get(
    "", summary="Outside knowledge bases, their releases and licenses", response_model=SourceList
)
async def read_sources(request: Request) -> Response:
    """Every outside knowledge base imported whole (such as the Human Phenotype Ontology),
    with its release, license terms and the acknowledgement it asks users of it to show.
    The service's own conditions say where they come from on each condition (`source`)."""
    return await answer_from_base(
        request,
        FromTheBase(),
        lambda session: list_sources(session).model_dump_json().encode(),
    )
