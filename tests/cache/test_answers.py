"""The rendered-answer cache: bounded in bytes, and one rendering per question at a time."""

import threading
import time

import pytest

from app.cache.answers import RenderedAnswers


def test_the_least_recently_used_go_first_when_the_bytes_run_out() -> None:
    answers = RenderedAnswers(max_entries=100, max_bytes=250)
    for key in ("a", "b", "c"):
        answers.get_or_render(key, lambda: b"x" * 100)
    # Three answers of 100 bytes do not fit in 250: the oldest went.
    assert answers.peek("a") is None
    assert answers.peek("b") is not None  # and now "b" is the most recently used
    answers.get_or_render("d", lambda: b"x" * 100)
    assert answers.peek("c") is None
    assert answers.peek("b") is not None and answers.peek("d") is not None


def test_a_burst_of_one_question_renders_it_once() -> None:
    answers = RenderedAnswers(max_entries=100, max_bytes=10_000)
    renders: list[int] = []

    def render() -> bytes:
        renders.append(1)
        time.sleep(0.05)
        return b"answer"

    results: list[bytes] = []
    threads = [
        threading.Thread(target=lambda: results.append(answers.get_or_render("q", render)))
        for _ in range(8)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [b"answer"] * 8
    assert len(renders) == 1


def test_a_failed_rendering_is_not_kept() -> None:
    answers = RenderedAnswers(max_entries=100, max_bytes=10_000)

    def fail() -> bytes:
        raise RuntimeError("the database went away")

    with pytest.raises(RuntimeError):
        answers.get_or_render("q", fail)
    assert answers.get_or_render("q", lambda: b"second try") == b"second try"
