"""API keys for the editing API: created and revoked from the command line, kept hashed."""

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

from sqlmodel import Session, col, select

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


def authenticate(session: Session, secret: str) -> ApiKey | None:
    """The live key this secret belongs to, if any."""
    parts = secret.removeprefix(KEY_PREFIX).split("_", 1)
    if not secret.startswith(KEY_PREFIX) or len(parts) != 2:
        return None
    key = session.exec(select(ApiKey).where(ApiKey.prefix == parts[0])).first()
    if key is None or key.revoked_at is not None:
        return None
    if not hmac.compare_digest(key.secret_hash, _hash(secret)):
        return None
    key.last_used_at = datetime.now(UTC)
    session.add(key)
    return key


def scopes_of(key: ApiKey) -> set[Scope]:
    return {Scope(scope) for scope in key.scopes.split()}
