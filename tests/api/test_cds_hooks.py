"""CDS Hooks 2.0 as an electronic health record calls it: discovery, a patient-view call with
the specification's example request (its prefetch holding the patient's Conditions), and
feedback on the cards."""

import copy
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.core.config import Settings
from app.main import create_app

BASE = "http://127.0.0.1:8000"
ICD_10_CM = "http://hl7.org/fhir/sid/icd-10-cm"


def _condition(code: str | None, text: str, status: str = "active") -> dict[str, Any]:
    concept: dict[str, Any] = {"text": text}
    if code:
        concept["coding"] = [{"system": ICD_10_CM, "code": code, "display": text}]
    return {
        "resource": {
            "resourceType": "Condition",
            "id": code or "free-text",
            "clinicalStatus": {
                "coding": [
                    {
                        "system": "http://terminology.hl7.org/CodeSystem/condition-clinical",
                        "code": status,
                    }
                ]
            },
            "code": concept,
            "subject": {"reference": "Patient/1288992"},
        }
    }


# The specification's example patient-view request, its prefetch holding Conditions.
EXAMPLE = {
    "hookInstance": "d1577c69-dfbe-44ad-ba6d-3e05e953b2ea",
    "fhirServer": "http://hooks.smarthealthit.org:9080",
    "hook": "patient-view",
    "fhirAuthorization": {
        "access_token": "some-opaque-fhir-access-token",
        "token_type": "Bearer",
        "expires_in": 300,
        "scope": "user/Patient.read user/Condition.read",
        "subject": "cds-service4",
    },
    "context": {"userId": "Practitioner/example", "patientId": "1288992", "encounterId": "89284"},
    "prefetch": {
        "conditions": {
            "resourceType": "Bundle",
            "type": "searchset",
            "entry": [
                _condition("S83.511A", "Sprain of anterior cruciate ligament of right knee"),
                _condition(None, "plantar fasciitis"),
                _condition("M72.2", "Plantar fascial fibromatosis", status="resolved"),
                _condition("E11.9", "Type 2 diabetes mellitus without complications"),
            ],
        }
    },
}


@pytest.fixture
def ehr(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings), base_url=BASE) as client:
        yield client


def test_discovery_names_the_service_and_its_prefetch(ehr: TestClient) -> None:
    services = ehr.get("/cds-services").json()["services"]
    assert [(s["hook"], s["id"]) for s in services] == [("patient-view", "condition-advice")]
    assert "{{context.patientId}}" in services[0]["prefetch"]["conditions"]


def test_a_card_for_each_active_condition_the_base_holds(ehr: TestClient) -> None:
    response = ehr.post("/cds-services/condition-advice", json=EXAMPLE)
    assert response.status_code == 200, response.text
    cards = response.json()["cards"]
    titles = [card["summary"] for card in cards]
    # The ACL by its code, plantar fasciitis by its text; the resolved one and diabetes not.
    assert titles == ["Patient advice: ACL rupture", "Patient advice: Plantar fasciopathy"]
    acl = cards[0]
    assert acl["indicator"] == "warning"  # a doctor should see it
    assert "**When to seek help**" in acl["detail"] and "**Self help**" in acl["detail"]
    assert acl["source"]["label"] == "Condition knowledge service"
    assert acl["links"][0]["url"] == f"{BASE}/embed/conditions/acl-rupture"
    assert acl["links"][0]["type"] == "absolute"
    assert all(len(card["summary"]) < 140 for card in cards)


def test_no_prefetch_is_a_412_as_the_specification_asks(ehr: TestClient) -> None:
    request = copy.deepcopy(EXAMPLE)
    del request["prefetch"]
    response = ehr.post("/cds-services/condition-advice", json=request)
    assert response.status_code == 412
    assert response.headers["content-type"] == "application/problem+json"


@pytest.mark.parametrize(
    "broken",
    [
        {"hook": "order-sign"},
        {"context": {"userId": "Practitioner/example"}},
        {"prefetch": {"conditions": {"resourceType": "Patient"}}},
        {
            "prefetch": {
                "conditions": {
                    "resourceType": "Bundle",
                    "entry": [
                        {"resource": {"resourceType": "Condition", "subject": "not a reference"}}
                    ],
                }
            }
        },
    ],
    ids=["another hook", "no patient", "not a bundle", "not a condition"],
)
def test_a_bad_request_is_a_problem(ehr: TestClient, broken: dict[str, Any]) -> None:
    response = ehr.post("/cds-services/condition-advice", json=EXAMPLE | broken)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"


def test_an_unknown_service_is_a_404(ehr: TestClient) -> None:
    assert ehr.post("/cds-services/nothing", json=EXAMPLE).status_code == 404


def test_feedback_is_counted_and_nothing_else(ehr: TestClient) -> None:
    card = ehr.post("/cds-services/condition-advice", json=EXAMPLE).json()["cards"][0]
    feedback = {
        "feedback": [
            {
                "card": card["uuid"],
                "outcome": "accepted",
                "outcomeTimestamp": "2026-12-01T12:00:00Z",
            }
        ]
    }
    assert ehr.post("/cds-services/condition-advice/feedback", json=feedback).status_code == 200
    metrics = ehr.get("/metrics").text
    assert 'kb_cds_feedback_total{outcome="accepted",service="condition-advice"} 1.0' in metrics
    assert "1288992" not in metrics
