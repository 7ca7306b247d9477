"""Recognising people's own words, as plain functions over a small vocabulary made here."""

from app.language.matcher import SymptomMatcher, make_term
from app.language.mentions import find_mentions
from app.language.recognition import recognize, suggest_phrases
from app.language.text import normalize_phrase, tokenize
from app.language.vocabulary_index import KnownSymptom, Phrase, VocabularyIndex

PHRASES = [
    Phrase("buttock-pain", "buttock pain"),
    Phrase("buttock-pain", "pain in my bum"),
    Phrase("pain-when-sitting", "pain when sitting"),
    Phrase("lower-back-pain", "lower back pain"),
    Phrase("numbness", "numbness"),
]
REGION_WORDS = [Phrase("lower-back-pain", "my back")]


def _matcher(phrases: list[Phrase]) -> SymptomMatcher:
    terms = (make_term(phrase.symptom_slug, phrase.text) for phrase in phrases)
    return SymptomMatcher(term for term in terms if term is not None)


def _index() -> VocabularyIndex:
    slugs = {phrase.symptom_slug for phrase in PHRASES}
    return VocabularyIndex(
        matcher=_matcher(PHRASES),
        symptoms={
            slug: KnownSymptom(slug, slug.replace("-", " ").capitalize(), None) for slug in slugs
        },
        phrases=PHRASES,
        region_matcher=_matcher(REGION_WORDS),
        vocabulary_slugs=frozenset(slugs),
        implications={},
    )


class TestText:
    def test_words_are_stemmed_and_filler_dropped(self) -> None:
        assert normalize_phrase("Pains when Sitting") == normalize_phrase("pain when sit")
        assert [token.stem for token in tokenize("the pain")] == [tokenize("pain")[0].stem]


class TestMentions:
    def test_any_word_order_and_a_typo(self) -> None:
        found = {
            m.symptom_slug
            for m in find_mentions(_index(), "my bum, the pain in it, and sitting hurts")
        }
        assert "buttock-pain" in found
        assert "buttock-pain" in {m.symptom_slug for m in find_mentions(_index(), "buttok pian")}

    def test_a_denial_and_a_body_part_that_is_fine(self) -> None:
        mentions = find_mentions(_index(), "pain in my bum but no numbness, and my back is fine")
        present = {m.symptom_slug: m.present for m in mentions}
        assert present == {"buttock-pain": True, "numbness": False, "lower-back-pain": False}

    def test_offsets_point_at_the_words(self) -> None:
        text = "since Sunday, pain when sitting"
        [mention] = find_mentions(_index(), text)
        assert text[mention.start : mention.end] == mention.text == "pain when sitting"


class TestRecognize:
    def test_a_slug_a_phrase_and_nothing(self) -> None:
        index = _index()
        assert recognize(index, "numbness", remember=10).symptoms == [("numbness", True)]
        assert recognize(index, "no pain when sitting", remember=10).symptoms == [
            ("pain-when-sitting", False)
        ]
        assert recognize(index, "qqqq", remember=10).symptoms == []

    def test_what_it_remembers_is_bounded(self) -> None:
        index = _index()
        for number in range(25):
            recognize(index, f"unknown words {number}", remember=10)
        assert len(index.recognitions) <= 10

    def test_suggestions_start_with_what_was_typed(self) -> None:
        assert suggest_phrases(_index(), "lower", limit=5) == [
            ("lower-back-pain", "lower back pain")
        ]
