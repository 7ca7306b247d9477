"""Apps that embed the advice revalidate it cheaply: ETags, Last-Modified, 304s, CORS."""

import time

import pytest
from fastapi.testclient import TestClient

from app.core.config import Settings
from app.main import create_app
from tests.conftest import issue_key

CONDITION = "/v1/conditions/hamstring-origin-problem"


class TestConditionalGet:
    def test_every_answer_carries_its_validators(self, client: TestClient) -> None:
        response = client.get(CONDITION)
        assert response.headers["etag"].startswith('"') and not response.headers["etag"].startswith(
            "W/"
        )
        assert response.headers["last-modified"].endswith("GMT")
        assert response.headers["cache-control"] == "public, max-age=300"

    def test_a_current_copy_gets_a_304_with_the_same_headers(self, client: TestClient) -> None:
        first = client.get(CONDITION)
        again = client.get(CONDITION, headers={"If-None-Match": first.headers["etag"]})
        assert again.status_code == 304
        assert again.content == b""
        for header in ("etag", "last-modified", "cache-control"):
            assert again.headers[header] == first.headers[header]
        by_date = client.get(
            CONDITION, headers={"If-Modified-Since": first.headers["last-modified"]}
        )
        assert by_date.status_code == 304

    def test_an_edit_makes_the_old_copy_stale(self, client: TestClient) -> None:
        first = client.get(CONDITION)
        writer = issue_key(client, "write")
        client.patch(
            CONDITION,
            json={"summary": "Changed"},
            headers=writer
            | {"If-Match": first.headers["etag"], "content-type": "application/merge-patch+json"},
        )
        again = client.get(CONDITION, headers={"If-None-Match": first.headers["etag"]})
        assert again.status_code == 200
        assert again.json()["summary"] == "Changed"
        assert again.headers["etag"] != first.headers["etag"]

    @pytest.mark.parametrize(
        "path",
        [
            "/v1/conditions",
            "/v1/conditions?q=buttock",
            "/v1/symptoms?q=bum",
            "/v1/lookup?symptom=bum+pain",
            "/v1/export",
            "/v1/sources",
            "/embed/conditions/hamstring-origin-problem",
        ],
    )
    def test_other_reads_revalidate_too(self, client: TestClient, path: str) -> None:
        first = client.get(path)
        assert first.status_code == 200
        again = client.get(path, headers={"If-None-Match": first.headers["etag"]})
        assert again.status_code == 304

    def test_different_questions_have_different_etags(self, client: TestClient) -> None:
        one = client.get("/v1/symptoms?q=bum").headers["etag"]
        two = client.get("/v1/symptoms?q=hip").headers["etag"]
        assert one != two


class TestSections:
    def test_only_the_chosen_sections_come(self, client: TestClient) -> None:
        response = client.get(CONDITION, params={"sections": "self_help,prevention"})
        body = response.json()
        assert set(body) == {
            "slug", "source_id", "name", "source", "version", "updated_at", "disclaimer",
            "self_help", "prevention",
        }  # fmt: skip
        assert len(body["self_help"]) == 6
        assert response.headers["etag"] != client.get(CONDITION).headers["etag"]

    def test_an_unknown_section_is_a_422(self, client: TestClient) -> None:
        response = client.get(CONDITION, params={"sections": "self_help,gossip"})
        assert response.status_code == 422
        assert "gossip" in response.json()["detail"]
        assert response.json()["errors"][0]["field"] == "query.sections"


class TestCors:
    def test_any_origin_may_read_and_see_the_etag(self, client: TestClient) -> None:
        response = client.get(CONDITION, headers={"Origin": "https://app.example"})
        assert response.headers["access-control-allow-origin"] == "*"
        assert "etag" in response.headers["access-control-expose-headers"].lower()

    def test_preflight_allows_revalidation_and_edits(self, client: TestClient) -> None:
        response = client.options(
            CONDITION,
            headers={
                "Origin": "https://app.example",
                "Access-Control-Request-Method": "PUT",
                "Access-Control-Request-Headers": "if-match, authorization",
            },
        )
        assert response.status_code == 200
        allowed = response.headers["access-control-allow-headers"].lower()
        assert "if-match" in allowed and "authorization" in allowed


class TestValidatorsFollowEveryChange:
    def test_a_vocabulary_rename_moves_etag_and_last_modified(self, client: TestClient) -> None:
        first = client.get(CONDITION)
        time.sleep(1.1)  # Last-Modified has whole seconds
        admin = issue_key(client, "admin", name="admin")
        entry = client.get("/v1/symptoms/buttock-pain").json()
        entry = {key: entry[key] for key in ("slug", "name", "region", "question", "synonyms")}
        entry["name"] = "Pain in the buttock"
        assert client.put("/v1/symptoms/buttock-pain", json=entry, headers=admin).status_code == 200
        since = client.get(CONDITION, headers={"If-Modified-Since": first.headers["last-modified"]})
        assert since.status_code == 200
        assert "Pain in the buttock" in since.text
        assert since.headers["etag"] != first.headers["etag"]

    def test_deleting_a_symptom_moves_the_etags(self, client: TestClient) -> None:
        admin = issue_key(client, "admin", name="admin")
        entry = {"slug": "zzqx-pain", "name": "Zzqx pain"}
        client.put("/v1/symptoms/zzqx-pain", json=entry, headers=admin)
        before = client.get("/v1/symptoms?q=zzqx")
        assert client.delete("/v1/symptoms/zzqx-pain", headers=admin).status_code == 204
        after = client.get("/v1/symptoms?q=zzqx", headers={"If-None-Match": before.headers["etag"]})
        assert after.status_code == 200 and after.json()["items"] == []

    def test_head_answers_with_the_validators_only(self, client: TestClient) -> None:
        head = client.head(CONDITION)
        assert head.status_code == 200
        assert head.content == b""
        assert head.headers["etag"] == client.get(CONDITION).headers["etag"]

    def test_health_answers_are_not_cached(self, client: TestClient) -> None:
        assert client.get("/healthz").headers["cache-control"] == "no-store"


class FakeClock:
    """Monotonic seconds that move only when a test says so."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_an_edit_in_another_process_is_never_kept_under_a_newer_version(
    settings: Settings,
) -> None:
    # Two processes on one database. An answer B renders under the version after A's edit
    # must be computed from that version, not from the vocabulary B had in memory before.
    clock = FakeClock()
    with TestClient(create_app(settings)) as a, TestClient(create_app(settings, clock=clock)) as b:
        admin = issue_key(a, "admin", name="admin")
        b.post("/v1/lookup", json={"symptoms": ["a sore bum"]})
        added = a.post(
            "/v1/symptoms/buttock-pain/synonyms", json={"text": "zzqx wobble"}, headers=admin
        )
        assert added.status_code == 201
        # B's snapshot of the version, and any renewal of it, has expired.
        clock.now += 2 * settings.version_recheck_seconds + 0.01
        for _ in range(2):  # rendered, then from memory
            answer = b.post("/v1/lookup", json={"symptoms": ["zzqx wobble"]}).json()
            assert [item["symptom"]["slug"] for item in answer["recognized"]] == ["buttock-pain"]
