"""Rank conditions for a set of reported and absent symptoms, and choose the next question.

The model is naive Bayes with a leak, "something else":

* a condition has a symptom with probability 0.8 if its knowledge lists it as common, 0.4 if
  sometimes, 0.1 if rare (or the share its source gives, such as HPO's frequencies), 0.01 if
  the knowledge says it does not have it, and 0.02 if the knowledge does not mention it at all
  (no entry is complete, so an unmentioned symptom weighs against a condition only mildly:
  0.02 against the background 0.05, where a symptom the knowledge says it lacks counts 0.01);
* symptoms form a hierarchy (every focal seizure is a seizure). A condition that lists a
  symptom more specific than the reported one has the reported one. A condition that lists
  only a broader or a sibling symptom explains it in part: with the listing's probability
  times the share of conditions covering their most specific common ancestor that also cover
  the reported symptom, n(reported) / n(ancestor), which is exp(-(IC(reported) - IC(ancestor)))
  in terms of information content. Such partial credit stops where it falls below the
  unmentioned 0.02, so a broad ancestor reaching thousands of conditions is never visited;
* "something else", a condition the knowledge base does not hold, has any symptom with the
  background probability 0.05;
* the prior of a condition is its knowledge's prior weight (how common it is among the people
  who ask) times the age and sex factors its knowledge gives for this person; "something else"
  holds 10 units of prior weight, as much as several common conditions, because no base holds
  every explanation;
* a reported symptom multiplies a condition's odds by p / 0.05, an absent one by
  (1 - p) / (1 - 0.05);
* where it hurts counts too. Every condition knows the body regions it hurts in (its page
  names them, or its symptoms say), and a region includes those below it (the knee holds the
  front of the knee). For each body region the person says hurts (left and right alike), a
  condition that hurts neither there nor above or below it has its odds multiplied by 0.004
  (by 0.05 when it does hurt in another region the person names, since people name the places
  around a complaint too), and is shown with that region in `against`; "something else" is in
  every region, so a complaint where the base holds no condition leaves the probability to it,
  and the answer's `coverage` says so in a sentence;
* each stretch of the person's own words that names nothing this base knows (not filler,
  not a body part, not a symptom; listed in `unrecognized` with its offsets) multiplies every
  condition's odds by 0.6 against "something else", for up to six stretches.

These weights were set on the development vignettes (`python -m app evaluate` prints what they
measure: top-1 and top-3, the share of complaints outside the base with no candidate above 0.2,
and how often a leader at each score was right).

Warning signs of emergencies (chest pain, a drooping face, the worst headache of one's life, a
hot swollen calf, ...) are part of the vocabulary and recognised whatever the base holds; any
one sets the triage, up to `emergency` (call an ambulance). The triage is never lower than the
care level of a candidate above 5%, and never self care for a complaint the service could not
place or whose body region the base holds no conditions of.

A candidate's score is its posterior probability, so scores mean the same in every answer:
the candidates, the conditions in the base that match none of the symptoms, and "something
else" add up to one.

One rule overrides the order, for safety: a can't-miss condition (such as a stress fracture)
whose warning signs are reported is listed first, whatever its score, unless the rest of the
answer has all but ruled it out (below 1%); the triage then still answers to the warning sign.
"""

import math
from collections import defaultdict
from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np
import numpy.typing as npt

from app.models import CareLevel, Frequency
from app.ranking.profiles import (
    MOST_PROBABLE,
    PROBABILITY,
    ConditionProfile,
    ConditionProfiles,
    ListedSymptom,
)
from app.ranking.scoring import FloatArray, IntArray, ScoringIndex

