"""Find the vocabulary's symptoms in a line of text, in any word order.

A symptom term matches when all of its meaningful words occur close together in the text. Every
symptom found is kept: "painful to run, particularly at faster speeds" is pain when running and
pain when running fast, which is what the sentence says.
"""

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache, partial

from rapidfuzz import process
from rapidfuzz.distance import DamerauLevenshtein
from spellchecker import SpellChecker

from app.language.text import Token, tokenize

# How many other words may stand between the words of one term.
WINDOW_SLACK = 4
MIN_CORRECTED_LENGTH = 4
# Unknown words whose correction is remembered, per copy of the vocabulary.
CORRECTIONS_REMEMBERED = 4096
SHORT_WORD_LENGTH = 6
# Sentence ends and the words that turn a sentence ("but my back is fine"): the words of one
# symptom never straddle them.
# An ache is a kind of pain: "an ache on the outside of my hip" is outer hip pain, while a
# term that says "ache" still needs the word.
IMPLIED_STEMS = {"ach": ("pain",)}
CLAUSE_BOUNDARY = re.compile(
    # A run of stops is matched once, from its start (linear however long the run).
    r"(?<![.;:!?])[.;:!?]++(?:\s++|$)"
    r"|\b(?:but|although|though|however|except|apart from|yet|whereas|which)\b",
    re.IGNORECASE,
)
# A term that starts "can't" ("can't put weight on it") needs its words together: in "I can't
# run and walking is sore", walking is not what cannot be done.
TIGHT_FIRST_STEMS = frozenset({"cannot", "not"})


@dataclass(frozen=True, slots=True)
class Term:
    symptom_slug: str
    phrase: str
    stems: tuple[str, ...]
    words: tuple[tuple[str, str], ...] = ()  # (word as written, its stem)


@dataclass(frozen=True, slots=True)
class SymptomMatch:
    symptom_slug: str
    phrase: str
    start: int
    end: int
    positions: frozenset[int]


def make_term(symptom_slug: str, phrase: str) -> Term | None:
    tokens = tokenize(phrase)
    stems = tuple(dict.fromkeys(token.stem for token in tokens))
    words = tuple((phrase[token.start : token.end].lower(), token.stem) for token in tokens)
    return Term(symptom_slug, phrase, stems, words) if stems else None


class SymptomMatcher:
    """An inverted index of the vocabulary's terms (the pattern of a search engine's posting
    lists): a clause's words find the few terms that could match, instead of every term being
    tried against every clause."""

    def __init__(self, terms: Iterable[Term]) -> None:
        listed = list(terms)
        terms_with: dict[str, int] = defaultdict(int)
        self._stem_of_word: dict[str, str] = {}
        for term in listed:
            for stem in term.stems:
                terms_with[stem] += 1
            self._stem_of_word.update(term.words)
        # A term matches only if every one of its stems is in the clause, so it is filed under
        # its stem that fewest terms have ("pain" is in hundreds, "kneecap" in a few): a clause
        # that says "pain" alone tries none of the "kneecap pain" terms. Each term keeps its
        # place in the vocabulary, so matches come out in the order they always have.
        self._terms_by_stem: dict[str, list[tuple[int, Term]]] = defaultdict(list)
        for number, term in enumerate(listed):
            rarest = min(term.stems, key=terms_with.__getitem__)
            self._terms_by_stem[rarest].append((number, term))
        self._known_stems = set(self._stem_of_word.values())
        self._words = list(self._stem_of_word)
        # Every unknown word people type would be kept otherwise: a bounded LRU (thread-safe),
        # one per copy of the vocabulary. It holds the words, not the matcher: no reference
        # cycle, so a replaced copy is freed as soon as its last reader lets go.
        self._correct = lru_cache(maxsize=CORRECTIONS_REMEMBERED)(
            partial(_correction, self._words, self._stem_of_word)
        )

    def find(self, text: str) -> list[SymptomMatch]:
        """The best match of each symptom in each clause: a symptom denied in one clause and
        affirmed in the next ("never had back pain before, but now my back hurts") is there
        twice."""
        found: list[SymptomMatch] = []
        for offset, clause in clauses(text):
            best_by_slug: dict[str, SymptomMatch] = {}
            for match in self._find_in_clause(clause, offset):
                known = best_by_slug.get(match.symptom_slug)
                if known is None or len(match.positions) > len(known.positions):
                    best_by_slug[match.symptom_slug] = match
            found.extend(best_by_slug.values())
        return sorted(found, key=lambda match: (match.start, match.symptom_slug))

    def _spell_checked(self, clause: str) -> list[Token]:
        tokens = tokenize(clause)
        checked: list[Token] = []
        for token in tokens:
            stem = token.stem
            if stem not in self._known_stems:
                stem = self._correct(clause[token.start : token.end].lower()) or stem
            checked.append(Token(stem, token.start, token.end))
        return checked

    def _find_in_clause(self, clause: str, offset: int) -> list[SymptomMatch]:
        tokens = self._spell_checked(clause)
        positions_by_stem = stem_positions(tokens)
        first_seen = {stem: number for number, stem in enumerate(positions_by_stem)}
        found: list[tuple[int, int, SymptomMatch]] = []
        for stem in positions_by_stem:
            for number, term in self._terms_by_stem.get(stem, ()):
                match = _match_term(term, tokens, positions_by_stem, offset)
                if match is not None:
                    found.append((first_seen[term.stems[0]], number, match))
        # In the order of the clause's words, then of the vocabulary: the first of two equally
        # good matches of a symptom is the one kept.
        return [match for _, _, match in sorted(found, key=lambda item: item[:2])]


