"""Alembic environment: the models' metadata, and the connection the service hands over."""

from alembic import context
from sqlalchemy import Connection

import app.models  # noqa: F401  (registers every table on the metadata)
from app.core.config import get_settings
from app.core.db import create_db_engine
from app.models import metadata

# FTS5 keeps its index in shadow tables the models know nothing about.
SEARCH_INDEX_PREFIX = "condition_search"


def include_name(name: str | None, type_: str, _parent_names: object) -> bool:
    return not (type_ == "table" and name is not None and name.startswith(SEARCH_INDEX_PREFIX))


def run_with(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=True,
        include_name=include_name,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = context.config.attributes.get("connection")
    if connection is not None:
        run_with(connection)
        return
    engine = create_db_engine(get_settings().database_url)
    with engine.begin() as own_connection:
        run_with(own_connection)


if context.is_offline_mode():
    raise SystemExit("Offline migrations are not supported: run them against a database.")
run_migrations_online()
