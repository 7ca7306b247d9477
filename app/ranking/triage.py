"""Where to go: the most urgent care that the reported warning signs and the likely
conditions call for, with every reason that sets it."""

from dataclasses import dataclass

from app.language.vocabulary_index import VocabularyIndex
from app.models import CareLevel
from app.ranking.model import Ranking
from app.ranking.profiles import ConditionProfile

# A condition this probable, or promoted for safety, brings its own care level to the answer:
# a small probability, because a care level too low is the one mistake that must not happen.
LIKELY_ENOUGH = 0.05

ADVICE = {
    CareLevel.self_care: "Self care is reasonable for now. If it is not settling within a week "
    "or two, or gets worse, see a physiotherapist.",
    CareLevel.see_physiotherapist: "See a physiotherapist or sports medicine professional for "
    "an assessment; meanwhile ease off what brings the pain on.",
    CareLevel.see_doctor: "See a doctor within the next few days, and stop running until you have.",
    CareLevel.urgent: "Get urgent medical care today (an emergency department or urgent care).",
    CareLevel.emergency: "Call an ambulance now (999, 112 or 911), or have someone call for you.",
}
# Self care is advised only when the leader is at least this probable.
CONFIDENT_SELF_CARE = 0.5
# When the service cannot place a complaint, it does not guess that self care will do.
UNPLACED_LEVEL = CareLevel.see_doctor


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


def assess(
    index: VocabularyIndex,
    red_flags: set[str],
    ranking: Ranking,
    *,
    placed: bool = True,
    uncovered: list[str] | None = None,
) -> Triage:
    """The most urgent care any reason calls for: a warning sign reported (whatever the base
    holds), a condition above a small probability, or a complaint the service could not place
    (``placed`` false, or body regions the base holds no conditions of), which is never left at
    self care."""
    reasons: list[TriageReason] = []
    if not placed:
        reasons.append(
            TriageReason(
                level=UNPLACED_LEVEL,
                advice="This service could not place what you describe, so it cannot say that "
                "self care will do: see a doctor or physiotherapist who can examine you, sooner "
                "if it is severe or getting worse.",
            )
        )
    elif uncovered:
        where = " or ".join(name.lower() for name in uncovered)
        reasons.append(
            TriageReason(
                level=UNPLACED_LEVEL,
                advice=f"This service holds no conditions of the {where}, so it cannot judge "
                "it: see a doctor or physiotherapist who can examine you, sooner if it is "
                "severe, swollen or getting worse.",
            )
        )
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
    leader = ranking.candidates[0].score if ranking.candidates else 0.0
    if placed and not uncovered and leader < CONFIDENT_SELF_CARE:
        # Self care only when the answer is confident about a condition that self care suits.
        reasons.append(
            TriageReason(
                level=CareLevel.see_physiotherapist,
                advice="No one explanation stands out, so see a physiotherapist or sports "
                "medicine professional for an assessment if it is not settling within a week.",
            )
        )
    reasons.sort(key=lambda reason: -reason.level.rank)
    level = reasons[0].level if reasons else CareLevel.self_care
    return Triage(level=level, advice=ADVICE[level], reasons=reasons)
