"""The outside knowledge bases the service holds, with their licenses."""

from datetime import datetime

from pydantic import (
    BaseModel,
    Field,
)


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
