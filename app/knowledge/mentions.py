"""Symptoms mentioned in free text, and whether the text says the person has them.

Negation follows the NegEx idea: a cue ("no", "not", "doesn't", "without") denies the symptoms
named after it in the same stretch of text, and a closing cue ("my back is fine") denies the body
part named before it. A stretch ends at sentence punctuation or at a word that turns the
sentence ("but", "although", "and it"). "Can't" is not a cue: "I can't put weight on it" is a
symptom, not its absence.
"""

import re
from dataclasses import dataclass

from app.knowledge.matcher import CLAUSE_BOUNDARY
from app.knowledge.vocabulary_index import VocabularyIndex

NEGATION_CUE = re.compile(
    r"\b(?:no|not|never|without|nor|neither|denies|deny|free of|absence of)\b"
    r"|\b(?!can['’]t\b|couldn['’]t\b)\w+n['’]t\b",
    re.IGNORECASE,
)
CLOSING_CUE = re.compile(
    r"\b(?:is|are|feels?|seems?|was|were)\s+(?:fine|ok|okay|good|normal|alright|all right|"
    r"not (?:painful|sore|affected))\b|\bno (?:problems?|issues?)\b",
    re.IGNORECASE,
)
SCOPE_END = CLAUSE_BOUNDARY
# A cue reaches this many words past itself, so "no pain at night, numbness or tingling"
# denies all three and "no back pain and it hurts in my bum" does not deny the bum.
CUE_REACH_WORDS = 6
WORD = re.compile(r"\S+")


@dataclass(frozen=True, slots=True)
class Mention:
    symptom_slug: str
    start: int
    end: int
    text: str
    present: bool


def find_mentions(index: VocabularyIndex, text: str) -> list[Mention]:
    """Every symptom the text names, with its character span and whether it is denied."""
    scopes = _scopes(text)
    mentions: list[Mention] = []
    for match in index.matcher.find(text):
        negated = _denied(text, scopes, match.start, match.end)
        mentions.append(
            Mention(
                match.symptom_slug,
                match.start,
                match.end,
                text[match.start : match.end],
                not negated,
            )
        )
    named = {mention.symptom_slug for mention in mentions}
    for match in index.region_matcher.find(text):
        # A body part alone says nothing, unless the text says that part is fine.
        if match.symptom_slug in named or not _closed(text, scopes, match.end):
            continue
        named.add(match.symptom_slug)
        mentions.append(
            Mention(
                match.symptom_slug, match.start, match.end, text[match.start : match.end], False
            )
        )
    return sorted(mentions, key=lambda mention: (mention.start, mention.symptom_slug))


def _scopes(text: str) -> list[tuple[int, int]]:
    scopes: list[tuple[int, int]] = []
    start = 0
    for boundary in SCOPE_END.finditer(text):
        scopes.append((start, boundary.start()))
        start = boundary.end()
    scopes.append((start, len(text)))
    return scopes


def _scope_of(scopes: list[tuple[int, int]], position: int) -> tuple[int, int]:
    for start, end in scopes:
        if start <= position <= end:
            return start, end
    return scopes[-1]


def _denied(text: str, scopes: list[tuple[int, int]], start: int, end: int) -> bool:
    scope_start, scope_end = _scope_of(scopes, start)
    for cue in NEGATION_CUE.finditer(text, scope_start, start):
        words_between = len(WORD.findall(text, cue.end(), start))
        if words_between < CUE_REACH_WORDS:
            return True
    return _closed(text, scopes, end) if end <= scope_end else False


def _closed(text: str, scopes: list[tuple[int, int]], end: int) -> bool:
    _scope_start, scope_end = _scope_of(scopes, max(end - 1, 0))
    return CLOSING_CUE.search(text, end, scope_end) is not None
