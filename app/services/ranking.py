"""Rank conditions for a set of reported and absent symptoms, and choose the next question.

The model is naive Bayes with a leak, "something else":

* a condition has a symptom with probability 0.8 if its knowledge lists it as common, 0.4 if
  sometimes, 0.1 if rare, 0.01 if the knowledge says it does not have it, and 0.02 if the
  knowledge does not mention it at all (no entry is complete, so an unmentioned symptom weighs
  against a condition only mildly: 0.02 against the background 0.05, where a symptom the
  knowledge says it lacks counts 0.01);
* "something else", a condition the knowledge base does not hold, has any symptom with the
  background probability 0.05;
* the prior of a condition is its knowledge's prior weight (how common it is among the people
  who ask) times the age and sex factors its knowledge gives for this person; "something else"
  holds 10 units of prior weight, as much as several common conditions, because no base holds
  every explanation;
* a reported symptom multiplies a condition's odds by p / 0.05, an absent one by
  (1 - p) / (1 - 0.05).

A candidate's score is its posterior probability, so scores mean the same in every answer:
the candidates, the conditions in the base that match none of the symptoms, and "something
else" add up to one.

One rule overrides the order, for safety: a can't-miss condition (such as a stress fracture)
whose warning signs are reported is listed first, whatever its score, unless the rest of the
answer has all but ruled it out (below 1%); the triage then still answers to the warning sign.
"""

import math
from collections.abc import Iterable
from dataclasses import dataclass

from app.knowledge.profiles import ConditionProfile, ConditionProfiles, ListedSymptom
from app.models import CareLevel, Frequency

PROBABILITY = {
    Frequency.common: 0.8,
    Frequency.sometimes: 0.4,
    Frequency.rare: 0.1,
    Frequency.absent: 0.01,
}
UNLISTED = 0.02
BACKGROUND = 0.05
PRIOR_OF_SOMETHING_ELSE = 10.0
# The next question weighs the leading candidates; the rest count together with the leak.
QUESTION_CANDIDATES = 8
# A can't-miss condition less probable than this has been ruled out by the rest of the answer.
SAFETY_FLOOR = 0.01


@dataclass(frozen=True)
class Evidence:
    present: frozenset[str]
    absent: frozenset[str]
    red_flags: frozenset[str]  # reported symptoms that are warning signs
    warning_signs: frozenset[str] = frozenset()  # every symptom that is one
    age: int | None = None
    sex: str | None = None


@dataclass(frozen=True)
class RankedCondition:
    profile: ConditionProfile
    score: float
    prior: float
    matched: list[ListedSymptom]
    against: list[ListedSymptom]
    unexpected: list[ListedSymptom]
    not_mentioned: list[ListedSymptom]
    promoted_for_safety: bool


@dataclass(frozen=True)
class Ranking:
    candidates: list[RankedCondition]
    something_else: float  # no condition in the base explains it
    not_listed: float  # conditions in the base that match none of the symptoms


def probability(profile: ConditionProfile, symptom: str) -> float:
    listed = profile.symptoms.get(symptom)
    return PROBABILITY[listed.frequency] if listed else UNLISTED


def likelihood_ratio(
    profile: ConditionProfile | None, present: Iterable[str], absent: Iterable[str]
) -> float:
    """How much more likely the evidence is under the condition than under "something else";
    for ``None``, a condition that lists none of the symptoms."""

    def chance(slug: str) -> float:
        return probability(profile, slug) if profile is not None else UNLISTED

    ratio = 1.0
    for slug in present:
        ratio *= chance(slug) / BACKGROUND
    for slug in absent:
        ratio *= (1 - chance(slug)) / (1 - BACKGROUND)
    return ratio


def rank_candidates(profiles: ConditionProfiles, evidence: Evidence) -> Ranking:
    """Every condition that lists a reported symptom, most probable first (with the safety rule
    above). Work grows with the conditions those symptoms touch, plus one pass over the priors."""
    involved = {
        slug
        for symptom in evidence.present | evidence.absent
        for slug in profiles.conditions_by_symptom.get(symptom, ())
    }
    unlisted_ratio = likelihood_ratio(None, evidence.present, evidence.absent)
    weighted: dict[str, tuple[float, float]] = {}
    uninvolved_mass = 0.0
    for slug, profile in profiles.by_slug.items():
        prior = profile.prior(age=evidence.age, sex=evidence.sex)
        if slug in involved:
            ratio = likelihood_ratio(profile, evidence.present, evidence.absent)
            weighted[slug] = (prior, prior * ratio)
        else:
            uninvolved_mass += prior * unlisted_ratio
    total = PRIOR_OF_SOMETHING_ELSE + uninvolved_mass + sum(w for _, w in weighted.values())
    ranked = [
        _ranked(profiles.by_slug[slug], prior, mass / total, evidence)
        for slug, (prior, mass) in weighted.items()
    ]
    shown = [item for item in ranked if item.matched]
    shown.sort(key=lambda item: (not item.promoted_for_safety, -item.score, item.profile.slug))
    hidden = 1 - PRIOR_OF_SOMETHING_ELSE / total - sum(item.score for item in shown)
    return Ranking(shown, PRIOR_OF_SOMETHING_ELSE / total, max(hidden, 0.0))


