"""Starting the service: a new database just works, and the docs describe every endpoint."""

import re
import sys
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func
from sqlmodel import Session, col, select

from app.core.config import Settings
from app.core.db import create_db_engine, upgrade_to_head
from app.main import create_app
from app.models import Condition, Document
from app.schemas.exchange import KnowledgeExport
from app.services.exchange import import_knowledge
from app.services.importing import load_vocabulary_file
from tests.conftest import DATA_DIR, default_pages, import_text


def test_a_new_database_file_gets_the_default_knowledge_base_once(tmp_path: Path) -> None:
    database = tmp_path / "nested" / "kb.sqlite3"
    settings = Settings(database_url=f"sqlite:///{database}", data_dir=DATA_DIR)
    for _ in range(2):
        with TestClient(create_app(settings)) as client:
            response = client.get("/v1/conditions/hamstring-origin-problem")
            assert response.status_code == 200
    engine = create_db_engine(settings.database_url)
    with Session(engine) as session:
        # Every page of the manifest once, and the vocabulary once.
        assert session.exec(select(func.count(col(Condition.id)))).one() == default_pages()
        assert session.exec(select(func.count(col(Document.id)))).one() == default_pages() + 1
    engine.dispose()


def test_a_server_lets_the_code_list_go_once_the_default_base_is_in(tmp_path: Path) -> None:
    # The ICD-10-CM code list is 140 MB in memory and only writing codes needs it.
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'kb.sqlite3'}", data_dir=DATA_DIR)
    with TestClient(create_app(settings)) as client:
        assert not [name for name in sys.modules if name.startswith("simple_icd_10_cm")]
        [code] = client.get("/v1/conditions/hamstring-origin-problem").json()["codes"]
        looked_up = client.post("/v1/lookup", json={"text": "pain under my bum when I sit"})
        assert not [name for name in sys.modules if name.startswith("simple_icd_10_cm")]
    # The descriptions are still shown, read from the base.
    assert code["display"] == "Other specified enthesopathies of lower limb, excluding foot"
    shown = [c["condition"] for c in looked_up.json()["candidates"]]
    [leader] = [c for c in shown if c["slug"] == "hamstring-origin-problem"]
    assert leader["codes"] == [code]


def test_the_default_knowledge_base_loads_even_after_an_earlier_import(tmp_path: Path) -> None:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'kb.sqlite3'}", data_dir=DATA_DIR)
    engine = create_db_engine(settings.database_url)
    upgrade_to_head(engine)
    with Session(engine) as session:
        load_vocabulary_file(session, DATA_DIR)
        import_text(session, "# Mine\nSymptoms\n1. buttock pain\n", file_name="mine.md")
    engine.dispose()
    with TestClient(create_app(settings)) as client:
        items = client.get("/v1/conditions", params={"limit": 100}).json()["items"]
    slugs = [item["slug"] for item in items]
    assert "mine" in slugs and "hamstring-origin-problem" in slugs


def test_default_knowledge_can_be_turned_off() -> None:
    settings = Settings(database_url="sqlite://", data_dir=DATA_DIR, load_default_knowledge=False)
    with TestClient(create_app(settings)) as client:
        assert client.get("/v1/conditions").json()["items"] == []


def test_healthz(client: TestClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_unknown_path_and_method_are_problems(client: TestClient) -> None:
    missing = client.get("/v2/nothing")
    assert missing.status_code == 404
    assert missing.headers["content-type"] == "application/problem+json"
    wrong_method = client.delete("/v1/conditions")
    assert wrong_method.status_code == 405
    assert wrong_method.json()["status"] == 405


def test_every_endpoint_is_documented(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    operations = [
        (path, method, operation)
        for path, methods in schema["paths"].items()
        for method, operation in methods.items()
    ]
    assert {path for path, _, _ in operations} >= {
        "/v1/conditions",
        "/v1/conditions/{slug}",
        "/v1/symptoms",
        "/v1/lookup",
        "/healthz",
    }
    for path, method, operation in operations:
        assert operation.get("summary"), (path, method)
        assert operation.get("description"), (path, method)
    lookup_body = schema["paths"]["/v1/lookup"]["post"]["requestBody"]["content"]
    assert "examples" in str(lookup_body) or "example" in str(schema["components"]["schemas"])
    not_found = schema["paths"]["/v1/conditions/{slug}"]["get"]["responses"]["404"]
    assert "application/problem+json" in not_found["content"]


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
def test_docs_pages_load_everything_from_the_service_itself(client: TestClient, page: str) -> None:
    response = client.get(page)
    assert response.status_code == 200
    assets = re.findall(r"""(?:src|href)=["']([^"']+)["']""", response.text)
    assert assets, "the page loads no script or style"
    assert "/openapi.json" in response.text
    for asset in assets:
        assert asset.startswith("/"), f"{page} loads {asset} from another host"
        assert client.get(asset).status_code == 200, asset


def test_an_unexpected_failure_is_still_a_problem_document(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_args: object) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr("app.api.routes.conditions.get_condition", broken)
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        response = client.get("/v1/conditions/hamstring-origin-problem")
    assert response.status_code == 500
    assert response.headers["content-type"] == "application/problem+json"
    assert "disk on fire" not in response.text


def test_a_restored_export_is_not_overwritten_by_the_defaults(tmp_path: Path) -> None:
    source = Settings(database_url=f"sqlite:///{tmp_path / 'a.sqlite3'}", data_dir=DATA_DIR)
    with TestClient(create_app(source)) as client:
        export = client.get("/v1/export").json()
    export["conditions"][0]["summary"] = "Restored from a backup"
    copy_url = f"sqlite:///{tmp_path / 'b.sqlite3'}"
    engine = create_db_engine(copy_url)
    upgrade_to_head(engine)
    with Session(engine) as session:
        import_knowledge(session, KnowledgeExport.model_validate(export))
        session.commit()
    engine.dispose()
    copy = Settings(database_url=copy_url, data_dir=DATA_DIR)
    with TestClient(create_app(copy)) as client:
        slug = export["conditions"][0]["slug"]
        assert client.get(f"/v1/conditions/{slug}").json()["summary"] == "Restored from a backup"
        revisions = client.get(f"/v1/conditions/{slug}/revisions").json()["items"]
        assert len(revisions) == 1


def test_the_address_of_the_service_opens_its_documentation(client: TestClient) -> None:
    response = client.get("/", follow_redirects=False)
    assert response.status_code == 307
    assert response.headers["location"] == "/docs"
    assert client.get("/").text.count("swagger") > 0
