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


def _one_condition_at(revision: str, *rows: str) -> Engine:
    """A database at an earlier revision holding one page's condition, and these rows."""
    engine = create_db_engine("sqlite://")
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
        connection.exec_driver_sql(
            "INSERT INTO document (id, kind, name, sha256, provenance, imported_at, text)"
            " VALUES (1, 'condition', 'a.md', 'x', 'test', '2026-01-01', 'text')"
        )
        connection.exec_driver_sql(
            "INSERT INTO condition (id, slug, name, document_id, version, updated_at)"
            " VALUES (1, 'a', 'A', 1, 1, '2026-01-01')"
        )
        for row in rows:
            connection.exec_driver_sql(row)
    return engine


def test_upgrading_a_populated_database_keeps_its_rows() -> None:
    engine = _one_condition_at(
        "0001",
        "INSERT INTO symptom (id, slug, name, document_id) VALUES (1, 's', 'S', 1)",
        "INSERT INTO condition_symptom (condition_id, symptom_id, frequency, text, position,"
        " document_id) VALUES (1, 1, 'common', 's', 0, 1)",
    )
    upgrade_to_head(engine)
    with engine.connect() as connection:
        assert connection.exec_driver_sql("SELECT count(*) FROM condition_symptom").scalar() == 1
        row = connection.exec_driver_sql(
            "SELECT prior_weight, care_level, cant_miss FROM condition"
        ).one()
        assert tuple(row) == (1.0, "self_care", 0)
    engine.dispose()


def test_codes_written_before_descriptions_were_kept_get_theirs() -> None:
    engine = _one_condition_at(
        "0010",
        "INSERT INTO condition_code (condition_id, system, code, position)"
        " VALUES (1, 'ICD-10-CM', 'S76.311A', 0)",
    )
    upgrade_to_head(engine)
    with engine.connect() as connection:
        display = connection.exec_driver_sql("SELECT display FROM condition_code").scalar()
    assert str(display).startswith("Strain of muscle, fascia and tendon of the posterior")
    engine.dispose()
