import os
import shutil
import signal
import tomllib
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, create_engine
from sqlalchemy.engine import make_url
from sqlmodel import Session

from app.cache.knowledge_cache import KnowledgeCache
from app.core.config import PROJECT_ROOT, Settings, get_settings
from app.core.db import create_db_engine, upgrade_to_head
from app.ingest.drafting import DocumentSource
from app.main import create_app
from app.services.importing import load_default_knowledge, load_vocabulary_file, read_source
from app.services.keys import Scope, create_key
from app.store.conditions import ImportOutcome, import_condition_documents
from tests.live_server import free_port, serve

DATA_DIR = PROJECT_ROOT / "data"
SEED_PAGE = PROJECT_ROOT.parent / "shared" / "seed" / "000_5dc7a1ffa5b5f06b.txt"


# Set to a PostgreSQL server (its database is used only to create and drop the tests' own)
# to run the whole suite there instead of on SQLite.
POSTGRES = os.environ.get("KB_TEST_DATABASE_URL")
# Every test builds copies of its own base, and a full collection after each would cost the
# suite minutes; the tests of freezing turn it on for themselves.
os.environ.setdefault("KB_FREEZE_LONG_LIVED", "false")


class Databases:
    """Fresh databases for tests: SQLite files, or PostgreSQL databases made (from a
    template) and dropped through a maintenance connection."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.server = make_url(POSTGRES) if POSTGRES else None
        self.admin = (
            create_engine(self.server, isolation_level="AUTOCOMMIT") if self.server else None
        )
        self.made: list[str] = []

    def new(self, *, template: str | None = None) -> str:
        name = f"kb_test_{uuid.uuid4().hex[:12]}"
        if self.admin is None or self.server is None:
            path = self.folder / f"{name}.sqlite3"
            if template is not None:
                shutil.copyfile(make_url(template).database or "", path)
            return f"sqlite:///{path}"
        copy = f" TEMPLATE {make_url(template).database}" if template else ""
        with self.admin.connect() as connection:
            connection.exec_driver_sql(f"CREATE DATABASE {name}{copy}")
        self.made.append(name)
        return self.server.set(database=name).render_as_string(hide_password=False)

    def drop(self, url: str) -> None:
        if self.admin is None:
            return
        name = make_url(url).database
        with self.admin.connect() as connection:
            connection.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")

    def close(self) -> None:
        for name in self.made:
            self.drop(f"postgresql:///{name}")
        if self.admin is not None:
            self.admin.dispose()


@pytest.fixture(scope="session")
def databases(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Databases]:
    made = Databases(tmp_path_factory.mktemp("databases"))
    yield made
    made.close()


def _template(databases: Databases, load: Callable[[Session], object]) -> str:
    """A database migrated and loaded once, for tests to copy."""
    url = databases.new()
    engine = create_db_engine(url)
    upgrade_to_head(engine)
    with Session(engine) as session:
        load(session)
        session.commit()
    if engine.dialect.name == "sqlite":
        with engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    return url


@pytest.fixture(scope="session")
def knowledge_template(databases: Databases) -> str:
    """The default knowledge base, migrated and loaded once; each test gets its own copy."""
    return _template(databases, lambda session: load_default_knowledge(session, DATA_DIR))


# The eleven pages the service began with (the buttock, hip and back of the thigh): a base that
# holds one corner of the body, for what must hold however little a base covers.
CORNER = (
    "hamstring-origin-problem",
    "proximal-hamstring-tendinopathy",
    "hamstring-muscle-strain",
    "partial-proximal-hamstring-tear",
    "avulsion-of-the-ischial-tuberosity",
    "ischial-bursitis",
    "piriformis-syndrome",
    "referred-pain-from-the-lower-back",
    "sacroiliac-joint-pain",
    "gluteal-tendinopathy",
    "stress-fracture-of-the-pelvis-or-hip",
)


@pytest.fixture(scope="session")
def corner_template(databases: Databases) -> str:
    """The vocabulary and the eleven pages of one corner of the body, loaded once."""

    def load(session: Session) -> None:
        load_vocabulary_file(session, DATA_DIR)
        sources = [
            read_source(
                DATA_DIR / "conditions" / f"{slug}.md",
                provenance="The project's own page",
                reviewed_on=None,
            )
            for slug in CORNER
        ]
        import_condition_documents(session, sources)

    return _template(databases, load)


@pytest.fixture
def corner_settings(databases: Databases, corner_template: str) -> Iterator[Settings]:
    url = databases.new(template=corner_template)
    yield Settings(database_url=url, data_dir=DATA_DIR, load_default_knowledge=False)
    databases.drop(url)


@pytest.fixture
def corner_session(corner_settings: Settings) -> Iterator[Session]:
    """A session on a base that holds only the buttock, hip and back of the thigh."""
    engine = create_db_engine(corner_settings.database_url)
    with Session(engine) as session:
        yield session
    engine.dispose()


@pytest.fixture
def corner_client(corner_settings: Settings) -> Iterator[TestClient]:
    """A service whose base holds only the buttock, hip and back of the thigh."""
    with TestClient(create_app(corner_settings)) as test_client:
        yield test_client


@pytest.fixture
def database_url(databases: Databases, knowledge_template: str) -> Iterator[str]:
    """A database of this test's own, holding the default knowledge base."""
    url = databases.new(template=knowledge_template)
    yield url
    databases.drop(url)


@pytest.fixture
def empty_database_url(databases: Databases) -> Iterator[str]:
    url = databases.new()
    yield url
    databases.drop(url)


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A SQLite file that the command line (which reads its settings from the environment)
    works on."""
    url = f"sqlite:///{tmp_path / 'kb.sqlite3'}"
    monkeypatch.setenv("KB_DATABASE_URL", url)
    get_settings.cache_clear()
    yield url
    get_settings.cache_clear()


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(database_url=database_url, data_dir=DATA_DIR)


@pytest.fixture
def live_service(settings: Settings, tmp_path: Path) -> Iterator[str]:
    """The service as `python -m app serve` runs it, on this test's database; its log must
    show no error."""
    port = free_port()
    process = serve(settings.database_url, port, tmp_path / "serve.log")
    yield f"http://127.0.0.1:{port}"
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=30)
    log = (tmp_path / "serve.log").read_text()
    errors = [line for line in log.splitlines() if "Error" in line]
    assert errors == [], errors


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings)) as test_client:
        yield test_client


@pytest.fixture
def bare_client(empty_database_url: str) -> Iterator[TestClient]:
    """A service on a fresh database holding the vocabulary and no conditions, for tests that
    need to know every condition the ranking can see."""
    settings = Settings(
        database_url=empty_database_url, data_dir=DATA_DIR, load_default_knowledge=False
    )
    with TestClient(create_app(settings)) as test_client:
        with client_session(test_client) as session:
            load_vocabulary_file(session, DATA_DIR)
            session.commit()
        yield test_client


@pytest.fixture
def engine(empty_database_url: str) -> Iterator[Engine]:
    engine = create_db_engine(empty_database_url)
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
def cache(settings: Settings) -> KnowledgeCache:
    """A process's in-memory copies of its own, as a command or benchmark makes them."""
    return KnowledgeCache(settings)


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


def default_pages() -> int:
    """How many condition pages the default knowledge base lists."""
    manifest = tomllib.loads((DATA_DIR / "knowledge.toml").read_text(encoding="utf-8"))
    return len(manifest["document"])