def _ranked(
    profile: ConditionProfile, prior: float, score: float, evidence: Evidence
) -> RankedCondition:
    has = {
        slug: item
        for slug, item in profile.symptoms.items()
        if item.frequency is not Frequency.absent
    }
    lacks = {
        slug: item for slug, item in profile.symptoms.items() if item.frequency is Frequency.absent
    }
    return RankedCondition(
        profile=profile,
        score=score,
        prior=prior,
        matched=[has[s] for s in sorted(evidence.present) if s in has],
        against=[has[s] for s in sorted(evidence.absent) if s in has],
        unexpected=[lacks[s] for s in sorted(evidence.present) if s in lacks],
        not_mentioned=[
            item
            for slug, item in has.items()
            if item.frequency is Frequency.common
            and slug not in evidence.present
            and slug not in evidence.absent
        ],
        promoted_for_safety=profile.cant_miss
        and bool(evidence.red_flags & has.keys())
        and score >= SAFETY_FLOOR,
    )


def _entropy(weights: list[float]) -> float:
    """Entropy in bits of the distribution the weights make once normalised, computed as
    log2(T) - sum(w log2 w) / T, which needs no division per weight (it runs per question)."""
    total = sum(weights)
    if total <= 0:
        return 0.0
    return math.log2(total) - sum(w * math.log2(w) for w in weights if w > 0) / total


@dataclass(frozen=True)
class Question:
    symptom: str
    information_gain: float
    rules_out_warning_sign: bool = False


# Below this many bits a question separates nothing worth asking about.
USEFUL_GAIN = 0.01


def next_question(ranking: Ranking, evidence: Evidence) -> Question | None:
    """The symptom whose answer best separates the leading candidates: the largest expected
    fall in the entropy (in bits) of who explains the complaint."""
    leaders = ranking.candidates[:QUESTION_CANDIDATES]
    if not leaders:
        return None
    rest = max(1 - sum(item.score for item in leaders), 0.0)
    weights = [item.score for item in leaders] + [rest]
    asked = evidence.present | evidence.absent
    options = sorted({slug for item in leaders for slug in item.profile.symptoms} - asked)
    before = _entropy(weights)
    best: Question | None = None
    for symptom in options:
        chances = [probability(item.profile, symptom) for item in leaders] + [BACKGROUND]
        yes = [w * p for w, p in zip(weights, chances, strict=True)]
        no = [w * (1 - p) for w, p in zip(weights, chances, strict=True)]
        p_yes = sum(yes) / sum(weights)
        expected = p_yes * _entropy(yes) + (1 - p_yes) * _entropy(no)
        gain = before - expected
        if best is None or gain > best.information_gain + 1e-12:
            best = Question(symptom, gain)
    if best is None or best.information_gain < USEFUL_GAIN:
        # Nothing left separates the leaders: make sure no warning sign is being missed.
        unasked = [
            slug
            for item in leaders
            for slug in item.profile.symptoms
            if slug in evidence.warning_signs and slug not in asked
        ]
        if unasked:
            return Question(unasked[0], best.information_gain if best else 0.0, True)
    return best


def explain(ranked: RankedCondition) -> str:
    """One paragraph a person can read: what fits, what does not, what was not asked."""
    profile = ranked.profile
    parts: list[str] = []
    if ranked.promoted_for_safety:
        parts.append(
            f"Listed first for safety: {profile.name.lower()} must not be missed, and you "
            "reported one of its warning signs."
        )
    described = ", ".join(f"{s.name.lower()} ({s.frequency.value})" for s in ranked.matched)
    parts.append(f"{profile.name} fits {len(ranked.matched)} of your symptoms: {described}.")
    if ranked.against:
        names = ", ".join(s.name.lower() for s in ranked.against)
        parts.append(f"It usually comes with {names}, which you do not have.")
    if ranked.unexpected:
        names = ", ".join(s.name.lower() for s in ranked.unexpected)
        parts.append(f"It does not usually cause {names}, which you have.")
    if ranked.not_mentioned:
        names = ", ".join(s.name.lower() for s in ranked.not_mentioned[:3])
        parts.append(f"Also common in it, and not mentioned: {names}.")
    if ranked.profile.care_level is not CareLevel.self_care:
        parts.append(f"If it is this, it needs {_care_words(ranked.profile.care_level)}.")
    parts.append(f"Probability under this service's model: {ranked.score:.0%}.")
    return " ".join(parts)


def _care_words(level: CareLevel) -> str:
    return {
        CareLevel.self_care: "self care",
        CareLevel.see_physiotherapist: "a physiotherapist's assessment",
        CareLevel.see_doctor: "a doctor's assessment",
        CareLevel.urgent: "urgent care",
    }[level]
