import logging

from fastapi import APIRouter, Request
from fastapi.responses import Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from pydantic import BaseModel
from sqlalchemy.exc import SQLAlchemyError

from app.core.db import schema_is_current
from app.core.errors import ServiceUnavailable, problem_responses

logger = logging.getLogger(__name__)
router = APIRouter(tags=["health"])


class Health(BaseModel):
    status: str = "ok"


NOT_CACHED = {"Cache-Control": "no-store"}


@router.get("/healthz", summary="Liveness")
def healthz(response: Response) -> Health:
    """Answers while the process is up and serving requests."""
    response.headers.update(NOT_CACHED)
    return Health()


@router.get("/readyz", summary="Readiness", responses=problem_responses(503))
def readyz(request: Request, response: Response) -> Health:
    """Ready when the database answers and its schema is at the newest migration: the signal
    for a load balancer or orchestrator to send traffic here."""
    try:
        current = schema_is_current(request.app.state.engine)
    except SQLAlchemyError as error:
        logger.error("readiness: the database does not answer: %s", type(error).__name__)
        raise ServiceUnavailable("The database does not answer.") from error
    if not current:
        raise ServiceUnavailable("The database schema is not at the newest migration.")
    response.headers.update(NOT_CACHED)
    return Health(status="ready")


@router.get(
    "/metrics",
    summary="Prometheus metrics",
    response_class=Response,
    responses={200: {"content": {CONTENT_TYPE_LATEST: {}}}},
)
def metrics(request: Request) -> Response:
    """Requests answered and their latency, by route (Prometheus text format)."""
    body = generate_latest(request.app.state.metrics.registry)
    return Response(body, media_type=CONTENT_TYPE_LATEST, headers=NOT_CACHED)
