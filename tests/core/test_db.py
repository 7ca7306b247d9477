"""The writers' turn: one writer of this process at a time, from BEGIN to the very end of its
transaction, and a bounded wait for the others."""

import threading

import pytest
from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError
from sqlmodel import Session

from app.core.db import WritersBusy, begin_writing, create_db_engine, is_writing, upgrade_to_head
from app.models import ApiKey
from app.store.documents import utcnow


def _try_to_write(engine: Engine) -> str:
    outcome: list[str] = []

    def other_writer() -> None:
        with Session(engine) as session:
            try:
                begin_writing(session)
                outcome.append("wrote")
            except WritersBusy:
                outcome.append("busy")
            except OperationalError as error:  # PostgreSQL: lock_timeout, SQLSTATE 55P03
                assert getattr(error.orig, "sqlstate", None) == "55P03"
                outcome.append("busy")

    thread = threading.Thread(target=other_writer)
    thread.start()
    thread.join()
    return outcome[0]


@pytest.fixture
def quick_engine(empty_database_url: str) -> Engine:
    engine = create_db_engine(empty_database_url, writer_wait_seconds=0.2)
    upgrade_to_head(engine)
    return engine


def test_the_turn_is_held_past_every_flush_until_the_commit(quick_engine: Engine) -> None:
    with Session(quick_engine) as session:
        begin_writing(session)
        session.add(
            ApiKey(name="a", prefix="p", secret_hash="h", scopes="write", created_at=utcnow())
        )
        session.flush()  # a flush opens and closes a transaction of its own
        assert is_writing(session)
        assert _try_to_write(quick_engine) == "busy"
        session.commit()
        assert not is_writing(session)
    assert _try_to_write(quick_engine) == "wrote"
    quick_engine.dispose()


def test_a_rollback_gives_the_turn_back(quick_engine: Engine) -> None:
    with Session(quick_engine) as session:
        begin_writing(session)
        session.rollback()
    assert _try_to_write(quick_engine) == "wrote"
    quick_engine.dispose()