UNLISTED = 0.02
# A painful region where a condition does not hurt: its likelihood is this share of that of a
# condition of the region (or of "something else", which is in every region). A condition of the
# hamstring seldom shows itself as knee pain; set from the development vignettes (README).
REGION_AGAINST = 0.004
# A painful region where a condition does not hurt, when it does hurt in another region the
# person names: people name the places around a complaint too ("groin pain when I pass with the
# inside of my foot"), so that mismatch is a milder sign. Set from the development vignettes.
REGION_ALSO_NAMED = 0.05
# Each stretch of a person's words that names nothing this base knows (not filler, not a body
# part, not a known symptom) multiplies every condition of the base by this against "something
# else", up to MAX_UNPLACED stretches: words it cannot place are a mild sign it is not there.
UNPLACED = 0.6
MAX_UNPLACED = 6
# In a hierarchy, an unlisted symptom is as likely as its share of the conditions there, times
# this; so matching a rare finding weighs more than matching a common one.
LEAK = 1.0
# Partial credit through a broader symptom: this share of what the hierarchy alone suggests
# (n(reported) / n(ancestor)), since a condition with hundreds of listings is related to almost
# anything. It counts only while it can beat an unlisted symptom this many times over: the broad
# ancestors past that reach thousands of conditions for nothing.
RELATED_WEIGHT = 0.05
RELATED_FLOOR = 2.0
# How far an ontology term recorded as excluded counts against a condition that has it, as a
# share of its probability. Clinicians record an exclusion mostly because the condition they
# suspect has the feature, so in such records an absence is weak evidence (on the phenopacket
# development cases, full trust cost a third of the top-1 hits). A person's own "no" to a
# vocabulary symptom is believed in full.
RECORDED_ABSENCE_TRUST = 0.05
BACKGROUND = 0.05
ABSENT = PROBABILITY[Frequency.absent]
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
    # Body regions the person says hurt (left and right alike), most specific first.
    regions: frozenset[str] = frozenset()
    # Stretches of the person's words (not filler) that name nothing this base knows.
    unplaced: int = 0
    # Symptoms asked about that the person could not answer: evidence neither way.
    unsure: frozenset[str] = frozenset()


class Relation(StrEnum):
    exact = "exact"  # the condition lists the reported symptom
    more_specific = "more_specific"  # it lists a more specific form of it
    related = "related"  # it lists a broader or a sibling symptom: partial credit


@dataclass(frozen=True)
class Match:
    reported: str
    listed: ListedSymptom
    relation: Relation


@dataclass(frozen=True)
class RankedCondition:
    profile: ConditionProfile
    score: float
    prior: float
    matched: list[Match]
    against: list[ListedSymptom]
    unexpected: list[ListedSymptom]
    not_mentioned: list[ListedSymptom]
    promoted_for_safety: bool
    # Reported painful regions it does not hurt in, as (slug, name).
    outside_regions: list[tuple[str, str]] = field(default_factory=list)


@dataclass(frozen=True)
class Ranking:
    candidates: list[RankedCondition]  # the leaders, as many as asked for
    something_else: float  # no condition in the base explains it
    not_listed: float  # conditions in the base that match none of the symptoms
    # Every condition that matches a symptom, in ranked order, with its score.
    positions: IntArray
    scores: FloatArray


@dataclass(frozen=True)
class Reach:
    """How far a reported symptom reaches: itself at full weight, then broader symptoms,
    most specific first, each with the share of its conditions that the reported one keeps."""

    symptom: str
    levels: list[tuple[str, float]]
    unlisted: float  # the chance a condition that does not list it has it all the same
    absence_trust: float = 1.0


def reach(index: ScoringIndex, symptom: str) -> Reach:
    covered = index.covered_by(symptom)
    broader = sorted(index.hierarchy.lineage(symptom)[1:], key=index.covered_by)
    # Among the conditions its hierarchy describes (those covering its broadest ancestor),
    # the share that list it: a rare finding in few conditions is rarely there unlisted.
    family = index.covered_by(broader[-1]) if broader else covered
    unlisted = min(UNLISTED, LEAK * (covered + 1) / (family + 1))
    levels = [(symptom, 1.0)]
    for ancestor in broader:
        share = RELATED_WEIGHT * (covered + 1) / (index.covered_by(ancestor) + 1)
        if share * MOST_PROBABLE <= RELATED_FLOOR * unlisted:
            break  # and so are the broader ones after it
        levels.append((ancestor, share))
    trust = RECORDED_ABSENCE_TRUST if symptom in index.ontology_terms else 1.0
    return Reach(symptom, levels, unlisted, trust)


