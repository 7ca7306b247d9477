"""Editors change content safely: keys, versions, stale edits refused, nothing lost."""

from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.services.keys import revoke_key
from tests.conftest import client_session, issue_key

SLUG = "hamstring-origin-problem"
NEW_CONDITION = {
    "name": "Ischial bursitis test",
    "summary": "Inflammation of the bursa over the sitting bone.",
    "symptoms": [
        {"slug": "pain-sitting-on-hard-surfaces", "text": "Pain on hard seats"},
        {"slug": "swelling", "frequency": "sometimes", "text": "Some swelling"},
        {"name": "A warm feeling over the bone", "frequency": "rare", "text": "Warmth"},
    ],
    "causes": [{"kind": "cause", "text": "Prolonged sitting"}],
    "self_help": [{"text": "Use a cushion"}],
    "recovery": {"text": "Usually 2 to 6 weeks."},
    "care_level": "see_physiotherapist",
    "source": {
        "provenance": "Written by the clinic's physiotherapists",
        "reviewed_on": "2026-11-01",
    },
}
PAGE = "# Gluteal thing\nSymptoms\n1. Pain on the outside of the hip\nSelf help\n1. Rest\n"


@pytest.fixture
def writer(client: TestClient) -> dict[str, str]:
    return issue_key(client, "write", name="writer")


def _read(client: TestClient, slug: str = SLUG) -> tuple[dict[str, Any], str]:
    response = client.get(f"/v1/conditions/{slug}")
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body, response.headers["etag"]


class TestKeys:
    def test_no_key_is_401(self, client: TestClient) -> None:
        response = client.post("/v1/conditions", json=NEW_CONDITION)
        assert response.status_code == 401
        assert response.headers["content-type"] == "application/problem+json"
        assert response.headers["www-authenticate"] == "Bearer"

    def test_a_wrong_or_revoked_key_is_401(self, client: TestClient) -> None:
        headers = issue_key(client, "write", name="soon-revoked")
        wrong = {"Authorization": headers["Authorization"][:-3] + "xyz"}
        assert client.post("/v1/conditions", json=NEW_CONDITION, headers=wrong).status_code == 401
        with client_session(client) as session:
            revoke_key(session, "soon-revoked")
            session.commit()
        response = client.post("/v1/conditions", json=NEW_CONDITION, headers=headers)
        assert response.status_code == 401

    def test_a_key_without_the_scope_is_403(
        self, client: TestClient, writer: dict[str, str]
    ) -> None:
        response = client.put(
            "/v1/symptoms/sore-sit-bone",
            json={"slug": "sore-sit-bone", "name": "Sore sit bone"},
            headers=writer,
        )
        assert response.status_code == 403
        assert "admin" in response.json()["detail"]


