"""POST and GET /v1/lookup."""

import json
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.conftest import DATA_DIR, client_session, import_text, issue_key

OWN_PAGE = DATA_DIR / "conditions" / "hamstring-origin-problem.md"

BURSITIS = """# Ischial bursitis
Symptoms
1. Pain when sitting on hard surfaces
1. swelling over the sitting bone
Self help
1. Use a cushion
"""


@pytest.fixture
def hamstring_only(bare_client: TestClient) -> TestClient:
    with client_session(bare_client) as session:
        import_text(session, OWN_PAGE.read_text(), file_name=OWN_PAGE.name)
    return bare_client


@pytest.fixture
def two_conditions(hamstring_only: TestClient) -> TestClient:
    with client_session(hamstring_only) as session:
        import_text(session, BURSITIS)
    return hamstring_only


def _lookup(client: TestClient, **body: object) -> dict[str, Any]:
    response = client.post("/v1/lookup", json=body)
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


def _leaders(result: dict[str, Any]) -> list[str]:
    return [c["condition"]["slug"] for c in result["candidates"]]


class TestPostLookup:
    def test_lay_words_rank_the_condition_with_an_explanation(
        self, hamstring_only: TestClient
    ) -> None:
        result = _lookup(hamstring_only, symptoms=["it hurts in my bum", "pain when I drive"])
        assert {r["symptom"]["slug"] for r in result["recognized"]} == {
            "buttock-pain",
            "pain-when-driving",
        }
        [candidate] = result["candidates"]
        assert candidate["condition"]["slug"] == "hamstring-origin-problem"
        assert 0 < candidate["score"] < 1
        assert {m["slug"] for m in candidate["matched"]} == {"buttock-pain", "pain-when-driving"}
        assert "buttock pain (common)" in candidate["explanation"]
        assert "not a diagnosis" in str(result["disclaimer"])

    def test_more_matching_symptoms_score_higher(self, hamstring_only: TestClient) -> None:
        one = _lookup(hamstring_only, symptoms=["buttock-pain"])
        two = _lookup(hamstring_only, symptoms=["buttock-pain", "pain-when-driving"])
        assert two["candidates"][0]["score"] > one["candidates"][0]["score"]

    def test_the_better_fit_leads(self, two_conditions: TestClient) -> None:
        sitting = _lookup(two_conditions, symptoms=["sitting on a hard chair", "swollen"])
        assert _leaders(sitting)[0] == "ischial-bursitis"
        running = _lookup(two_conditions, symptoms=["sitting on a hard chair", "sprinting hurts"])
        assert _leaders(running)[0] == "hamstring-origin-problem"

    def test_an_absent_symptom_counts_against_conditions_that_have_it(
        self, two_conditions: TestClient
    ) -> None:
        plain = _lookup(two_conditions, symptoms=["pain-sitting-on-hard-surfaces"])
        denied = _lookup(
            two_conditions, symptoms=["pain-sitting-on-hard-surfaces"], absent=["buttock pain"]
        )
        score = {c["condition"]["slug"]: c["score"] for c in plain["candidates"]}
        after = {c["condition"]["slug"]: c for c in denied["candidates"]}
        assert after["hamstring-origin-problem"]["score"] < score["hamstring-origin-problem"]
        assert after["hamstring-origin-problem"]["against"][0]["slug"] == "buttock-pain"
        assert _leaders(denied)[0] == "ischial-bursitis"

    def test_unrecognized_input_gets_suggestions(self, client: TestClient) -> None:
        result = _lookup(client, symptoms=["buttock pian", "sore bottom area", "qqqq"])
        recognized = {r["input"] for r in result["recognized"]}
        assert "buttock pian" in recognized
        unrecognized = {u["input"]: u["suggestions"] for u in result["unrecognized"]}
        assert unrecognized["qqqq"] == []

    def test_a_denied_symptom_counts_as_absent(self, hamstring_only: TestClient) -> None:
        result = _lookup(hamstring_only, symptoms=["bum pain", "it does not hurt when I drive"])
        states = {r["symptom"]["slug"]: r["present"] for r in result["recognized"]}
        assert states == {"buttock-pain": True, "pain-when-driving": False}
        [candidate] = result["candidates"]
        assert [s["slug"] for s in candidate["against"]] == ["pain-when-driving"]

    def test_no_recognised_symptom_means_no_candidates(self, client: TestClient) -> None:
        result = _lookup(client, symptoms=["qqqq"])
        assert result["candidates"] == []

    def test_an_edit_is_in_the_very_next_answer(self, client: TestClient) -> None:
        # Answered from memory while nothing changes, a new question still never sees the
        # vocabulary from before an edit.
        text = {"text": "my tush aches on the bleachers"}
        assert client.post("/v1/lookup", json=text).json()["recognized"] == []
        assert client.post("/v1/lookup", json={"text": "my bum aches"}).status_code == 200
        admin = issue_key(client, "admin", name="admin")
        added = client.post(
            "/v1/symptoms/buttock-pain/synonyms", json={"text": "tush aches"}, headers=admin
        )
        assert added.status_code == 201, added.text
        for question in (text, {"text": "my tush aches"}):
            recognized = client.post("/v1/lookup", json=question).json()["recognized"]
            assert "buttock-pain" in [item["symptom"]["slug"] for item in recognized]

    def test_a_question_answered_not_sure_is_not_asked_again(self, client: TestClient) -> None:
        question = {"text": "my knee hurts when I go down stairs", "age": 30}
        first = client.post("/v1/lookup", json=question).json()
        asked = first["next_question"]["symptom"]["slug"]
        then = client.post("/v1/lookup", json=question | {"unsure": [asked]}).json()
        # Another question comes, and "not sure" is evidence neither way.
        assert then["next_question"]["symptom"]["slug"] != asked
        assert [c["score"] for c in then["candidates"]] == [c["score"] for c in first["candidates"]]

    def test_unsure_names_symptoms_by_slug(self, client: TestClient) -> None:
        response = client.post("/v1/lookup", json={"text": "sore knee", "unsure": ["kneeish"]})
        assert response.status_code == 422
        assert "kneeish" in response.json()["detail"]

    def test_limit(self, two_conditions: TestClient) -> None:
        result = _lookup(two_conditions, symptoms=["pain-sitting-on-hard-surfaces"], limit=1)
        assert len(result["candidates"]) == 1


