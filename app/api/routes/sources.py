from fastapi import APIRouter

from app.api.caching import KnowledgeFresh
from app.api.deps import SessionDep
from app.schemas import SourceList
from app.services.sources import list_sources

router = APIRouter(prefix="/v1/sources", tags=["sources"])


@router.get("", summary="Outside knowledge bases, their releases and licenses")
def read_sources(session: SessionDep, _fresh: KnowledgeFresh) -> SourceList:
    """Every outside knowledge base imported whole (such as the Human Phenotype Ontology),
    with its release, license terms and the acknowledgement it asks users of it to show.
    The service's own conditions say where they come from on each condition (`source`)."""
    return list_sources(session)
