"""What a page says is kept as it says it: its codes (checked against the code list), where a
line places a symptom, recovery times without numbers, and a page with no name."""

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session
from typer.testing import CliRunner

from app.cli import cli
from app.ingest.document import DocumentError
from app.services.conditions import get_condition
from tests.conftest import import_text

PAGE = """+++
codes = ["m76.5"]
regions = ["front-knee"]
+++
# Made-up knee pain

## Symptoms
1. Swelling around the thumb after a fall
"""


def test_codes_are_checked_normalised_and_shown(session: Session) -> None:
    condition = get_condition(session, import_text(session, PAGE, file_name="knee.md").slug)
    assert [(c.system, c.code, c.display) for c in condition.codes] == [
        ("ICD-10-CM", "M76.5", "Patellar tendinitis")
    ]


@pytest.mark.parametrize("code", ["M99.999", "knee", "Z"])
def test_a_wrong_code_is_refused_at_its_line(session: Session, code: str) -> None:
    with pytest.raises(DocumentError) as raised:
        import_text(session, PAGE.replace("m76.5", code), file_name="knee.md")
    assert str(raised.value).startswith("knee.md:1: front matter codes:")


def test_candidates_show_the_codes(client: TestClient) -> None:
    answer = client.post("/v1/lookup", json={"text": "my bum hurts when I sit on hard chairs"})
    codes = {c["condition"]["slug"]: c["condition"]["codes"] for c in answer.json()["candidates"]}
    assert codes["ischial-bursitis"] == [
        {"system": "ICD-10-CM", "code": "M70.7", "display": "Other bursitis of hip"}
    ]


def test_a_line_placing_a_known_symptom_elsewhere_keeps_the_place(session: Session) -> None:
    condition = get_condition(session, import_text(session, PAGE, file_name="knee.md").slug)
    names = [symptom.name for symptom in condition.symptoms]
    # Swelling is known; that it is around the thumb is kept as well.
    assert "Swelling" in names
    assert "Swelling around the thumb after a fall" in names


SHOULDER_PAGE = """+++
regions = ["shoulder"]
+++
# Made-up shoulder pain

## Symptoms
1. Sometimes a click or catch at the front of the shoulder
1. Sometimes the thumb gives way when pushed sideways
1. Bending the elbow against resistance hurts
"""


def test_a_line_about_one_limb_takes_no_symptom_of_another(session: Session) -> None:
    """The vocabulary's words for a knee that locks ("it catches") or gives way read in lines
    about a shoulder and a thumb; the line names the arm, so they are not the knee's."""
    condition = get_condition(
        session, import_text(session, SHOULDER_PAGE, file_name="shoulder.md").slug
    )
    slugs = {symptom.slug for symptom in condition.symptoms}
    assert not {"knee-locking", "knee-giving-way"} & slugs
    names = [symptom.name for symptom in condition.symptoms]
    # What the lines say is kept: as a symptom of the page's own, or as the arm's.
    assert "Sometimes a click or catch at the front of the shoulder" in names
    assert "Thumb feels loose or weak when pinching" in names


def test_a_recovery_time_without_numbers_keeps_both_ends(session: Session) -> None:
    page = PAGE + (
        "\n## Average recovery time\nIt could settle within a week, or persist for many months.\n"
    )
    condition = get_condition(session, import_text(session, page, file_name="knee.md").slug)
    assert condition.recovery is not None
    assert (condition.recovery.min_days, condition.recovery.max_days) == (7, 180)


def test_a_page_with_no_title_and_a_file_name_that_is_no_name_is_refused(
    session: Session,
) -> None:
    untitled = "Symptoms\n1. buttock pain\n"
    with pytest.raises(DocumentError) as raised:
        import_text(session, untitled, file_name="000_5dc7a1ffa5b5f06b.txt")
    assert "000_5dc7a1ffa5b5f06b.txt:1: the page has no title line" in str(raised.value)


def test_a_dry_run_says_what_it_kept_and_that_nothing_was_written(
    database: str, tmp_path: pytest.TempPathFactory
) -> None:
    page = tmp_path / "patello-femoral-ache.md"  # type: ignore[operator]
    page.write_text(PAGE.split("+++\n", 2)[2].replace("# Made-up knee pain\n", ""))
    result = CliRunner().invoke(cli, ["import", "--dry-run", str(page)])
    assert result.exit_code == 0, result.output
    assert "would be created patello-femoral-ache" in result.output
    assert "named 'Patello femoral ache' after its file name" in result.output
    assert "kept as a symptom of its own" in result.output
    assert "dry run: nothing was written" in result.output
