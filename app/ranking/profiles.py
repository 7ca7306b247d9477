"""Every condition as the ranking sees it, held in memory and rebuilt only when it changes.

A lookup then touches only the conditions that cover a reported symptom (through the scoring
index), never the whole base.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import numpy.typing as npt
from sqlalchemy import ColumnElement, true
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from app.cache.copies import DependsOn
from app.cache.knowledge_cache import KnowledgeCache
from app.cache.version import KnowledgeState
from app.language.regions import RegionIndex
from app.language.vocabulary_index import read_regions
from app.models import (
    Advice,
    AdviceKind,
    BodyRegion,
    CareLevel,
    Condition,
    ConditionCode,
    ConditionPriorFactor,
    ConditionRegion,
    ConditionSymptom,
    Frequency,
    PriorFactorKind,
    Symptom,
    SymptomParent,
)
from app.ranking.scoring import FloatArray, Hierarchy, IntArray, Listing, ScoringIndex


@dataclass(frozen=True, slots=True)
class ListedSymptom:
    slug: str
    name: str
    frequency: Frequency
    frequency_value: float | None = None  # the share with it, where the source gives one


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
    source_id: str | None = None
    prior_weight: float = 1.0
    care_level: CareLevel = CareLevel.self_care
    cant_miss: bool = False
    symptoms: dict[str, ListedSymptom] = field(default_factory=dict)
    factors: list[PriorFactor] = field(default_factory=list)
    seek_help: list[str] = field(default_factory=list)
    regions: tuple[str, ...] = ()  # the body regions it hurts in
    codes: tuple[tuple[str, str], ...] = ()  # its ICD-10-CM codes, with their descriptions
    version: int = 0  # the condition's own version, which an edit moves
    _below: dict[str, ListedSymptom] | None = field(default=None, repr=False, compare=False)
    _chances: dict[str, float] | None = field(default=None, repr=False, compare=False)

    @cached_property
    def has(self) -> dict[str, ListedSymptom]:
        return {
            slug: item
            for slug, item in self.symptoms.items()
            if item.frequency is not Frequency.absent
        }

    @cached_property
    def lacks(self) -> dict[str, ListedSymptom]:
        return {
            slug: item for slug, item in self.symptoms.items() if item.frequency is Frequency.absent
        }

    def listed_below(self, hierarchy: Hierarchy) -> dict[str, ListedSymptom]:
        """For every symptom at or above one the condition has, the most probable listing at
        or below it: what explains that symptom. Built the first time it is asked for (only
        leading candidates ever are) and kept with the profile."""
        if self._below is None:
            below: dict[str, ListedSymptom] = {}
            for item in sorted(self.has.values(), key=listed_probability):
                for slug in hierarchy.lineage(item.slug):
                    below[slug] = item
            self._below = below
        return self._below

    def chances(self, hierarchy: Hierarchy) -> dict[str, float]:
        """The probability of each symptom ``listed_below`` explains (the next question asks
        this of the leaders for every symptom they list)."""
        if self._chances is None:
            below = self.listed_below(hierarchy)
            self._chances = {slug: listed_probability(item) for slug, item in below.items()}
        return self._chances

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
    # In the order of the scoring index's arrays.
    ordered: list[ConditionProfile]
    scoring: ScoringIndex
    # The body regions' hierarchy, as the vocabulary gives it.
    regions: RegionIndex = field(default_factory=lambda: RegionIndex({}))
    # Each condition's row id, slug and version, in the order of ``ordered``: what an update
    # reads to find the conditions edited since. The slug is there because SQLite gives a new
    # row the id of a deleted last one, and a new condition starts at version 1 too.
    identities: tuple[tuple[int, str, int], ...] = ()
    _covering: dict[str, IntArray] = field(default_factory=dict, repr=False, compare=False)
    # The factored conditions' priors per (age, sex): bounded by the ages a lookup accepts
    # (0 to 120) times three answers about sex, each as long as the conditions with factors.
    _factored: dict[tuple[int | None, str | None], tuple[FloatArray, float]] = field(
        default_factory=dict, repr=False, compare=False
    )

    def covering(self, region: str) -> IntArray:
        """The positions of the conditions that hurt in this region, or in one above or below
        it (kept per region: there are a few dozen)."""
        known = self._covering.get(region)
        if known is None:
            known = np.array(
                [
                    number
                    for number, profile in enumerate(self.ordered)
                    if self.regions.covers(profile.regions, region)
                ],
                dtype=np.int32,
            )
            self._covering[region] = known
        return known

    def covered(self, region: str) -> bool:
        """Whether the base holds any condition of this region."""
        return len(self.covering(region)) > 0

    @cached_property
    def base_priors(self) -> FloatArray:
        return np.array([profile.prior_weight for profile in self.ordered], dtype=np.float64)

    @cached_property
    def total_base_prior(self) -> float:
        return float(self.base_priors.sum())

    @cached_property
    def cant_miss(self) -> npt.NDArray[np.bool_]:
        return np.array([profile.cant_miss for profile in self.ordered], dtype=bool)

    @cached_property
    def with_factors(self) -> list[int]:
        return [number for number, profile in enumerate(self.ordered) if profile.factors]

    def priors(self, *, age: int | None, sex: str | None) -> tuple[FloatArray, float]:
        """Every condition's prior weight for this person, and their sum; only conditions
        with age or sex factors are looked at again."""
        if age is None and sex is None or not self.with_factors:
            return self.base_priors, self.total_base_prior
        known = self._factored.get((age, sex))
        if known is None:
            factored = np.array(
                [self.ordered[number].prior(age=age, sex=sex) for number in self.with_factors]
            )
            changed = factored - self.base_priors[self.with_factors]
            known = self._factored[(age, sex)] = (
                factored,
                self.total_base_prior + float(changed.sum()),
            )
        priors = self.base_priors.copy()
        priors[self.with_factors] = known[0]
        return priors, known[1]


def listed_probability(listed: ListedSymptom) -> float:
    """How likely a person with the condition is to have the symptom: the source's share where
    it gives one, else what its frequency word means. Never quite 0 or 1: no listing is
    certain, and a certainty would let one answer rule a condition in or out alone."""
    if listed.frequency is Frequency.absent:
        return PROBABILITY[Frequency.absent]
    value = listed.frequency_value
    if value is None:
        return PROBABILITY[listed.frequency]
    return min(max(value, PROBABILITY[Frequency.rare] / 4), MOST_PROBABLE)


# What a frequency word means as a probability (see app.services.ranking).
PROBABILITY = {
    Frequency.common: 0.8,
    Frequency.sometimes: 0.4,
    Frequency.rare: 0.1,
    Frequency.absent: 0.01,
}
MOST_PROBABLE = 0.95


def build_condition_profiles(session: Session) -> ConditionProfiles:
    """Every condition as the ranking sees it, built whole from the session's view."""
    by_id = _read_profiles(session)
    ordered = list(by_id.values())
    return ConditionProfiles(
        regions=read_regions(session),
        ordered=ordered,
        scoring=ScoringIndex(
            [p.slug for p in ordered],
            (
                listing
                for number, profile in enumerate(ordered)
                for listing in _listings_of(profile, number)
            ),
            _hierarchy(session),
            frozenset(
                session.exec(select(Symptom.slug).where(col(Symptom.source_id).is_not(None)))
            ),
        ),
        identities=tuple(
            (condition_id, profile.slug, profile.version) for condition_id, profile in by_id.items()
        ),
    )


