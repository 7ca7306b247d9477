"""The facts the reader pulls out of prose, as plain functions."""

from app.ingest.extract import recovery_days, split_list
from app.ingest.hierarchy import on_a_cycle


def test_recovery_days_from_weeks_and_months() -> None:
    assert recovery_days("Most people recover in 4 to 12 weeks.") == (28, 84)


def test_a_list_in_a_sentence_splits_on_commas_and_and() -> None:
    assert split_list("tight muscles, spinal problems and nerve problems") == [
        "tight muscles",
        "spinal problems",
        "nerve problems",
    ]


def test_a_hierarchy_with_a_cycle_is_found() -> None:
    assert on_a_cycle({"a": ["b"], "b": ["c"], "c": []}) is None
    assert on_a_cycle({"a": ["b"], "b": ["a"]}) in {"a", "b"}
