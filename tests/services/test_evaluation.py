"""The lookup on the default knowledge base, judged on patients' own stories.

tests/vignettes.toml was written independently of the knowledge base: each patient's words,
age and sex, and the condition a sports physiotherapist would diagnose."""

import pytest
from sqlmodel import Session, select

from app.cache.knowledge_cache import KnowledgeCache
from app.core.config import PROJECT_ROOT
from app.models import Condition
from app.schemas.lookup import LookupRequest, Sex
from app.services.evaluation import Vignette, evaluate, read_vignettes
from app.services.lookup import look_up

VIGNETTES = read_vignettes(PROJECT_ROOT / "tests" / "vignettes.toml")
# Written later by another hand and never tuned on: the honest figure.
HELD_OUT = read_vignettes(PROJECT_ROOT / "tests" / "vignettes_holdout.toml")
BODY = read_vignettes(PROJECT_ROOT / "tests" / "vignettes_body.toml")
# Written by another hand without the pages or the code, and never tuned on.
HELD_OUT_BODY = read_vignettes(PROJECT_ROOT / "tests" / "vignettes_holdout_body.toml")
CLINICIAN = read_vignettes(PROJECT_ROOT / "tests" / "vignettes_clinician.toml")
# Written blind on 2026-12-01, lay people's and clinicians' words; measured, never tuned on.
HELD_OUT_FRESH = read_vignettes(PROJECT_ROOT / "tests" / "vignettes_holdout_fresh.toml")


def _leaders(
    session: Session, cache: KnowledgeCache, symptoms: list[str], **person: object
) -> list[str]:
    answer = look_up(session, cache, LookupRequest(symptoms=symptoms, **person))
    return [candidate.condition.slug for candidate in answer.candidates]


def test_every_condition_has_vignettes_of_its_own(loaded_session: Session) -> None:
    conditions = set(loaded_session.exec(select(Condition.slug)).all())
    for sets in (VIGNETTES + BODY, HELD_OUT + HELD_OUT_BODY):
        per_condition = dict.fromkeys(conditions, 0)
        for vignette in sets:
            if vignette.expected in per_condition:
                per_condition[vignette.expected] += 1
        assert min(per_condition.values()) >= 1, [c for c, n in per_condition.items() if not n]
    # The first sets' cases are all of the buttock, hip and back of the thigh, and held.
    assert all(vignette.expected in conditions for vignette in VIGNETTES + HELD_OUT)
    # A case that names its condition names one of the base's, or it would count as a miss.
    named = [v.expected for v in BODY + CLINICIAN + HELD_OUT_BODY + HELD_OUT_FRESH if v.expected]
    assert set(named) <= conditions, set(named) - conditions


# The aim is nine in ten on both. The held-out figure is a guard below what it measures
# (2026-12-01: 97.7% development, 84.8% held-out, down from 93.9% when the milder weight of a
# region named besides the complaint's came in; the held-out set is never tuned on).
@pytest.mark.parametrize(
    ("vignettes", "at_least"),
    [(VIGNETTES, 0.9), (HELD_OUT, 0.8)],
    ids=["development", "held-out"],
)
def test_on_its_corner_of_the_body_the_right_condition_is_in_the_top_three(
    corner_session: Session, cache: KnowledgeCache, vignettes: list[Vignette], at_least: float
) -> None:
    evaluation = evaluate(corner_session, cache, vignettes)
    misses = [(r.vignette.id, r.rank, r.leaders) for r in evaluation.results if (r.rank or 99) > 3]
    assert evaluation.share_within(3) >= at_least, misses


# The aim is nine in ten on both (2026-12-01: 91.8% development, 89.0% held-out, of the cases
# whose condition the base holds); the held-out guard sits just below what it measures.
@pytest.mark.parametrize(
    ("vignettes", "at_least"),
    [(VIGNETTES + BODY, 0.9), (HELD_OUT + HELD_OUT_BODY, 0.88)],
    ids=["development", "held-out"],
)
def test_on_the_whole_body_base_the_right_condition_is_in_the_top_three(
    loaded_session: Session, cache: KnowledgeCache, vignettes: list[Vignette], at_least: float
) -> None:
    evaluation = evaluate(loaded_session, cache, vignettes)
    assert evaluation.share_within(3) >= at_least


# A referral letter's words ("Lachman positive", "TTP over the greater trochanter") find their
# condition too (2026-12-01: 97.0% of the development cases; the held-out ones are in
# vignettes_holdout_fresh.toml, 74.2%, and not guarded here).
def test_in_clinicians_words_the_right_condition_is_in_the_top_three(
    loaded_session: Session, cache: KnowledgeCache
) -> None:
    evaluation = evaluate(loaded_session, cache, CLINICIAN)
    misses = [(r.vignette.id, r.rank, r.leaders) for r in evaluation.results if (r.rank or 99) > 3]
    assert evaluation.share_within(3) >= 0.9, misses


