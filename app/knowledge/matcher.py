"""Find the vocabulary's symptoms in a line of text, in any word order.

A symptom term matches when all of its meaningful words occur close together in the text. Every
symptom found is kept: "painful to run, particularly at faster speeds" is pain when running and
pain when running fast, which is what the sentence says.
"""

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from app.knowledge.text import Token, normalize_phrase, tokenize

# How many other words may stand between the words of one term.
WINDOW_SLACK = 4
CLAUSE_BOUNDARY = re.compile(r"[.;:!?]+(?:\s+|$)")


@dataclass(frozen=True, slots=True)
class Term:
    symptom_slug: str
    phrase: str
    stems: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class SymptomMatch:
    symptom_slug: str
    phrase: str
    start: int
    end: int
    positions: frozenset[int]


def make_term(symptom_slug: str, phrase: str) -> Term | None:
    stems = tuple(dict.fromkeys(normalize_phrase(phrase).split()))
    return Term(symptom_slug, phrase, stems) if stems else None


class SymptomMatcher:
    def __init__(self, terms: Iterable[Term]) -> None:
        self._terms_by_stem: dict[str, list[Term]] = defaultdict(list)
        for term in terms:
            self._terms_by_stem[term.stems[0]].append(term)

    def find(self, text: str) -> list[SymptomMatch]:
        best_by_slug: dict[str, SymptomMatch] = {}
        for offset, clause in _clauses(text):
            for match in self._find_in_clause(clause, offset):
                known = best_by_slug.get(match.symptom_slug)
                if known is None or len(match.positions) > len(known.positions):
                    best_by_slug[match.symptom_slug] = match
        return sorted(best_by_slug.values(), key=lambda match: (match.start, match.symptom_slug))

    def _find_in_clause(self, clause: str, offset: int) -> list[SymptomMatch]:
        tokens = tokenize(clause)
        positions_by_stem: dict[str, list[int]] = defaultdict(list)
        for index, token in enumerate(tokens):
            positions_by_stem[token.stem].append(index)
        matches: list[SymptomMatch] = []
        for stem in positions_by_stem:
            for term in self._terms_by_stem.get(stem, ()):
                match = _match_term(term, tokens, positions_by_stem, offset)
                if match is not None:
                    matches.append(match)
        return matches


def _clauses(text: str) -> list[tuple[int, str]]:
    """Sentences and semicolon clauses: one symptom's words never straddle them."""
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
    if window is None or window[1] - window[0] + 1 > len(term.stems) + WINDOW_SLACK:
        return None
    first, last = window
    positions = frozenset(
        index for index in range(first, last + 1) if tokens[index].stem in term.stems
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
