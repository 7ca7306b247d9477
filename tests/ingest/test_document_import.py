"""The importer on pages in the user's format: every fact kept, every fault refused."""

import pytest
from sqlalchemy import func
from sqlmodel import Session, col, select

from app.ingest.document import DocumentError, decode_document
from app.ingest.drafting import DocumentSource
from app.ingest.extract import recovery_days
from app.models import Condition, Document, Symptom
from app.services.conditions import get_condition
from app.store.conditions import ImportStatus, import_condition_documents
from tests.conftest import DATA_DIR, SEED_PAGE, import_text

OWN_PAGE = DATA_DIR / "conditions" / "hamstring-origin-problem.md"

SEED_SYMPTOMS = {
    "buttock-pain": "common",
    "upper-hamstring-pain": "common",
    # The upper hamstring is in the back of the thigh, so the line names that pain too.
    "back-of-thigh-pain": "common",
    "pain-when-running": "common",
    "pain-when-running-fast": "common",
    "pain-when-sitting": "common",
    "pain-sitting-on-hard-surfaces": "common",
    "pain-when-driving": "common",
    "pain-on-hamstring-stretch": "common",
    "pain-on-resisted-hamstring-use": "common",
    "ache-spreading-into-hamstring": "sometimes",
    "shooting-pain-into-hamstring": "rare",
}
SEED_DIFFERENTIAL_NAMES = [
    "Piriformis syndrome",
    "Ischial bursitis",
    "Tendinosis",
    "Avulsion of the ischial tuberosity",
]

SMALL_PAGE = """Ischial bursitis
Inflammation of the bursa over the sitting bone.
Symptoms
1. Pain when sitting on hard surfaces
1. sometimes swelling over the sitting bone
Causes
It is usually caused by prolonged sitting or a fall onto the buttock.
Self help
1. Use a cushion
Treatment
Rest and ice.
Recovery time
Usually 2 to 6 weeks.
Prevention
1. Avoid long periods of sitting on hard chairs
"""


class TestOwnHamstringPage:
    """The default knowledge base's page, written in the project's words from the seed."""

    def test_every_fact_is_imported(self, session: Session) -> None:
        outcome = import_text(session, OWN_PAGE.read_text(), file_name=OWN_PAGE.name)
        condition = get_condition(session, outcome.slug)

        assert condition.name == "Hamstring origin problem"
        assert condition.summary is not None and "sitting bone" in condition.summary
        assert {s.slug: s.frequency.value for s in condition.symptoms} == SEED_SYMPTOMS
        assert [(c.kind.value, c.text) for c in condition.causes] == [
            ("cause", "Over-training by accident"),
            ("cause", "Bringing in racing or hard training sessions"),
            ("cause", "Running on slippery surfaces"),
            ("contributing_factor", "Problems in the spine"),
            ("contributing_factor", "Tight muscles (the buttock and hamstring above all)"),
            ("contributing_factor", "Nerve problems"),
        ]
        names = [d.name for d in condition.differentials]
        assert len(names) == 6
        assert all(name in names for name in SEED_DIFFERENTIAL_NAMES)
        assert "adolescents" in condition.differentials[5].note
        assert len(condition.self_help) == 6
        assert condition.self_help[0].text == "Stay away from faster running and slippery surfaces"
        assert len(condition.treatment) == 1
        assert "biomechanical analysis" in condition.treatment[0].text
        assert condition.recovery is not None
        # "Could settle within a week" to "can persist for many months": both ends kept.
        assert (condition.recovery.min_days, condition.recovery.max_days) == (7, 180)
        assert "many months" in condition.recovery.text
        assert [p.text for p in condition.prevention][0] == "Do not over-train"
        assert len(condition.prevention) == 4
        assert condition.source.document == OWN_PAGE.name

    def test_each_symptom_keeps_the_page_wording(self, session: Session) -> None:
        outcome = import_text(session, OWN_PAGE.read_text(), file_name=OWN_PAGE.name)
        symptoms = {s.slug: s for s in get_condition(session, outcome.slug).symptoms}
        assert symptoms["pain-when-driving"].text.startswith("Running hurts, especially")
        assert symptoms["shooting-pain-into-hamstring"].text.startswith("Sometimes an ache")

    def test_importing_twice_changes_nothing(self, session: Session) -> None:
        first = import_text(session, OWN_PAGE.read_text(), file_name=OWN_PAGE.name)
        before = get_condition(session, first.slug)
        documents = session.exec(select(func.count(col(Document.id)))).one()

        again = import_text(session, OWN_PAGE.read_text(), file_name=OWN_PAGE.name)

        assert again.status is ImportStatus.unchanged
        assert get_condition(session, first.slug) == before
        assert session.exec(select(func.count(col(Document.id)))).one() == documents

    def test_a_changed_page_replaces_the_old_content(self, session: Session) -> None:
        import_text(session, SMALL_PAGE)
        changed = SMALL_PAGE.replace("1. Use a cushion", "1. Use a soft cushion\n1. Keep moving")
        outcome = import_text(session, changed)

        condition = get_condition(session, outcome.slug)
        assert outcome.status is ImportStatus.updated
        assert [a.text for a in condition.self_help] == ["Use a soft cushion", "Keep moving"]
        assert condition.version == 2


