"""Honest beyond what it knows: where it hurts, what the base covers, emergencies first, and a
care level that never under-calls, on the default base and on one that holds no conditions."""

import pytest
from fastapi.testclient import TestClient

from tests.conftest import client_session, import_text

KNEE = "my knee hurts when I run downhill and on stairs"
HEART = "crushing chest pain going down my left arm"


def _look_up(client: TestClient, **body: object) -> dict[str, object]:
    response = client.post("/v1/lookup", json=body)
    assert response.status_code == 200, response.text
    answer: dict[str, object] = response.json()
    return answer


def _scores(answer: dict[str, object]) -> list[float]:
    candidates = answer["candidates"]
    assert isinstance(candidates, list)
    return [candidate["score"] for candidate in candidates]


class TestWhereItHurts:
    def test_a_knee_complaint_on_a_base_without_knees_says_so(
        self, corner_client: TestClient
    ) -> None:
        answer = _look_up(corner_client, text=KNEE)
        coverage = answer["coverage"]
        assert isinstance(coverage, dict)
        assert coverage["message"] == "This knowledge base has no conditions of the knee."
        assert coverage["regions"] == [{"slug": "knee", "name": "Knee", "covered": False}]
        assert max(_scores(answer), default=0.0) <= 0.2
        assert answer["something_else"] >= 0.5  # type: ignore[operator]
        assert answer["triage"]["level"] != "self_care"  # type: ignore[index]

    def test_words_it_cannot_place_are_said_with_their_offsets(self, client: TestClient) -> None:
        text = "my knee hurts when I run downhill, worse after zumba"
        answer = _look_up(client, text=text)
        unplaced = {item["input"]: item for item in answer["unrecognized"]}  # type: ignore[attr-defined]
        assert "zumba" in unplaced
        assert text[unplaced["zumba"]["start"] : unplaced["zumba"]["end"]] == "zumba"
        # Filler, the body part and the symptom's own words are not listed.
        assert not {"my", "knee", "hurts", "when"} & set(unplaced)

    def test_the_same_knee_complaint_on_the_whole_body_base(self, client: TestClient) -> None:
        answer = _look_up(client, text=KNEE)
        assert answer["coverage"]["message"] is None  # type: ignore[index]
        leader = answer["candidates"][0]  # type: ignore[index]
        assert "knee" in leader["explanation"].lower() or leader["condition"]["slug"] in {
            "patellofemoral-pain",
            "patellar-tendinopathy",
            "iliotibial-band-syndrome",
            "knee-osteoarthritis",
        }

    def test_a_region_a_condition_does_not_hurt_in_counts_against_it(
        self, corner_client: TestClient
    ) -> None:
        answer = _look_up(corner_client, text="my bum hurts when I sit, and my knee aches too")
        against = {
            candidate["condition"]["slug"]: [item["slug"] for item in candidate["against"]]
            for candidate in answer["candidates"]  # type: ignore[attr-defined]
        }
        assert "knee" in against["ischial-bursitis"]
        reasons = [c["explanation"] for c in answer["candidates"]]  # type: ignore[attr-defined]
        assert any("does not usually hurt where you say it hurts (knee)" in r for r in reasons)

    def test_left_and_right_do_not_matter_and_a_fine_part_is_no_complaint(
        self, client: TestClient
    ) -> None:
        answer = _look_up(
            client, text="pain in my left buttock when I sit on hard chairs, my back is fine"
        )
        assert answer["coverage"]["regions"] == [  # type: ignore[index]
            {"slug": "buttock", "name": "Buttock", "covered": True}
        ]
        assert answer["coverage"]["message"] is None  # type: ignore[index]
        assert max(_scores(answer)) > 0.2

    def test_a_region_from_a_body_map_joins_the_symptoms(self, corner_client: TestClient) -> None:
        answer = _look_up(corner_client, symptoms=["it hurts when I run"], regions=["elbow"])
        assert answer["coverage"]["message"] == (  # type: ignore[index]
            "This knowledge base has no conditions of the elbow."
        )
        assert max(_scores(answer), default=0.0) <= 0.2

    def test_an_unknown_region_is_a_422(self, client: TestClient) -> None:
        response = client.post("/v1/lookup", json={"symptoms": ["pain"], "regions": ["elbw"]})
        assert response.status_code == 422
        assert response.headers["content-type"] == "application/problem+json"
        assert "elbw" in response.json()["detail"]


