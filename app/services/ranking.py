"""Rank conditions for a set of reported and absent symptoms.

The model is naive Bayes against a "something else" hypothesis:

* a condition has a symptom with probability 0.8 if the knowledge lists it as common, 0.4 if
  sometimes, 0.1 if rare, and 0.02 if it does not list it at all (no entry is complete, so an
  unlisted symptom weighs against a condition only mildly);
* "something else", a condition the knowledge base does not hold, has any symptom with the
  background probability 0.05; the prior gives each condition in the knowledge base one share
  and "something else" ten, since a base this size holds few of the possible explanations;
* a reported symptom multiplies a condition's odds by p / 0.05, an absent one by
  (1 - p) / (1 - 0.05).

A candidate's score is its posterior probability, so scores mean the same in every answer and
add up, with "something else", to one.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field

from app.models import Frequency

PROBABILITY = {Frequency.common: 0.8, Frequency.sometimes: 0.4, Frequency.rare: 0.1}
UNLISTED = 0.02
BACKGROUND = 0.05
SHARES_OF_SOMETHING_ELSE = 10


@dataclass(frozen=True)
class ListedSymptom:
    slug: str
    name: str
    frequency: Frequency


@dataclass
class ConditionProfile:
    slug: str
    name: str
    symptoms: dict[str, ListedSymptom] = field(default_factory=dict)


@dataclass(frozen=True)
class RankedCondition:
    profile: ConditionProfile
    score: float
    matched: list[ListedSymptom]
    against: list[ListedSymptom]
    not_mentioned: list[ListedSymptom]


def likelihood_ratio(
    profile: ConditionProfile, present: Iterable[str], absent: Iterable[str]
) -> float:
    ratio = 1.0
    for slug in present:
        listed = profile.symptoms.get(slug)
        ratio *= (PROBABILITY[listed.frequency] if listed else UNLISTED) / BACKGROUND
    for slug in absent:
        listed = profile.symptoms.get(slug)
        probability = PROBABILITY[listed.frequency] if listed else UNLISTED
        ratio *= (1 - probability) / (1 - BACKGROUND)
    return ratio


def rank_candidates(
    profiles: list[ConditionProfile],
    *,
    present: set[str],
    absent: set[str],
    conditions_in_base: int,
) -> list[RankedCondition]:
    """Every profiled condition that has a reported symptom, most probable first.

    ``profiles`` must hold each condition that lists any reported or absent symptom; the rest of
    the base lists none of them, so each of those has the same, unlisted, likelihood.
    """
    if conditions_in_base == 0:
        return []
    total_shares = conditions_in_base + SHARES_OF_SOMETHING_ELSE
    prior = 1 / total_shares
    ratios = {profile.slug: likelihood_ratio(profile, present, absent) for profile in profiles}
    unprofiled = conditions_in_base - len(profiles)
    unlisted_ratio = likelihood_ratio(ConditionProfile("", ""), present, absent)
    evidence = (
        SHARES_OF_SOMETHING_ELSE / total_shares
        + prior * sum(ratios.values())
        + prior * unprofiled * unlisted_ratio
    )
    ranked = [
        RankedCondition(
            profile=profile,
            score=prior * ratios[profile.slug] / evidence,
            matched=[
                profile.symptoms[slug] for slug in sorted(present) if slug in profile.symptoms
            ],
            against=[profile.symptoms[slug] for slug in sorted(absent) if slug in profile.symptoms],
            not_mentioned=[
                listed
                for slug, listed in profile.symptoms.items()
                if listed.frequency is Frequency.common
                and slug not in present
                and slug not in absent
            ],
        )
        for profile in profiles
        if present & profile.symptoms.keys()
    ]
    return sorted(ranked, key=lambda item: (-item.score, item.profile.slug))


def explain(ranked: RankedCondition) -> str:
    """One paragraph a person can read: what fits, what does not, what was not asked."""
    profile = ranked.profile
    described = ", ".join(f"{s.name.lower()} ({s.frequency.value})" for s in ranked.matched)
    parts = [
        f"{profile.name} fits {len(ranked.matched)} of the symptoms you reported: {described}."
    ]
    if ranked.against:
        names = ", ".join(s.name.lower() for s in ranked.against)
        parts.append(f"It usually comes with {names}, which you do not have.")
    if ranked.not_mentioned:
        names = ", ".join(s.name.lower() for s in ranked.not_mentioned[:3])
        parts.append(f"Also common in it, and not mentioned: {names}.")
    parts.append(f"Probability under this service's model: {ranked.score:.0%}.")
    return " ".join(parts)