@pytest.mark.skipif(not SEED_PAGE.exists(), reason="the shared seed page is not beside the repo")
def test_the_users_seed_page_imports_every_fact(session: Session) -> None:
    outcome = import_text(
        session, SEED_PAGE.read_text(), file_name=SEED_PAGE.name, name="Hamstring origin problem"
    )
    condition = get_condition(session, outcome.slug)
    assert condition.slug == "hamstring-origin-problem"
    assert {s.slug: s.frequency.value for s in condition.symptoms} == SEED_SYMPTOMS
    kinds = [c.kind.value for c in condition.causes]
    assert kinds.count("cause") == 3 and kinds.count("contributing_factor") == 3
    assert [d.name for d in condition.differentials][1:4] == SEED_DIFFERENTIAL_NAMES[:3]
    assert condition.differentials[5].name == "Avulsion of the ischial tuberosity"
    assert len(condition.self_help) == 6
    assert len(condition.treatment) == 1
    assert len(condition.prevention) == 4
    assert condition.recovery is not None
    assert (condition.recovery.min_days, condition.recovery.max_days) == (7, 180)


class TestFormatVariants:
    def test_plain_title_line_and_summary(self, session: Session) -> None:
        condition = get_condition(session, import_text(session, SMALL_PAGE).slug)
        assert condition.name == "Ischial bursitis"
        assert condition.summary == "Inflammation of the bursa over the sitting bone."
        assert condition.recovery is not None
        assert (condition.recovery.min_days, condition.recovery.max_days) == (14, 42)
        frequencies = {s.slug: s.frequency.value for s in condition.symptoms}
        # Swelling is known; where it is (the sitting bone) is kept too, as the line says it.
        assert frequencies == {
            "pain-sitting-on-hard-surfaces": "common",
            "pain-when-sitting": "common",
            "swelling": "sometimes",
            "sometimes-swelling-over-the-sitting-bone": "sometimes",
        }
        assert [c.text for c in condition.causes] == [
            "Prolonged sitting or a fall onto the buttock"
        ]

    def test_markdown_headings_dash_bullets_crlf_and_upper_case(self, session: Session) -> None:
        page = (
            SMALL_PAGE.replace("Ischial bursitis\n", "# Ischial bursitis\n")
            .replace("Symptoms\n", "## SYMPTOMS\n")
            .replace("Self help\n", "## Self-help:\n")
            .replace("1. ", "- ")
            .replace("\n", "\r\n")
        )
        plain = get_condition(session, import_text(session, SMALL_PAGE, file_name="a.md").slug)
        condition = get_condition(session, import_text(session, page, file_name="b.md").slug)
        assert condition.name == "Ischial bursitis"
        assert condition.symptoms == plain.symptoms
        assert condition.causes == plain.causes
        assert [a.text for a in condition.self_help] == ["Use a cushion"]

    @pytest.mark.parametrize("bullet", ["*", "•", "2."])
    def test_other_bullets(self, session: Session, bullet: str) -> None:
        condition = get_condition(
            session, import_text(session, SMALL_PAGE.replace("1. ", f"{bullet} ")).slug
        )
        assert [a.text for a in condition.prevention] == [
            "Avoid long periods of sitting on hard chairs"
        ]

    def test_title_from_name_option_then_file_name(self, session: Session) -> None:
        untitled = SMALL_PAGE.split("\n", 2)[2]
        named = import_text(session, untitled, name="Bursitis of the ischium")
        from_file = import_text(session, untitled, file_name="ischial-bursitis.md")
        assert named.name == "Bursitis of the ischium"
        assert from_file.name == "Ischial bursitis"

    def test_a_line_the_vocabulary_does_not_know_is_kept_as_its_own_symptom(
        self, session: Session
    ) -> None:
        page = SMALL_PAGE.replace(
            "1. Pain when", "1. A fizzing feeling deep in the elbow\n1. Pain when"
        )
        condition = get_condition(session, import_text(session, page).slug)
        unknown = [s for s in condition.symptoms if s.slug == "a-fizzing-feeling-deep-in-the-elbow"]
        assert unknown and unknown[0].name == "A fizzing feeling deep in the elbow"

    def test_differentials_link_to_conditions_in_the_base(self, session: Session) -> None:
        outcome = import_text(session, OWN_PAGE.read_text(), file_name=OWN_PAGE.name)
        import_text(session, SMALL_PAGE)
        linked = {d.name: d.slug for d in get_condition(session, outcome.slug).differentials}
        assert linked["Ischial bursitis"] == "ischial-bursitis"
        assert linked["Tendinosis"] is None


