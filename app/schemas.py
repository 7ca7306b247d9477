"""The shapes the API reads and writes; the OpenAPI page is built from these."""

from datetime import date, datetime
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from app.models import CauseKind, Frequency

NOT_A_DIAGNOSIS = (
    "Health information, not a diagnosis. If the pain is severe, keeps you awake at night, came "
    "with a pop or sudden weakness, or comes with numbness, fever or loss of bladder or bowel "
    "control, see a doctor or physiotherapist."
)

MAX_SYMPTOMS = 50
MAX_PHRASE_LENGTH = 200
SymptomPhrase = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_PHRASE_LENGTH)
]

# --- conditions ------------------------------------------------------------------------------


class SymptomRef(BaseModel):
    slug: str = Field(examples=["buttock-pain"])
    name: str = Field(examples=["Buttock pain"])


class ConditionSymptomPublic(BaseModel):
    slug: str = Field(examples=["pain-when-driving"])
    name: str = Field(examples=["Pain when driving"])
    region: str | None = Field(examples=["activity"])
    frequency: Frequency = Field(description="How often people with the condition have it.")
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


class ConditionPublic(BaseModel):
    slug: str = Field(examples=["hamstring-origin-problem"])
    name: str = Field(examples=["Hamstring origin problem"])
    summary: str | None
    symptoms: list[ConditionSymptomPublic]
    causes: list[CausePublic]
    differentials: list[DifferentialPublic]
    self_help: list[AdvicePublic]
    treatment: list[AdvicePublic]
    prevention: list[AdvicePublic]
    recovery: RecoveryPublic | None
    source: SourcePublic
    version: int = Field(description="Goes up by one each time the content changes.")
    updated_at: datetime
    disclaimer: str = NOT_A_DIAGNOSIS


class ConditionSummary(BaseModel):
    slug: str = Field(examples=["hamstring-origin-problem"])
    name: str = Field(examples=["Hamstring origin problem"])
    summary: str | None


class ConditionPage(BaseModel):
    items: list[ConditionSummary]
    next_cursor: str | None = Field(
        description="Pass as `cursor` to get the next page; null on the last page."
    )


# --- symptoms --------------------------------------------------------------------------------


class SymptomSuggestion(BaseModel):
    slug: str = Field(examples=["buttock-pain"])
    name: str = Field(examples=["Buttock pain"])
    region: str | None = Field(examples=["buttock"])
    matched: str = Field(description="The name or synonym that matched.", examples=["bum pain"])


class SymptomSuggestions(BaseModel):
    items: list[SymptomSuggestion]


# --- lookup ----------------------------------------------------------------------------------


class Sex(StrEnum):
    female = "female"
    male = "male"


class LookupRequest(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "symptoms": ["pain in my bum", "hurts when I drive", "sprinting hurts"],
                    "absent": ["lower-back-pain"],
                    "age": 34,
                    "sex": "female",
                    "limit": 5,
                }
            ]
        },
    )

    symptoms: list[SymptomPhrase] = Field(
        min_length=1,
        max_length=MAX_SYMPTOMS,
        description="What the person has: symptom slugs or phrases in their own words.",
    )
    absent: list[SymptomPhrase] = Field(
        default_factory=list,
        max_length=MAX_SYMPTOMS,
        description="Symptoms the person does not have; they count against conditions that "
        "usually have them.",
    )
    age: int | None = Field(default=None, ge=0, le=120, description="Age in years.")
    sex: Sex | None = None
    limit: int = Field(default=10, ge=1, le=50, description="How many candidates at most.")


class LookupQuery(BaseModel):
    """`GET /v1/lookup`'s query string: repeat `symptom` and `absent` for each one."""

    model_config = ConfigDict(extra="forbid")

    symptom: list[SymptomPhrase] = Field(
        min_length=1,
        max_length=MAX_SYMPTOMS,
        description="A symptom the person has: slug or phrase. Repeat for each.",
        examples=[["buttock-pain", "sprinting hurts"]],
    )
    absent: list[SymptomPhrase] = Field(
        default_factory=list,
        max_length=MAX_SYMPTOMS,
        description="A symptom the person does not have. Repeat for each.",
    )
    age: int | None = Field(default=None, ge=0, le=120, description="Age in years.")
    sex: Sex | None = None
    limit: int = Field(default=10, ge=1, le=50, description="How many candidates at most.")

    def as_request(self) -> LookupRequest:
        return LookupRequest(
            symptoms=self.symptom, absent=self.absent, age=self.age, sex=self.sex, limit=self.limit
        )


class RecognizedSymptom(BaseModel):
    input: str = Field(examples=["hurts when I drive"])
    symptom: SymptomRef
    present: bool = Field(description="False for a symptom reported as absent.")


class UnrecognizedSymptom(BaseModel):
    input: str = Field(examples=["wobbly knee"])
    suggestions: list[SymptomRef] = Field(description="Closest known symptoms, best first.")


class MatchedSymptom(BaseModel):
    slug: str
    name: str
    frequency: Frequency


class ConditionRef(BaseModel):
    slug: str = Field(examples=["hamstring-origin-problem"])
    name: str = Field(examples=["Hamstring origin problem"])


class Candidate(BaseModel):
    condition: ConditionRef
    score: float = Field(
        ge=0,
        le=1,
        description="Probability that this condition explains the symptoms, under the model "
        "described on POST /v1/lookup; comparable across requests.",
    )
    matched: list[MatchedSymptom] = Field(description="Reported symptoms the condition has.")
    against: list[MatchedSymptom] = Field(
        description="Symptoms reported absent that the condition has."
    )
    not_mentioned: list[MatchedSymptom] = Field(
        description="Symptoms common in the condition that were not mentioned either way."
    )
    explanation: str


class LookupResponse(BaseModel):
    recognized: list[RecognizedSymptom]
    unrecognized: list[UnrecognizedSymptom]
    candidates: list[Candidate]
    disclaimer: str = NOT_A_DIAGNOSIS
