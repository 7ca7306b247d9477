"""The whole knowledge base as one JSON export."""

from datetime import datetime

from pydantic import (
    BaseModel,
    Field,
)

from app.schemas.editing import ConditionInput
from app.schemas.symptoms import RegionEntry, VocabularyEntry

EXPORT_FORMAT = "condition-knowledge-service/1"


class VocabularyExport(BaseModel):
    provenance: str
    regions: list[RegionEntry] = Field(default_factory=list)
    symptoms: list[VocabularyEntry]


class KnowledgeExport(BaseModel):
    """The whole knowledge base: the vocabulary and every condition, as `GET` shows them.
    `python -m app import FILE.json` of it into an empty database reproduces them exactly."""

    format: str = Field(default=EXPORT_FORMAT, examples=[EXPORT_FORMAT])
    exported_at: datetime
    vocabulary: VocabularyExport
    conditions: list[ConditionInput]