class _Tally:
    """The evidence summed per condition, in arrays over the base that a lookup writes only
    where its symptoms reach (allocating them is one memset, microseconds at 10,000s)."""

    def __init__(self, size: int) -> None:
        self.log_ratio = np.zeros(size)  # relative to a condition no symptom reaches
        self.touched = np.zeros(size, dtype=bool)
        self.supported = np.zeros(size, dtype=bool)  # it explains a reported symptom
        self._best = np.zeros(size)  # scratch: one symptom's probability per condition

    def add_present(self, index: ScoringIndex, symptom: Reach) -> None:
        reached: list[IntArray] = []
        best = self._best
        for level, share in symptom.levels:
            cover = index.cover(level)
            if len(cover.conditions):
                # Conditions are unique within a cover, so this is an elementwise maximum.
                best[cover.conditions] = np.maximum(
                    best[cover.conditions], cover.probabilities * share
                )
                reached.append(cover.conditions)
        excluded = index.excluded_in(symptom.symptom)
        if len(excluded):
            # A condition known not to have it (or anything broader) gives it the least chance.
            best[excluded] = -1.0
            reached.append(excluded)
        if not reached:
            return
        conditions = np.concatenate(reached)
        values = best[conditions]
        unlisted = symptom.unlisted
        values = np.where(values < 0, min(ABSENT, unlisted / 2), np.maximum(values, unlisted))
        # Repeated positions read and write the same value, so each counts once.
        self.log_ratio[conditions] += np.log(values / unlisted)
        self.touched[conditions] = True
        self.supported[conditions[values > unlisted]] = True
        best[conditions] = 0.0

    def add_absent(self, index: ScoringIndex, symptom: Reach) -> None:
        cover = index.cover(symptom.symptom)
        unlisted = symptom.unlisted
        self.log_ratio[cover.conditions] += np.log(
            (1 - symptom.absence_trust * cover.probabilities) / (1 - unlisted)
        )
        self.touched[cover.conditions] = True
        excluded = index.excluded_in(symptom.symptom)
        if len(excluded):
            self.log_ratio[excluded] += math.log((1 - ABSENT) / (1 - unlisted))
            self.touched[excluded] = True


def rank_candidates(
    profiles: ConditionProfiles, evidence: Evidence, *, limit: int = QUESTION_CANDIDATES
) -> Ranking:
    """Every condition that matches a reported symptom, most probable first (with the safety
    rule above); the first ``limit`` are described in full. Work follows the conditions the
    symptoms reach, not the base: a condition they do not reach has the same likelihood as
    every other one they do not reach, so those are counted in one sum of priors."""
    index = profiles.scoring
    base = 0.0  # log likelihood ratio of a condition that lists none of the symptoms
    tally = _Tally(len(index.slugs))
    reaches = {symptom: reach(index, symptom) for symptom in sorted(evidence.present)}
    for symptom in reaches.values():
        base += math.log(symptom.unlisted / BACKGROUND)
        tally.add_present(index, symptom)
    for denied in sorted(evidence.absent):
        unasked = reach(index, denied)
        base += math.log((1 - unasked.unlisted) / (1 - BACKGROUND))
        tally.add_absent(index, unasked)
    if evidence.regions:
        # Every condition starts with the mismatch of every region, and those of a region are
        # cleared of it: "something else" is in every region, so a complaint where no
        # condition of the base hurts leaves the probability to it. A condition of some of the
        # regions keeps only the milder mismatch of the others.
        named = len(evidence.regions)
        base += named * math.log(REGION_AGAINST)
        regions_covered = np.zeros(len(index.slugs), dtype=np.int32)
        for region in sorted(evidence.regions):
            regions_covered[profiles.covering(region)] += 1
        covering = np.flatnonzero(regions_covered)
        tally.log_ratio[covering] += (named - regions_covered[covering]) * math.log(
            REGION_ALSO_NAMED
        ) - named * math.log(REGION_AGAINST)
        tally.touched[covering] = True
        tally.supported[covering] = True
    base += min(evidence.unplaced, MAX_UNPLACED) * math.log(UNPLACED)
    positions = np.flatnonzero(tally.touched).astype(np.int32)
    priors, total_prior = profiles.priors(age=evidence.age, sex=evidence.sex)
    touched_priors = priors[positions]
    untouched_prior = max(total_prior - float(touched_priors.sum()), 0.0)
    with np.errstate(divide="ignore"):
        log_mass = np.log(touched_priors) + base + tally.log_ratio[positions]
    # Normalise in log space: many symptoms make likelihood ratios beyond a float's range.
    terms = [math.log(PRIOR_OF_SOMETHING_ELSE)]
    if untouched_prior > 0:
        terms.append(math.log(untouched_prior) + base)
    top = max([*terms, float(log_mass.max())] if len(log_mass) else terms)
    scores = np.exp(log_mass - top)
    total = float(scores.sum()) + sum(math.exp(term - top) for term in terms)
    scores /= total
    something_else = math.exp(terms[0] - top) / total
    shown = tally.supported[positions]
    positions, scores, log_mass = positions[shown], scores[shown], log_mass[shown]
    promoted = _promoted(profiles, evidence, positions, scores)
    # Ordered by log mass, not by score: with many symptoms every score can round to 0.
    order = np.lexsort((index.slug_order[positions], -log_mass, ~promoted))
    positions, scores, promoted = positions[order], scores[order], promoted[order]
    described = max(limit, QUESTION_CANDIDATES) + int(promoted.sum())
    candidates = [
        _ranked(
            profiles.ordered[int(position)],
            float(priors[position]),
            float(scores[number]),
            evidence,
            reaches,
            profiles,
            promoted=bool(promoted[number]),
        )
        for number, position in enumerate(positions[:described])
    ]
    hidden = 1 - something_else - float(scores.sum())
    return Ranking(candidates, something_else, max(hidden, 0.0), positions, scores)


