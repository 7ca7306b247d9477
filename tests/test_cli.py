"""python -m app import: one summary line per page, a non-zero exit on any error."""

from pathlib import Path

from sqlmodel import Session, select
from typer.testing import CliRunner

from app.cli import cli
from app.core.db import create_db_engine
from app.models import Condition
from app.services.keys import authenticate

PAGE = "# Ischial bursitis\nSymptoms\n1. pain when sitting\nSelf help\n1. Use a cushion\n"


def _slugs(url: str) -> list[str]:
    engine = create_db_engine(url)
    with Session(engine) as session:
        slugs = list(session.exec(select(Condition.slug)).all())
    engine.dispose()
    return slugs


def test_import_prints_a_summary_per_page(tmp_path: Path, database: str) -> None:
    page = tmp_path / "ischial-bursitis.md"
    page.write_text(PAGE)
    arguments = ["import", str(page), "--reviewed", "2026-11-01"]
    result = CliRunner().invoke(cli, arguments)
    assert result.exit_code == 0, result.output
    assert "ischial-bursitis.md: created ischial-bursitis (1 symptoms" in result.output
    again = CliRunner().invoke(cli, arguments)
    assert "ischial-bursitis.md: unchanged" in again.output
    # A new review date is a change of provenance, so the page is written again.
    reviewed = CliRunner().invoke(cli, ["import", str(page), "--reviewed", "2026-11-20"])
    assert "ischial-bursitis.md: updated" in reviewed.output
    assert _slugs(database) == ["ischial-bursitis"]


def test_a_bad_page_fails_with_file_and_line_and_writes_nothing(
    tmp_path: Path, database: str
) -> None:
    good = tmp_path / "good.md"
    good.write_text(PAGE)
    bad = tmp_path / "bad.md"
    bad.write_text("# Bad\nSymptoms\n1. pain\n## Aetiology\nwho knows\n")
    result = CliRunner().invoke(cli, ["import", str(good), str(bad)])
    assert result.exit_code == 1
    assert "bad.md:4: unknown heading 'Aetiology'" in result.output
    assert _slugs(database) == []


def test_missing_file_and_misused_options(tmp_path: Path, database: str) -> None:
    missing = CliRunner().invoke(cli, ["import", str(tmp_path / "nope.md")])
    assert missing.exit_code == 1
    assert "No such file" in missing.output
    two_names = CliRunner().invoke(cli, ["import", "a.md", "b.md", "--name", "X"])
    assert two_names.exit_code != 0
    bad_date = CliRunner().invoke(cli, ["import", "a.md", "--reviewed", "yesterday"])
    assert bad_date.exit_code != 0


def test_keys_are_created_listed_and_revoked(database: str) -> None:
    created = CliRunner().invoke(cli, ["keys", "create", "clinic-cms", "--scope", "admin"])
    assert created.exit_code == 0, created.output
    secret = created.stdout.strip().splitlines()[0]
    assert secret.startswith("kb_")
    listed = CliRunner().invoke(cli, ["keys", "list"])
    assert "clinic-cms" in listed.output and "admin write" in listed.output
    assert secret not in listed.output
    twice = CliRunner().invoke(cli, ["keys", "create", "clinic-cms"])
    assert twice.exit_code == 1
    revoked = CliRunner().invoke(cli, ["keys", "revoke", "clinic-cms"])
    assert revoked.exit_code == 0
    engine = create_db_engine(database)
    with Session(engine) as session:
        assert authenticate(session, secret) is None
    engine.dispose()
    unknown = CliRunner().invoke(cli, ["keys", "revoke", "nobody"])
    assert unknown.exit_code == 1
