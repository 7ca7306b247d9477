from fastapi import APIRouter, Request, Response

from app.api.caching import conditional_get, knowledge_etag
from app.api.deps import SessionDep
from app.schemas import KnowledgeExport
from app.services.exchange import export_knowledge
from app.services.versions import knowledge_state

router = APIRouter(tags=["export"])


@router.get("/v1/export", summary="The whole knowledge base as JSON")
def read_export(session: SessionDep, request: Request, response: Response) -> KnowledgeExport:
    """The vocabulary and every condition, in the shape `GET /v1/conditions/{slug}` answers.
    `python -m app import FILE.json` of it into an empty database reproduces every condition
    exactly (versions, dates and sources included)."""
    knowledge = knowledge_state(session)
    etag = knowledge_etag(knowledge, request)
    conditional_get(request, response, etag=etag, last_modified=knowledge.last_modified)
    return export_knowledge(session)