# An edit of up to this many conditions is applied to the kept copy; more are built again.
MOST_UPDATED = 64


def update_condition_profiles(
    kept: ConditionProfiles, session: Session
) -> ConditionProfiles | None:
    """The kept copy with the conditions edited since it was built read again, and only the
    ranking's covers of the symptoms they list recomputed: on a base like HPO's, milliseconds
    where building it whole takes seconds. The same as ``build_condition_profiles`` would make
    (a test compares them), or None when this is not an edit of a few existing conditions (one
    was created, deleted or renamed, or a symptom left the base with it): then build it whole."""
    rows = [
        (int(condition_id), slug, version)
        for condition_id, slug, version in session.exec(
            select(Condition.id, Condition.slug, Condition.version).order_by(col(Condition.id))
        )
        if condition_id is not None
    ]
    if len(rows) != len(kept.identities):
        return None
    changed: dict[int, int] = {}
    for number, ((condition_id, slug, version), (kept_id, kept_slug, kept_version)) in enumerate(
        zip(rows, kept.identities, strict=True)
    ):
        if (condition_id, slug) != (kept_id, kept_slug):
            return None
        if version != kept_version:
            changed[condition_id] = number
    if not changed or len(changed) > MOST_UPDATED:
        return None
    fresh = _read_profiles(session, list(changed))
    before = {number: kept.ordered[number] for number in changed.values()}
    listed_before = {slug for profile in before.values() for slug in profile.symptoms}
    still_there = set(
        session.exec(select(Symptom.slug).where(col(Symptom.slug).in_(sorted(listed_before))))
    )
    if still_there != listed_before:
        # A symptom left with the last page to list it (which the vocabulary's counter says,
        # so the service builds whole anyway): its hierarchy and terms changed too.
        return None
    ordered = list(kept.ordered)
    for condition_id, number in changed.items():
        ordered[number] = fresh[condition_id]
    scoring = kept.scoring.with_conditions_replaced(
        {number: _listings_of(profile, number) for number, profile in before.items()},
        {number: _listings_of(fresh[row], number) for row, number in changed.items()},
    )
    return ConditionProfiles(
        ordered=ordered,
        scoring=scoring,
        regions=kept.regions,
        identities=tuple(rows),
    )


