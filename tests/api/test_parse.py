"""POST /v1/parse: people's own words into symptoms, with spans and denials."""

from typing import Any

import pytest
from fastapi.testclient import TestClient


def _parse(client: TestClient, text: str) -> list[dict[str, Any]]:
    response = client.post("/v1/parse", json={"text": text})
    assert response.status_code == 200, response.text
    mentions: list[dict[str, Any]] = response.json()["symptoms"]
    for mention in mentions:
        assert text[mention["start"] : mention["end"]] == mention["text"]
    return mentions


def _states(client: TestClient, text: str) -> dict[str, bool]:
    return {m["symptom"]["slug"]: m["present"] for m in _parse(client, text)}


class TestParse:
    def test_the_example_sentence(self, client: TestClient) -> None:
        states = _states(client, "it hurts in my bum when I sit in the car but my back is fine")
        assert states == {
            "buttock-pain": True,
            "pain-when-sitting": True,
            "pain-when-driving": True,
            "lower-back-pain": False,
        }

    def test_spans_point_at_the_words(self, client: TestClient) -> None:
        [mention] = _parse(client, "Lately my hamstring feels tight.")
        assert mention["symptom"]["slug"] == "hamstring-tightness"
        assert mention["text"] == "hamstring feels tight"

    @pytest.mark.parametrize(
        ("text", "slug"),
        [
            ("buttok pian", "buttock-pain"),
            ("pain in both buttocks", "buttock-pain"),
            ("my buttocks are sore", "buttock-pain"),
            ("sitting on hard chairs is agony", "pain-sitting-on-hard-surfaces"),
            ("it wakes me at night", "pain-at-night"),
            ("pins and needles in my foot", "pins-and-needles"),
        ],
    )
    def test_word_order_plurals_lay_words_and_typos(
        self, client: TestClient, text: str, slug: str
    ) -> None:
        assert _states(client, text).get(slug) is True

    @pytest.mark.parametrize(
        ("text", "slug"),
        [
            ("no numbness or tingling", "numbness"),
            ("no numbness or tingling", "pins-and-needles"),
            ("it doesn't wake me at night", "pain-at-night"),
            ("my hip is fine", "outer-hip-pain"),
            ("I haven't had a fever", "fever"),
        ],
    )
    def test_denials_are_absent(self, client: TestClient, text: str, slug: str) -> None:
        assert _states(client, text).get(slug) is False

    def test_cannot_is_not_a_denial(self, client: TestClient) -> None:
        assert _states(client, "I can't put weight on it") == {"unable-to-bear-weight": True}

    def test_a_denial_does_not_reach_past_the_next_clause(self, client: TestClient) -> None:
        states = _states(client, "I have no back pain and it hurts in my bum")
        assert states == {"lower-back-pain": False, "buttock-pain": True}

    def test_text_without_symptoms(self, client: TestClient) -> None:
        assert _parse(client, "I like running in the park") == []

    @pytest.mark.parametrize("body", [{"text": ""}, {"text": "x" * 2001}, {}, {"txt": "a"}])
    def test_bad_bodies_are_422(self, client: TestClient, body: dict[str, str]) -> None:
        response = client.post("/v1/parse", json=body)
        assert response.status_code == 422
        assert response.headers["content-type"] == "application/problem+json"


class TestWhatIsNotADenial:
    """Phrases that look like negations, and denials that reach too far, found in review."""

    @pytest.mark.parametrize(
        ("text", "slug"),
        [
            ("I have no idea what happened, it just hurts in my bum", "buttock-pain"),
            ("I'm not sure why my bum hurts", "buttock-pain"),
            ("I didn't fall, my bum just hurts", "buttock-pain"),
            ("it's not getting better, sitting hurts", "pain-when-sitting"),
            ("it won't stop aching in my bum", "buttock-pain"),
            ("my back hurts, my hip is fine", "lower-back-pain"),
            ("Without warning I felt a pop", "pop-at-injury"),
            ("never had back pain before but now my back hurts", "lower-back-pain"),
        ],
    )
    def test_still_present(self, client: TestClient, text: str, slug: str) -> None:
        mentions = _parse(client, text)
        assert any(m["symptom"]["slug"] == slug and m["present"] for m in mentions), mentions

    @pytest.mark.parametrize(
        ("text", "slug"),
        [
            ("I can sit without pain", "pain-when-sitting"),
            ("the pain is not in my groin", "groin-pain"),
            ("sprints and hills don't make it any worse", "pain-when-running-fast"),
            ("Night pain? No.", "pain-at-night"),
            ("pain at night: no", "pain-at-night"),
            ("I took my temperature and it was normal", "fever"),
            ("sitting is fine", "pain-when-sitting"),
            ("my back hurts, my hip is fine", "outer-hip-pain"),
        ],
    )
    def test_denied(self, client: TestClient, text: str, slug: str) -> None:
        assert _states(client, text).get(slug) is False

    @pytest.mark.parametrize(
        ("text", "wrong"),
        [
            ("I hurt my back lifting my toddler", "limp"),
            ("growing pains", "groin-pain"),
            ("it hurts when waiting for the bus", "pain-when-walking"),
            ("my bum goes numb after a long bike ride", "saddle-numbness"),
            ("I can't run and walking is sore", "unable-to-bear-weight"),
            ("I had a baby five years ago", "pregnant-or-recently-given-birth"),
        ],
    )
    def test_no_false_recognition(self, client: TestClient, text: str, wrong: str) -> None:
        assert wrong not in _states(client, text)

    def test_a_pop_with_the_leg_giving_way_is_a_red_flag(self, client: TestClient) -> None:
        states = _states(client, "felt a pop and my leg gave way")
        assert states.get("pop-with-sudden-weakness") is True
