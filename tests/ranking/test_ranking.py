"""The ranking a physiotherapist would trust: priors by age and sex, safety first for a
can't-miss condition, a next question that separates the leaders, and triage."""

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.conftest import client_session, import_text

TEEN_INJURY = """+++
care_level = "see_doctor"
[[age]]
min = 10
max = 17
factor = 10.0
[[age]]
min = 26
max = 120
factor = 0.05
+++
# Teen bone pull
Symptoms
1. Came on suddenly while sprinting
1. Felt a pop
1. Pain in the upper hamstring
"""

ADULT_INJURY = """+++
care_level = "see_doctor"
[[age]]
min = 0
max = 17
factor = 0.2
+++
# Adult tendon tear
Symptoms
1. Came on suddenly while sprinting
1. Felt a pop
1. Pain in the upper hamstring
"""

BENIGN_OVERUSE = """# Overuse ache
Symptoms
1. Groin pain
1. Pain when running
1. Pain when hopping
1. Came on gradually
1. Pain on the outside of the hip
"""

CANT_MISS = """+++
cant_miss = true
care_level = "see_doctor"
prior = 0.2
+++
# Bone stress
Symptoms
1. Groin pain
1. Sometimes pain at night
1. Pain that stops you running
1. Recent increase in training
"""


@pytest.fixture
def base(bare_client: TestClient) -> TestClient:
    """Four made-up conditions and nothing else, so every expectation is about the model."""
    with client_session(bare_client) as session:
        for number, page in enumerate((TEEN_INJURY, ADULT_INJURY, BENIGN_OVERUSE, CANT_MISS)):
            import_text(session, page, file_name=f"page-{number}.md")
    return bare_client


def _lookup(client: TestClient, **body: object) -> dict[str, Any]:
    response = client.post("/v1/lookup", json=body)
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


def _leader(result: dict[str, Any]) -> str:
    slug: str = result["candidates"][0]["condition"]["slug"]
    return slug


class TestAgeAndSex:
    def test_the_same_injury_leads_differently_by_age(self, base: TestClient) -> None:
        story = ["it came on suddenly while sprinting", "I felt a pop", "pain under my bum"]
        assert _leader(_lookup(base, symptoms=story, age=15)) == "teen-bone-pull"
        assert _leader(_lookup(base, symptoms=story, age=35)) == "adult-tendon-tear"

    def test_without_an_age_the_priors_are_plain(self, base: TestClient) -> None:
        story = ["it came on suddenly while sprinting", "I felt a pop"]
        scores = {
            c["condition"]["slug"]: c["score"] for c in _lookup(base, symptoms=story)["candidates"]
        }
        assert scores["teen-bone-pull"] == scores["adult-tendon-tear"]

    def test_sex_factors_shift_the_prior(self, client: TestClient) -> None:
        page = "+++\n[sex]\nfemale = 3.0\n+++\n# Hip thing\nSymptoms\n1. outer hip pain\n"
        with client_session(client) as session:
            import_text(session, page)
        women = _lookup(client, symptoms=["outer hip pain"], sex="female")["candidates"][0]
        men = _lookup(client, symptoms=["outer hip pain"], sex="male")["candidates"][0]
        assert women["score"] > men["score"]


class TestSafety:
    def test_a_cant_miss_condition_with_its_warning_sign_comes_first(
        self, base: TestClient
    ) -> None:
        symptoms = ["groin pain", "hurts when I run", "hopping hurts", "it wakes me at night"]
        result = _lookup(base, symptoms=symptoms)
        first = result["candidates"][0]
        assert first["condition"]["slug"] == "bone-stress"
        assert first["promoted_for_safety"] is True
        assert first["explanation"].startswith("Listed first for safety")
        scores = {c["condition"]["slug"]: c["score"] for c in result["candidates"]}
        assert scores["overuse-ache"] > scores["bone-stress"]

    def test_without_warning_signs_the_score_decides(self, base: TestClient) -> None:
        result = _lookup(base, symptoms=["groin pain", "hurts when I run", "hopping hurts"])
        assert _leader(result) == "overuse-ache"
        assert not any(c["promoted_for_safety"] for c in result["candidates"])


class TestTriage:
    def test_a_red_flag_sets_the_level_with_its_reason(self, base: TestClient) -> None:
        triage = _lookup(base, symptoms=["groin pain", "it wakes me at night"])["triage"]
        assert triage["level"] == "see_doctor"
        assert triage["reasons"][0]["symptom"]["slug"] == "pain-at-night"
        assert "doctor" in triage["reasons"][0]["advice"]

    def test_the_most_urgent_flag_wins(self, base: TestClient) -> None:
        result = _lookup(
            base, symptoms=["groin pain", "wakes me at night", "I can't put weight on it"]
        )
        triage = result["triage"]
        assert triage["level"] == "urgent"
        assert [r["level"] for r in triage["reasons"]][:2] == ["urgent", "see_doctor"]

    def test_no_flags_and_a_benign_leader_is_self_care(self, base: TestClient) -> None:
        triage = _lookup(base, symptoms=["came on gradually", "outer hip pain"])["triage"]
        assert triage["level"] == "self_care"
        assert triage["reasons"] == []

    def test_a_likely_condition_that_needs_a_doctor_raises_the_level(
        self, base: TestClient
    ) -> None:
        result = _lookup(base, symptoms=["felt a pop", "came on suddenly"], age=35)
        assert result["triage"]["level"] == "see_doctor"
        assert result["triage"]["reasons"][0]["condition"]["slug"] == "adult-tendon-tear"


class TestNextQuestion:
    def test_it_asks_what_separates_the_leaders(self, base: TestClient) -> None:
        result = _lookup(base, symptoms=["groin pain"])
        question = result["next_question"]
        assert question is not None
        leaders = {"overuse-ache", "bone-stress"}
        assert {c["condition"]["slug"] for c in result["candidates"]} == leaders
        # Any symptom only one of the two has separates them; a shared one would not.
        assert question["symptom"]["slug"] != "groin-pain"
        assert question["information_gain"] > 0
        assert question["question"].endswith("?")

    def test_answering_it_changes_the_ranking(self, base: TestClient) -> None:
        first = _lookup(base, symptoms=["groin pain"])
        asked = first["next_question"]["symptom"]["slug"]
        yes = _lookup(base, symptoms=["groin pain", asked])
        no = _lookup(base, symptoms=["groin pain"], absent=[asked])

        def odds(result: dict[str, Any]) -> float:
            scores = {c["condition"]["slug"]: c["score"] for c in result["candidates"]}
            return float(scores["overuse-ache"] / scores["bone-stress"])

        # Either answer moves the odds between the two leaders, a lot and in opposite ways.
        assert max(odds(yes), odds(no)) > 4 * min(odds(yes), odds(no))

    def test_no_candidates_no_question(self, client: TestClient) -> None:
        assert _lookup(client, symptoms=["qqqq"])["next_question"] is None


def test_free_text_joins_the_symptom_list(client: TestClient) -> None:
    result = _lookup(client, text="it hurts in my bum when I sit in the car but my back is fine")
    states = {r["symptom"]["slug"]: r["present"] for r in result["recognized"]}
    assert states == {
        "buttock-pain": True,
        "pain-when-sitting": True,
        "pain-when-driving": True,
        "lower-back-pain": False,
    }
    leaders = [c["condition"]["slug"] for c in result["candidates"][:3]]
    assert "hamstring-origin-problem" in leaders
    assert "referred-pain-from-the-lower-back" not in leaders
