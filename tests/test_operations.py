"""What an orchestrator and an operator rely on: health, readiness, request ids, logs,
metrics, graceful shutdown, and no lost or half-written data when things go wrong."""

import json
import logging
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx2
import pytest
from alembic import command
from fastapi.testclient import TestClient
from sqlmodel import Session, func, select

from app.core.config import PROJECT_ROOT, Settings
from app.core.db import alembic_config, create_db_engine
from app.main import create_app
from app.models import Condition, ConditionRevision
from tests.conftest import issue_key
from tests.live_server import free_port, serve


class TestRequests:
    def test_every_answer_has_a_request_id(self, client: TestClient) -> None:
        made = client.get("/healthz").headers["x-request-id"]
        assert len(made) == 32
        kept = client.get("/healthz", headers={"X-Request-ID": "abc-123"})
        assert kept.headers["x-request-id"] == "abc-123"
        odd = client.get("/healthz", headers={"X-Request-ID": "bad id; drop table"})
        assert odd.headers["x-request-id"] != "bad id; drop table"

    def test_one_json_log_line_per_request(
        self, client: TestClient, caplog: pytest.LogCaptureFixture
    ) -> None:
        with caplog.at_level(logging.INFO, logger="app.requests"):
            client.get("/v1/conditions/hamstring-origin-problem", headers={"X-Request-ID": "r1"})
        [line] = [json.loads(r.getMessage()) for r in caplog.records if r.name == "app.requests"]
        assert line["request_id"] == "r1"
        assert line["route"] == "/v1/conditions/{slug}"
        assert line["status"] == 200 and line["duration_ms"] >= 0

    def test_metrics_count_requests_by_route(self, client: TestClient) -> None:
        client.get("/v1/conditions/hamstring-origin-problem")
        client.get("/v1/conditions/piriformis-syndrome")
        client.get("/v1/conditions/nothing-here")
        text = client.get("/metrics").text
        assert (
            'kb_requests_total{method="GET",route="/v1/conditions/{slug}",status="200"} 2.0' in text
        )
        assert (
            'kb_requests_total{method="GET",route="/v1/conditions/{slug}",status="404"} 1.0' in text
        )
        assert "kb_request_duration_seconds_bucket" in text


class TestHealth:
    def test_alive_and_ready(self, client: TestClient) -> None:
        assert client.get("/healthz").json() == {"status": "ok"}
        assert client.get("/readyz").json() == {"status": "ready"}

    def test_not_ready_when_the_schema_is_behind(self, client: TestClient) -> None:
        # The warm-up reads the tables a downgrade drops; on PostgreSQL the two would deadlock.
        client.app.state.warming.join()  # type: ignore[attr-defined]
        engine = client.app.state.engine  # type: ignore[attr-defined]
        config = alembic_config()
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.downgrade(config, "0003")
        response = client.get("/readyz")
        assert response.status_code == 503
        assert response.headers["content-type"] == "application/problem+json"
        assert "migration" in response.json()["detail"]


@pytest.fixture
def database_file(settings: Settings) -> str:
    return settings.database_url


def test_sigterm_finishes_the_requests_in_flight(database_file: str, tmp_path: Path) -> None:
    port = free_port()
    process = serve(database_file, port, tmp_path / "serve.log")
    body = json.dumps({"symptoms": ["bum pain", "hurts when I drive"]}).encode()
    with socket.create_connection(("127.0.0.1", port)) as connection:
        connection.sendall(
            b"POST /v1/lookup HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            + f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n".encode()
            + body[:10]
        )
        time.sleep(0.3)
        process.send_signal(signal.SIGTERM)
        time.sleep(0.3)
        connection.sendall(body[10:])
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
    assert answer.startswith(b"HTTP/1.1 200"), answer[:200]
    assert b'"candidates"' in answer
    # uvicorn finishes the request, shuts down, then exits by the signal it was sent.
    assert process.wait(timeout=30) in (0, -signal.SIGTERM)
    assert b"Finished server process" in (tmp_path / "serve.log").read_bytes()


