"""Symptoms mentioned in free text, and whether the text says the person has them.

Negation follows the NegEx idea: a cue ("no", "not", "doesn't", "without") denies the symptoms
named soon after it in the same stretch of text, and a closing cue ("my back is fine", "stairs
don't bother it", "night pain? no") denies what was named just before it. A stretch ends at a
sentence end, at a word that turns the sentence ("but", "although", "and it"), or at a comma
that starts a new clause ("I didn't fall, my bum just hurts"). Phrases that only look like
negations ("no idea", "not sure", "won't stop") deny nothing, and "can't" is not a cue: "I
can't put weight on it" is a symptom, not its absence.
"""

import re
from dataclasses import dataclass

from app.language.matcher import CLAUSE_BOUNDARY, SymptomMatch
from app.language.vocabulary_index import VocabularyIndex

NEGATION_CUE = re.compile(
    r"\b(?:no|not|never|without|nor|neither|denies|deny|free of|absence of)\b"
    r"|\b(?!can['’]t\b|couldn['’]t\b)\w+n['’]t\b"
    # Typed without the apostrophe, as people often do ("cant" stays a symptom's word).
    r"|\b(?:dont|doesnt|didnt|isnt|wasnt|arent|werent|havent|hasnt|hadnt|wouldnt)\b",
    re.IGNORECASE,
)
PSEUDO_NEGATION = re.compile(
    r"\b(?:no idea|not sure|no doubt|not only|not just|not even sure|without warning|"
    r"not (?:getting|got) (?:any )?better|no better|(?:isn|wasn|didn)['’]?t (?:get(?:ting)? )?"
    r"better|not improving|(?:won|doesn|didn)['’]?t (?:stop|go away|settle|ease|improve)|"
    r"not going away|never (?:stops|goes away|settles|eases))\b",
    re.IGNORECASE,
)
CLOSING_CUE = re.compile(
    r"\b(?:doesn['’]?t|don['’]?t|does not|do not|didn['’]?t|never)\s+(?:really\s+)?"
    r"(?:hurt|bother|ache|affect|bring it on|(?:make|makes)\s+(?:\w+\s+){0,3}(?:any\s+)?worse)"
    r"|\b(?:is|are|feels?|seems?|was|were)\s+(?:\w+\s+)?"
    r"(?:fine|ok|okay|good|normal|alright|all right|not (?:painful|sore|affected|tender|"
    r"swollen|bruised|numb|stiff|weak|in|on|at))\b"
    r"|\b(?:isn['’]?t|aren['’]?t) "
    r"(?:painful|sore|affected|tender|swollen|bruised|numb|stiff|weak|in)\b"
    r"|\bwithout (?:any )?(?:pain|hurting|discomfort|trouble|problems?)\b"
    r"|\bno (?:problems?|issues?)\b",
    re.IGNORECASE,
)
# An answer to a question: "Night pain? No." or "pain at night: no".
ANSWERED_NO = re.compile(r"\s*[?:]\s*(?:no|nope|not really|never|none)\b", re.IGNORECASE)
NEGATION_SCOPE_END = re.compile(
    CLAUSE_BOUNDARY.pattern
    + r"|\band (?:it|i|my|the pain|now)\b"
    + r"|,\s*(?=(?:it|it['’]s|i|i['’]m|i['’]ve|my|the|now|just|so|then|and|not)\b)",
    re.IGNORECASE,
)
# A closing cue reaches back over "and it" and ", it's" (the "it" is the symptom), but not
# over a new subject: in "my back hurts, my hip is fine" only the hip is fine, and in "I
# knocked my head, feel ok really" it is the person who feels fine, not the head.
CLOSING_SCOPE_END = re.compile(
    CLAUSE_BOUNDARY.pattern
    + r"|\band (?:i|my|now)\b"
    + r"|,\s*(?=(?:i|i['’]m|i['’]ve|my|the|now|just|so|then|and|not|feel|feeling)\b)",
    re.IGNORECASE,
)
# A cue reaches this many words past itself, so "no pain at night, numbness or tingling"
# denies all three; a closing cue must stand within this many words after the symptom.
CUE_REACH_WORDS = 6
CLOSING_REACH_WORDS = 4
WORD = re.compile(r"\S+")


