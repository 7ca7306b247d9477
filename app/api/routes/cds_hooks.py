from typing import Annotated

from fastapi import APIRouter, Path, Request

from app.api.deps import SessionDep
from app.api.public_url import public_base_url
from app.core.errors import NotFound, problem_responses
from app.schemas.cds_hooks import CdsDiscovery, FeedbackRequest, HookRequest, HookResponse
from app.services.cds_hooks import SERVICE_ID, discovery, patient_view

router = APIRouter(prefix="/cds-services", tags=["cds-hooks"])

ServiceId = Annotated[str, Path(max_length=60, examples=[SERVICE_ID])]


def _known(service_id: str) -> None:
    if service_id != SERVICE_ID:
        raise NotFound(f"No CDS service has the id {service_id!r}; see /cds-services.")


@router.get("", summary="CDS Hooks discovery")
def read_discovery() -> CdsDiscovery:
    """The CDS services this knowledge base offers an electronic health record (CDS Hooks
    2.0): one `patient-view` service, with the prefetch it needs."""
    return discovery()


@router.post(
    "/{service_id}",
    summary="CDS Hooks patient-view: advice cards for the patient's conditions",
    responses=problem_responses(404, 412, 421, 422),
)
def call_service(
    session: SessionDep, request: Request, service_id: ServiceId, hook: HookRequest
) -> HookResponse:
    """A card for each active condition of the prefetched FHIR Bundle that this base holds
    (matched by ICD-10-CM coding, or by text): self help and when to seek help as markdown,
    the indicator from its care level, our attribution, and a link to the patient card. Without
    the prefetch the answer is a 412: this service does not call the record's FHIR server."""
    _known(service_id)
    return patient_view(session, hook, public_base_url(request))


@router.post(
    "/{service_id}/feedback",
    summary="CDS Hooks feedback on the cards",
    responses=problem_responses(404, 422),
)
def feedback(request: Request, service_id: ServiceId, body: FeedbackRequest) -> dict[str, str]:
    """Whether the cards were accepted or overridden: counted in `/metrics`
    (`kb_cds_feedback_total`), never who or for which patient."""
    _known(service_id)
    for item in body.feedback:
        request.app.state.metrics.cds_feedback.labels(service_id, item.outcome).inc()
    return {}