class TestCreate:
    def test_json(self, client: TestClient, writer: dict[str, str]) -> None:
        response = client.post("/v1/conditions", json=NEW_CONDITION, headers=writer)
        assert response.status_code == 201, response.text
        assert response.headers["location"].endswith("/v1/conditions/ischial-bursitis-test")
        assert response.headers["etag"]
        body, _ = _read(client, "ischial-bursitis-test")
        assert [s["slug"] for s in body["symptoms"]][:2] == [
            "pain-sitting-on-hard-surfaces",
            "swelling",
        ]
        assert body["symptoms"][2]["name"] == "A warm feeling over the bone"
        assert body["recovery"] == {"text": "Usually 2 to 6 weeks.", "min_days": 14, "max_days": 42}
        assert body["source"]["provenance"] == "Written by the clinic's physiotherapists"
        assert body["version"] == 1

    def test_a_page_as_text(self, client: TestClient, writer: dict[str, str]) -> None:
        response = client.post(
            "/v1/conditions",
            content=PAGE,
            headers=writer | {"content-type": "text/plain; charset=utf-8"},
        )
        assert response.status_code == 201, response.text
        assert response.json()["symptoms"][0]["slug"] == "outer-hip-pain"

    def test_a_bad_page_says_which_line(self, client: TestClient, writer: dict[str, str]) -> None:
        response = client.post(
            "/v1/conditions",
            content="# X\n## Nonsense\nfoo\n",
            headers=writer | {"content-type": "text/plain"},
        )
        assert response.status_code == 422
        assert "line 2" in response.json()["detail"]

    def test_an_existing_slug_is_409(self, client: TestClient, writer: dict[str, str]) -> None:
        body, _ = _read(client)
        response = client.post("/v1/conditions", json={"name": body["name"]}, headers=writer)
        assert response.status_code == 409

    def test_unknown_symptom_slug_and_media_type(
        self, client: TestClient, writer: dict[str, str]
    ) -> None:
        body = {"name": "X", "symptoms": [{"slug": "no-such-thing", "text": "t"}]}
        unknown = client.post("/v1/conditions", json=body, headers=writer)
        assert unknown.status_code == 422
        assert "symptoms.0" in unknown.json()["detail"]
        xml = client.post(
            "/v1/conditions", content="<x/>", headers=writer | {"content-type": "application/xml"}
        )
        assert xml.status_code == 415

    def test_invalid_json_names_the_field(self, client: TestClient, writer: dict[str, str]) -> None:
        response = client.post("/v1/conditions", json={"name": ""}, headers=writer)
        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == "body.name"


class TestReplaceAndPatch:
    def test_replace_needs_the_current_etag(
        self, client: TestClient, writer: dict[str, str]
    ) -> None:
        body, etag = _read(client)
        body["summary"] = "A new summary."
        missing = client.put(f"/v1/conditions/{SLUG}", json=body, headers=writer)
        assert missing.status_code == 428
        done = client.put(f"/v1/conditions/{SLUG}", json=body, headers=writer | {"If-Match": etag})
        assert done.status_code == 200, done.text
        assert done.json()["summary"] == "A new summary."
        assert done.json()["version"] == body["version"] + 1
        assert done.headers["etag"] != etag

    def test_two_editors_never_overwrite_each_other(
        self, client: TestClient, writer: dict[str, str]
    ) -> None:
        _, etag = _read(client)
        first = client.patch(
            f"/v1/conditions/{SLUG}",
            json={"summary": "Editor one"},
            headers=writer | {"If-Match": etag, "content-type": "application/merge-patch+json"},
        )
        assert first.status_code == 200
        second = client.patch(
            f"/v1/conditions/{SLUG}",
            json={"summary": "Editor two"},
            headers=writer | {"If-Match": etag, "content-type": "application/merge-patch+json"},
        )
        assert second.status_code == 412
        assert second.headers["content-type"] == "application/problem+json"
        assert _read(client)[0]["summary"] == "Editor one"

    def test_patch_changes_only_what_it_names(
        self, client: TestClient, writer: dict[str, str]
    ) -> None:
        before, etag = _read(client)
        response = client.patch(
            f"/v1/conditions/{SLUG}",
            json={"summary": None, "cant_miss": True, "prevention": [{"text": "Warm up"}]},
            headers=writer | {"If-Match": etag, "content-type": "application/merge-patch+json"},
        )
        assert response.status_code == 200, response.text
        after = response.json()
        assert after["summary"] is None and after["cant_miss"] is True
        assert after["prevention"] == [{"text": "Warm up"}]
        assert after["symptoms"] == before["symptoms"]
        assert after["self_help"] == before["self_help"]

    def test_a_patch_that_makes_nonsense_names_the_field(
        self, client: TestClient, writer: dict[str, str]
    ) -> None:
        _, etag = _read(client)
        response = client.patch(
            f"/v1/conditions/{SLUG}",
            json={"prior_weight": -1},
            headers=writer | {"If-Match": etag, "content-type": "application/merge-patch+json"},
        )
        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == "body.prior_weight"


