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
