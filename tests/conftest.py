import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session

from app.core.config import PROJECT_ROOT, Settings
from app.core.db import create_db_engine, upgrade_to_head
from app.knowledge.drafting import DocumentSource
from app.knowledge.store import (
    ImportOutcome,
    import_condition_documents,
    load_default_knowledge,
    load_vocabulary_file,
)
from app.main import create_app
from app.services.keys import Scope, create_key

DATA_DIR = PROJECT_ROOT / "data"
SEED_PAGE = PROJECT_ROOT.parent / "shared" / "seed" / "000_5dc7a1ffa5b5f06b.txt"


@pytest.fixture(scope="session")
def knowledge_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The default knowledge base, migrated and loaded once; each test gets its own copy."""
    path = tmp_path_factory.mktemp("template") / "kb.sqlite3"
    engine = create_db_engine(f"sqlite:///{path}")
    upgrade_to_head(engine)
    with Session(engine) as session:
        load_default_knowledge(session, DATA_DIR)
        session.commit()
    with engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    return path


@pytest.fixture
def settings(knowledge_template: Path, tmp_path: Path) -> Settings:
    """A database of this test's own, holding the default knowledge base."""
    path = tmp_path / "kb.sqlite3"
    shutil.copyfile(knowledge_template, path)
    return Settings(database_url=f"sqlite:///{path}", data_dir=DATA_DIR)


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings)) as test_client:
        yield test_client


@pytest.fixture
def bare_client() -> Iterator[TestClient]:
    """A service on a fresh database holding the vocabulary and no conditions, for tests that
    need to know every condition the ranking can see."""
    settings = Settings(database_url="sqlite://", data_dir=DATA_DIR, load_default_knowledge=False)
    with TestClient(create_app(settings)) as test_client:
        with client_session(test_client) as session:
            load_vocabulary_file(session, DATA_DIR)
            session.commit()
        yield test_client


@pytest.fixture
def engine() -> Iterator[Engine]:
    engine = create_db_engine("sqlite://")
    upgrade_to_head(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    """A database holding the vocabulary and no conditions."""
    with Session(engine) as session:
        load_vocabulary_file(session, DATA_DIR)
        session.commit()
        yield session


@pytest.fixture
def loaded_session(settings: Settings) -> Iterator[Session]:
    """A database of this test's own, holding the default knowledge base."""
    engine = create_db_engine(settings.database_url)
    with Session(engine) as session:
        yield session
    engine.dispose()


def import_text(
    session: Session, text: str, *, file_name: str = "page.md", name: str | None = None
) -> ImportOutcome:
    """Import one page as the CLI would, committing it."""
    source = DocumentSource(file_name, text, provenance="Written for a test", name=name)
    [outcome] = import_condition_documents(session, [source])
    session.commit()
    return outcome


def client_session(client: TestClient) -> Session:
    """A session on the same database the test client's app serves."""
    app = client.app
    return Session(app.state.engine)  # type: ignore[attr-defined]


def seed_page() -> Path:
    return SEED_PAGE


def issue_key(client: TestClient, *scopes: str, name: str | None = None) -> dict[str, str]:
    """An Authorization header with a fresh key of these scopes."""
    with client_session(client) as session:
        issued = create_key(
            session,
            name=name or f"editor-{'-'.join(scopes)}-{len(scopes)}",
            scopes={Scope(scope) for scope in scopes},
        )
        session.commit()
    return {"Authorization": f"Bearer {issued.secret}"}