class TestNothingLost:
    def test_every_change_is_a_revision_that_can_be_restored(
        self, client: TestClient, writer: dict[str, str]
    ) -> None:
        original, etag = _read(client)
        client.patch(
            f"/v1/conditions/{SLUG}",
            json={"summary": "Changed"},
            headers=writer | {"If-Match": etag, "content-type": "application/merge-patch+json"},
        )
        revisions = client.get(f"/v1/conditions/{SLUG}/revisions").json()
        assert [r["action"] for r in revisions["items"]] == ["patched", "imported"]
        assert revisions["items"][0]["author"] == "writer"
        old = client.get(f"/v1/conditions/{SLUG}/revisions/1").json()
        assert old["summary"] == original["summary"]
        _, etag = _read(client)
        restored = client.post(
            f"/v1/conditions/{SLUG}/revisions/1/restore", headers=writer | {"If-Match": etag}
        )
        assert restored.status_code == 200, restored.text
        assert restored.json()["summary"] == original["summary"]
        assert restored.json()["symptoms"] == original["symptoms"]
        assert restored.json()["version"] == 3

    def test_delete_is_reversible(self, client: TestClient, writer: dict[str, str]) -> None:
        original, etag = _read(client)
        assert client.delete(f"/v1/conditions/{SLUG}", headers=writer).status_code == 428
        deleted = client.delete(f"/v1/conditions/{SLUG}", headers=writer | {"If-Match": etag})
        assert deleted.status_code == 204
        gone = client.get(f"/v1/conditions/{SLUG}")
        assert gone.status_code == 410
        assert "restore" in gone.json()["detail"]
        assert SLUG not in [
            c["condition"]["slug"]
            for c in client.post("/v1/lookup", json={"symptoms": ["bum pain", "driving"]}).json()[
                "candidates"
            ]
        ]
        revisions = client.get(f"/v1/conditions/{SLUG}/revisions").json()
        assert revisions["live"] is False
        assert revisions["items"][0]["action"] == "deleted"
        back = client.post(f"/v1/conditions/{SLUG}/revisions/1/restore", headers=writer)
        assert back.status_code == 200, back.text
        restored, _ = _read(client)
        assert restored["symptoms"] == original["symptoms"]
        assert restored["version"] == 3


class TestVocabulary:
    def test_an_admin_adds_a_synonym_people_then_use(self, client: TestClient) -> None:
        admin = issue_key(client, "admin", name="admin")
        before = client.post("/v1/parse", json={"text": "my tush aches"}).json()["symptoms"]
        assert before == []
        added = client.post(
            "/v1/symptoms/buttock-pain/synonyms", json={"text": "tush aches"}, headers=admin
        )
        assert added.status_code == 201, added.text
        assert "tush aches" in added.json()["synonyms"]
        after = client.post("/v1/parse", json={"text": "my tush aches"}).json()["symptoms"]
        assert [m["symptom"]["slug"] for m in after] == ["buttock-pain"]
        removed = client.delete("/v1/symptoms/buttock-pain/synonyms/tush aches", headers=admin)
        assert removed.status_code == 204
        assert client.post("/v1/parse", json={"text": "my tush aches"}).json()["symptoms"] == []

    def test_create_and_delete_a_symptom(self, client: TestClient) -> None:
        admin = issue_key(client, "admin", name="admin")
        entry = {"slug": "clicking-hip", "name": "Clicking hip", "synonyms": ["hip clicks"]}
        created = client.put("/v1/symptoms/clicking-hip", json=entry, headers=admin)
        assert created.status_code == 201, created.text
        assert client.get("/v1/symptoms/clicking-hip").json()["in_vocabulary"] is True
        in_use = client.delete("/v1/symptoms/buttock-pain", headers=admin)
        assert in_use.status_code == 409
        assert client.delete("/v1/symptoms/clicking-hip", headers=admin).status_code == 204
        assert client.get("/v1/symptoms/clicking-hip").status_code == 404


