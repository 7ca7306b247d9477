"""The database engine and the schema upgrade that every entry point runs first."""

import sqlite3
import threading
import weakref
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, SessionTransaction
from sqlalchemy.pool import StaticPool

from app.core.config import MIGRATIONS_DIR

SQLITE_BUSY_TIMEOUT_MS = 30_000
# PostgreSQL advisory locks of this project: writers, and schema upgrades.
WRITERS_LOCK_KEY = 4_242_001
MIGRATION_LOCK_KEY = 4_242_002
# How long an edit waits for the writers before it, unless the engine says (Settings).
WRITER_WAIT_SECONDS = 30.0


def snapshot_reads(engine: Engine) -> Engine:
    """The engine for reads that must see one moment of the base, however many statements
    they take (a condition's ten tables, an export of all of them). SQLite's transaction is
    that already; PostgreSQL's default (READ COMMITTED) sees each statement's own moment, so
    these reads run REPEATABLE READ. Writers keep READ COMMITTED: they are serialised by the
    writers' lock, and a snapshot older than their turn would be a stale base to write on."""
    if (
        engine.dialect.name == "postgresql"
        and engine.get_execution_options().get("isolation_level") != "REPEATABLE READ"
    ):
        return engine.execution_options(isolation_level="REPEATABLE READ")
    return engine


def create_db_engine(
    database_url: str, *, writer_wait_seconds: float = WRITER_WAIT_SECONDS
) -> Engine:
    """The engine, which also carries how long its writers wait for their turn."""
    url = make_url(database_url)
    waiting = {"writer_wait_seconds": writer_wait_seconds}
    if url.get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True, execution_options=waiting)
    in_memory = url.database in (None, "", ":memory:")
    if not in_memory and url.database is not None:
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)
    options: dict[str, Any] = {
        "connect_args": {"check_same_thread": False},
        "execution_options": waiting,
    }
    if in_memory:
        # One shared connection is the only way an in-memory database outlives a session.
        options["poolclass"] = StaticPool
    else:
        # As many connections kept open as threads that serve requests at once (anyio's
        # default is 40): opening one costs more than a whole cached read.
        options |= {"pool_size": 40, "max_overflow": 10}
    engine = create_engine(url, **options)
    event.listen(engine, "connect", _configure_sqlite_connection)
    event.listen(engine, "begin", _begin_sqlite_transaction)
    return engine


# A transaction that will write says so when it begins: SQLite then queues it behind the
# current writer (busy_timeout), where one that only upgrades from reading later can fail at
# once with "database is locked".
WRITE_TRANSACTION = {"sqlite_begin": "BEGIN IMMEDIATE"}


def _begin_sqlite_transaction(connection: Connection) -> None:
    connection.exec_driver_sql(connection.get_execution_options().get("sqlite_begin", "BEGIN"))


_writer_locks: "weakref.WeakKeyDictionary[Engine, threading.Lock]" = weakref.WeakKeyDictionary()
_writer_locks_guard = threading.Lock()


class WritersBusy(Exception):
    """Too many edits at once: the caller may try again shortly."""


# Set on a session whose transaction began as a writer; only begin_writing and is_writing read
# or write it, so the unit of work can tell after its commit that something was written.
_WRITING = "writing"


def is_writing(session: Session) -> bool:
    """Whether the session's current transaction was begun by ``begin_writing``."""
    return bool(session.info.get(_WRITING))


def begin_writing(session: Session) -> None:
    """Start the session's transaction as a writer (on SQLite, BEGIN IMMEDIATE).

    SQLite has one writer at a time, and its busy handler polls with growing sleeps, so a
    busy writer can starve the others for seconds. Writers of this process therefore queue
    on a lock first, and SQLite's own wait is left to writers of other processes."""
    engine = session.get_bind()
    assert isinstance(engine, Engine)
    wait_seconds = float(
        engine.get_execution_options().get("writer_wait_seconds", WRITER_WAIT_SECONDS)
    )
    if engine.dialect.name == "sqlite":
        with _writer_locks_guard:
            lock = _writer_locks.setdefault(engine, threading.Lock())
        if not lock.acquire(timeout=wait_seconds):
            raise WritersBusy
        try:
            session.connection(execution_options=WRITE_TRANSACTION)
        except BaseException:
            lock.release()
            raise
        _until_the_transaction_ends(session, lock)
        return
    # PostgreSQL: writers of every API process queue on one transaction-scoped advisory lock,
    # so version checks and the base-wide relinking never interleave or deadlock.
    # Waiting is bounded as on SQLite: past it the writer is told the base is busy (a 503).
    connection = session.connection()
    connection.exec_driver_sql(f"SET LOCAL lock_timeout = '{int(wait_seconds * 1000)}ms'")
    connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({WRITERS_LOCK_KEY})")
    connection.exec_driver_sql("SET LOCAL lock_timeout = 0")
    _until_the_transaction_ends(session, None)


def _until_the_transaction_ends(session: Session, lock: "threading.Lock | None") -> None:
    """Mark the session as writing, and let go of the process's writer lock when its
    transaction ends: the outermost one, not the subtransaction every flush opens and closes
    (listening for the first end of any transaction let the lock go at the first flush)."""
    session.info[_WRITING] = True
    held = [True]  # a listener cannot remove itself while the event is dispatched

    def ended(_session: Session, transaction: SessionTransaction) -> None:
        if transaction.parent is not None or not held[0]:
            return
        held[0] = False
        session.info.pop(_WRITING, None)
        if lock is not None:
            lock.release()

    event.listen(session, "after_transaction_end", ended)


def _configure_sqlite_connection(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
    # SQLAlchemy, not the driver, begins transactions (see the "begin" listener).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
    # WAL lets readers carry on while an import writes; it is meaningless in memory.
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA synchronous = NORMAL")
    cursor.close()


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def upgrade_to_head(engine: Engine) -> None:
    """Bring the schema to the newest migration; a new database file just works. On
    PostgreSQL, processes starting together take turns (an advisory lock), so one upgrades
    and the others find it done."""
    config = alembic_config()
    # On SQLite the upgrade is a writer from its first statement (BEGIN IMMEDIATE): two workers
    # starting together then queue on SQLite's lock, where two readers upgrading at once would
    # deadlock and one would fail with "database is locked".
    options = WRITE_TRANSACTION if engine.dialect.name == "sqlite" else {}
    with engine.execution_options(**options).begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({MIGRATION_LOCK_KEY})")
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def schema_is_current(engine: Engine) -> bool:
    """Whether the database answers and its schema is at the newest migration."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    with engine.connect() as connection:
        connection.exec_driver_sql("SELECT 1")
        current = MigrationContext.configure(connection).get_current_revision()
    return current == head
