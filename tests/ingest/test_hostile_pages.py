"""Pages written to hurt: every pattern the reader runs is linear in the line, and what the JSON
way in refuses a page cannot store either (each as a FILE:LINE error, nothing written)."""

import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import Session, select

from app.ingest.document import DocumentError, parse_document
from app.ingest.drafting import DocumentSource, draft_condition
from app.language.vocabulary_index import VocabularyIndex, build_vocabulary_index
from app.models import Condition
from tests.conftest import import_text

# Generous: each page below took from 10 s to minutes while a pattern backtracked; read in
# linear time each takes well under a second on a loaded machine.
LINEAR_ENOUGH_SECONDS = 5.0


@pytest.fixture
def index(loaded_session: Session) -> VocabularyIndex:
    return build_vocabulary_index(loaded_session)


def _page(symptoms: str = "1. Buttock pain", causes: str = "It is caused by overuse.") -> str:
    return f"# Test condition\n\nA summary.\n\n## Symptoms\n{symptoms}\n\n## Causes\n{causes}\n"


def _draft(text: str, index: VocabularyIndex) -> float:
    started = time.perf_counter()
    try:
        draft_condition(DocumentSource("hostile.md", text, "a test", None, None), index)
    except DocumentError:
        pass  # refusing it is fine; taking minutes to is not
    return time.perf_counter() - started


HOSTILE_PAGES = {
    "a heading with inner spaces": "# a" + " " * 20_000 + "b\n\n## Symptoms\n1. Buttock pain\n",
    "factors after 30,000 spaces": _page(causes="x are" + " " * 30_000 + "y."),
    "a run of full stops": _page(symptoms="1. Buttock pain" + "." * 20_000 + "x"),
    "a bracket then spaces": _page(
        causes="Pain here can also come from:\n1. Something (a thing)" + " " * 20_000 + "y"
    ),
    "24 KB of one symptom line": _page(symptoms="Sometimes buttock pain. " * 1_000),
    "one word said many times": _page(causes="x are " + "are " * 10_000 + "y."),
}


@pytest.mark.parametrize("text", HOSTILE_PAGES.values(), ids=HOSTILE_PAGES.keys())
def test_a_hostile_page_is_read_in_linear_time(index: VocabularyIndex, text: str) -> None:
    assert _draft(text, index) < LINEAR_ENOUGH_SECONDS


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    body=st.lists(
        st.sampled_from([*" \t.,;:()#-*1aAe", "are ", "pain ", "buttock ", "\n", "\n\n"]),
        max_size=1_000,
    ).map("".join)
)
def test_any_page_is_read_or_refused_with_a_line(index: VocabularyIndex, body: str) -> None:
    """Whatever the text, the reader answers a draft or a FILE:LINE error, never anything else."""
    for text in (body, _page(symptoms=body), _page(causes=body)):
        try:
            draft_condition(DocumentSource("fuzz.md", text, "a test", None, None), index)
        except DocumentError as error:
            assert str(error).startswith("fuzz.md:")


def test_inner_runs_of_spaces_are_read_as_one() -> None:
    parsed = parse_document(
        "spaces.md", "#   Ischial \t  bursitis  ##\n\n## Symptoms\n1. Pain   here\n"
    )
    assert parsed.title == "Ischial bursitis"


def test_more_causes_than_the_json_way_allows_is_a_line_error(index: VocabularyIndex) -> None:
    text = _page(causes="It is caused by " + ", ".join(f"thing {n}" for n in range(300)) + ".")
    with pytest.raises(DocumentError) as raised:
        draft_condition(DocumentSource("limits.md", text, "a test", None, None), index)
    assert str(raised.value).startswith("limits.md:8:")  # the Causes heading
    assert "at most 200" in str(raised.value)


def test_a_title_over_255_characters_is_refused(index: VocabularyIndex) -> None:
    text = "# " + "Long " * 60 + "\n\n## Symptoms\n1. Buttock pain\n"
    with pytest.raises(DocumentError, match="at most 255"):
        draft_condition(DocumentSource("limits.md", text, "a test", None, None), index)


def test_a_cause_that_says_nothing_is_refused(index: VocabularyIndex) -> None:
    text = _page(causes="It is caused by:\n- ...")
    with pytest.raises(DocumentError, match="says nothing"):
        draft_condition(DocumentSource("limits.md", text, "a test", None, None), index)


def test_a_refused_page_writes_nothing(loaded_session: Session) -> None:
    before = loaded_session.exec(select(Condition.slug)).all()
    with pytest.raises(DocumentError):
        import_text(loaded_session, "# " + "x" * 300 + "\n\n## Symptoms\n1. Buttock pain\n")
    loaded_session.rollback()
    assert loaded_session.exec(select(Condition.slug)).all() == before


def test_two_aliases_with_one_slug_are_a_line_error(index: VocabularyIndex) -> None:
    text = '+++\naliases = ["Foo bar", "foo-bar"]\n+++\n' + _page()
    with pytest.raises(DocumentError, match="the same as 'Foo bar'") as raised:
        draft_condition(DocumentSource("aliases.md", text, "a test", None, None), index)
    assert str(raised.value).startswith("aliases.md:1:")


def test_a_form_feed_is_a_control_character_on_its_own_line(index: VocabularyIndex) -> None:
    text = "# Test condition\n\nA summary.\n\n## Symptoms\n1. Buttock\x0cpain\n"
    with pytest.raises(DocumentError, match="control characters") as raised:
        draft_condition(DocumentSource("feed.md", text, "a test", None, None), index)
    assert str(raised.value).startswith("feed.md:6:")
