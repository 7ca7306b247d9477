"""Symptoms: autocomplete suggestions, a vocabulary entry as the API shows and edits it."""

from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
)

from app.models import CareLevel
from app.schemas.common import MAX_ITEMS, MAX_TEXT_LENGTH, SLUG_PATTERN, Clean, ShortText


class RedFlag(BaseModel):
    model_config = ConfigDict(extra="forbid")

    level: CareLevel
    advice: Annotated[str, Clean] = Field(min_length=1, max_length=MAX_TEXT_LENGTH)
    together_with: list[str] = Field(
        default_factory=list,
        max_length=20,
        description="Slugs of symptoms it is a warning sign with: when given, one of them must "
        "be reported too (taking a blood thinner is a warning sign with a blow to the head).",
    )


class RegionEntry(BaseModel):
    """A region of the body in the vocabulary, with the words people use for it."""

    model_config = ConfigDict(extra="forbid")

    slug: str = Field(pattern=SLUG_PATTERN, max_length=60, examples=["front-knee"])
    name: Annotated[str, Clean] = Field(
        min_length=1, max_length=120, examples=["Front of the knee"]
    )
    parent: str | None = Field(
        default=None, pattern=SLUG_PATTERN, max_length=60, description="The broader region."
    )
    words: list[ShortText] = Field(
        default_factory=list, max_length=200, examples=[["kneecap", "front of my knee"]]
    )


class VocabularyEntry(BaseModel):
    model_config = ConfigDict(extra="forbid")

    slug: str = Field(pattern=SLUG_PATTERN, max_length=120)
    name: ShortText
    region: Annotated[str, Clean] | None = Field(default=None, max_length=60)
    body_region: str | None = Field(
        default=None,
        pattern=SLUG_PATTERN,
        max_length=60,
        description="The body region it is felt in (a slug of /v1/regions), where it says.",
    )
    question: ShortText | None = None
    synonyms: list[ShortText] = Field(default_factory=list, max_length=MAX_ITEMS)
    region_words: list[ShortText] = Field(default_factory=list, max_length=MAX_ITEMS)
    red_flag: RedFlag | None = None
    implies: list[str] = Field(
        default_factory=list, description="Slugs of symptoms that naming this one names too."
    )
    parents: list[str] = Field(
        default_factory=list,
        description="Slugs of broader symptoms this one is a kind of: a condition that lists "
        "this one explains a report of a broader one, and partly of a sibling.",
    )


class SymptomRef(BaseModel):
    slug: str = Field(examples=["buttock-pain"])
    name: str = Field(examples=["Buttock pain"])


class SymptomSuggestion(BaseModel):
    slug: str = Field(examples=["buttock-pain"])
    name: str = Field(examples=["Buttock pain"])
    region: str | None = Field(examples=["buttock"])
    matched: str = Field(description="The name or synonym that matched.", examples=["bum pain"])


class SymptomSuggestions(BaseModel):
    items: list[SymptomSuggestion]


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


class RegionPublic(BaseModel):
    slug: str = Field(examples=["front-knee"])
    name: str = Field(examples=["Front of the knee"])
    parent: str | None = Field(description="The broader region it is part of.", examples=["knee"])
    words: list[str] = Field(description="Words people use for it.", examples=[["kneecap"]])
    conditions: int = Field(
        description="Conditions of this base that hurt here, in a region below, or in one above."
    )


class RegionList(BaseModel):
    """The body regions, broad before narrow: what a lookup's `regions` may name."""

    items: list[RegionPublic]
