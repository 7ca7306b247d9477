"""Score the lookup on vignettes: patients' own words with what they turned out to have.

Top-1 and top-3 say how often the right condition leads, or is close behind, among the
vignettes whose condition the base holds. The rest measure honesty: a vignette whose condition
the base does not hold should get no candidate above 0.2; an emergency should be triaged
`urgent` or above; every vignette's care level should be at least the safe one; and the
leader's score should mean what it says (the calibration table and the Brier score)."""

import tomllib
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, model_validator
from sqlmodel import Session, col, select

from app.cache.knowledge_cache import KnowledgeCache
from app.models import CareLevel, Condition
from app.schemas.lookup import LookupRequest, LookupResponse, Sex
from app.services.lookup import look_up

# A candidate above this, for a complaint the base does not hold, is a confident wrong answer.
OUT_OF_COVERAGE_CEILING = 0.2
CONFIDENT = 0.5
# The calibration table's bins of the leader's score: [low, high).
BINS = ((0.0, 0.2), (0.2, 0.5), (0.5, 0.8), (0.8, 1.0001))


class Vignette(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str
    expected: str | None = None  # the condition's slug, where it has one
    group: str = "sports"  # sports, emergency or general
    region: str | None = None
    diagnosis: str | None = None
    min_care_level: CareLevel | None = None
    age: int | None = None
    sex: Sex | None = None
    symptoms: list[str] = Field(default_factory=list)
    text: str | None = None
    note: str | None = None

    @model_validator(mode="after")
    def _words(self) -> "Vignette":
        if not self.symptoms and not self.text:
            raise ValueError("a vignette needs symptoms or a text")
        return self


class VignetteFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    vignette: list[Vignette]


@dataclass(frozen=True)
class VignetteResult:
    vignette: Vignette
    rank: int | None  # 1-based place of the expected condition; None when not listed
    leaders: list[str]
    leader_score: float
    top_score: float  # the highest candidate score (0 without candidates)
    in_base: bool  # whether the base holds the expected condition
    triage: CareLevel

    @property
    def leader_right(self) -> bool:
        return self.rank == 1


@dataclass(frozen=True)
class CalibrationBin:
    low: float
    high: float
    count: int
    right: int

    @property
    def accuracy(self) -> float | None:
        return self.right / self.count if self.count else None


@dataclass(frozen=True)
class Evaluation:
    results: list[VignetteResult]

    @property
    def in_coverage(self) -> list[VignetteResult]:
        return [r for r in self.results if r.in_base]

    @property
    def out_of_coverage(self) -> list[VignetteResult]:
        return [r for r in self.results if not r.in_base]

    def share_within(self, places: int) -> float:
        scored = self.in_coverage
        hits = sum(1 for r in scored if r.rank is not None and r.rank <= places)
        return hits / len(scored) if scored else 0.0

    @property
    def misses(self) -> list[VignetteResult]:
        return [r for r in self.in_coverage if r.rank != 1]

    @property
    def honest_out_of_coverage(self) -> float | None:
        """Of the vignettes the base cannot answer, the share with no candidate above 0.2."""
        outside = self.out_of_coverage
        if not outside:
            return None
        return sum(1 for r in outside if r.top_score <= OUT_OF_COVERAGE_CEILING) / len(outside)

    @property
    def emergencies(self) -> list[VignetteResult]:
        return [
            r
            for r in self.results
            if r.vignette.group == "emergency"
            or (r.vignette.min_care_level is not None and r.vignette.min_care_level.rank >= 3)
        ]

    @property
    def emergencies_urgent(self) -> float | None:
        """Of the emergencies, the share triaged `urgent` or above."""
        urgent = self.emergencies
        if not urgent:
            return None
        return sum(1 for r in urgent if r.triage.rank >= CareLevel.urgent.rank) / len(urgent)

    @property
    def safe_care(self) -> float | None:
        """Of the vignettes that say their safe care level, the share triaged at it or above."""
        rated = [r for r in self.results if r.vignette.min_care_level is not None]
        if not rated:
            return None
        safe = sum(
            1
            for r in rated
            if r.vignette.min_care_level and r.triage.rank >= r.vignette.min_care_level.rank
        )
        return safe / len(rated)

    @property
    def confident_wrong(self) -> list[VignetteResult]:
        """Leaders above 0.5 that are not the vignette's condition."""
        return [r for r in self.results if r.leader_score > CONFIDENT and not r.leader_right]

    def calibration(self) -> list[CalibrationBin]:
        """How often the leader was right, by its score (every vignette with a leader)."""
        led = [r for r in self.results if r.leaders]
        return [
            CalibrationBin(
                low,
                min(high, 1.0),
                sum(1 for r in led if low <= r.leader_score < high),
                sum(1 for r in led if low <= r.leader_score < high and r.leader_right),
            )
            for low, high in BINS
        ]

    @property
    def brier(self) -> float | None:
        """The mean squared gap between the leader's score and whether it was right."""
        led = [r for r in self.results if r.leaders]
        if not led:
            return None
        return sum((r.leader_score - float(r.leader_right)) ** 2 for r in led) / len(led)

    def groups(self) -> dict[str, "Evaluation"]:
        names = sorted({r.vignette.group for r in self.results})
        return {
            name: Evaluation([r for r in self.results if r.vignette.group == name])
            for name in names
        }


def by_region(evaluation: Evaluation) -> dict[str, Evaluation]:
    """The vignettes of each body region (as their authors placed them)."""
    names = sorted({r.vignette.region for r in evaluation.results if r.vignette.region})
    return {
        name: Evaluation([r for r in evaluation.results if r.vignette.region == name])
        for name in names
    }


def read_vignettes(path: Path) -> list[Vignette]:
    return VignetteFile.model_validate(tomllib.loads(path.read_text(encoding="utf-8"))).vignette


def evaluate(session: Session, cache: KnowledgeCache, vignettes: list[Vignette]) -> Evaluation:
    held = set(session.exec(select(col(Condition.slug))).all())
    results: list[VignetteResult] = []
    for vignette in vignettes:
        answer = look_up(
            session,
            cache,
            LookupRequest(
                symptoms=vignette.symptoms,
                text=vignette.text,
                age=vignette.age,
                sex=vignette.sex,
                limit=50,
            ),
        )
        results.append(_result(vignette, answer, held))
    return Evaluation(results)


def _result(vignette: Vignette, answer: LookupResponse, held: set[str]) -> VignetteResult:
    leaders = [candidate.condition.slug for candidate in answer.candidates]
    expected = vignette.expected
    rank = leaders.index(expected) + 1 if expected is not None and expected in leaders else None
    scores = [candidate.score for candidate in answer.candidates]
    return VignetteResult(
        vignette=vignette,
        rank=rank,
        leaders=leaders[:3],
        leader_score=scores[0] if scores else 0.0,
        top_score=max(scores, default=0.0),
        in_base=expected is not None and expected in held,
        triage=answer.triage.level,
    )