def _listings_of(profile: ConditionProfile, position: int) -> list[Listing]:
    """What the ranking's index is built from: each symptom the condition lists, at its
    position in the index."""
    return [
        Listing(position, slug, listed_probability(listed), listed.frequency is Frequency.absent)
        for slug, listed in profile.symptoms.items()
    ]


def _read_profiles(
    session: Session, condition_ids: list[int] | None = None
) -> dict[int, ConditionProfile]:
    """The profiles of these conditions (all by default), by row id in row order."""

    def among(column: int | None) -> ColumnElement[bool]:
        return true() if condition_ids is None else col(column).in_(condition_ids)

    connection = session.connection()
    by_id: dict[int, ConditionProfile] = {}
    for condition in session.exec(
        select(Condition).where(among(Condition.id)).order_by(col(Condition.id))
    ):
        assert condition.id is not None
        by_id[condition.id] = ConditionProfile(
            slug=condition.slug,
            name=condition.name,
            source_id=condition.source_id,
            prior_weight=condition.prior_weight,
            care_level=condition.care_level,
            cant_miss=condition.cant_miss,
            version=condition.version,
        )
    links = connection.execute(
        sa_select(
            col(ConditionSymptom.condition_id),
            col(Symptom.slug),
            col(Symptom.name),
            col(ConditionSymptom.frequency),
            col(ConditionSymptom.frequency_value),
        )
        .join(Symptom, col(Symptom.id) == col(ConditionSymptom.symptom_id))
        .where(among(ConditionSymptom.condition_id))
        .order_by(col(ConditionSymptom.condition_id), col(ConditionSymptom.position))
    )
    names: dict[str, str] = {}
    for condition_id, slug, name, frequency, value in links:
        # One name string per symptom, however many conditions list it.
        listed = ListedSymptom(slug, names.setdefault(slug, name), Frequency(frequency), value)
        by_id[condition_id].symptoms[slug] = listed
    for factor in session.exec(
        select(ConditionPriorFactor)
        .where(among(ConditionPriorFactor.condition_id))
        .order_by(col(ConditionPriorFactor.id))
    ):
        by_id[factor.condition_id].factors.append(
            PriorFactor(factor.kind, factor.factor, factor.age_min, factor.age_max, factor.sex)
        )
    seek_help = session.exec(
        select(Advice.condition_id, Advice.text)
        .where(Advice.kind == AdviceKind.seek_help, among(Advice.condition_id))
        .order_by(col(Advice.condition_id), col(Advice.position))
    )
    for condition_id, text in seek_help:
        by_id[condition_id].seek_help.append(text)
    regions: dict[int, list[str]] = defaultdict(list)
    for condition_id, region in session.exec(
        select(ConditionRegion.condition_id, BodyRegion.slug)
        .join(BodyRegion, col(BodyRegion.id) == col(ConditionRegion.region_id))
        .where(among(ConditionRegion.condition_id))
        .order_by(col(ConditionRegion.id))
    ):
        regions[condition_id].append(region)
    for condition_id, slugs in regions.items():
        by_id[condition_id].regions = tuple(slugs)
    codes: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for condition_id, code, display in session.exec(
        select(ConditionCode.condition_id, ConditionCode.code, ConditionCode.display)
        .where(among(ConditionCode.condition_id))
        .order_by(col(ConditionCode.condition_id), col(ConditionCode.position))
    ):
        codes[condition_id].append((code, display))
    for condition_id, its_codes in codes.items():
        by_id[condition_id].codes = tuple(its_codes)
    return by_id


def _hierarchy(session: Session) -> Hierarchy:
    parent = Symptom.__table__.alias("parent")  # type: ignore[attr-defined]
    parents: dict[str, list[str]] = defaultdict(list)
    for slug, parent_slug in session.connection().execute(
        sa_select(col(Symptom.slug), parent.c.slug)
        .join(SymptomParent, col(SymptomParent.symptom_id) == col(Symptom.id))
        .join(parent, parent.c.id == SymptomParent.parent_id)
        .order_by(col(SymptomParent.id))
    ):
        parents[slug].append(parent_slug)
    return Hierarchy({slug: tuple(items) for slug, items in parents.items()})


def load_condition_profiles(session: Session, cache: KnowledgeCache) -> ConditionProfiles:
    """The ranking's view of the base in memory, built once per version of it."""
    return cache.copy(
        session, build_condition_profiles, DependsOn.everything, update=update_condition_profiles
    )


def kept_condition_profiles(
    cache: KnowledgeCache, at_least: KnowledgeState
) -> ConditionProfiles | None:
    """The ranking's copy, if one at least as new as ``at_least`` is already in memory."""
    return cache.kept(build_condition_profiles, at_least)
