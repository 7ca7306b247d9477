"""Recognising people's own words as symptoms, and the phrases that start with what was typed
(autocomplete). Plain functions over the vocabulary index: they answer slugs, never API shapes."""

import bisect
from dataclasses import dataclass

from rapidfuzz import fuzz, process, utils

from app.language.mentions import find_mentions
from app.language.text import SOURCE_ID, normalize_phrase
from app.language.vocabulary_index import Phrase, VocabularyIndex

# A phrase this close to a known one, letter by letter, is that symptom with a typo.
TYPO_SCORE = 85
SUGGESTION_SCORE = 60
SUGGESTIONS = 3


@dataclass(frozen=True)
class Recognition:
    input: str
    symptoms: list[tuple[str, bool]]  # slugs, each with whether the phrase says it is present
    suggestions: list[str]  # slugs of near spellings, when nothing was recognised


def suggest_phrases(index: VocabularyIndex, q: str, *, limit: int) -> list[tuple[str, str]]:
    """Symptoms (slug, the phrase that matched) whose names and synonyms start with, or have a
    word starting with, what was typed; failing that, the closest spellings, so a typo still
    finds its symptom."""
    typed = utils.default_process(q)
    found: dict[str, str] = {}
    if typed:
        prefix_hits = sorted(
            (
                phrase
                for phrase in index.phrases
                if (lowered := utils.default_process(phrase.text)).startswith(typed)
                or f" {typed}" in f" {lowered}"
            ),
            key=lambda phrase: (
                not utils.default_process(phrase.text).startswith(typed),
                len(phrase.text),
            ),
        )
        for phrase in prefix_hits:
            found.setdefault(phrase.symptom_slug, phrase.text)
        if len(found) < limit:
            for phrase in _ontology_prefix_hits(index, typed):
                found.setdefault(phrase.symptom_slug, phrase.text)
    if not found:
        for slug, text in _closest(index, q, limit=limit * 3, cutoff=SUGGESTION_SCORE):
            found.setdefault(slug, text)
    return list(found.items())[:limit]


# An ontology prefix as short as "a" starts thousands of phrases; these many are ranked.
ONTOLOGY_CANDIDATES = 500


def _ontology_prefix_hits(index: VocabularyIndex, typed: str) -> list[Phrase]:
    """Ontology names and synonyms with a word starting with what was typed (found by
    bisection, not a scan of 40,000 phrases), those starting with it first, shortest first."""
    suffixes = index.ontology_suffixes
    start = bisect.bisect_left(suffixes, (typed, -1))
    positions: dict[int, None] = {}
    for suffix, position in suffixes[start:]:
        if not suffix.startswith(typed) or len(positions) >= ONTOLOGY_CANDIDATES:
            break
        positions[position] = None
    phrases = [index.ontology_phrases[position] for position in positions]
    return sorted(
        phrases,
        key=lambda phrase: (
            not utils.default_process(phrase.text).startswith(typed),
            len(phrase.text),
        ),
    )


def _closest(index: VocabularyIndex, q: str, *, limit: int, cutoff: float) -> list[tuple[str, str]]:
    choices = [phrase.text for phrase in index.phrases]
    hits = process.extract(
        q,
        choices,
        scorer=fuzz.WRatio,
        processor=utils.default_process,
        limit=limit,
        score_cutoff=cutoff,
    )
    return [(index.phrases[position].symptom_slug, text) for text, _score, position in hits]


def recognize(index: VocabularyIndex, phrase: str, *, remember: int) -> Recognition:
    """A slug, the symptoms a phrase names (in any word order, denied or not), or a
    near-spelling of one. Up to ``remember`` phrases are remembered per vocabulary copy."""
    known: Recognition | None = index.recognitions.get(phrase)
    if known is None:
        known = _recognize(index, phrase)
        if len(index.recognitions) >= remember:
            index.recognitions.clear()
        index.recognitions[phrase] = known
    return known


def _recognize(index: VocabularyIndex, phrase: str) -> Recognition:
    cleaned = phrase.strip()
    slug = index.symptom_slug(cleaned)
    if slug is not None:
        return Recognition(phrase, [(slug, True)], [])
    if SOURCE_ID.match(cleaned):
        return Recognition(phrase, [], [])  # an id this base lacks: spellings would not help
    mentions = find_mentions(index, cleaned, most_specific=True)
    if mentions:
        found = {mention.symptom_slug: mention.present for mention in mentions}
        return Recognition(phrase, list(found.items()), [])
    named = index.ontology_names.get(normalize_phrase(cleaned))
    if named is not None:
        return Recognition(phrase, [(named, True)], [])
    choices = [item.text for item in index.phrases]
    typo = process.extractOne(
        cleaned,
        choices,
        scorer=fuzz.ratio,
        processor=utils.default_process,
        score_cutoff=TYPO_SCORE,
    )
    if typo is not None:
        return Recognition(phrase, [(index.phrases[typo[2]].symptom_slug, True)], [])
    suggestions = dict.fromkeys(
        slug for slug, _ in _closest(index, cleaned, limit=20, cutoff=SUGGESTION_SCORE)
    )
    return Recognition(phrase, [], list(suggestions)[:SUGGESTIONS])
