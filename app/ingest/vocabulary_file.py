"""The symptom vocabulary: one entry per symptom, with the lay words people use for it."""

import re
import tomllib
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, ValidationError

from app.ingest.document import DocumentError
from app.schemas.symptoms import VocabularyEntry


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
