"""CDS Hooks 2.0, patient-view: the electronic health record sends the patient's active
conditions (FHIR Condition resources, in the prefetch), and gets a card for each one this
base holds, with its self help, when to seek help and a link to the patient card.

A Condition is matched by its ICD-10-CM codings (the same branch matching as Infobutton), and by
its text where no coding matches. Nothing is fetched from the record's FHIR server: without the
prefetch the service cannot know the conditions, and says so (412, as the specification asks).
"""

import uuid
from typing import Any

from fhir.resources.R4B.condition import Condition as FhirCondition
from pydantic import ValidationError
from sqlmodel import Session

from app.core.errors import InvalidContent, PreconditionFailed
from app.models import CareLevel
from app.schemas.cds_hooks import (
    Card,
    CardLink,
    CardSource,
    CdsDiscovery,
    CdsService,
    HookRequest,
    HookResponse,
)
from app.schemas.conditions import ConditionPublic
from app.services.conditions import get_condition
from app.services.embedding import PROVIDER_NAME
from app.services.infobutton import conditions_for_problem

SERVICE_ID = "condition-advice"
PREFETCH_KEY = "conditions"
ICD_10_CM_SYSTEM = "http://hl7.org/fhir/sid/icd-10-cm"
INACTIVE = {"inactive", "resolved", "remission"}
MAX_CARDS = 10
INDICATOR = {
    CareLevel.self_care: "info",
    CareLevel.see_physiotherapist: "info",
    CareLevel.see_doctor: "warning",
    CareLevel.urgent: "critical",
    CareLevel.emergency: "critical",
}


def discovery() -> CdsDiscovery:
    return CdsDiscovery(
        services=[
            CdsService(
                hook="patient-view",
                id=SERVICE_ID,
                title="Sports-injury advice for the patient's conditions",
                description="For each active condition this knowledge base holds (by its "
                "ICD-10-CM code, or its text), patient advice: self help, when to seek help, "
                "and a printable card.",
                prefetch={
                    PREFETCH_KEY: "Condition?patient={{context.patientId}}&clinical-status=active"
                },
            )
        ]
    )


def patient_view(session: Session, request: HookRequest, base_url: str) -> HookResponse:
    if request.prefetch is None or PREFETCH_KEY not in request.prefetch:
        raise PreconditionFailed(
            f"The prefetch {PREFETCH_KEY!r} is missing, and this service does not fetch from the "
            "record's FHIR server: send it as the discovery document asks."
        )
    slugs: dict[str, None] = {}
    for condition in _active_conditions(request.prefetch[PREFETCH_KEY]):
        for slug in _matching(session, condition):
            slugs.setdefault(slug)
    cards = [
        _card(get_condition(session, slug), base_url, request.hookInstance)
        for slug in list(slugs)[:MAX_CARDS]
    ]
    return HookResponse(cards=cards)


def _active_conditions(bundle: Any) -> list[FhirCondition]:
    """The active Condition resources of a prefetched Bundle (others are left out)."""
    if bundle is None:
        return []  # the client found nothing to prefetch
    if not isinstance(bundle, dict) or bundle.get("resourceType") != "Bundle":
        raise InvalidContent(f"prefetch.{PREFETCH_KEY} is not a FHIR Bundle.")
    entries = bundle.get("entry") or []
    if not isinstance(entries, list):
        raise InvalidContent(f"prefetch.{PREFETCH_KEY}.entry is not a list.")
    active: list[FhirCondition] = []
    for number, entry in enumerate(entries):
        resource = entry.get("resource") if isinstance(entry, dict) else None
        if not isinstance(resource, dict) or resource.get("resourceType") != "Condition":
            continue
        try:
            condition = FhirCondition.model_validate(resource)
        except ValidationError as error:
            problem = error.errors()[0]
            where = ".".join(str(part) for part in problem["loc"])
            raise InvalidContent(
                f"prefetch.{PREFETCH_KEY}.entry[{number}] is not a valid FHIR Condition: "
                f"{where}: {problem['msg']}"
            ) from error
        status = condition.clinicalStatus
        codes = {coding.code for coding in (status.coding or [])} if status else set()
        if not codes & INACTIVE:
            active.append(condition)
    return active


def _matching(session: Session, condition: FhirCondition) -> list[str]:
    concept = condition.code
    if concept is None:
        return []
    codes = [
        coding.code
        for coding in concept.coding or []
        if coding.system == ICD_10_CM_SYSTEM and coding.code
    ]
    return conditions_for_problem(
        session, codes, concept.text, per_code=1, limit=max(1, len(codes))
    )


def _card(condition: ConditionPublic, base_url: str, hook_instance: str) -> Card:
    card_url = f"{base_url}embed/conditions/{condition.slug}"
    lines = [condition.summary or condition.name, ""]
    if condition.seek_help:
        lines += ["**When to seek help**", *(f"- {item.text}" for item in condition.seek_help), ""]
    if condition.self_help:
        lines += ["**Self help**", *(f"- {item.text}" for item in condition.self_help), ""]
    reviewed = condition.source.reviewed_on
    lines.append(
        f"_{PROVIDER_NAME}" + (f", reviewed {reviewed}" if reviewed else "") + ". "
        "Health information, not a diagnosis._"
    )
    summary = f"Patient advice: {condition.name}"
    return Card(
        uuid=str(uuid.uuid5(uuid.NAMESPACE_URL, f"{hook_instance}/{condition.slug}")),
        summary=summary if len(summary) < 140 else summary[:136] + "...",
        detail="\n".join(lines),
        indicator=INDICATOR[condition.care_level],
        source=CardSource(label=PROVIDER_NAME, url=card_url),
        links=[CardLink(label=f"Patient card: {condition.name}"[:120], url=card_url)],
    )
