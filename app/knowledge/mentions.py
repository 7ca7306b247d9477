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
    r"\b(?:doesn['’]t|don['’]t|does not|do not|didn['’]t|never)\s+"
    r"(?:really\s+)?(?:hurt|bother|ache|affect|bring it on|make it worse)\b"
    r"|\b(?:is|are|feels?|seems?|was|were)\s+(?:\w+\s+)?"
    r"(?:fine|ok|okay|good|normal|alright|all right|"
    r"not (?:painful|sore|affected|tender|swollen|bruised|numb|stiff|weak))\b"
    r"|\b(?:isn['’]t|aren['’]t) (?:painful|sore|affected|tender|swollen|bruised|numb|stiff|weak)\b"
    r"|\bno (?:problems?|issues?)\b",
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


def find_mentions(
    index: VocabularyIndex, text: str, *, most_specific: bool = False
) -> list[Mention]:
    """Every symptom the text names, with its character span and whether it is denied.

    With ``most_specific``, words that name a symptom inside a longer description of another
    give way to it: "sudden sharp pain while sprinting" is how it started, not also pain when
    running fast. A person's one description is then counted once, where a knowledge page
    keeps every symptom its line implies."""
    scopes = _scopes(text)
    mentions: list[Mention] = []
    matches = index.matcher.find(text)
    if most_specific:
        matches = [m for m in matches if not any(o.positions > m.positions for o in matches)]
    for match in matches:
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
        if match.symptom_slug in named or not _closed(text, scopes, match.start):
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
    scope_start, _scope_end = _scope_of(scopes, start)
    for cue in NEGATION_CUE.finditer(text, scope_start, start):
        words_between = len(WORD.findall(text, cue.end(), start))
        if words_between < CUE_REACH_WORDS:
            return True
    # A closing cue may stand among the symptom's own words: "the sit bone is not tender".
    return _closed(text, scopes, start)


def _closed(text: str, scopes: list[tuple[int, int]], start: int) -> bool:
    """Whether the text says, from ``start`` to the end of its clause, that it is fine."""
    _scope_start, scope_end = _scope_of(scopes, start)
    return CLOSING_CUE.search(text, start, scope_end) is not None
