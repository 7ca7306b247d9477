"""The symptom vocabulary: one entry per symptom, with the lay words people use for it."""

import re
import tomllib
from dataclasses import dataclass, field

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from app.ingest.document import DocumentError
from app.ingest.hierarchy import on_a_cycle
from app.schemas.symptoms import RegionEntry, VocabularyEntry


class VocabularyFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    region: list[RegionEntry] = Field(default_factory=list)
    symptom: list[VocabularyEntry]


@dataclass(frozen=True)
class Vocabulary:
    file_name: str
    text: str
    entries: list[VocabularyEntry]
    # The body regions it defines; a vocabulary may also name regions already stored.
    regions: list[RegionEntry] = field(default_factory=list)


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
        where = ".".join(str(part) for part in location)
        table = "region" if location and location[0] == "region" else "symptom"
        raise DocumentError(
            file_name, entry_line(text, index, table), f"{where}: {first['msg']}"
        ) from error
    _check_regions(file_name, text, parsed.region)
    seen: dict[str, int] = {}
    for index, entry in enumerate(parsed.symptom):
        if entry.slug in seen:
            raise DocumentError(
                file_name, entry_line(text, index), f"the symptom {entry.slug!r} is listed twice"
            )
        seen[entry.slug] = index
    for index, entry in enumerate(parsed.symptom):
        for relation, others in (("implies", entry.implies), ("has parent", entry.parents)):
            for other in others:
                if other not in seen or other == entry.slug:
                    raise DocumentError(
                        file_name,
                        entry_line(text, index),
                        f"{entry.slug!r} {relation} {other!r}, which is not another symptom here",
                    )
    return Vocabulary(file_name, text, parsed.symptom, parsed.region)


def _check_regions(file_name: str, text: str, regions: list[RegionEntry]) -> None:
    """Each region once, under a region of this file, and no region above itself."""
    seen: dict[str, int] = {}
    for index, region in enumerate(regions):
        if region.slug in seen:
            line = entry_line(text, index, "region")
            raise DocumentError(file_name, line, f"the region {region.slug!r} is listed twice")
        seen[region.slug] = index
    for index, region in enumerate(regions):
        if region.parent is not None and (
            region.parent not in seen or region.parent == region.slug
        ):
            line = entry_line(text, index, "region")
            raise DocumentError(
                file_name, line, f"{region.slug!r} is under {region.parent!r}, not a region here"
            )
    cyclic = on_a_cycle({r.slug: [r.parent] if r.parent else [] for r in regions})
    if cyclic is not None:
        line = entry_line(text, seen[cyclic], "region")
        raise DocumentError(file_name, line, f"the region {cyclic!r} is under itself")


def entry_line(text: str, index: int, table: str = "symptom") -> int:
    """The line of the index-th ``[[symptom]]`` (or ``[[region]]``) table, so errors point at
    the entry."""
    header = f"[[{table}]]"
    starts = [number for number, line in enumerate(text.splitlines(), 1) if line.strip() == header]
    return starts[index] if index < len(starts) else 1