@pytest.mark.parametrize(
    "story",
    [
        ["sudden sharp pain under my bum while sprinting", "felt a pop", "limping"],
        ["pulled up mid-sprint in a race", "heard a pop", "sit bone is really tender"],
    ],
)
def test_a_teenager_and_an_adult_with_the_same_injury_get_different_leaders(
    loaded_session: Session, cache: KnowledgeCache, story: list[str]
) -> None:
    teenager = _leaders(loaded_session, cache, story, age=15, sex=Sex.male)
    adult = _leaders(loaded_session, cache, story, age=35, sex=Sex.male)
    assert teenager[0] == "avulsion-of-the-ischial-tuberosity"
    assert adult[0] != "avulsion-of-the-ischial-tuberosity"
    assert adult[0] in {"partial-proximal-hamstring-tear", "hamstring-muscle-strain"}


@pytest.mark.parametrize(
    ("symptoms", "age", "sex"),
    [
        (["pain deep in my groin when I run", "it wakes me at night"], 24, Sex.female),
        (
            ["hip hurts when I hop", "upped my mileage for a marathon", "aches at rest"],
            19,
            Sex.male,
        ),
        (["pain in my bum and lower back", "ramped up my mileage", "aches at night"], 30, Sex.male),
    ],
)
def test_a_stress_fracture_with_its_warning_signs_is_never_buried(
    loaded_session: Session, cache: KnowledgeCache, symptoms: list[str], age: int, sex: Sex
) -> None:
    answer = look_up(loaded_session, cache, LookupRequest(symptoms=symptoms, age=age, sex=sex))
    first = answer.candidates[0]
    assert first.condition.slug == "stress-fracture-of-the-pelvis-or-hip"
    assert first.promoted_for_safety
    assert answer.triage.level.rank >= first.care_level.rank


def test_a_warning_sign_sets_the_triage_even_when_a_benign_condition_leads(
    loaded_session: Session,
    cache: KnowledgeCache,
) -> None:
    symptoms = ["sore outer hip", "stairs hurt", "lying on my side hurts", "hurts even at rest"]
    answer = look_up(
        loaded_session, cache, LookupRequest(symptoms=symptoms, age=45, sex=Sex.female)
    )
    assert answer.candidates[0].condition.slug == "gluteal-tendinopathy"
    assert answer.triage.level.value == "see_doctor"
    assert any(
        reason.symptom and reason.symptom.slug == "pain-at-rest" for reason in answer.triage.reasons
    )


@pytest.mark.parametrize("vignette", VIGNETTES, ids=[v.id for v in VIGNETTES])
def test_every_answer_explains_itself_and_asks_a_next_question(
    loaded_session: Session, cache: KnowledgeCache, vignette: Vignette
) -> None:
    answer = look_up(
        loaded_session,
        cache,
        LookupRequest(symptoms=vignette.symptoms, age=vignette.age, sex=vignette.sex),
    )
    assert answer.candidates, vignette.symptoms
    for candidate in answer.candidates:
        assert candidate.condition.name in candidate.explanation
        # It fits a reported symptom, or hurts where the person says it hurts.
        assert candidate.matched or "hurts where you say it hurts" in candidate.explanation
    assert answer.next_question is not None
    asked = {item.symptom.slug for item in answer.recognized}
    assert answer.next_question.symptom.slug not in asked


@pytest.mark.parametrize("vignettes", [BODY, HELD_OUT_BODY], ids=["development", "held-out"])
def test_the_whole_body_gets_honest_answers(
    loaded_session: Session, cache: KnowledgeCache, vignettes: list[Vignette]
) -> None:
    evaluation = evaluate(loaded_session, cache, vignettes)
    # Complaints the base does not hold: no candidate above 0.2 for most of them (2026-12-01:
    # 77% on both sets; the others are mostly look-alikes of conditions it holds).
    assert (evaluation.honest_out_of_coverage or 0) >= 0.7
    # Emergencies told in lay words get urgent care or an ambulance.
    emergencies = evaluation.groups()["emergency"]
    assert (emergencies.emergencies_urgent or 0) >= 0.95, [
        r.vignette.id for r in emergencies.results if r.triage.rank < 3
    ]
    assert (evaluation.safe_care or 0) >= 0.85


def test_a_confident_leader_is_usually_right(
    loaded_session: Session, cache: KnowledgeCache
) -> None:
    top = evaluate(loaded_session, cache, VIGNETTES).calibration()[-1]
    assert top.count >= 10 and (top.accuracy or 0) >= 0.8
