"""The whole knowledge base out as JSON, and back in exactly."""

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from app.cli import cli
from app.core.config import Settings, get_settings
from app.main import create_app
from tests.conftest import DATA_DIR, default_pages, issue_key


def test_the_api_export_has_everything(client: TestClient) -> None:
    body = client.get("/v1/export").json()
    assert body["format"] == "condition-knowledge-service/1"
    assert len(body["conditions"]) == default_pages()
    assert len(body["vocabulary"]["symptoms"]) > 50


def test_an_export_imported_into_an_empty_database_is_exact(
    client: TestClient, settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Make the copy's history differ from a fresh load: an edit and a page of our own.
    writer = issue_key(client, "write")
    etag = client.get("/v1/conditions/piriformis-syndrome").headers["etag"]
    client.patch(
        "/v1/conditions/piriformis-syndrome",
        json={"summary": "Edited"},
        headers=writer | {"If-Match": etag, "content-type": "application/merge-patch+json"},
    )
    client.post(
        "/v1/conditions",
        content="# Odd thing\nSymptoms\n1. A very odd feeling nobody has a word for\n",
        headers=writer | {"content-type": "text/plain"},
    )
    monkeypatch.setenv("KB_DATABASE_URL", settings.database_url)
    get_settings.cache_clear()
    export_file = tmp_path / "kb.json"
    exported = CliRunner().invoke(cli, ["export", "--output", str(export_file)])
    assert exported.exit_code == 0, exported.output

    empty = f"sqlite:///{tmp_path / 'empty.sqlite3'}"
    monkeypatch.setenv("KB_DATABASE_URL", empty)
    get_settings.cache_clear()
    imported = CliRunner().invoke(cli, ["import", str(export_file)])
    get_settings.cache_clear()
    assert imported.exit_code == 0, imported.output

    copy_settings = Settings(database_url=empty, data_dir=DATA_DIR, load_default_knowledge=False)
    with TestClient(create_app(copy_settings)) as copy:
        slugs = [item["slug"] for item in client.get("/v1/conditions?limit=100").json()["items"]]
        assert [i["slug"] for i in copy.get("/v1/conditions?limit=100").json()["items"]] == slugs
        for slug in slugs:
            assert (
                copy.get(f"/v1/conditions/{slug}").json()
                == client.get(f"/v1/conditions/{slug}").json()
            ), slug
        original = json.loads(export_file.read_text())
        again = copy.get("/v1/export").json()
    assert again["conditions"] == original["conditions"]
    assert again["vocabulary"]["symptoms"] == original["vocabulary"]["symptoms"]


def test_export_to_stdout(
    client: TestClient, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KB_DATABASE_URL", settings.database_url)
    get_settings.cache_clear()
    result = CliRunner().invoke(cli, ["export"])
    get_settings.cache_clear()
    assert result.exit_code == 0
    assert len(json.loads(result.stdout)["conditions"]) == default_pages()


def test_a_broken_export_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KB_DATABASE_URL", f"sqlite:///{tmp_path / 'kb.sqlite3'}")
    get_settings.cache_clear()
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "condition-knowledge-service/1", "conditions": 3}')
    result = CliRunner().invoke(cli, ["import", str(bad)])
    get_settings.cache_clear()
    assert result.exit_code == 1
    assert "bad.json" in result.output
