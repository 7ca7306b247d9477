"""Every setting of the service, read once from the environment (prefix ``KB_``)."""

import re
from functools import lru_cache
from pathlib import Path

from limits import parse
from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parents[2]
MIGRATIONS_DIR = PROJECT_ROOT / "migrations"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="KB_", env_file=".env", extra="ignore")

    database_url: str = Field(
        default=f"sqlite:///{PROJECT_ROOT / 'var' / 'kb.sqlite3'}",
        description="SQLAlchemy URL of the database; the default is an SQLite file under var/.",
    )
    data_dir: Path = Field(
        default=PROJECT_ROOT / "data",
        description="Folder of the default knowledge base: knowledge.toml and what it lists.",
    )
    load_default_knowledge: bool = Field(
        default=True,
        description="Load the default knowledge base when the service starts on an empty database.",
    )
    max_body_bytes: int = Field(
        default=1024 * 1024,
        gt=0,
        description="Largest request body accepted, in bytes (a whole page must fit).",
    )
    cache_control: str = Field(
        default="public, max-age=300",
        description="Cache-Control on every GET: anonymous reads may be cached and shared.",
    )
    cors_origins: list[str] = Field(
        default=["*"], description="Origins whose pages may read the API from the browser."
    )
    embed_frame_ancestors: list[str] = Field(
        default=["*"],
        description="Origins allowed to show the embeddable cards in an iframe.",
    )
    card_attribution: str = Field(
        default="Written for the Condition knowledge service from established "
        "sports-medicine knowledge.",
        max_length=500,
        description="The attribution an embedded card shows its readers (a clinic may name "
        "itself); how each page was written stays in the API's source.",
    )
    public_url: str | None = Field(
        default=None,
        description="The service's own address as others reach it, for oEmbed answers; "
        "by default the address each request came to.",
    )
    rate_limit: str | None = Field(
        default=None,
        description="Requests per client address, such as '120/minute' (off when unset). "
        "Off suits loopback and a trusted proxy that limits; set it when clients reach the "
        "service directly.",
        examples=["120/minute"],
    )
    header_timeout_seconds: float = Field(
        default=10.0,
        gt=0,
        le=300,
        description="How long a client has to send a request's headers before the connection "
        "is closed with a 408.",
    )
    version_recheck_seconds: float = Field(
        default=0.1,
        ge=0,
        description="How long a process trusts its snapshot of the knowledge's version before "
        "reading it again: another process's edit shows within this (its own at once).",
    )
    answer_cache_entries: int = Field(
        default=4096, gt=0, description="Rendered answers kept in memory, at most."
    )
    answer_cache_bytes: int = Field(
        default=64 * 1024 * 1024, gt=0, description="Bytes of rendered answers kept, at most."
    )
    remembered_phrases: int = Field(
        default=10_000,
        gt=0,
        description="Recognised phrases each copy of the vocabulary remembers, at most.",
    )
    loop_lookup_characters: int = Field(
        default=400,
        ge=0,
        le=8_000,
        description="A lookup of up to this many characters (text and list items together, "
        "at most 12 items) is answered on the event loop when what it needs is in memory, "
        "without a thread; a longer one goes to a thread so that no loop is held for long. "
        "0 sends every lookup to a thread.",
    )
    freeze_long_lived: bool = Field(
        default=True,
        description="Keep what is built once (the vocabulary, the ranking's arrays) out of the "
        "garbage collector's full collections, which otherwise pause every answer for tens of "
        "milliseconds.",
    )
    writer_wait_seconds: float = Field(
        default=30.0,
        gt=0,
        description="How long an edit waits for the writers before it, then answers 503.",
    )
    host: str = "127.0.0.1"
    port: int = Field(default=8000, gt=0, lt=65536)
    workers: int = Field(
        default=1,
        ge=1,
        le=64,
        description="Processes `serve` answers with (each with its own copy of the base in "
        "memory); about one per core.",
    )

    @field_validator("rate_limit")
    @classmethod
    def _readable_rate(cls, rate: str | None) -> str | None:
        if rate:
            try:
                parse(rate)
            except ValueError as error:
                raise ValueError(f"{rate!r} is not a rate such as '120/minute'") from error
        return rate

    @property
    def cache_max_age(self) -> int:
        """Seconds a shared cache may keep an answer, as Cache-Control says."""
        found = re.search(r"max-age=(\d+)", self.cache_control)
        return int(found.group(1)) if found else 0


@lru_cache
def get_settings() -> Settings:
    return Settings()
