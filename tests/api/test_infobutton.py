"""HL7 Infobutton, URL-based, as an electronic health record sends it: a problem's ICD-10-CM
code (or its name) in, this base's conditions out, as Atom XML or its JSON rendering."""

from collections.abc import Iterator
from xml.etree import ElementTree

import pytest
from fastapi.testclient import TestClient

from app.core.config import Settings
from app.main import create_app
from app.services.infobutton import ICD_10_CM_OID

ATOM = "{http://www.w3.org/2005/Atom}"
BASE = "http://127.0.0.1:8000"
SNOMED_CT_OID = "2.16.840.1.113883.6.96"


@pytest.fixture
def ehr(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings), base_url=BASE) as client:
        yield client


def _titles(answer: dict[str, dict[str, list[dict[str, dict[str, str]]]]]) -> list[str]:
    return [entry["title"]["_value"] for entry in answer["feed"]["entry"]]


def test_a_billing_code_finds_the_condition_of_its_branch(ehr: TestClient) -> None:
    # S83.511A: a sprain of the anterior cruciate ligament of the right knee, first encounter.
    response = ehr.get(
        "/infobutton",
        params={
            "mainSearchCriteria.v.c": "S83.511A",
            "mainSearchCriteria.v.cs": ICD_10_CM_OID,
            "knowledgeResponseType": "application/json",
        },
    )
    assert response.status_code == 200
    answer = response.json()
    assert _titles(answer)[0] == "ACL rupture"
    entry = answer["feed"]["entry"][0]
    links = {link["rel"]: link["href"] for link in entry["link"]}
    assert links["alternate"] == f"{BASE}/embed/conditions/acl-rupture"
    assert "When to seek help" in entry["summary"]["_value"]  # a patient's view by default
    assert len(answer["feed"]["entry"]) <= 3


def test_a_clinician_gets_the_codes_and_the_care_level(ehr: TestClient) -> None:
    answer = ehr.get(
        "/infobutton",
        params={
            "mainSearchCriteria.v.c": "S83.511A",
            "informationRecipient": "PROV",
            "knowledgeResponseType": "application/json",
        },
    ).json()
    summary = answer["feed"]["entry"][0]["summary"]["_value"]
    assert "ICD-10-CM: S83.51" in summary and "Care level" in summary


def test_atom_by_default_and_the_name_when_no_code_matches(ehr: TestClient) -> None:
    response = ehr.get(
        "/infobutton",
        params={"mainSearchCriteria.v.c": "Z99.89", "mainSearchCriteria.v.dn": "plantar fascia"},
    )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/xml")
    feed = ElementTree.fromstring(response.content)
    titles = [entry.findtext(f"{ATOM}title") for entry in feed.iter(f"{ATOM}entry")]
    assert "Plantar fasciopathy" in titles


def test_nothing_known_is_an_empty_feed_not_a_guess(ehr: TestClient) -> None:
    answer = ehr.get(
        "/infobutton",
        params={"mainSearchCriteria.v.c": "J45.909", "knowledgeResponseType": "application/json"},
    ).json()
    assert answer["feed"]["entry"] == []


@pytest.mark.parametrize(
    "params",
    [
        {
            "mainSearchCriteria.v.c": "195967001",
            "mainSearchCriteria.v.cs": "2.16.840.1.113883.6.96",
        },
        {"informationRecipient": "PAT"},
        {"mainSearchCriteria.v.c": "S83.5", "knowledgeResponseType": "application/pdf"},
    ],
    ids=["another code system", "nothing asked", "an unknown response type"],
)
def test_what_it_cannot_answer_is_a_problem(ehr: TestClient, params: dict[str, str]) -> None:
    response = ehr.get("/infobutton", params=params)
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