def _promoted(
    profiles: ConditionProfiles, evidence: Evidence, positions: IntArray, scores: FloatArray
) -> npt.NDArray[np.bool_]:
    """The can't-miss conditions whose warning signs are reported, unless ruled out."""
    promoted = np.zeros(len(positions), dtype=bool)
    if not evidence.red_flags:
        return promoted
    for number in np.flatnonzero(profiles.cant_miss[positions] & (scores >= SAFETY_FLOOR)):
        profile = profiles.ordered[int(positions[number])]
        promoted[number] = not evidence.red_flags.isdisjoint(profile.has)
    return promoted


def _ranked(
    profile: ConditionProfile,
    prior: float,
    score: float,
    evidence: Evidence,
    reaches: dict[str, Reach],
    profiles: ConditionProfiles,
    *,
    promoted: bool,
) -> RankedCondition:
    hierarchy = profiles.scoring.hierarchy
    below = profile.listed_below(hierarchy)
    lacks = profile.lacks
    matched = [
        found
        for symptom in reaches.values()
        if (found := _explanation(symptom, profile.has, below)) is not None
    ]
    # What it has that was denied: the denied symptom itself, or a more specific form of it.
    against = (
        sorted(
            (
                item
                for slug, item in profile.has.items()
                if not evidence.absent.isdisjoint(hierarchy.lineage(slug))
            ),
            key=lambda item: item.slug,
        )
        if evidence.absent
        else []
    )
    settled = {match.listed.slug for match in matched} | {item.slug for item in against}
    unexpected = {
        slug: lacks[slug]
        for symptom in sorted(evidence.present)
        for slug in hierarchy.lineage(symptom)
        if slug in lacks
    }
    return RankedCondition(
        profile=profile,
        score=score,
        prior=prior,
        matched=matched,
        against=against,
        unexpected=list(unexpected.values()),
        not_mentioned=[
            item
            for slug, item in profile.has.items()
            if item.frequency is Frequency.common
            and slug not in evidence.present
            and slug not in settled
        ],
        promoted_for_safety=promoted,
        outside_regions=[
            (region, profiles.regions.name_of(region))
            for region in sorted(evidence.regions)
            if not profiles.regions.covers(profile.regions, region)
        ],
    )


def _explanation(
    symptom: Reach, has: dict[str, ListedSymptom], below: dict[str, ListedSymptom]
) -> Match | None:
    """What the condition lists that explains a reported symptom best, if anything does."""
    reported = symptom.symptom
    found = has.get(reported) or below.get(reported)
    if found is not None:
        relation = Relation.exact if found.slug == reported else Relation.more_specific
        return Match(reported, found, relation)
    for level, _share in symptom.levels[1:]:
        found = below.get(level)
        if found is not None:
            return Match(reported, found, Relation.related)
    return None


def _entropies(weights: FloatArray) -> FloatArray:
    """Entropy in bits of each row's distribution once normalised, computed as
    log2(T) - sum(w log2 w) / T, which needs no division per weight."""
    totals = weights.sum(axis=-1)
    with np.errstate(divide="ignore", invalid="ignore"):
        logs = np.where(weights > 0, np.log2(np.where(weights > 0, weights, 1)), 0.0)
        entropy = np.log2(totals) - (weights * logs).sum(axis=-1) / totals
    return np.where(totals > 0, entropy, 0.0)


@dataclass(frozen=True)
class Question:
    symptom: str
    information_gain: float
    rules_out_warning_sign: bool = False


