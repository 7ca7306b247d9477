"""What every write records: when, and a digest of the text it came from."""

import hashlib
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.sql.expression import Executable
from sqlmodel import Session


def utcnow() -> datetime:
    return datetime.now(UTC)


def sha256_hex(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def execute_many(session: Session, statement: Executable, rows: Sequence[dict[str, Any]]) -> None:
    """One statement for many rows (an executemany) in the session's transaction: bulk writes
    skip building an ORM object per row, which is most of an import's time."""
    if rows:
        session.connection().execute(statement, list(rows))
