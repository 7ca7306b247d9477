"""Every condition as the ranking sees it, held in memory and rebuilt only when it changes.

A lookup then touches only the conditions that list a reported symptom (through
``conditions_by_symptom``), never the whole base.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import func
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from app.knowledge.cache import PerDatabase
from app.models import (
    Advice,
    AdviceKind,
    CareLevel,
    Condition,
    ConditionPriorFactor,
    ConditionSymptom,
    Document,
    Frequency,
    PriorFactorKind,
    Symptom,
)


@dataclass(frozen=True)
class ListedSymptom:
    slug: str
    name: str
    frequency: Frequency


@dataclass(frozen=True)
class PriorFactor:
    kind: PriorFactorKind
    factor: float
    age_min: int | None = None
    age_max: int | None = None
    sex: str | None = None

    def applies(self, *, age: int | None, sex: str | None) -> bool:
        if self.kind is PriorFactorKind.sex:
            return sex is not None and sex == self.sex
        if age is None or self.age_min is None or self.age_max is None:
            return False
        return self.age_min <= age <= self.age_max


@dataclass
class ConditionProfile:
    slug: str
    name: str
    prior_weight: float = 1.0
    care_level: CareLevel = CareLevel.self_care
    cant_miss: bool = False
    symptoms: dict[str, ListedSymptom] = field(default_factory=dict)
    factors: list[PriorFactor] = field(default_factory=list)
    seek_help: list[str] = field(default_factory=list)

    def prior(self, *, age: int | None, sex: str | None) -> float:
        """The condition's prior weight for this person: its base weight times every age or
        sex factor its knowledge gives."""
        weight = self.prior_weight
        for factor in self.factors:
            if factor.applies(age=age, sex=sex):
                weight *= factor.factor
        return weight


@dataclass(frozen=True)
class ConditionProfiles:
    by_slug: dict[str, ConditionProfile]
    conditions_by_symptom: dict[str, list[str]]


def _fingerprint(session: Session) -> tuple[int, ...]:
    # Every import writes a new document and bumps a version, so these numbers move.
    row = session.exec(
        select(
            select(func.coalesce(func.max(Document.id), 0)).scalar_subquery(),
            select(func.count(col(Condition.id))).scalar_subquery(),
            select(func.coalesce(func.sum(Condition.version), 0)).scalar_subquery(),
        )
    ).one()
    return tuple(int(value) for value in row)


def _build(session: Session) -> ConditionProfiles:
    connection = session.connection()
    by_id: dict[int, ConditionProfile] = {}
    for condition in session.exec(select(Condition)):
        assert condition.id is not None
        by_id[condition.id] = ConditionProfile(
            slug=condition.slug,
            name=condition.name,
            prior_weight=condition.prior_weight,
            care_level=condition.care_level,
            cant_miss=condition.cant_miss,
        )
    links = connection.execute(
        sa_select(
            col(ConditionSymptom.condition_id),
            col(Symptom.slug),
            col(Symptom.name),
            col(ConditionSymptom.frequency),
        )
        .join(Symptom, col(Symptom.id) == col(ConditionSymptom.symptom_id))
        .order_by(col(ConditionSymptom.condition_id), col(ConditionSymptom.position))
    )
    conditions_by_symptom: dict[str, list[str]] = defaultdict(list)
    for condition_id, slug, name, frequency in links:
        profile = by_id[condition_id]
        profile.symptoms[slug] = ListedSymptom(slug, name, Frequency(frequency))
        conditions_by_symptom[slug].append(profile.slug)
    for factor in session.exec(select(ConditionPriorFactor)):
        by_id[factor.condition_id].factors.append(
            PriorFactor(factor.kind, factor.factor, factor.age_min, factor.age_max, factor.sex)
        )
    seek_help = session.exec(
        select(Advice.condition_id, Advice.text)
        .where(Advice.kind == AdviceKind.seek_help)
        .order_by(col(Advice.condition_id), col(Advice.position))
    )
    for condition_id, text in seek_help:
        by_id[condition_id].seek_help.append(text)
    return ConditionProfiles(
        by_slug={profile.slug: profile for profile in by_id.values()},
        conditions_by_symptom=dict(conditions_by_symptom),
    )


_profiles = PerDatabase(_fingerprint, _build)


def load_condition_profiles(session: Session) -> ConditionProfiles:
    return _profiles.get(session)
