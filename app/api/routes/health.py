from fastapi import APIRouter
from pydantic import BaseModel

router = APIRouter(tags=["health"])


class Health(BaseModel):
    status: str = "ok"


@router.get("/healthz", summary="Liveness")
def healthz() -> Health:
    """Answers while the process is up and serving requests."""
    return Health()