@dataclass(frozen=True, slots=True)
class Mention:
    symptom_slug: str
    start: int
    end: int
    text: str
    present: bool
    words: frozenset[int] = frozenset()  # where each word it matched starts in the text


def find_mentions(
    index: VocabularyIndex, text: str, *, most_specific: bool = False
) -> list[Mention]:
    """Every symptom the text names, with its character span and whether it is denied.

    With ``most_specific``, words that name a symptom inside a longer description of another
    give way to it ("sudden pain while sprinting" is how it started, not also pain when running
    fast), unless the longer one implies it (starting in a sprint is starting suddenly). A
    person's one description is then counted once, where a knowledge page keeps every symptom
    its line implies."""
    matches = index.matcher.find(text)
    if most_specific:
        matches = _most_specific(index, matches)
    mentions = [
        Mention(
            m.symptom_slug,
            m.start,
            m.end,
            text[m.start : m.end],
            not is_denied(text, m),
            m.positions,
        )
        for m in matches
    ]
    named = {mention.symptom_slug for mention in mentions}
    for mention in list(mentions):
        for implied in index.implications.get(mention.symptom_slug, ()):
            if implied not in named:
                named.add(implied)
                mentions.append(
                    Mention(
                        implied,
                        mention.start,
                        mention.end,
                        mention.text,
                        mention.present,
                        mention.words,
                    )
                )
    for match in index.region_matcher.find(text):
        # A body part alone says nothing, unless the text says that part is fine.
        if match.symptom_slug in named or not _closed(text, match):
            continue
        named.add(match.symptom_slug)
        mentions.append(
            Mention(
                match.symptom_slug,
                match.start,
                match.end,
                text[match.start : match.end],
                False,
                match.positions,
            )
        )
    return sorted(mentions, key=lambda mention: (mention.start, mention.symptom_slug))


def _most_specific(index: VocabularyIndex, matches: list[SymptomMatch]) -> list[SymptomMatch]:
    def kept(match: SymptomMatch) -> bool:
        return not any(
            other.positions > match.positions
            and match.symptom_slug not in index.implications.get(other.symptom_slug, ())
            for other in matches
        )

    return [match for match in matches if kept(match)]


def _scope_start(text: str, position: int) -> int:
    start = 0
    for boundary in NEGATION_SCOPE_END.finditer(text, 0, position):
        start = boundary.end()
    return start


def is_denied(text: str, match: SymptomMatch) -> bool:
    """Whether the text denies what the match names (NegEx: a cue before, or a closing cue
    after)."""
    scope_start = _scope_start(text, match.start)
    pseudo = [(p.start(), p.end()) for p in PSEUDO_NEGATION.finditer(text, scope_start, match.end)]
    for cue in NEGATION_CUE.finditer(text, scope_start, match.start):
        if any(start <= cue.start() < end for start, end in pseudo):
            continue
        if len(WORD.findall(text, cue.end(), match.start)) < CUE_REACH_WORDS:
            return True
    return _closed(text, match)


def _closed(text: str, match: SymptomMatch) -> bool:
    """Whether the words from the symptom on say that it is fine or absent."""
    if ANSWERED_NO.match(text, match.end):
        return True
    scope_end = next((b.start() for b in CLOSING_SCOPE_END.finditer(text, match.end)), len(text))
    for cue in CLOSING_CUE.finditer(text, match.start, scope_end):
        if cue.start() < match.end:
            return True  # among the symptom's own words: "the sit bone is not tender"
        if len(WORD.findall(text, match.end, cue.start())) <= CLOSING_REACH_WORDS:
            return True
    return False
