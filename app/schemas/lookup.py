"""A lookup (symptoms in, ranked candidates, next question and triage out) and a parse."""

from enum import StrEnum
from typing import Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictInt,
    model_validator,
)

from app.models import CareLevel, Frequency
from app.schemas.common import MAX_SYMPTOMS, NOT_A_DIAGNOSIS, RegionSlug, SymptomPhrase
from app.schemas.conditions import CodePublic
from app.schemas.symptoms import SymptomRef


class Sex(StrEnum):
    female = "female"
    male = "male"


MAX_TEXT_LENGTH = 2000


MAX_LOOKUP_CHARACTERS = 8_000


def _check_size(text: str, symptoms: list[str], absent: list[str]) -> None:
    """Reading words costs more than looking up ids: one question's reading is bounded, so no
    client ties up a worker for long (a clinician's 200 HPO ids fit many times over)."""
    size = len(text) + sum(map(len, symptoms)) + sum(map(len, absent))
    if size > MAX_LOOKUP_CHARACTERS:
        raise ValueError(
            f"the symptoms, absent symptoms and text hold {size:,} characters together; "
            f"at most {MAX_LOOKUP_CHARACTERS:,}"
        )


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
                },
                {
                    "text": "it hurts in my bum when I sit in the car but my back is fine",
                    "age": 15,
                    "sex": "male",
                },
            ]
        },
    )

    symptoms: list[SymptomPhrase] = Field(
        default_factory=list,
        max_length=MAX_SYMPTOMS,
        description="What the person has: symptom slugs or phrases in their own words "
        '(a denied one, such as "no tingling", counts as absent).',
    )
    text: str | None = Field(
        default=None,
        min_length=1,
        max_length=MAX_TEXT_LENGTH,
        description="Free text in the person's words; its symptoms, present or denied, are "
        "added to the lists (see POST /v1/parse).",
    )
    absent: list[SymptomPhrase] = Field(
        default_factory=list,
        max_length=MAX_SYMPTOMS,
        description="Symptoms the person does not have; they count against conditions that "
        "usually have them.",
    )
    unsure: list[SymptomPhrase] = Field(
        default_factory=list,
        max_length=MAX_SYMPTOMS,
        description="Symptoms the person was asked about and could not say (a checker's "
        '"not sure"), as slugs: they count neither way, and are not asked again.',
        examples=[["pain-at-night"]],
    )
    regions: list[RegionSlug] = Field(
        default_factory=list,
        max_length=20,
        description="Where it hurts, as body region slugs of `/v1/regions` (a body map's "
        "choice); regions named in the symptoms or the text count as well.",
        examples=[["front-knee"]],
    )
    age: StrictInt | None = Field(default=None, ge=0, le=120, description="Age in years.")
    sex: Sex | None = None
    limit: StrictInt = Field(default=10, ge=1, le=50, description="How many candidates at most.")

    @model_validator(mode="after")
    def _something_to_look_up(self) -> "LookupRequest":
        if not self.symptoms and self.text is None and not self.regions:
            raise ValueError("give at least one symptom, a text or a region")
        _check_size(self.text or "", self.symptoms, self.absent + self.unsure)
        return self


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

    @model_validator(mode="after")
    def _bounded(self) -> "LookupQuery":
        _check_size("", self.symptom, self.absent)
        return self

    def as_request(self) -> LookupRequest:
        return LookupRequest(
            symptoms=self.symptom, absent=self.absent, age=self.age, sex=self.sex, limit=self.limit
        )


class RecognizedSymptom(BaseModel):
    input: str = Field(
        examples=["hurts when I drive"], description="The phrase, or the words of the text."
    )
    symptom: SymptomRef
    present: bool = Field(description="False for a symptom reported as absent.")


class UnrecognizedSymptom(BaseModel):
    input: str = Field(examples=["downhill"])
    suggestions: list[SymptomRef] = Field(description="Closest known symptoms, best first.")
    start: int | None = Field(
        default=None, description="For words of the free text: where they start in it."
    )
    end: int | None = Field(default=None, description="And where they end (exclusive).")


class RegionCoverage(BaseModel):
    slug: str = Field(examples=["knee"])
    name: str = Field(examples=["Knee"])
    covered: bool = Field(description="Whether this knowledge base holds conditions of it.")