def stem_positions(tokens: list[Token]) -> dict[str, list[int]]:
    """Where each stem occurs among the tokens, in the order stems first occur (a word's
    implied stems with it: an ache is a pain)."""
    positions_by_stem: dict[str, list[int]] = defaultdict(list)
    for index, token in enumerate(tokens):
        positions_by_stem[token.stem].append(index)
        for implied in IMPLIED_STEMS.get(token.stem, ()):
            positions_by_stem[implied].append(index)
    return positions_by_stem


def _correction(words: list[str], stem_of_word: dict[str, str], word: str) -> str | None:
    """The vocabulary stem a misspelt word stands for: one slip in a short word, two in
    a long one ("buttok", "hamstrng", "pian")."""
    correction = None
    # An English word is what it says ("lifting" is not "limping"), not a typo.
    if len(word) >= MIN_CORRECTED_LENGTH and not is_english_word(word):
        slips = 1 if len(word) <= SHORT_WORD_LENGTH else 2
        # A typo rarely changes the first letter, and a swapped letter in a short word is
        # a typo where a changed one is usually another word ("right" is not "night").
        candidates = [
            known
            for known, _, _ in process.extract(
                word,
                words,
                scorer=DamerauLevenshtein.distance,
                score_cutoff=slips,
                limit=5,
            )
            if known[0] == word[0]
            and (len(word) > SHORT_WORD_LENGTH or not _changes_a_letter(word, known))
        ]
        correction = stem_of_word[candidates[0]] if candidates else None
    return correction


def _changes_a_letter(word: str, known: str) -> bool:
    return len(word) == len(known) and sorted(word) != sorted(known)


@lru_cache(maxsize=1)
def _english() -> SpellChecker:
    return SpellChecker(language="en")


def is_english_word(word: str) -> bool:
    return bool(_english().known([word]))


def clauses(text: str) -> list[tuple[int, str]]:
    """The stretches of text between clause boundaries, each with where it starts."""
    clauses: list[tuple[int, str]] = []
    start = 0
    for boundary in CLAUSE_BOUNDARY.finditer(text):
        clauses.append((start, text[start : boundary.start()]))
        start = boundary.end()
    clauses.append((start, text[start:]))
    return clauses


def _match_term(
    term: Term, tokens: list[Token], positions_by_stem: dict[str, list[int]], offset: int
) -> SymptomMatch | None:
    if any(stem not in positions_by_stem for stem in term.stems):
        return None
    window = _smallest_window(term.stems, positions_by_stem)
    slack = 0 if term.stems[0] in TIGHT_FIRST_STEMS else WINDOW_SLACK
    if window is None or window[1] - window[0] + 1 > len(term.stems) + slack:
        return None
    first, last = window
    # Where each matched word starts in the whole text, so matches of different symptoms can
    # be compared for which words they share.
    positions = frozenset(
        offset + tokens[index].start
        for index in range(first, last + 1)
        if tokens[index].stem in term.stems
        or any(stem in term.stems for stem in IMPLIED_STEMS.get(tokens[index].stem, ()))
    )
    return SymptomMatch(
        term.symptom_slug,
        term.phrase,
        offset + tokens[first].start,
        offset + tokens[last].end,
        positions,
    )


def _smallest_window(
    stems: tuple[str, ...], positions_by_stem: dict[str, list[int]]
) -> tuple[int, int] | None:
    """The shortest run of tokens that holds every stem (the classic minimum window)."""
    occurrences = sorted((position, stem) for stem in stems for position in positions_by_stem[stem])
    counts: dict[str, int] = defaultdict(int)
    covered = 0
    best: tuple[int, int] | None = None
    left = 0
    for right_position, right_stem in occurrences:
        counts[right_stem] += 1
        if counts[right_stem] == 1:
            covered += 1
        while covered == len(stems):
            left_position, left_stem = occurrences[left]
            if best is None or right_position - left_position < best[1] - best[0]:
                best = (left_position, right_position)
            counts[left_stem] -= 1
            if counts[left_stem] == 0:
                covered -= 1
            left += 1
    return best
