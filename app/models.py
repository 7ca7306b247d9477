"""The tables of the knowledge base.

Every content row names the document it came from, so provenance survives any edit, and the
document keeps its full original text, so nothing an author wrote is ever lost.
"""

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Column, Enum, ForeignKey, Index, Integer, MetaData, Text, UniqueConstraint
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
    condition = "condition"  # a page in the user's format
    vocabulary = "vocabulary"
    edit = "edit"  # a JSON edit through the API, or a JSON import
    ontology = "ontology"  # an imported ontology release, such as HPO's


class RevisionAction(StrEnum):
    imported = "imported"
    created = "created"
    replaced = "replaced"
    patched = "patched"
    deleted = "deleted"
    restored = "restored"


class Frequency(StrEnum):
    common = "common"
    sometimes = "sometimes"
    rare = "rare"
    absent = "absent"  # the page says the condition does not have it


class CauseKind(StrEnum):
    cause = "cause"
    contributing_factor = "contributing_factor"


class AdviceKind(StrEnum):
    self_help = "self_help"
    treatment = "treatment"
    prevention = "prevention"
    seek_help = "seek_help"


class CareLevel(StrEnum):
    """Where to go, least urgent first; the order is the order of urgency."""

    self_care = "self_care"
    see_physiotherapist = "see_physiotherapist"
    see_doctor = "see_doctor"
    urgent = "urgent"  # today: an emergency department or urgent care
    emergency = "emergency"  # now: call an ambulance

    @property
    def rank(self) -> int:
        return list(CareLevel).index(self)


class SynonymKind(StrEnum):
    term = "term"
    region = "region"
    identifier = "identifier"  # an earlier id of the same term in its source ontology


class PriorFactorKind(StrEnum):
    age = "age"
    sex = "sex"


def _choice(enum: type[StrEnum]) -> Enum:
    """A column of one of an enum's values, stored as text on every database: native enum
    types would need ALTER TYPE for every value added later."""
    return Enum(enum, native_enum=False, length=max(len(member.value) for member in enum))


def _parent(table: str, *, nullable: bool = False, ondelete: str = "CASCADE") -> Column[int]:
    return Column(Integer, ForeignKey(f"{table}.id", ondelete=ondelete), nullable=nullable)


class Document(SQLModel, table=True):
    """One imported source text: a condition page or the symptom vocabulary."""

    id: int | None = Field(default=None, primary_key=True)
    kind: DocumentKind = Field(sa_type=_choice(DocumentKind))
    name: str = Field(index=True, max_length=255, description="File name it was imported from.")
    sha256: str = Field(max_length=64)
    provenance: str = Field(sa_type=Text, description="Who wrote it and on what it is based.")
    reviewed_on: date | None = None
    imported_at: datetime
    text: str = Field(sa_type=Text)


class Source(SQLModel, table=True):
    """An outside knowledge base imported whole, with the terms of its license."""

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(unique=True, max_length=40, description="Short name, such as 'hpo'.")
    name: str = Field(max_length=255)
    release: str = Field(max_length=60)
    url: str = Field(max_length=255)
    license: str = Field(sa_type=Text)
    acknowledgement: str = Field(sa_type=Text)
    document_id: int = Field(sa_column=_parent("document", ondelete="RESTRICT"))


class Condition(SQLModel, table=True):
    __table_args__ = (Index("ix_condition_source_id", "source_id", unique=True),)

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(unique=True, index=True, max_length=120)
    source_id: str | None = Field(
        default=None,
        max_length=40,
        description="Its id in the outside knowledge base it came from, such as OMIM:147791.",
    )
    name: str = Field(max_length=255)
    summary: str | None = Field(default=None, sa_type=Text)
    recovery_text: str | None = Field(default=None, sa_type=Text)
    recovery_min_days: int | None = None
    recovery_max_days: int | None = None
    document_id: int = Field(sa_column=_parent("document", ondelete="RESTRICT"))
    version: int = 1
    updated_at: datetime
    prior_weight: float = Field(
        default=1.0, description="How common it is among the people who ask, relative to others."
    )
    care_level: CareLevel = Field(
        default=CareLevel.self_care,
        sa_type=_choice(CareLevel),
        description="Who should see it, at least.",
    )
    cant_miss: bool = Field(
        default=False, description="Serious if missed: never ranked below a benign look-alike."
    )


