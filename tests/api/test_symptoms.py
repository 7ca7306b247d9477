"""GET /v1/symptoms: autocomplete over names and synonyms."""

from fastapi.testclient import TestClient


def _slugs(client: TestClient, q: str) -> list[str]:
    response = client.get("/v1/symptoms", params={"q": q})
    assert response.status_code == 200
    return [item["slug"] for item in response.json()["items"]]


class TestAutocomplete:
    def test_lay_word_finds_the_symptom(self, client: TestClient) -> None:
        response = client.get("/v1/symptoms", params={"q": "bum"})
        first = response.json()["items"][0]
        assert first["slug"] == "buttock-pain"
        assert first["matched"] == "bum pain"

    def test_prefix_of_a_later_word(self, client: TestClient) -> None:
        assert _slugs(client, "driv")[0] == "pain-when-driving"

    def test_typo_still_finds_it(self, client: TestClient) -> None:
        assert "buttock-pain" in _slugs(client, "buttok")

    def test_limit(self, client: TestClient) -> None:
        response = client.get("/v1/symptoms", params={"q": "pain", "limit": 2})
        assert len(response.json()["items"]) == 2

    def test_nothing_like_it(self, client: TestClient) -> None:
        assert _slugs(client, "zzzzqqqq") == []

    def test_q_is_required(self, client: TestClient) -> None:
        response = client.get("/v1/symptoms")
        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == "query.q"
