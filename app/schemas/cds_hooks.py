"""CDS Hooks 2.0: the discovery document, a hook request, cards, and feedback."""

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import AwareDatetime, BaseModel, BeforeValidator, ConfigDict, Field

from app.schemas.common import ShortText


class CdsService(BaseModel):
    hook: str = Field(examples=["patient-view"])
    id: str = Field(examples=["condition-advice"])
    title: str
    description: str
    prefetch: dict[str, str] = Field(
        description="FHIR queries the client runs before calling, by key."
    )


class CdsDiscovery(BaseModel):
    services: list[CdsService]


class PatientViewContext(BaseModel):
    # Clients send more (encounterId, ...); what the service does not use is let through.
    model_config = ConfigDict(extra="allow")

    userId: ShortText  # noqa: N815 (the specification's names)
    patientId: ShortText  # noqa: N815
    encounterId: ShortText | None = None  # noqa: N815


class HookRequest(BaseModel):
    model_config = ConfigDict(extra="allow")

    hook: Literal["patient-view"]
    hookInstance: ShortText  # noqa: N815
    fhirServer: ShortText | None = None  # noqa: N815
    fhirAuthorization: dict[str, Any] | None = None  # noqa: N815
    context: PatientViewContext
    prefetch: dict[str, Any] | None = Field(
        default=None, description="The prefetch the discovery document asks for, by key."
    )


class CardSource(BaseModel):
    label: str
    url: str | None = None


class CardLink(BaseModel):
    label: str
    url: str
    type: Literal["absolute", "smart"] = "absolute"


class Card(BaseModel):
    uuid: str
    summary: str = Field(max_length=140)
    detail: str | None = Field(default=None, description="Markdown.")
    indicator: Literal["info", "warning", "critical"]
    source: CardSource
    links: list[CardLink] = Field(default_factory=list)


class HookResponse(BaseModel):
    cards: list[Card]


def _written_out(value: object) -> object:
    # An instant as the specification writes it (ISO 8601 text), not a number of seconds.
    if not isinstance(value, str | datetime):
        raise ValueError("an ISO 8601 date and time is expected")
    return value


Timestamp = Annotated[AwareDatetime, BeforeValidator(_written_out)]


class CardFeedback(BaseModel):
    model_config = ConfigDict(extra="allow")

    card: ShortText
    outcome: Literal["accepted", "overridden"]
    outcomeTimestamp: Timestamp  # noqa: N815


class FeedbackRequest(BaseModel):
    feedback: list[CardFeedback] = Field(min_length=1, max_length=100)
