"""One request, one unit of work, seen through the real server (TestClient waits for what
runs after the response, and would hide both of these): a 2xx means the change is durable,
and checking a key never queues behind the writers."""

import signal
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx2
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.engine import make_url

from app.core.config import Settings
from app.core.db import WRITERS_LOCK_KEY, create_db_engine
from app.main import create_app
from tests.conftest import issue_key
from tests.live_server import free_port, serve

CONDITION = "/v1/conditions/piriformis-syndrome"
MERGE_PATCH = "application/merge-patch+json"


def _break_commits(engine: Engine) -> None:
    """A check the database makes only at COMMIT (a deferred foreign key) fails for every new
    revision: as a full disk or a lost connection would, the commit itself fails."""
    with engine.begin() as connection:
        connection.exec_driver_sql(
            "CREATE TABLE commit_breaker (ref INTEGER REFERENCES condition (id) "
            "DEFERRABLE INITIALLY DEFERRED)"
        )
        if engine.dialect.name == "sqlite":
            connection.exec_driver_sql(
                "CREATE TRIGGER break_commits AFTER INSERT ON condition_revision "
                "BEGIN INSERT INTO commit_breaker VALUES (-1); END"
            )
        else:
            connection.exec_driver_sql(
                "CREATE FUNCTION break_commit() RETURNS trigger AS $$ BEGIN "
                "INSERT INTO commit_breaker VALUES (-1); RETURN NULL; END $$ LANGUAGE plpgsql"
            )
            connection.exec_driver_sql(
                "CREATE TRIGGER break_commits AFTER INSERT ON condition_revision "
                "FOR EACH ROW EXECUTE FUNCTION break_commit()"
            )


def test_a_change_whose_commit_fails_is_never_acknowledged(
    settings: Settings, tmp_path: Path
) -> None:
    with TestClient(create_app(settings)) as local:
        key = issue_key(local, "write", name="editor")
    engine = create_db_engine(settings.database_url)
    _break_commits(engine)
    engine.dispose()
    port = free_port()
    log = tmp_path / "serve.log"
    process = serve(settings.database_url, port, log)
    try:
        with httpx2.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as http:
            before = http.get(CONDITION)
            answer = http.patch(
                CONDITION,
                json={"summary": "An edit the database refuses at commit."},
                headers=key
                | {
                    "If-Match": before.headers["etag"],
                    "content-type": "application/merge-patch+json",
                },
            )
            assert answer.status_code == 503, answer.text
            assert answer.headers["content-type"] == "application/problem+json"
            assert answer.headers["retry-after"] == "1"
            assert "nothing of it was kept" in answer.json()["detail"]
            after = http.get(CONDITION)
            assert after.json()["summary"] == before.json()["summary"]
            assert after.headers["etag"] == before.headers["etag"]
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)
    # The operator learns why, and the content sent does not reach the log.
    logged = log.read_text()
    assert "commit failed: " in logged
    assert "refuses at commit" not in logged


@contextmanager
def _writers_busy(database_url: str) -> Iterator[None]:
    """Another process holds the writers' turn (a slow import, say) for as long as this lasts."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        connection = sqlite3.connect(url.database or "", isolation_level=None)
        connection.execute("BEGIN IMMEDIATE")
        try:
            yield
        finally:
            connection.rollback()
            connection.close()
        return
    engine = create_db_engine(database_url)
    with engine.connect() as holder:
        holder.exec_driver_sql(f"SELECT pg_advisory_lock({WRITERS_LOCK_KEY})")
        try:
            yield
        finally:
            holder.exec_driver_sql(f"SELECT pg_advisory_unlock({WRITERS_LOCK_KEY})")
    engine.dispose()


def test_a_bad_key_is_refused_at_once_while_the_writers_are_busy(
    settings: Settings, live_service: str
) -> None:
    with TestClient(create_app(settings)) as local:
        writer = issue_key(local, "write", name="writer")
    patch = {"If-Match": "*", "content-type": MERGE_PATCH}
    # Writers wait up to 30 s for their turn; a key check that queued with them would time out.
    with (
        _writers_busy(settings.database_url),
        httpx2.Client(base_url=live_service, timeout=5) as http,
    ):
        for headers in ({}, {"Authorization": "Bearer kb_not_a_key"}):
            answer = http.patch(CONDITION, json={"summary": "x"}, headers=headers | patch)
            assert answer.status_code == 401, answer.text
            assert answer.headers["content-type"] == "application/problem+json"
        # A key without the admin scope is told so at once, too.
        entry = {"slug": "zzqx-pain", "name": "Zzqx pain"}
        answer = http.put("/v1/symptoms/zzqx-pain", json=entry, headers=writer)
        assert answer.status_code == 403, answer.text
        assert http.get("/healthz").status_code == 200