def _refused(session: Session, text: str, file_name: str = "bad.md") -> DocumentError:
    with pytest.raises(DocumentError) as caught:
        import_text(session, text, file_name=file_name)
    return caught.value


class TestRefusedDocuments:
    def test_unknown_markdown_heading(self, session: Session) -> None:
        error = _refused(session, SMALL_PAGE.replace("Treatment\n", "## Diagnosis\n"))
        assert (error.file_name, error.line) == ("bad.md", 10)
        assert "unknown heading 'Diagnosis'" in str(error)

    def test_no_recognised_section(self, session: Session) -> None:
        error = _refused(session, "Just a title\nand a paragraph\n")
        assert error.line == 1
        assert "no recognised section" in error.message

    def test_empty_section(self, session: Session) -> None:
        error = _refused(session, SMALL_PAGE.replace("Rest and ice.\n", ""))
        assert error.line == 10
        assert "empty" in error.message

    def test_list_item_before_any_heading(self, session: Session) -> None:
        error = _refused(session, "1. an item\nSymptoms\n1. pain\n")
        assert error.line == 1

    def test_section_twice(self, session: Session) -> None:
        error = _refused(session, SMALL_PAGE + "Symptoms\n1. more pain\n")
        assert error.line == 16
        assert "first at line 3" in error.message

    def test_binary_junk(self, session: Session) -> None:
        error = _refused(session, SMALL_PAGE.replace("Rest and ice.", "Rest\x00\x01 and ice."))
        assert error.line == 11

    def test_not_utf8_and_too_large(self) -> None:
        with pytest.raises(DocumentError) as not_text:
            decode_document("latin.md", "Symptoms\n1. caf\xe9\n".encode("latin-1"))
        assert not_text.value.line == 2
        with pytest.raises(DocumentError) as too_large:
            decode_document("huge.md", b"a" * (10 * 1024 * 1024))
        assert "limit" in too_large.value.message

    def test_one_bad_document_writes_nothing(self, session: Session) -> None:
        sources = [
            DocumentSource("good.md", SMALL_PAGE, provenance="test"),
            DocumentSource("bad.md", "Title\n## Nonsense\n", provenance="test"),
        ]
        with pytest.raises(DocumentError):
            import_condition_documents(session, sources)
        session.rollback()
        assert session.exec(select(Condition)).first() is None
        assert session.exec(select(Document).where(Document.name == "good.md")).first() is None
        assert (
            session.exec(select(Symptom).where(col(Symptom.slug) == "swelling")).first() is not None
        )
        assert session.exec(select(Document).where(Document.name == "bad.md")).first() is None


