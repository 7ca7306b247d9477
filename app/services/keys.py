"""API keys for the editing API: created and revoked from the command line, kept hashed."""

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

from sqlalchemy import update
from sqlmodel import Session, col, select

from app.core.db import begin_writing
from app.models import ApiKey

KEY_PREFIX = "kb_"


class Scope(StrEnum):
    write = "write"  # create, change, delete and restore conditions
    admin = "admin"  # also the symptom vocabulary


@dataclass(frozen=True)
class IssuedKey:
    name: str
    secret: str  # shown once, never stored


class KeyOperationError(ValueError):
    """A key operation that cannot be done, with why."""


def _hash(secret: str) -> str:
    # Keys are 32 random bytes, so a fast hash is enough; no one can brute-force them.
    return hashlib.sha256(secret.encode()).hexdigest()


def create_key(session: Session, *, name: str, scopes: set[Scope]) -> IssuedKey:
    if session.exec(select(ApiKey).where(ApiKey.name == name)).first() is not None:
        raise KeyOperationError(f"a key named {name!r} already exists")
    if Scope.admin in scopes:
        scopes = scopes | {Scope.write}
    prefix = secrets.token_hex(4)
    secret = f"{KEY_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    session.add(
        ApiKey(
            name=name,
            prefix=prefix,
            secret_hash=_hash(secret),
            scopes=" ".join(sorted(scopes)),
            created_at=datetime.now(UTC),
        )
    )
    session.flush()
    return IssuedKey(name, secret)


def list_keys(session: Session) -> list[ApiKey]:
    return list(session.exec(select(ApiKey).order_by(col(ApiKey.created_at))).all())


def revoke_key(session: Session, name: str) -> ApiKey:
    key = session.exec(select(ApiKey).where(ApiKey.name == name)).first()
    if key is None:
        raise KeyOperationError(f"no key is named {name!r}")
    if key.revoked_at is None:
        key.revoked_at = datetime.now(UTC)
        session.add(key)
        session.flush()
    return key


@dataclass(frozen=True)
class Editor:
    """Who is editing: a live key, checked without taking the writers' turn."""

    key_id: int
    name: str
    scopes: frozenset["Scope"]


def authenticate(session: Session, secret: str) -> Editor | None:
    """The live key this secret belongs to, if any. Only reads: a bad key gets its 401 at
    once, however busy the writers are."""
    parts = secret.removeprefix(KEY_PREFIX).split("_", 1)
    if not secret.startswith(KEY_PREFIX) or len(parts) != 2:
        return None
    key = session.exec(select(ApiKey).where(ApiKey.prefix == parts[0])).first()
    if key is None or key.revoked_at is not None or key.id is None:
        return None
    if not hmac.compare_digest(key.secret_hash, _hash(secret)):
        return None
    return Editor(key.id, key.name, frozenset(scopes_of(key)))


def start_writing(session: Session, editor: Editor) -> None:
    """Take the writers' turn for this unit of work (after the key was checked and the body
    read and validated, so nobody waits on an upload), and note the key's use in it."""
    begin_writing(session)
    session.exec(
        update(ApiKey).where(col(ApiKey.id) == editor.key_id).values(last_used_at=datetime.now(UTC))
    )


def scopes_of(key: ApiKey) -> set[Scope]:
    return {Scope(scope) for scope in key.scopes.split()}