class TestReviewFindings:
    """Edits that change nothing, odd pages and bodies, and If-Match edge cases."""

    def test_an_edit_that_changes_nothing_makes_no_version(
        self, client: TestClient, writer: dict[str, str]
    ) -> None:
        body, etag = _read(client)
        same = client.put(f"/v1/conditions/{SLUG}", json=body, headers=writer | {"If-Match": etag})
        assert same.status_code == 200
        assert same.json()["version"] == body["version"]
        empty = client.patch(
            f"/v1/conditions/{SLUG}",
            json={},
            headers=writer | {"If-Match": etag, "content-type": "application/merge-patch+json"},
        )
        assert empty.json()["version"] == body["version"]
        current = client.post(
            f"/v1/conditions/{SLUG}/revisions/1/restore", headers=writer | {"If-Match": etag}
        )
        assert current.status_code == 409

    def test_new_recovery_words_give_new_days(
        self, client: TestClient, writer: dict[str, str]
    ) -> None:
        _, etag = _read(client)
        response = client.patch(
            f"/v1/conditions/{SLUG}",
            json={"recovery": {"text": "Six to eight weeks."}},
            headers=writer | {"If-Match": etag, "content-type": "application/merge-patch+json"},
        )
        assert response.json()["recovery"]["min_days"] == 42
        assert response.json()["recovery"]["max_days"] == 56

    @pytest.mark.parametrize(
        "body",
        [
            {"name": "X", "symptoms": [
                {"slug": "buttock-pain", "text": "a"}, {"slug": "buttock-pain", "text": "b"}
            ]},
            {"name": "X", "aliases": ["Foo", "foo"]},
            {"name": "X", "recovery": {"text": "t", "min_days": 10, "max_days": 2}},
            {"name": "X", "prior_factors": [
                {"sex": "female", "factor": 2}, {"sex": "female", "factor": 3}
            ]},
            {"name": "X", "differentials": [{"name": "X"}]},
            {"name": "X", "symptoms": [{"slug": "BAD SLUG", "name": "n", "text": "t"}]},
        ],
    )  # fmt: skip
    def test_inconsistent_bodies_are_422(
        self, client: TestClient, writer: dict[str, str], body: dict[str, Any]
    ) -> None:
        response = client.post("/v1/conditions", json=body, headers=writer)
        assert response.status_code == 422, response.text

    def test_an_untitled_page_needs_a_name_unless_it_replaces_one(
        self, client: TestClient, writer: dict[str, str]
    ) -> None:
        page = "Symptoms\n1. buttock pain\n"
        untitled = client.post(
            "/v1/conditions", content=page, headers=writer | {"content-type": "text/plain"}
        )
        assert untitled.status_code == 422
        assert "title" in untitled.json()["detail"]
        _, etag = _read(client)
        replaced = client.put(
            f"/v1/conditions/{SLUG}",
            content=page,
            headers=writer | {"content-type": "text/plain", "If-Match": etag},
        )
        assert replaced.status_code == 200, replaced.text
        assert replaced.json()["name"] == "Hamstring origin problem"

    def test_if_match_star_and_weak_tags(self, client: TestClient, writer: dict[str, str]) -> None:
        _, etag = _read(client)
        weak = client.patch(
            f"/v1/conditions/{SLUG}",
            json={"summary": "weak"},
            headers=writer
            | {"If-Match": f"W/{etag}", "content-type": "application/merge-patch+json"},
        )
        assert weak.status_code == 412
        star = client.patch(
            f"/v1/conditions/{SLUG}",
            json={"summary": "any"},
            headers=writer | {"If-Match": "*", "content-type": "application/merge-patch+json"},
        )
        assert star.status_code == 200

    def test_a_synonym_equal_to_the_name_is_a_conflict(self, client: TestClient) -> None:
        admin = issue_key(client, "admin", name="admin")
        response = client.post(
            "/v1/symptoms/buttock-pain/synonyms", json={"text": "Buttock pain"}, headers=admin
        )
        assert response.status_code == 409
