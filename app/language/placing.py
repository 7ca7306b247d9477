"""What a person's words place, besides symptoms: the body regions of the complaint, and the
stretches of words that name nothing the vocabulary knows.

A region named in free text is the complaint's when a word that something is wrong (pain, a
twist, swelling: ``COMPLAINT_STEMS``) stands within a few words of it, or a recognised symptom
spans it; "my back is fine" and "no knee pain" name it as fine. An item of a symptom list is a
complaint by being there, so a region it names counts unless the item denies it.

The words left over, once symptoms, regions, filler words, negations and complaint words are
taken out, are what could not be placed ("downhill", "crushing"): reported with their offsets,
so nothing a person said disappears silently. Every pass is linear in the text."""

import bisect
import itertools
import re
from dataclasses import dataclass

from app.language.matcher import SymptomMatch, clauses
from app.language.mentions import NEGATION_CUE, Mention, is_denied
from app.language.regions import COMPLAINT_STEMS
from app.language.text import STOP_WORDS, WORD_PATTERN, stem_word, tokenize
from app.language.vocabulary_index import VocabularyIndex

# A complaint word this many meaningful words from a body part makes it the complaint's.
COMPLAINT_REACH = 4

# Words that say when, how much or which side: context, not something to place.
CONTEXT_WORDS = frozenset(
    """
    left right both side sides one two three four five six seven eight nine ten few couple
    several first last next ago since after before during until yesterday today tonight
    morning mornings evening evenings night nights day days week weeks month months year
    years hour hours minute minutes time times now then recently lately suddenly gradually
    started start starts began begun happened happen came come comes went go goes going
    bit little lot lots much more most less worse better bad badly really quite pretty
    also again still even ever always never sometimes often usually once twice every
    think thought know knew feel felt seem seems seemed keep keeps kept thing things
    anything something nothing everything any some all way ok okay fine well
    im ive id dont doesnt didnt cant couldnt wont isnt wasnt arent
    yes yeah no not nope mine myself him himself her herself them themselves
    what whats how why where here up down over under out off about around through
    back front top bottom inside outside middle
    """.split()
)


@dataclass(frozen=True, slots=True)
class PlacedRegion:
    region: str
    start: int
    end: int
    text: str
    complaint: bool  # it hurts there (not merely named, nor said to be fine)
    denied: bool  # said to be fine, or without the complaint


@dataclass(frozen=True, slots=True)
class Unplaced:
    text: str
    start: int
    end: int


def place_regions(
    index: VocabularyIndex, text: str, mentions: list[Mention], *, listed: bool = False
) -> list[PlacedRegion]:
    """The body regions the text names, each with whether it is the complaint's. With
    ``listed`` (an item of a symptom list), naming a region not denied is a complaint."""
    found = index.regions.find(text)
    if not found:
        return []
    tokens = tokenize(text)
    # How far each word is from the nearest complaint word, in two passes over the words.
    far = len(tokens) + COMPLAINT_REACH + 1
    distance = [far] * len(tokens)
    last = -far
    for number, token in enumerate(tokens):
        if token.stem in COMPLAINT_STEMS:
            last = number
        distance[number] = number - last
    last = 2 * far
    for number in range(len(tokens) - 1, -1, -1):
        if tokens[number].stem in COMPLAINT_STEMS:
            last = number
        distance[number] = min(distance[number], last - number)
    first_word = {token.start: number for number, token in enumerate(tokens)}
    present = sorted((m.start, m.end) for m in mentions if m.present)
    starts = [begin for begin, _ in present]
    reach = list(itertools.accumulate((finish for _, finish in present), max))
    placed: list[PlacedRegion] = []
    for region in found:
        denied = is_denied(
            text, SymptomMatch(region.region, region.text, region.start, region.end, frozenset())
        )
        spanned = _overlaps(starts, reach, region.start, region.end)
        word = first_word.get(region.start)
        near = word is not None and distance[word] <= COMPLAINT_REACH
        complaint = not denied and (listed or spanned or near)
        placed.append(
            PlacedRegion(region.region, region.start, region.end, region.text, complaint, denied)
        )
    return placed


def unplaced_words(
    text: str, mentions: list[Mention], regions: list[PlacedRegion]
) -> list[Unplaced]:
    """The stretches of meaningful words (within a clause) that no symptom or region covers."""
    # A symptom covers the words it matched (not every word between them: "hurts when I run
    # downhill" matches pain when running, and leaves "downhill" over); a region, its words.
    spans = [(r.start, r.end) for r in regions]
    spans += [(cue.start(), cue.end()) for cue in NEGATION_CUE.finditer(text)]
    covered = bytearray(len(text))  # a mark per character: one pass, however many spans
    for begin, finish in spans:
        covered[begin:finish] = b"\x01" * (finish - begin)
    for mention in mentions:
        for begin in mention.words:
            word = WORD_PATTERN.match(text, begin)
            if word is not None:
                covered[begin : word.end()] = b"\x01" * (word.end() - begin)
    stretches: list[Unplaced] = []
    for offset, clause in clauses(text):
        open_start: int | None = None
        open_end = 0
        for word in WORD_PATTERN.finditer(clause):
            start, end = offset + word.start(), offset + word.end()
            if _placed(word.group(), start, end, covered):
                # Filler between two unplaced words keeps the stretch open ("pain going
                # down my arm"); anything placed closes it.
                if open_start is not None and not _filler(word.group()):
                    stretches.append(Unplaced(text[open_start:open_end], open_start, open_end))
                    open_start = None
                continue
            if open_start is None:
                open_start = start
            open_end = end
        if open_start is not None:
            stretches.append(Unplaced(text[open_start:open_end], open_start, open_end))
    return stretches


_DIGITS = re.compile(r"\d")


def _overlaps(starts: list[int], reach: list[int], start: int, end: int) -> bool:
    """Whether a span overlaps [start, end): of the spans (sorted by start) that start before
    ``end``, the one reaching furthest must reach past ``start`` (``reach`` is the running
    maximum of their ends)."""
    before = bisect.bisect_left(starts, end)
    return before > 0 and reach[before - 1] > start


def _filler(word: str) -> bool:
    lowered = word.lower()
    return lowered in STOP_WORDS


def _placed(word: str, start: int, end: int, covered: bytearray) -> bool:
    lowered = word.lower().replace("’", "'")
    if lowered in STOP_WORDS or lowered.replace("'", "") in CONTEXT_WORDS or _DIGITS.search(word):
        return True
    if stem_word(word) in COMPLAINT_STEMS or stem_word(word) == "pain":
        return True
    return all(covered[start:end])