# Below this many bits a question separates nothing worth asking about.
USEFUL_GAIN = 0.01


def next_question(
    profiles: ConditionProfiles, ranking: Ranking, evidence: Evidence
) -> Question | None:
    """The symptom whose answer best separates the leading candidates: the largest expected
    fall in the entropy (in bits) of who explains the complaint. Every answer is scored at
    once, as arrays: a condition from a large base lists hundreds of symptoms."""
    leaders = ranking.candidates[:QUESTION_CANDIDATES]
    if not leaders:
        return None
    index = profiles.scoring
    rest = max(1 - sum(item.score for item in leaders), 0.0)
    weights = np.array([item.score for item in leaders] + [rest])
    # A broader form of a reported symptom is answered already.
    lineage = index.hierarchy.lineage
    answered = {slug for symptom in evidence.present for slug in lineage(symptom)}
    asked = answered | evidence.absent | evidence.unsure
    options = sorted(
        slug
        for slug in {slug for item in leaders for slug in item.profile.symptoms} - asked
        # A more specific form of a denied symptom is denied too.
        if evidence.absent.isdisjoint(lineage(slug))
    )
    best: Question | None = None
    if options:
        below: dict[str, set[str]] = defaultdict(set)
        for option in options:
            for slug in lineage(option):
                below[slug].add(option)
        # Made by rows, one per leader, and laid out as the sums below read it (row-major,
        # option by option): the same additions in the same order, to the last bit.
        chances = np.ascontiguousarray(
            np.array(
                [_chances_of(item.profile, options, index, below) for item in leaders]
                + [[BACKGROUND] * len(options)]
            ).T
        )
        yes = weights * chances
        no = weights * (1 - chances)
        p_yes = yes.sum(axis=1) / weights.sum()
        gains = _entropies(weights) - (p_yes * _entropies(yes) + (1 - p_yes) * _entropies(no))
        # The first option unless a later one is better by more than rounding: the same
        # question for the same answers, however the sums happened to round.
        chosen = 0
        for number, gain in enumerate(gains.tolist()):
            if gain > gains[chosen] + 1e-12:
                chosen = number
        best = Question(options[chosen], float(gains[chosen]))
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


def _chances_of(
    profile: ConditionProfile, symptoms: list[str], index: ScoringIndex, below: dict[str, set[str]]
) -> list[float]:
    """The probability a condition gives each symptom: listed, or something more specific is;
    the least if it is known not to have it or anything broader (``below`` holds, for every
    symptom at or above one of ``symptoms``, those of them at or below it). One row of the
    question's table, read from the profile's dictionaries."""
    chances = profile.chances(index.hierarchy)
    ruled_out: set[str] = set()
    for lacked in profile.lacks:
        ruled_out |= below.get(lacked, set())
    return [
        ABSENT if symptom in ruled_out else chances.get(symptom, UNLISTED) for symptom in symptoms
    ]


def explain(ranked: RankedCondition) -> str:
    """One paragraph a person can read: what fits, what does not, what was not asked."""
    profile = ranked.profile
    parts: list[str] = []
    if ranked.promoted_for_safety:
        parts.append(
            f"Listed first for safety: {profile.name.lower()} must not be missed, and you "
            "reported one of its warning signs."
        )
    if ranked.matched:
        described = ", ".join(_describe(match) for match in ranked.matched)
        parts.append(f"{profile.name} fits {len(ranked.matched)} of your symptoms: {described}.")
    else:
        parts.append(f"{profile.name} hurts where you say it hurts.")
    if ranked.outside_regions:
        where = ", ".join(name.lower() for _slug, name in ranked.outside_regions)
        parts.append(f"It does not usually hurt where you say it hurts ({where}).")
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


def _describe(match: Match) -> str:
    listed = match.listed
    how = f"{listed.name.lower()} ({listed.frequency.value})"
    if match.relation is Relation.more_specific:
        return f"{how}, a form of what you reported"
    if match.relation is Relation.related:
        return f"{how}, related to what you reported"
    return how


def _care_words(level: CareLevel) -> str:
    return {
        CareLevel.self_care: "self care",
        CareLevel.see_physiotherapist: "a physiotherapist's assessment",
        CareLevel.see_doctor: "a doctor's assessment",
        CareLevel.urgent: "urgent care",
        CareLevel.emergency: "emergency care",
    }[level]
