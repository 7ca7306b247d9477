"""A condition as GET shows it, whole or in a page of a list."""

from datetime import date, datetime
from typing import Optional

from pydantic import (
    BaseModel,
    Field,
    create_model,
)

from app.models import CareLevel, CauseKind, Frequency
from app.schemas.common import NOT_A_DIAGNOSIS


class ConditionSymptomPublic(BaseModel):
    slug: str = Field(examples=["pain-when-driving"])
    name: str = Field(examples=["Pain when driving"])
    region: str | None = Field(examples=["activity"])
    frequency: Frequency = Field(description="How often people with the condition have it.")
    frequency_value: float | None = Field(
        default=None,
        description="The share of people with it who have the symptom, where the source gives "
        "one (HPO's frequencies); null otherwise.",
    )
    source_id: str | None = Field(
        default=None, description="The symptom's id in its ontology, such as HP:0001250."
    )
    text: str = Field(description="The page's own wording of the symptom.")


class CausePublic(BaseModel):
    kind: CauseKind
    text: str = Field(examples=["Running on slippery surfaces"])
    source_text: str = Field(description="The sentence or list item the cause was taken from.")


class DifferentialPublic(BaseModel):
    name: str = Field(examples=["Piriformis syndrome"])
    slug: str | None = Field(
        description="The condition's slug when this knowledge base has it, otherwise null."
    )
    note: str


class AdvicePublic(BaseModel):
    text: str


class RecoveryPublic(BaseModel):
    text: str
    min_days: int | None = Field(description="Shortest recovery the text gives, in days.")
    max_days: int | None = Field(description="Longest recovery the text gives, in days.")


class SourcePublic(BaseModel):
    document: str = Field(description="The file the content was imported from.")
    provenance: str = Field(description="Who wrote the content and on what it is based.")
    reviewed_on: date | None = Field(description="When the content was last reviewed.")
    imported_at: datetime


class PriorFactorPublic(BaseModel):
    """Who is more or less likely to have it: a factor on how likely it is to begin with."""

    age_min: int | None = None
    age_max: int | None = None
    sex: str | None = None
    factor: float = Field(examples=[10.0])


class CodePublic(BaseModel):
    system: str = Field(examples=["ICD-10-CM"])
    code: str = Field(examples=["M76.5"])
    display: str | None = Field(default=None, examples=["Patellar tendinitis"])


class ConditionPublic(BaseModel):
    slug: str = Field(examples=["hamstring-origin-problem"])
    source_id: str | None = Field(
        default=None,
        description="Its id in the outside knowledge base it came from (OMIM:147791, "
        "ORPHA:558); null for the service's own content.",
    )
    name: str = Field(examples=["Hamstring origin problem"])
    aliases: list[str] = Field(description="Other names of the condition.")
    summary: str | None
    symptoms: list[ConditionSymptomPublic]
    causes: list[CausePublic]
    differentials: list[DifferentialPublic]
    self_help: list[AdvicePublic]
    treatment: list[AdvicePublic]
    prevention: list[AdvicePublic]
    seek_help: list[AdvicePublic] = Field(description="When to see a professional, and whom.")
    recovery: RecoveryPublic | None
    care_level: CareLevel = Field(description="Who should see it, at least.")
    cant_miss: bool = Field(description="Serious if missed; its warning signs come first.")
    codes: list[CodePublic] = Field(
        default_factory=list,
        description="Its codes in clinical classifications (ICD-10-CM), checked against the "
        "code list when the content was written.",
    )
    regions: list[str] = Field(
        default_factory=list,
        description="The body regions it hurts in (slugs of `/v1/regions`), as its page names "
        "them or as its symptoms say; a complaint elsewhere counts against it.",
        examples=[["buttock", "back-thigh"]],
    )
    prior_weight: float = Field(
        description="How common it is among the people who ask, relative to the others."
    )
    prior_factors: list[PriorFactorPublic] = Field(
        description="Ages and sexes for which it is more or less likely."
    )
    source: SourcePublic
    version: int = Field(description="Goes up by one each time the content changes.")
    updated_at: datetime
    disclaimer: str = NOT_A_DIAGNOSIS


# What `?sections=` answers: these always come, the rest only when chosen.
ALWAYS_SHOWN = ("slug", "source_id", "name", "source", "version", "updated_at", "disclaimer")


ConditionView = create_model(  # type: ignore[call-overload]
    "ConditionView",
    __doc__="A condition with the sections asked for (all of them by default).",
    **{
        name: (field.annotation, field)
        if name in ALWAYS_SHOWN
        else (Optional[field.annotation], Field(default=None, description=field.description))  # noqa: UP045
        for name, field in ConditionPublic.model_fields.items()
    },
)


class ConditionSummary(BaseModel):
    slug: str = Field(examples=["hamstring-origin-problem"])
    name: str = Field(examples=["Hamstring origin problem"])
    summary: str | None


class ConditionPage(BaseModel):
    items: list[ConditionSummary]
    next_cursor: str | None = Field(
        description="Pass as `cursor` to get the next page; null on the last page."
    )
