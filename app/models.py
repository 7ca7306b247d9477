"""The tables of the knowledge base.

Every content row names the document it came from, so provenance survives any edit, and the
document keeps its full original text, so nothing an author wrote is ever lost.
"""

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Column, ForeignKey, Index, Integer, MetaData, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
metadata: MetaData = SQLModel.metadata


class DocumentKind(StrEnum):
    condition = "condition"
    vocabulary = "vocabulary"


class Frequency(StrEnum):
    common = "common"
    sometimes = "sometimes"
    rare = "rare"


class CauseKind(StrEnum):
    cause = "cause"
    contributing_factor = "contributing_factor"


class AdviceKind(StrEnum):
    self_help = "self_help"
    treatment = "treatment"
    prevention = "prevention"


def _parent(table: str, *, nullable: bool = False, ondelete: str = "CASCADE") -> Column[int]:
    return Column(Integer, ForeignKey(f"{table}.id", ondelete=ondelete), nullable=nullable)


class Document(SQLModel, table=True):
    """One imported source text: a condition page or the symptom vocabulary."""

    id: int | None = Field(default=None, primary_key=True)
    kind: DocumentKind = Field(max_length=20)
    name: str = Field(index=True, max_length=255, description="File name it was imported from.")
    sha256: str = Field(max_length=64)
    provenance: str = Field(sa_type=Text, description="Who wrote it and on what it is based.")
    reviewed_on: date | None = None
    imported_at: datetime
    text: str = Field(sa_type=Text)


class Condition(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(unique=True, index=True, max_length=120)
    name: str = Field(max_length=255)
    summary: str | None = Field(default=None, sa_type=Text)
    recovery_text: str | None = Field(default=None, sa_type=Text)
    recovery_min_days: int | None = None
    recovery_max_days: int | None = None
    document_id: int = Field(sa_column=_parent("document", ondelete="RESTRICT"))
    version: int = 1
    updated_at: datetime


class Symptom(SQLModel, table=True):
    """One row per distinct symptom, shared by every condition that has it."""

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(unique=True, index=True, max_length=120)
    name: str = Field(max_length=255)
    region: str | None = Field(default=None, max_length=60)
    document_id: int = Field(sa_column=_parent("document", ondelete="RESTRICT"))


class SymptomSynonym(SQLModel, table=True):
    __tablename__ = "symptom_synonym"
    __table_args__ = (UniqueConstraint("symptom_id", "normalized"),)

    id: int | None = Field(default=None, primary_key=True)
    symptom_id: int = Field(sa_column=_parent("symptom"))
    text: str = Field(max_length=255)
    normalized: str = Field(index=True, max_length=255)
    document_id: int = Field(sa_column=_parent("document", ondelete="RESTRICT"))


class ConditionSymptom(SQLModel, table=True):
    __tablename__ = "condition_symptom"
    __table_args__ = (
        UniqueConstraint("condition_id", "symptom_id"),
        Index("ix_condition_symptom_symptom_id", "symptom_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    condition_id: int = Field(sa_column=_parent("condition"))
    symptom_id: int = Field(sa_column=_parent("symptom", ondelete="RESTRICT"))
    frequency: Frequency = Field(max_length=20)
    text: str = Field(sa_type=Text, description="The document's own wording of the symptom.")
    position: int
    document_id: int = Field(sa_column=_parent("document", ondelete="RESTRICT"))


class Cause(SQLModel, table=True):
    __table_args__ = (Index("ix_cause_condition_id_position", "condition_id", "position"),)

    id: int | None = Field(default=None, primary_key=True)
    condition_id: int = Field(sa_column=_parent("condition"))
    kind: CauseKind = Field(max_length=30)
    text: str = Field(sa_type=Text)
    source_text: str = Field(sa_type=Text, description="The sentence or item it was taken from.")
    position: int
    document_id: int = Field(sa_column=_parent("document", ondelete="RESTRICT"))


class Differential(SQLModel, table=True):
    """Another condition that can explain the same complaint."""

    __table_args__ = (
        Index("ix_differential_condition_id_position", "condition_id", "position"),
        Index("ix_differential_related_slug", "related_slug"),
        Index("ix_differential_related_condition_id", "related_condition_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    condition_id: int = Field(sa_column=_parent("condition"))
    name: str = Field(sa_type=Text)
    note: str = Field(sa_type=Text)
    related_slug: str = Field(max_length=120)
    related_condition_id: int | None = Field(
        default=None, sa_column=_parent("condition", nullable=True, ondelete="SET NULL")
    )
    position: int
    document_id: int = Field(sa_column=_parent("document", ondelete="RESTRICT"))


class Advice(SQLModel, table=True):
    __table_args__ = (
        Index("ix_advice_condition_id_kind_position", "condition_id", "kind", "position"),
    )

    id: int | None = Field(default=None, primary_key=True)
    condition_id: int = Field(sa_column=_parent("condition"))
    kind: AdviceKind = Field(max_length=20)
    text: str = Field(sa_type=Text)
    position: int
    document_id: int = Field(sa_column=_parent("document", ondelete="RESTRICT"))
