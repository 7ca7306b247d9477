"""Requests written to hurt, or met by a failing database: each gets a clear problem, nothing
grows without bound, and the service keeps answering everyone else."""

import base64
import json
import logging
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event

from app.core.config import Settings
from app.main import create_app
from tests.conftest import issue_key

SLUG = "hamstring-origin-problem"
PROBLEM = "application/problem+json"
MERGE_PATCH = {"content-type": "application/merge-patch+json"}


@pytest.fixture
def writer(client: TestClient) -> dict[str, str]:
    return issue_key(client, "write", name="writer")


def _cursor(position: object) -> str:
    return base64.urlsafe_b64encode(json.dumps(position).encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    ("params", "position"),
    [
        ({"q": "buttock"}, {"rank": int("1" + "0" * 320), "slug": "a"}),
        ({"q": "buttock"}, {"rank": 1.0, "slug": "\ud800"}),
        ({}, {"slug": "\ud800"}),
        ({}, {"slug": "a\u0000b"}),
        ({}, {"slug": 12}),
    ],
    ids=["huge rank", "lone surrogate in a search", "lone surrogate", "NUL", "not a slug"],
)
def test_a_forged_cursor_is_a_problem_not_a_failure(
    client: TestClient, params: dict[str, str], position: object
) -> None:
    response = client.get("/v1/conditions", params={**params, "cursor": _cursor(position)})
    assert response.status_code == 422
    assert response.headers["content-type"] == PROBLEM


