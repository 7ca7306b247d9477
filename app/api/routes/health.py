from http import HTTPStatus

from fastapi import APIRouter, Request
from fastapi.responses import Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from pydantic import BaseModel
from sqlalchemy.exc import SQLAlchemyError

from app.core.db import schema_is_current
from app.core.errors import ProblemError, problem_responses

router = APIRouter(tags=["health"])


class Health(BaseModel):
    status: str = "ok"


class NotReady(ProblemError):
    status = HTTPStatus.SERVICE_UNAVAILABLE


@router.get("/healthz", summary="Liveness")
def healthz() -> Health:
    """Answers while the process is up and serving requests."""
    return Health()


@router.get("/readyz", summary="Readiness", responses=problem_responses(503))
def readyz(request: Request) -> Health:
    """Ready when the database answers and its schema is at the newest migration: the signal
    for a load balancer or orchestrator to send traffic here."""
    try:
        current = schema_is_current(request.app.state.engine)
    except SQLAlchemyError as error:
        raise NotReady("The database does not answer.") from error
    if not current:
        raise NotReady("The database schema is not at the newest migration.")
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
    return Response(body, media_type=CONTENT_TYPE_LATEST)