class Coverage(BaseModel):
    """What the answer could rest on: the body regions asked about, and whether this
    knowledge base holds conditions for them."""

    regions: list[RegionCoverage]
    placed: bool = Field(
        description="Whether any symptom or body region of the question was recognised."
    )
    message: str | None = Field(
        default=None,
        description="A plain sentence when the base cannot answer all of it.",
        examples=["This knowledge base has no conditions of the knee."],
    )


class MatchedSymptom(BaseModel):
    slug: str
    name: str
    frequency: Frequency
    frequency_value: float | None = Field(
        default=None, description="The share of people with the condition who have it, if known."
    )
    reported: str | None = Field(
        default=None, description="For a match: the reported symptom this listing explains."
    )
    relation: Literal["exact", "more_specific", "related", "outside_its_regions"] | None = Field(
        default=None,
        description="For a match: the condition lists the reported symptom itself (exact), a "
        "more specific form of it, or a broader or sibling symptom (related, partial credit). "
        "In `against`, `outside_its_regions` marks a body region (`slug`) that the person says "
        "hurts and the condition does not hurt in: strong evidence against it.",
    )


class ConditionRef(BaseModel):
    slug: str = Field(examples=["hamstring-origin-problem"])
    name: str = Field(examples=["Hamstring origin problem"])
    codes: list[CodePublic] = Field(default_factory=list, description="Its ICD-10-CM codes.")
    source_id: str | None = Field(
        default=None,
        description="Its id in the outside knowledge base it came from, such as OMIM:147791.",
        examples=[None],
    )


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
    unexpected: list[MatchedSymptom] = Field(
        description="Symptoms reported present that the condition usually does not have."
    )
    not_mentioned: list[MatchedSymptom] = Field(
        description="Symptoms common in the condition that were not mentioned either way."
    )
    explanation: str
    promoted_for_safety: bool = Field(
        description="Listed above more probable conditions because it must not be missed "
        "and its warning signs were reported."
    )
    care_level: CareLevel = Field(description="Who should see it, if it is this.")
    seek_help: list[str] = Field(description="The condition's own when-to-seek-help advice.")


class NextQuestion(BaseModel):
    symptom: SymptomRef
    question: str = Field(examples=["Does the pain wake you at night?"])
    information_gain: float = Field(
        description="Expected reduction, in bits, of the uncertainty about the cause."
    )
    purpose: Literal["separate", "rule_out_warning_sign"] = Field(
        description="`separate`: its answer best tells the leading candidates apart; "
        "`rule_out_warning_sign`: nothing separates them any more, so it checks for a warning "
        "sign of one of them."
    )


class TriageReason(BaseModel):
    level: CareLevel
    advice: str
    symptom: SymptomRef | None = Field(description="The warning sign, for a red flag.")
    condition: ConditionRef | None = Field(description="The likely condition that needs care.")


class Triage(BaseModel):
    level: CareLevel = Field(description="The most urgent care the answer implies.")
    advice: str
    reasons: list[TriageReason] = Field(description="What set the level, most urgent first.")


class LookupResponse(BaseModel):
    recognized: list[RecognizedSymptom]
    unrecognized: list[UnrecognizedSymptom]
    candidates: list[Candidate]
    something_else: float = Field(
        description="Probability that no condition in this knowledge base explains it."
    )
    not_listed: float = Field(
        description="Probability held by conditions of the base that match none of the "
        "symptoms (not listed as candidates). With `something_else` and every candidate's "
        "score it adds up to one."
    )
    next_question: NextQuestion | None = Field(
        description="The question whose answer would best separate the leading candidates."
    )
    coverage: Coverage
    triage: Triage
    disclaimer: str = NOT_A_DIAGNOSIS


class ParseRequest(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"text": "it hurts in my bum when I sit in the car but my back is fine"}]
        },
    )

    text: str = Field(min_length=1, max_length=MAX_TEXT_LENGTH)


class SymptomMention(BaseModel):
    symptom: SymptomRef
    present: bool = Field(description='False where the text denies it ("my back is fine").')
    start: int = Field(description="Character offset where the words start in `text`.")
    end: int = Field(description="Character offset just after the words.")
    text: str = Field(description="The words that name it.")


class ParseResponse(BaseModel):
    text: str
    symptoms: list[SymptomMention]
