"""Where to go: the most urgent care that the reported warning signs and the likely
conditions call for, with every reason that sets it."""

from app.knowledge.vocabulary_index import VocabularyIndex
from app.models import CareLevel
from app.schemas import ConditionRef, SymptomRef, Triage, TriageReason
from app.services.ranking import Ranking

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


def assess(index: VocabularyIndex, red_flags: set[str], ranking: Ranking) -> Triage:
    reasons: list[TriageReason] = []
    for slug in sorted(red_flags):
        symptom = index.symptoms[slug]
        assert symptom.red_flag_level is not None
        reasons.append(
            TriageReason(
                level=symptom.red_flag_level,
                advice=symptom.red_flag_advice or ADVICE[symptom.red_flag_level],
                symptom=SymptomRef(slug=slug, name=symptom.name),
                condition=None,
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
                symptom=None,
                condition=ConditionRef(slug=profile.slug, name=profile.name),
            )
        )
    reasons.sort(key=lambda reason: -reason.level.rank)
    level = reasons[0].level if reasons else CareLevel.self_care
    return Triage(level=level, advice=ADVICE[level], reasons=reasons)
