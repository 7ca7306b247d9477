from fastapi import APIRouter

from app.api.deps import SessionDep
from app.api.http_cache import KnowledgeFresh
from app.schemas.exchange import KnowledgeExport
from app.services.exchange import export_knowledge

router = APIRouter(tags=["export"])


@router.get("/v1/export", summary="The whole knowledge base as JSON")
def read_export(session: SessionDep, _fresh: KnowledgeFresh) -> KnowledgeExport:
    """The vocabulary and every condition, in the shape `GET /v1/conditions/{slug}` answers.
    `python -m app import FILE.json` of it into an empty database reproduces every condition
    exactly (versions, dates and sources included)."""
    return export_knowledge(session)