class ConditionAlias(SQLModel, table=True):
    """Another name of a condition, so differentials that use it link to it."""

    __tablename__ = "condition_alias"
    __table_args__ = (
        UniqueConstraint("condition_id", "slug"),
        Index("ix_condition_alias_slug", "slug"),
    )

    id: int | None = Field(default=None, primary_key=True)
    condition_id: int = Field(sa_column=_parent("condition"))
    name: str = Field(max_length=255)
    slug: str = Field(max_length=120)
    document_id: int = Field(sa_column=_parent("document", ondelete="RESTRICT"))


class ConditionPriorFactor(SQLModel, table=True):
    """How much more or less likely a condition is for an age band or a sex."""

    __tablename__ = "condition_prior_factor"
    __table_args__ = (Index("ix_condition_prior_factor_condition_id", "condition_id"),)

    id: int | None = Field(default=None, primary_key=True)
    condition_id: int = Field(sa_column=_parent("condition"))
    kind: PriorFactorKind = Field(sa_type=_choice(PriorFactorKind))
    age_min: int | None = None
    age_max: int | None = None
    sex: str | None = Field(default=None, max_length=10)
    factor: float
    document_id: int = Field(sa_column=_parent("document", ondelete="RESTRICT"))


class Symptom(SQLModel, table=True):
    """One row per distinct symptom, shared by every condition that has it."""

    __table_args__ = (Index("ix_symptom_source_id", "source_id", unique=True),)

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(unique=True, index=True, max_length=120)
    source_id: str | None = Field(
        default=None,
        max_length=40,
        description="Its id in the ontology it came from, such as HP:0001250.",
    )
    name: str = Field(max_length=255)
    region: str | None = Field(default=None, max_length=60)
    question: str | None = Field(default=None, max_length=255)
    red_flag_level: CareLevel | None = Field(default=None, sa_type=_choice(CareLevel))
    red_flag_advice: str | None = Field(default=None, sa_type=Text)
    document_id: int = Field(sa_column=_parent("document", ondelete="RESTRICT"))


class SymptomSynonym(SQLModel, table=True):
    __tablename__ = "symptom_synonym"
    __table_args__ = (UniqueConstraint("symptom_id", "normalized"),)

    id: int | None = Field(default=None, primary_key=True)
    symptom_id: int = Field(sa_column=_parent("symptom"))
    text: str = Field(max_length=255)
    normalized: str = Field(index=True, max_length=255)
    kind: SynonymKind = Field(
        default=SynonymKind.term,
        sa_type=_choice(SynonymKind),
        description="A term names the symptom; a region word names only its body part, and "
        "counts only where the text says that part is fine.",
    )
    document_id: int = Field(sa_column=_parent("document", ondelete="RESTRICT"))


class SymptomImplication(SQLModel, table=True):
    """Naming one symptom names another too: starting in a sprint is starting suddenly."""

    __tablename__ = "symptom_implication"
    __table_args__ = (UniqueConstraint("symptom_id", "implied_symptom_id"),)

    id: int | None = Field(default=None, primary_key=True)
    symptom_id: int = Field(sa_column=_parent("symptom"))
    implied_symptom_id: int = Field(sa_column=_parent("symptom"))
    document_id: int = Field(sa_column=_parent("document", ondelete="RESTRICT"))