@pytest.mark.parametrize(
    "path",
    [
        "/v1/conditions/a%00b",
        "/embed/conditions/a%00b",
        "/v1/symptoms/a%00b",
        "/v1/conditions?q=a%00",
    ],
)
def test_a_nul_in_the_target_is_a_400(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 400
    assert response.headers["content-type"] == PROBLEM


def test_made_up_methods_share_one_metrics_series(client: TestClient) -> None:
    for number in range(30):
        client.request(f"M{number}", "/v1/conditions")
    metrics = client.get("/metrics").text
    assert 'method="M1"' not in metrics
    assert 'method="other"' in metrics


def test_a_405_names_the_methods_that_are_served(client: TestClient) -> None:
    response = client.put("/v1/lookup")
    assert response.status_code == 405
    assert set(response.headers["allow"].split(", ")) >= {"GET", "HEAD", "POST"}
    assert "use ." not in response.json()["detail"]


def test_a_head_request_is_counted_under_its_route(client: TestClient) -> None:
    assert client.head(f"/v1/conditions/{SLUG}").status_code == 200
    metrics = client.get("/metrics").text
    assert 'method="HEAD",route="/v1/conditions/{slug}"' in metrics
    assert 'method="HEAD",route="unmatched"' not in metrics


def test_a_lookup_in_a_url_is_kept_by_no_shared_cache(client: TestClient) -> None:
    response = client.get("/v1/lookup", params={"symptom": "pain when sitting"})
    assert response.status_code == 200
    assert response.headers["cache-control"] == "private, no-store"


@pytest.mark.parametrize("text", ["Esc \x1b[31mred", "nul \x00 here", "bell \x07"])
def test_json_editing_refuses_control_characters_as_the_page_reader_does(
    client: TestClient, writer: dict[str, str], text: str
) -> None:
    response = client.post("/v1/conditions", json={"name": text}, headers=writer)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "body.name"
    page = client.post(
        "/v1/conditions",
        content=f"# {text}\n\n## Symptoms\n1. Buttock pain\n",
        headers=writer | {"content-type": "text/plain"},
    )
    assert page.status_code == 422


def test_a_merge_patch_nested_a_thousand_deep_is_a_422(
    client: TestClient, writer: dict[str, str]
) -> None:
    etag = client.get(f"/v1/conditions/{SLUG}").headers["etag"]
    for depth in (40, 5_000):
        body = '{"summary": ' + "[" * depth + "]" * depth + "}"
        response = client.patch(
            f"/v1/conditions/{SLUG}",
            content=body,
            headers=writer | MERGE_PATCH | {"If-Match": etag},
        )
        assert response.status_code == 422, response.text
        assert "nests deeper" in response.json()["detail"]


def test_if_match_compares_the_whole_tag(client: TestClient, writer: dict[str, str]) -> None:
    etag = client.get(f"/v1/conditions/{SLUG}").headers["etag"]
    version = etag.split(".v")[1].split(".")[0]
    forged = f'"{SLUG}.v{version}.kBOGUS-deadbeef"'
    response = client.patch(
        f"/v1/conditions/{SLUG}",
        json={"summary": "Never issued"},
        headers=writer | MERGE_PATCH | {"If-Match": forged},
    )
    assert response.status_code == 412
    assert client.get(f"/v1/conditions/{SLUG}").json()["summary"] != "Never issued"


def test_a_database_that_refuses_writes_is_a_503_with_its_cause_logged(
    client: TestClient, writer: dict[str, str], caplog: pytest.LogCaptureFixture
) -> None:
    engine = client.app.state.engine  # type: ignore[attr-defined]

    turn = {
        "sqlite": "PRAGMA query_only = {}",
        "postgresql": "SET default_transaction_read_only = {}",
    }[engine.dialect.name]

    def setting(value: str) -> Callable[..., None]:
        def apply(connection: Any, *_: object) -> None:
            # Outside a transaction, so the setting holds for the next one on the connection.
            autocommit = getattr(connection, "autocommit", None)
            if autocommit is False:
                connection.autocommit = True
            connection.execute(turn.format(value))
            if autocommit is False:
                connection.autocommit = False

        return apply

    # Every connection taken from the pool meanwhile is read-only, and is writable again when
    # it goes back: the pool itself is left as it was.
    read_only, writable = setting("on"), setting("off")
    event.listen(engine, "checkout", read_only)
    event.listen(engine, "checkin", writable)
    try:
        with caplog.at_level(logging.ERROR):
            response = client.post(
                "/v1/conditions",
                content="# Read only bursitis\n\n## Symptoms\n1. Buttock pain\n",
                headers=writer | {"content-type": "text/plain"},
            )
    finally:
        event.remove(engine, "checkout", read_only)
        event.remove(engine, "checkin", writable)
    assert response.status_code == 503
    assert response.headers["retry-after"]
    assert response.headers["content-type"] == PROBLEM
    logged = [record.getMessage() for record in caplog.records]
    assert any("database unavailable" in line and "read" in line for line in logged), logged
    assert client.get("/v1/conditions/read-only-bursitis").status_code == 404


def test_a_lookup_reads_a_bounded_amount_of_words(client: TestClient) -> None:
    phrases = ["my knee hurts when I run down stairs " * 5] * 60
    response = client.post("/v1/lookup", json={"symptoms": [p[:200] for p in phrases]})
    assert response.status_code == 422
    assert "at most 8,000" in response.text


def test_a_rate_limit_is_a_setting_answered_with_a_429(settings: Settings) -> None:
    limited = settings.model_copy(update={"rate_limit": "3/minute"})
    with TestClient(create_app(limited)) as client:
        answers = [client.get("/v1/regions").status_code for _ in range(4)]
        over = client.get("/v1/regions")
        health = client.get("/healthz")
    assert answers == [200, 200, 200, 429]
    assert over.headers["content-type"] == PROBLEM
    assert int(over.headers["retry-after"]) >= 1
    assert health.status_code == 200  # a load balancer's polls are never limited


def test_an_unreadable_rate_is_refused_at_start() -> None:
    with pytest.raises(ValueError, match="not a rate"):
        Settings(rate_limit="lots")


def test_a_long_lookup_in_a_url_is_a_422_too(client: TestClient) -> None:
    response = client.get("/v1/lookup", params={"symptom": ["knee pain when running " * 8] * 44})
    assert response.status_code == 422
    assert "at most 8,000" in response.text


def test_a_warning_signs_partner_is_not_deleted_from_under_it(bare_client: TestClient) -> None:
    # On a base of no conditions, so only the warning sign holds on to it.
    admin = issue_key(bare_client, "admin", name="admin")
    response = bare_client.delete("/v1/symptoms/blow-to-head", headers=admin)
    assert response.status_code == 409
    assert "takes-blood-thinner" in response.json()["detail"]