def test_an_import_killed_halfway_leaves_the_knowledge_base_as_it_was(
    database_file: str, tmp_path: Path
) -> None:
    engine = create_db_engine(database_file)
    with Session(engine) as session:
        before = session.exec(select(func.count(Condition.id))).one()  # type: ignore[arg-type]
    pages = []
    for number in range(400):
        page = tmp_path / f"page-{number}.md"
        page.write_text(f"# Made up {number}\nSymptoms\n1. buttock pain\n1. sometimes swelling\n")
        pages.append(str(page))
    environment = os.environ | {"KB_DATABASE_URL": database_file}
    process = subprocess.Popen(
        [sys.executable, "-m", "app", "import", *pages],
        cwd=PROJECT_ROOT,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    time.sleep(2.0)
    assert process.poll() is None, "the import finished before it could be killed"
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=10)
    with Session(engine) as session:
        after = session.exec(select(func.count(Condition.id))).one()  # type: ignore[arg-type]
        assert after == before
        if engine.dialect.name == "sqlite":
            integrity = session.connection().exec_driver_sql("PRAGMA integrity_check").scalar()
            assert integrity == "ok"
    engine.dispose()


WRITERS = 8
# Enough edits for every writer to queue behind the others many times over.
EDITS_EACH = 30


def test_concurrent_writers_lose_no_edit(settings: Settings, live_service: str) -> None:
    with TestClient(create_app(settings)) as local:
        key = issue_key(local, "write", name="load")
        slugs = [item["slug"] for item in local.get("/v1/conditions?limit=100").json()["items"]]
    slugs = slugs[:WRITERS]
    failures: list[str] = []

    def edit(slug: str) -> None:
        with httpx2.Client(base_url=live_service, headers=key, timeout=30) as http:
            etag = http.get(f"/v1/conditions/{slug}").headers["etag"]
            for number in range(EDITS_EACH):
                response = http.patch(
                    f"/v1/conditions/{slug}",
                    json={"summary": f"Edit {number}"},
                    headers={"If-Match": etag, "content-type": "application/merge-patch+json"},
                )
                if response.status_code != 200:
                    failures.append(f"{slug} {number}: {response.status_code} {response.text}")
                    return
                etag = response.headers["etag"]

    threads = [threading.Thread(target=edit, args=(slug,)) for slug in slugs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    engine = create_db_engine(settings.database_url)
    with Session(engine) as session:
        for slug in slugs:
            condition = session.exec(select(Condition).where(Condition.slug == slug)).one()
            assert condition.summary == f"Edit {EDITS_EACH - 1}"
            revisions = session.exec(
                select(func.count(ConditionRevision.id)).where(ConditionRevision.slug == slug)  # type: ignore[arg-type]
            ).one()
            assert revisions == EDITS_EACH + 1
    engine.dispose()


def test_two_workers_start_together_on_a_new_database(tmp_path: Path) -> None:
    """`serve --workers 2` on a database file that does not exist yet: both processes upgrade
    the schema and look for the default knowledge at once, and both answer."""
    port = free_port()
    log = tmp_path / "serve.log"
    process = serve(
        f"sqlite:///{tmp_path / 'new.sqlite3'}",
        port,
        log,
        {"KB_WORKERS": "2", "KB_HEADER_TIMEOUT_SECONDS": "2"},
    )
    try:
        with httpx2.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as http:
            for _ in range(20):
                answer = http.post("/v1/lookup", json={"text": "my knee hurts on stairs"})
                assert answer.status_code == 200
            # Each worker takes the header deadline from the settings too.
            with socket.create_connection(("127.0.0.1", port)) as silent:
                silent.settimeout(10)
                started = time.monotonic()
                assert silent.recv(100) == b""
                assert time.monotonic() - started < 5
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)
    text = log.read_text()
    assert text.count("Started server process") == 2
    assert "Traceback" not in text and "ERROR" not in text, text
