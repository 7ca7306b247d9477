"""The symptom vocabulary: one entry per symptom, with the lay words people use for it."""

import re
import tomllib
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from app.knowledge.document import DocumentError
from app.models import CareLevel

SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"


class RedFlag(BaseModel):
    model_config = ConfigDict(extra="forbid")

    level: CareLevel
    advice: str = Field(min_length=1)


class VocabularyEntry(BaseModel):
    model_config = ConfigDict(extra="forbid")

    slug: str = Field(pattern=SLUG_PATTERN, max_length=120)
    name: str = Field(min_length=1, max_length=255)
    region: str | None = Field(default=None, max_length=60)
    question: str | None = Field(default=None, max_length=255)
    synonyms: list[str] = Field(default_factory=list)
    region_words: list[str] = Field(default_factory=list)
    red_flag: RedFlag | None = None
    implies: list[str] = Field(
        default_factory=list, description="Slugs of symptoms that naming this one names too."
    )
    parents: list[str] = Field(
        default_factory=list,
        description="Slugs of broader symptoms this one is a kind of: a condition that lists "
        "this one explains a report of a broader one, and partly of a sibling.",
    )


class VocabularyFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    symptom: list[VocabularyEntry]


@dataclass(frozen=True)
class Vocabulary:
    file_name: str
    text: str
    entries: list[VocabularyEntry]


def parse_vocabulary(file_name: str, text: str) -> Vocabulary:
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        found = re.search(r"line (\d+)", str(error))
        raise DocumentError(file_name, int(found.group(1)) if found else 1, str(error)) from error
    try:
        parsed = VocabularyFile.model_validate(raw)
    except ValidationError as error:
        first = error.errors()[0]
        location = first["loc"]
        index = location[1] if len(location) > 1 and isinstance(location[1], int) else 0
        field = ".".join(str(part) for part in location)
        raise DocumentError(
            file_name, _entry_line(text, index), f"{field}: {first['msg']}"
        ) from error
    seen: dict[str, int] = {}
    for index, entry in enumerate(parsed.symptom):
        if entry.slug in seen:
            raise DocumentError(
                file_name, _entry_line(text, index), f"the symptom {entry.slug!r} is listed twice"
            )
        seen[entry.slug] = index
    for index, entry in enumerate(parsed.symptom):
        for relation, others in (("implies", entry.implies), ("has parent", entry.parents)):
            for other in others:
                if other not in seen or other == entry.slug:
                    raise DocumentError(
                        file_name,
                        _entry_line(text, index),
                        f"{entry.slug!r} {relation} {other!r}, which is not another symptom here",
                    )
    return Vocabulary(file_name, text, parsed.symptom)


def _entry_line(text: str, index: int) -> int:
    """The line of the index-th ``[[symptom]]`` table, so errors point at the entry."""
    starts = [
        number for number, line in enumerate(text.splitlines(), 1) if line.strip() == "[[symptom]]"
    ]
    return starts[index] if index < len(starts) else 1