class TestEmergenciesFirst:
    @pytest.mark.parametrize(
        "text",
        [
            HEART,
            "my face is drooping and my speech is slurred",
            "worst headache of my life, came on like a hit",
            "hit my head at rugby and been sick twice, really drowsy",
            "fever and a stiff neck and a rash that doesn't fade",
        ],
    )
    def test_on_the_default_base(self, client: TestClient, text: str) -> None:
        triage = _look_up(client, text=text)["triage"]
        assert triage["level"] == "emergency", triage  # type: ignore[index]
        assert "ambulance" in triage["advice"]  # type: ignore[index]

    def test_on_a_base_with_no_conditions_at_all(self, bare_client: TestClient) -> None:
        answer = _look_up(bare_client, text=HEART)
        assert answer["candidates"] == []
        assert answer["triage"]["level"] == "emergency"  # type: ignore[index]
        reasons = answer["triage"]["reasons"]  # type: ignore[index]
        assert {reason["symptom"]["slug"] for reason in reasons if reason["symptom"]} >= {
            "chest-pain",
            "pain-spreading-to-arm-or-jaw",
        }

    def test_a_warning_sign_in_a_list_counts_as_in_text(self, client: TestClient) -> None:
        answer = _look_up(client, symptoms=["my calf is hot and swollen", "just got off a flight"])
        assert answer["triage"]["level"] == "urgent"  # type: ignore[index]

    def test_a_blood_thinner_warns_with_a_knock_to_the_head_only(self, client: TestClient) -> None:
        head = _look_up(client, text="knocked my head on a shelf, feel fine but I take warfarin")
        assert head["triage"]["level"] == "urgent", head["triage"]  # type: ignore[index]
        reasons = head["triage"]["reasons"]  # type: ignore[index]
        assert any(reason["symptom"] and "scan" in reason["advice"] for reason in reasons), reasons
        knee = _look_up(client, text="I take warfarin and my knee aches after running")
        assert knee["triage"]["level"] not in ("urgent", "emergency")  # type: ignore[index]

    def test_a_warning_sign_with_a_partner_survives_an_export(self, client: TestClient) -> None:
        exported = client.get("/v1/export").json()
        entry = next(
            item
            for item in exported["vocabulary"]["symptoms"]
            if item["slug"] == "takes-blood-thinner"
        )
        assert entry["red_flag"]["together_with"] == ["blow-to-head", "head-injury-warning"]


class TestNeverSelfCareForWhatItCannotPlace:
    def test_heel_pain_on_a_base_without_heels(self, corner_client: TestClient) -> None:
        answer = _look_up(corner_client, text="my heel hurts every morning")
        assert answer["triage"]["level"] == "see_doctor"  # type: ignore[index]
        assert "holds no conditions of the heel" in answer["triage"]["advice"] or any(  # type: ignore[index]
            "holds no conditions of the heel" in reason["advice"]
            for reason in answer["triage"]["reasons"]  # type: ignore[index]
        )

    def test_words_it_cannot_place_at_all(self, client: TestClient) -> None:
        answer = _look_up(client, text="qwerty zxcvb")
        assert answer["coverage"]["placed"] is False  # type: ignore[index]
        assert "could not place" in answer["coverage"]["message"]  # type: ignore[index]
        assert answer["triage"]["level"] == "see_doctor"  # type: ignore[index]

    def test_a_likely_condition_that_needs_a_doctor_sets_the_level_even_when_it_is_not_the_leader(
        self, client: TestClient
    ) -> None:
        answer = _look_up(
            client,
            symptoms=["pain in my hip when I run", "it aches at night", "I ramped up my mileage"],
            age=24,
            sex="female",
        )
        levels = {c["condition"]["slug"]: c["care_level"] for c in answer["candidates"]}  # type: ignore[attr-defined]
        assert answer["triage"]["level"] in {"see_doctor", "urgent", "emergency"}  # type: ignore[index]
        assert levels


class TestAutocomplete:
    def test_an_unrelated_word_gets_nothing(self, client: TestClient) -> None:
        assert client.get("/v1/symptoms?q=xylophone").json()["items"] == []
        # "elbow" is not "bowel": only symptoms of the elbow come.
        elbow = client.get("/v1/symptoms?q=elbow").json()["items"]
        assert elbow and all("elbow" in item["matched"].lower() for item in elbow)

    def test_a_warning_sign_only_for_its_own_words(self, client: TestClient) -> None:
        slugs = [item["slug"] for item in client.get("/v1/symptoms?q=knee").json()["items"]]
        assert "head-injury-warning" not in slugs
        chest = [item["slug"] for item in client.get("/v1/symptoms?q=chest").json()["items"]]
        assert chest[0] == "chest-pain"

    def test_a_typo_still_finds_its_symptom(self, client: TestClient) -> None:
        slugs = [item["slug"] for item in client.get("/v1/symptoms?q=buttok").json()["items"]]
        assert slugs[0] == "buttock-pain"


class TestRegionsOfConditions:
    def test_a_page_without_regions_takes_those_of_its_symptoms(self, client: TestClient) -> None:
        regions = client.get("/v1/conditions/hamstring-origin-problem").json()["regions"]
        assert sorted(regions) == ["back-thigh", "buttock"]

    def test_a_page_naming_an_unknown_region_is_refused_with_its_line(
        self, client: TestClient
    ) -> None:
        page = '+++\nregions = ["elbw"]\n+++\n# Made up\n## Symptoms\n1. buttock pain\n'
        with client_session(client) as session, pytest.raises(Exception) as raised:
            import_text(session, page, file_name="made-up.md")
        assert "made-up.md:1" in str(raised.value)
        assert "'elbw' is not a body region" in str(raised.value)
