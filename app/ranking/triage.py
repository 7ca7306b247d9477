"""Where to go: the most urgent care that the reported warning signs and the likely
conditions call for, with every reason that sets it."""

from dataclasses import dataclass

from app.language.vocabulary_index import VocabularyIndex
from app.models import CareLevel
from app.ranking.model import Ranking
from app.ranking.profiles import ConditionProfile

# A condition this probable, or promoted for safety, brings its own care level to the answer.
LIKELY_ENOUGH = 0.25

ADVICE = {
    CareLevel.self_care: "Self care is reasonable for now. If it is not settling within a week "
    "or two, or gets worse, see a physiotherapist.",
    CareLevel.see_physiotherapist: "See a physiotherapist or sports medicine professional for "
    "an assessment; meanwhile ease off what brings the pain on.",
    CareLevel.see_doctor: "See a doctor within the next few days, and stop running until you have.",
    CareLevel.urgent: "Get urgent medical care today (an emergency department or urgent care).",
}


@dataclass(frozen=True)
class TriageReason:
    """One thing that calls for a care level: a warning sign reported, or a likely condition."""

    level: CareLevel
    advice: str
    symptom: str | None = None  # the warning sign's slug
    condition: ConditionProfile | None = None


@dataclass(frozen=True)
class Triage:
    level: CareLevel
    advice: str
    reasons: list[TriageReason]


def assess(index: VocabularyIndex, red_flags: set[str], ranking: Ranking) -> Triage:
    reasons: list[TriageReason] = []
    for slug in sorted(red_flags):
        symptom = index.symptoms[slug]
        assert symptom.red_flag_level is not None
        reasons.append(
            TriageReason(
                level=symptom.red_flag_level,
                advice=symptom.red_flag_advice or ADVICE[symptom.red_flag_level],
                symptom=slug,
            )
        )
    for item in ranking.candidates:
        profile = item.profile
        likely = item.score >= LIKELY_ENOUGH or item.promoted_for_safety
        if not likely or profile.care_level is CareLevel.self_care:
            continue
        why = (
            f"{profile.name} must be ruled out: its warning signs are present."
            if item.promoted_for_safety
            else f"{profile.name} is a likely explanation ({item.score:.0%})."
        )
        reasons.append(
            TriageReason(
                level=profile.care_level,
                advice=f"{why} {ADVICE[profile.care_level]}",
                condition=profile,
            )
        )
    reasons.sort(key=lambda reason: -reason.level.rank)
    level = reasons[0].level if reasons else CareLevel.self_care
    return Triage(level=level, advice=ADVICE[level], reasons=reasons)
