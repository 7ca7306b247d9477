"""The migrations build exactly the schema the models describe."""

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, inspect

from app.core.db import alembic_config, create_db_engine, upgrade_to_head
from app.models import metadata

SEARCH_INDEX = "condition_search"


def _differences(engine: Engine) -> list[object]:
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection,
            opts={
                "compare_type": True,
                "include_name": lambda name, type_, _parents: (
                    not (type_ == "table" and name.startswith(SEARCH_INDEX))
                ),
            },
        )
        return list(compare_metadata(context, metadata))


def test_migrations_match_the_models(engine: Engine) -> None:
    assert _differences(engine) == []


def test_every_table_and_the_search_index_exist(engine: Engine) -> None:
    tables = set(inspect(engine).get_table_names())
    assert set(metadata.tables) <= tables
    assert SEARCH_INDEX in tables


def test_downgrade_then_upgrade_again() -> None:
    engine = create_db_engine("sqlite://")
    upgrade_to_head(engine)
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "base")
    assert set(inspect(engine).get_table_names()) == {"alembic_version"}
    upgrade_to_head(engine)
    assert _differences(engine) == []
    engine.dispose()