class SymptomParent(SQLModel, table=True):
    """A broader symptom: every seizure is an abnormality of the nervous system."""

    __tablename__ = "symptom_parent"
    __table_args__ = (
        UniqueConstraint("symptom_id", "parent_id"),
        Index("ix_symptom_parent_parent_id", "parent_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    symptom_id: int = Field(sa_column=_parent("symptom"))
    parent_id: int = Field(sa_column=_parent("symptom"))
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
    frequency: Frequency = Field(sa_type=_choice(Frequency))
    frequency_value: float | None = Field(
        default=None, description="The share of people with the condition who have it, if known."
    )
    text: str = Field(sa_type=Text, description="The document's own wording of the symptom.")
    position: int
    document_id: int = Field(sa_column=_parent("document", ondelete="RESTRICT"))


class Cause(SQLModel, table=True):
    __table_args__ = (Index("ix_cause_condition_id_position", "condition_id", "position"),)

    id: int | None = Field(default=None, primary_key=True)
    condition_id: int = Field(sa_column=_parent("condition"))
    kind: CauseKind = Field(sa_type=_choice(CauseKind))
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
    kind: AdviceKind = Field(sa_type=_choice(AdviceKind))
    text: str = Field(sa_type=Text)
    position: int
    document_id: int = Field(sa_column=_parent("document", ondelete="RESTRICT"))


class ConditionRevision(SQLModel, table=True):
    """Every version a condition has had, in full, so any of them can be restored."""

    __tablename__ = "condition_revision"
    __table_args__ = (UniqueConstraint("slug", "version"),)

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(index=True, max_length=120)
    version: int
    action: RevisionAction = Field(sa_type=_choice(RevisionAction))
    snapshot: str = Field(sa_type=Text, description="The condition as JSON, as exported.")
    author: str | None = Field(default=None, max_length=120)
    created_at: datetime
    document_id: int | None = Field(
        default=None,
        sa_column=_parent("document", nullable=True, ondelete="RESTRICT"),
        description="The source of this version; none for a deletion.",
    )


class ApiKey(SQLModel, table=True):
    """A key for the editing API; only a hash of its secret is kept."""

    __tablename__ = "api_key"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True, max_length=120)
    prefix: str = Field(index=True, max_length=16, description="Shown in lists to tell keys apart.")
    secret_hash: str = Field(max_length=64)
    scopes: str = Field(max_length=120, description="Space-separated: write, admin.")
    created_at: datetime
    revoked_at: datetime | None = None
    last_used_at: datetime | None = None


class KnowledgeVersion(SQLModel, table=True):
    """The one version of the knowledge base: a single row, bumped in the same transaction as
    every write (the vocabulary counter when symptoms, their words or their hierarchy change,
    the conditions counter when a condition does). Every in-memory copy and every validator
    (ETag, Last-Modified) is named by it, so "has the base changed?" is one primary-key read."""

    __tablename__ = "knowledge_version"

    id: int = Field(default=1, primary_key=True)
    vocabulary: int = Field(default=0, description="Moves with every vocabulary change.")
    conditions: int = Field(default=0, description="Moves with every condition change.")
    changed_at: datetime = Field(description="When either counter last moved (UTC).")


class BodyRegion(SQLModel, table=True):
    """A region of the body, under a broader one (the front of the knee under the knee):
    where a complaint is, and where a condition hurts."""

    __tablename__ = "body_region"

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(unique=True, index=True, max_length=60)
    name: str = Field(max_length=120)
    parent_id: int | None = Field(
        default=None, sa_column=_parent("body_region", nullable=True, ondelete="SET NULL")
    )
    document_id: int = Field(sa_column=_parent("document", ondelete="RESTRICT"))


class BodyRegionWord(SQLModel, table=True):
    """A word people use for a region: "kneecap", "sit bone", "the ball of my foot"."""

    __tablename__ = "body_region_word"
    __table_args__ = (UniqueConstraint("region_id", "normalized"),)

    id: int | None = Field(default=None, primary_key=True)
    region_id: int = Field(sa_column=_parent("body_region"))
    text: str = Field(max_length=120)
    normalized: str = Field(max_length=120)


class SymptomRegion(SQLModel, table=True):
    """Where on the body a symptom is felt, for the symptoms that say (buttock pain does)."""

    __tablename__ = "symptom_region"

    symptom_id: int = Field(
        sa_column=Column(Integer, ForeignKey("symptom.id", ondelete="CASCADE"), primary_key=True)
    )
    region_id: int = Field(sa_column=_parent("body_region"))


class SymptomRedFlagPartner(SQLModel, table=True):
    """A symptom is a warning sign only together with one of its partners (taking a blood
    thinner is one with a blow to the head, not with knee pain)."""

    __tablename__ = "symptom_red_flag_partner"

    symptom_id: int = Field(
        sa_column=Column(Integer, ForeignKey("symptom.id", ondelete="CASCADE"), primary_key=True)
    )
    partner_id: int = Field(
        sa_column=Column(Integer, ForeignKey("symptom.id", ondelete="CASCADE"), primary_key=True)
    )


class ConditionRegion(SQLModel, table=True):
    """A region a condition hurts in: declared by its page, or taken from its symptoms."""

    __tablename__ = "condition_region"
    __table_args__ = (UniqueConstraint("condition_id", "region_id"),)

    id: int | None = Field(default=None, primary_key=True)
    condition_id: int = Field(sa_column=_parent("condition"))
    region_id: int = Field(sa_column=_parent("body_region"))
    declared: bool = Field(default=True, description="Named by the page, not inferred.")


class ConditionCode(SQLModel, table=True):
    """A code of the condition in a classification (ICD-10-CM), checked against its code list."""

    __tablename__ = "condition_code"
    __table_args__ = (UniqueConstraint("condition_id", "system", "code"),)

    id: int | None = Field(default=None, primary_key=True)
    condition_id: int = Field(sa_column=_parent("condition"))
    system: str = Field(max_length=20, description="The classification, such as ICD-10-CM.")
    code: str = Field(max_length=10, index=True)
    # Kept from the code list when written: serving never needs the code list in memory.
    display: str = Field(default="", sa_type=Text, description="The code list's description.")
    position: int = 0
