"""Recognising people's own words as symptoms, and the phrases that start with what was typed
(autocomplete). Plain functions over the vocabulary index: they answer slugs, never API shapes."""

import bisect
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process, utils

from app.language.mentions import find_mentions
from app.language.placing import place_regions
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
    # Body regions the phrase names, each with whether it says it hurts there.
    regions: list[tuple[str, bool]] = field(default_factory=list)


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
                # A warning sign is offered only for its own first words: "knee" must not
                # bring up a head injury whose description mentions a knee.
                or (f" {typed}" in f" {lowered}" and phrase.symptom_slug not in index.warning_signs)
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


# A typed word this close to a word of a phrase (rapidfuzz's ratio, 0-100), starting with the
# same letter, is that word misspelt: "buttok" is "buttock", and "elbow" is not "bowel".
WORD_SCORE = 80


def _closest(index: VocabularyIndex, q: str, *, limit: int, cutoff: float) -> list[tuple[str, str]]:
    """Phrases whose words are near spellings of every word typed, closest first. Warning
    signs are never offered this way: a near spelling is a guess, and an alarming one must
    not come of an unrelated word."""
    typed = [word for word in utils.default_process(q).split() if len(word) > 2]
    if not typed:
        return []
    words = index.phrase_words
    scored: dict[int, float] = {}
    for word in typed:
        hits = process.extract(
            word, list(words), scorer=fuzz.ratio, score_cutoff=max(cutoff, WORD_SCORE), limit=20
        )
        near = {hit: score for hit, score, _ in hits if hit[0] == word[0]}
        for hit, score in near.items():
            for position in words[hit]:
                scored[position] = scored.get(position, 0.0) + score
    ranked = sorted(scored.items(), key=lambda item: (-item[1], len(index.phrases[item[0]].text)))
    found: list[tuple[str, str]] = []
    for position, _score in ranked:
        phrase = index.phrases[position]
        if phrase.symptom_slug in index.warning_signs:
            continue
        found.append((phrase.symptom_slug, phrase.text))
        if len(found) >= limit:
            break
    return found


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
    regions = [
        (region.region, region.complaint)
        for region in place_regions(index, cleaned, mentions, listed=True)
    ]
    if mentions:
        found = {mention.symptom_slug: mention.present for mention in mentions}
        return Recognition(phrase, list(found.items()), [], regions)
    if regions:
        return Recognition(phrase, [], [], regions)
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