class TestGetLookup:
    def test_same_answer_as_post(self, two_conditions: TestClient) -> None:
        posted = _lookup(two_conditions, symptoms=["bum pain", "swollen"], absent=["driving"])
        got = two_conditions.get(
            "/v1/lookup", params={"symptom": ["bum pain", "swollen"], "absent": ["driving"]}
        )
        assert got.status_code == 200
        assert got.json() == posted

    def test_symptom_is_required(self, client: TestClient) -> None:
        response = client.get("/v1/lookup")
        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == "query.symptom"

    @pytest.mark.parametrize(
        ("query", "field"),
        [("symptom=%20", "query.symptom.0"), ("symptom=x&absent=%20", "query.absent.0")],
    )
    def test_blank_values_are_a_422(self, client: TestClient, query: str, field: str) -> None:
        response = client.get(f"/v1/lookup?{query}")
        assert response.status_code == 422
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["errors"][0]["field"] == field


class TestBadLookups:
    @pytest.mark.parametrize(
        ("body", "field"),
        [
            ({"symptoms": []}, "body"),
            ({"text": ""}, "body.text"),
            ({"text": "x" * 2001}, "body.text"),
            ({"symptoms": ["x"] * 201}, "body.symptoms"),
            ({"symptoms": ["x" * 201]}, "body.symptoms.0"),
            ({"symptoms": ["  "]}, "body.symptoms.0"),
            ({"symptoms": ["x"], "age": -1}, "body.age"),
            ({"symptoms": ["x"], "sex": "other"}, "body.sex"),
            ({"symptoms": ["x"], "limit": 0}, "body.limit"),
            ({"symptoms": ["x"], "colour": "red"}, "body.colour"),
            ({"symptoms": "buttock-pain"}, "body.symptoms"),
        ],
    )
    def test_invalid_body_names_the_field(
        self, client: TestClient, body: dict[str, object], field: str
    ) -> None:
        response = client.post("/v1/lookup", json=body)
        assert response.status_code == 422
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["errors"][0]["field"] == field

    def test_malformed_json(self, client: TestClient) -> None:
        response = client.post(
            "/v1/lookup", content=b'{"symptoms": [', headers={"content-type": "application/json"}
        )
        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == "body"

    def test_oversized_body_is_a_413(self, client: TestClient) -> None:
        body = json.dumps({"symptoms": ["a" * 2_000_000]}).encode()
        response = client.post(
            "/v1/lookup", content=body, headers={"content-type": "application/json"}
        )
        assert response.status_code == 413
        assert response.headers["content-type"] == "application/problem+json"

    def test_oversized_streamed_body_is_a_413(self, client: TestClient) -> None:
        def chunks() -> Iterator[bytes]:
            yield b'{"symptoms": ["'
            for _ in range(2000):
                yield b"a" * 1000
            yield b'"]}'

        response = client.post(
            "/v1/lookup", content=chunks(), headers={"content-type": "application/json"}
        )
        assert response.status_code == 413

    def test_sql_and_odd_unicode_are_just_words(self, client: TestClient) -> None:
        result = _lookup(client, symptoms=["'; DROP TABLE condition; --", "bum\u202epain", "💥"])
        assert result["candidates"] == [] or isinstance(result["candidates"], list)
        assert client.get("/v1/conditions/hamstring-origin-problem").status_code == 200
