"""Words as the recogniser reads them: stems shared safely, and unknown words remembered
within a bound."""

import threading

from app.language.matcher import CORRECTIONS_REMEMBERED, SymptomMatcher, make_term
from app.language.text import stem_word


def test_threads_stemming_at_once_each_get_their_own_stems() -> None:
    words = [
        f"{stem}{ending}" for stem in ("run", "kick", "stretch") for ending in "s ing ed".split()
    ]
    words += [f"zq{number}ings" for number in range(2_000)]  # not cached: stemmed afresh
    expected = {word: stem_word.__wrapped__(word) for word in words}
    failures: list[str] = []

    def stem_all() -> None:
        for word in words:
            try:
                if stem_word.__wrapped__(word) != expected[word]:
                    failures.append(word)
            except Exception as error:  # the shared stemmer raised IndexError now and then
                failures.append(repr(error))

    threads = [threading.Thread(target=stem_all) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []


def test_unknown_words_are_remembered_within_a_bound() -> None:
    term = make_term("knee-pain", "knee pain")
    assert term is not None
    matcher = SymptomMatcher([term])
    for number in range(CORRECTIONS_REMEMBERED + 500):
        matcher.find(f"my kneez{number}x hurts")
    assert matcher._correct.cache_info().currsize <= CORRECTIONS_REMEMBERED
