"""Score the lookup on vignettes: patients' own words with the condition they turned out to
have. Top-1 and top-3 say how often the right condition leads, or is close behind."""

import tomllib
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field
from sqlmodel import Session

from app.cache.knowledge_cache import KnowledgeCache
from app.schemas.lookup import LookupRequest, Sex
from app.services.lookup import look_up


class Vignette(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str
    expected: str
    age: int | None = None
    sex: Sex | None = None
    symptoms: list[str] = Field(min_length=1)
    note: str | None = None


class VignetteFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    vignette: list[Vignette]


@dataclass(frozen=True)
class VignetteResult:
    vignette: Vignette
    rank: int | None  # 1-based place of the expected condition; None when not listed
    leaders: list[str]


@dataclass(frozen=True)
class Evaluation:
    results: list[VignetteResult]

    def share_within(self, places: int) -> float:
        hits = sum(1 for r in self.results if r.rank is not None and r.rank <= places)
        return hits / len(self.results) if self.results else 0.0

    @property
    def misses(self) -> list[VignetteResult]:
        return [r for r in self.results if r.rank != 1]


def read_vignettes(path: Path) -> list[Vignette]:
    return VignetteFile.model_validate(tomllib.loads(path.read_text(encoding="utf-8"))).vignette


def evaluate(session: Session, cache: KnowledgeCache, vignettes: list[Vignette]) -> Evaluation:
    results: list[VignetteResult] = []
    for vignette in vignettes:
        answer = look_up(
            session,
            cache,
            LookupRequest(symptoms=vignette.symptoms, age=vignette.age, sex=vignette.sex, limit=50),
        )
        leaders = [candidate.condition.slug for candidate in answer.candidates]
        rank = leaders.index(vignette.expected) + 1 if vignette.expected in leaders else None
        results.append(VignetteResult(vignette, rank, leaders[:3]))
    return Evaluation(results)
