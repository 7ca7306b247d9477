"""What every write records: when, and a digest of the text it came from."""

import hashlib
from datetime import UTC, datetime


def utcnow() -> datetime:
    return datetime.now(UTC)


def sha256_hex(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()
