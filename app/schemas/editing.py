"""A condition as an editor sends it, and the revisions every edit keeps."""

from datetime import date, datetime
from typing import Literal

from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    StrictInt,
    model_validator,
)

from app.models import CareLevel, CauseKind, Frequency
from app.schemas.common import MAX_ITEMS, MAX_VERSION, LongText, RegionSlug, ShortText
from app.schemas.lookup import Sex


class SymptomInput(BaseModel):
    model_config = ConfigDict(extra="forbid")

    slug: str | None = Field(
        default=None,
        max_length=120,
        pattern=r"^(?:[a-z0-9]+(?:-[a-z0-9]+)*|[A-Za-z]+:\d+)$",
        description="A known symptom's slug or ontology id (HP:0001250); or, with `name`, a "
        "symptom of this page's own.",
    )
    name: ShortText | None = Field(
        default=None, description="Read-only for vocabulary symptoms; names a new one."
    )
    region: str | None = Field(default=None, description="Read-only; ignored.")
    frequency: Frequency = Frequency.common
    frequency_value: float | None = Field(default=None, description="Read-only; ignored.")
    source_id: str | None = Field(default=None, description="Read-only; ignored.")
    text: LongText = Field(description="The page's own wording of the symptom.")


class CauseInput(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: CauseKind = CauseKind.cause
    text: LongText
    source_text: LongText | None = Field(
        default=None, description="The sentence it was taken from; by default the text itself."
    )


class DifferentialInput(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: ShortText
    note: LongText | None = None
    slug: str | None = Field(
        default=None, description="Read-only: set by the service when the base has it."
    )


class AdviceInput(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: LongText


class RecoveryInput(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: LongText
    min_days: int | None = Field(default=None, ge=0, le=3650)
    max_days: int | None = Field(default=None, ge=0, le=3650)


class PriorFactorInput(BaseModel):
    model_config = ConfigDict(extra="forbid")

    age_min: int | None = Field(default=None, ge=0, le=120)
    age_max: int | None = Field(default=None, ge=0, le=120)
    sex: Sex | None = None
    factor: float = Field(gt=0, le=100)

    @model_validator(mode="after")
    def _age_band_or_sex(self) -> "PriorFactorInput":
        band = self.age_min is not None and self.age_max is not None
        if band == (self.sex is not None):
            raise ValueError("give either age_min and age_max, or sex")
        if band and self.age_min is not None and self.age_max is not None:
            if self.age_min > self.age_max:
                raise ValueError("age_min is after age_max")
        return self


class SourceInput(BaseModel):
    model_config = ConfigDict(extra="forbid")

    provenance: LongText | None = None
    reviewed_on: date | None = None
    document: ShortText | None = Field(default=None, description="Read-only; kept by exports.")
    imported_at: AwareDatetime | None = Field(
        default=None, description="Read-only; kept by exports."
    )


class CodeInput(BaseModel):
    model_config = ConfigDict(extra="forbid")

    system: Literal["ICD-10-CM"] = "ICD-10-CM"
    code: str = Field(min_length=1, max_length=10, examples=["M76.5"])
    display: str | None = Field(default=None, description="Read-only: the code list's words.")


class ConditionInput(BaseModel):
    """A whole condition to store: the shape `GET /v1/conditions/{slug}` answers, so a client
    can read, change and send back. Read-only fields (`version`, `updated_at`, `disclaimer`,
    linked slugs) are ignored on edits; an import of an export keeps them."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "name": "Ischial bursitis",
                    "summary": "Inflammation of the bursa over the sitting bone.",
                    "symptoms": [
                        {"slug": "pain-sitting-on-hard-surfaces", "text": "Pain on hard seats"},
                        {"slug": "swelling", "frequency": "sometimes", "text": "Some swelling"},
                    ],
                    "causes": [{"kind": "cause", "text": "Prolonged sitting"}],
                    "self_help": [{"text": "Use a cushion"}],
                    "recovery": {"text": "Usually 2 to 6 weeks."},
                    "care_level": "see_physiotherapist",
                    "source": {"provenance": "Written by the clinic's physiotherapists"},
                }
            ]
        },
    )

    slug: str | None = Field(default=None, max_length=120, pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
    source_id: str | None = Field(default=None, description="Read-only; ignored.")
    name: ShortText
    aliases: list[ShortText] = Field(default_factory=list, max_length=50)
    summary: LongText | None = None
    symptoms: list[SymptomInput] = Field(default_factory=list, max_length=MAX_ITEMS)
    causes: list[CauseInput] = Field(default_factory=list, max_length=MAX_ITEMS)
    differentials: list[DifferentialInput] = Field(default_factory=list, max_length=MAX_ITEMS)
    self_help: list[AdviceInput] = Field(default_factory=list, max_length=MAX_ITEMS)
    treatment: list[AdviceInput] = Field(default_factory=list, max_length=MAX_ITEMS)
    prevention: list[AdviceInput] = Field(default_factory=list, max_length=MAX_ITEMS)
    seek_help: list[AdviceInput] = Field(default_factory=list, max_length=MAX_ITEMS)
    recovery: RecoveryInput | None = None
    care_level: CareLevel = CareLevel.self_care
    cant_miss: bool = False
    codes: list[CodeInput] = Field(
        default_factory=list, max_length=10, description="ICD-10-CM codes of the condition."
    )
    regions: list[RegionSlug] = Field(
        default_factory=list, max_length=20, description="Body regions it hurts in."
    )
    prior_weight: float = Field(default=1.0, gt=0, le=1000)
    prior_factors: list[PriorFactorInput] = Field(default_factory=list, max_length=50)
    source: SourceInput | None = None
    # A version and a time come back in an export: within what the columns hold (64 bits) and
    # with a time zone, so an import of a crafted export is a 422 or a FILE:LINE error.
    version: StrictInt | None = Field(default=None, ge=1, le=MAX_VERSION, description="Read-only.")
    updated_at: AwareDatetime | None = Field(default=None, description="Read-only.")
    disclaimer: str | None = Field(default=None, description="Read-only; ignored.")


class RevisionPublic(BaseModel):
    version: int
    action: str = Field(examples=["replaced"])
    author: str | None = Field(description="The API key that made it; none for imports.")
    created_at: datetime


class RevisionList(BaseModel):
    slug: str
    live: bool = Field(description="False once the condition is deleted (restore to undo).")
    items: list[RevisionPublic]