class TestFaithfulReading:
    """Pages written the way people write: wrapped lines, intro lines, denials, odd lines."""

    def test_a_wrapped_paragraph_stays_one_paragraph(self, session: Session) -> None:
        page = (
            "# Ischial bursitis\nInflammation of the bursa over the\nsitting bone.\n"
            "Causes\nIt is usually caused by prolonged sitting, a fall\n"
            "or a direct blow. Tight muscles and weak glutes\ncan be contributing factors.\n"
        )
        condition = get_condition(session, import_text(session, page).slug)
        assert condition.summary == "Inflammation of the bursa over the sitting bone."
        assert [(c.kind.value, c.text) for c in condition.causes] == [
            ("cause", "Prolonged sitting"),
            ("cause", "A fall"),
            ("cause", "A direct blow"),
            ("contributing_factor", "Tight muscles and weak glutes"),
        ]

    def test_an_intro_line_sets_the_frequency_and_is_not_a_symptom(self, session: Session) -> None:
        page = "# X\nSymptoms\n1. buttock pain\nLess commonly:\n1. swelling\n1. bruising\n"
        condition = get_condition(session, import_text(session, page).slug)
        assert {s.slug: s.frequency.value for s in condition.symptoms} == {
            "buttock-pain": "common",
            "swelling": "rare",
            "bruising": "rare",
        }

    def test_a_denied_symptom_is_stored_as_absent(self, session: Session) -> None:
        page = "# X\nSymptoms\n1. buttock pain\n1. There is usually no swelling\n"
        condition = get_condition(session, import_text(session, page).slug)
        assert {s.slug: s.frequency.value for s in condition.symptoms} == {
            "buttock-pain": "common",
            "swelling": "absent",
        }

    def test_any_other_intro_in_causes_opens_the_look_alikes(self, session: Session) -> None:
        page = "# X\nCauses\nOveruse.\nOther problems to rule out:\n1. a stress fracture\n"
        condition = get_condition(session, import_text(session, page).slug)
        assert [c.text for c in condition.causes] == ["Overuse"]
        assert [d.name for d in condition.differentials] == ["A stress fracture"]

    def test_every_wording_of_a_symptom_is_kept(self, session: Session) -> None:
        page = "# X\nSymptoms\n1. buttock pain when running\n1. sometimes a sore bum at rest\n"
        condition = get_condition(session, import_text(session, page).slug)
        [buttock] = [s for s in condition.symptoms if s.slug == "buttock-pain"]
        assert buttock.text == "buttock pain when running\nsometimes a sore bum at rest"

    def test_unknown_lines_never_merge_or_vanish(self, session: Session) -> None:
        prefix = "a very particular feeling that the vocabulary has no word for at all, "
        page = f"# X\nSymptoms\n1. {prefix}in the morning\n1. {prefix}in the evening\n1. 😀😀\n"
        symptoms = get_condition(session, import_text(session, page).slug).symptoms
        assert len(symptoms) == 3
        assert len({s.slug for s in symptoms}) == 3
        assert all(s.slug for s in symptoms)

    def test_a_page_symptom_is_not_vocabulary_for_the_next_page(self, session: Session) -> None:
        first = import_text(session, OWN_PAGE.read_text(), file_name=OWN_PAGE.name)
        import_text(session, "# Sprain\nSymptoms\n1. Pain\n1. Swelling\n", file_name="s.md")
        again = import_text(session, OWN_PAGE.read_text(), file_name=OWN_PAGE.name)
        assert again.status is ImportStatus.unchanged
        assert again.symptoms == first.symptoms

    def test_a_name_without_letters_is_refused(self, session: Session) -> None:
        error = _refused(session, "# !!!\nSymptoms\n1. pain\n")
        assert error.line == 1
        assert "slug" in error.message

    def test_absurd_recovery_numbers_are_left_to_the_text(self, session: Session) -> None:
        page = "# X\nSymptoms\n1. pain\nRecovery time\n99999999999999999999 years\n"
        condition = get_condition(session, import_text(session, page).slug)
        assert condition.recovery is not None
        assert (condition.recovery.min_days, condition.recovery.max_days) == (None, None)


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("Usually 2 to 6 weeks.", (14, 42)),
        ("Mild cases settle within a week; chronic ones take many months.", (7, 180)),
        ("Between 3 and 6 months", (90, 180)),
        ("a week or two", (7, 14)),
        ("within 48 hours", (None, 2)),
        ("at least 6 weeks", (42, None)),
        ("six weeks to three months", (42, 90)),
        ("It varies.", (None, None)),
    ],
)
def test_recovery_days(text: str, days: tuple[int | None, int | None]) -> None:
    assert recovery_days(text) == days
