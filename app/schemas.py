"""The shapes the API reads and writes; the OpenAPI page is built from these."""

from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Literal, Optional

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictInt,
    StringConstraints,
    create_model,
    model_validator,
)

from app.knowledge.vocabulary import VocabularyEntry
from app.models import CareLevel, CauseKind, Frequency

NOT_A_DIAGNOSIS = (
    "Health information, not a diagnosis. If the pain is severe, keeps you awake at night, came "
    "with a pop or sudden weakness, or comes with numbness, fever or loss of bladder or bowel "
    "control, see a doctor or physiotherapist."
)

# A clinician's list of observed or excluded phenotype terms can run to well over a hundred.
MAX_SYMPTOMS = 200
MAX_PHRASE_LENGTH = 200
SymptomPhrase = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True, min_length=1, max_length=MAX_PHRASE_LENGTH, pattern=r"\S"
    ),
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


MAX_TEXT_LENGTH = 2000


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
    age: StrictInt | None = Field(default=None, ge=0, le=120, description="Age in years.")
    sex: Sex | None = None
    limit: StrictInt = Field(default=10, ge=1, le=50, description="How many candidates at most.")

    @model_validator(mode="after")
    def _something_to_look_up(self) -> "LookupRequest":
        if not self.symptoms and self.text is None:
            raise ValueError("give at least one symptom, or a text")
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
    input: str = Field(examples=["wobbly knee"])
    suggestions: list[SymptomRef] = Field(description="Closest known symptoms, best first.")


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
    relation: Literal["exact", "more_specific", "related"] | None = Field(
        default=None,
        description="For a match: the condition lists the reported symptom itself (exact), a "
        "more specific form of it, or a broader or sibling symptom (related, partial credit).",
    )


class ConditionRef(BaseModel):
    slug: str = Field(examples=["hamstring-origin-problem"])
    name: str = Field(examples=["Hamstring origin problem"])
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
    triage: Triage
    disclaimer: str = NOT_A_DIAGNOSIS


# --- parse -----------------------------------------------------------------------------------


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


# --- editing and export ----------------------------------------------------------------------

ShortText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=255)]
LongText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=20_000)]
MAX_ITEMS = 200


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
    document: str | None = Field(default=None, description="Read-only; kept by exports.")
    imported_at: datetime | None = Field(default=None, description="Read-only; kept by exports.")


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
    prior_weight: float = Field(default=1.0, gt=0, le=1000)
    prior_factors: list[PriorFactorInput] = Field(default_factory=list, max_length=50)
    source: SourceInput | None = None
    version: StrictInt | None = Field(default=None, ge=1, description="Read-only.")
    updated_at: datetime | None = Field(default=None, description="Read-only.")
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


class OEmbed(BaseModel):
    """An oEmbed 1.0 answer of type `rich`: the card in an iframe, ready to paste."""

    version: str = "1.0"
    type: str = "rich"
    title: str = Field(examples=["Hamstring origin problem"])
    provider_name: str
    provider_url: str
    cache_age: int = Field(description="Seconds the answer may be cached.")
    html: str
    width: int
    height: int


EXPORT_FORMAT = "condition-knowledge-service/1"


class VocabularyExport(BaseModel):
    provenance: str
    symptoms: list[VocabularyEntry]


class KnowledgeExport(BaseModel):
    """The whole knowledge base: the vocabulary and every condition, as `GET` shows them.
    `python -m app import FILE.json` of it into an empty database reproduces them exactly."""

    format: str = Field(default=EXPORT_FORMAT, examples=[EXPORT_FORMAT])
    exported_at: datetime
    vocabulary: VocabularyExport
    conditions: list[ConditionInput]


class SymptomPublic(VocabularyEntry):
    """A symptom with everything the vocabulary says of it, and who has it."""

    in_vocabulary: bool = Field(
        description="False for a symptom a page made of its own wording; only vocabulary "
        "symptoms are recognised in people's words."
    )
    source_id: str | None = Field(
        default=None, description="Its id in the ontology it came from, such as HP:0001250."
    )
    conditions: list[str] = Field(description="Slugs of the conditions that list it.")


class SynonymInput(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: ShortText = Field(examples=["sore sit bone"])
    kind: Literal["term", "region"] = Field(
        default="term",
        description="A term names the symptom; a region word names only its body part.",
    )


# --- sources ---------------------------------------------------------------------------------


class SourceSummary(BaseModel):
    key: str = Field(examples=["hpo"])
    name: str = Field(examples=["Human Phenotype Ontology"])
    release: str = Field(examples=["2025-01-16"])
    url: str
    license: str = Field(description="The terms under which this service uses it.")
    acknowledgement: str = Field(description="What the source asks a service using it to show.")
    imported_at: datetime
    conditions: int = Field(description="How many conditions here come from it.")


class SourceList(BaseModel):
    items: list[SourceSummary]
