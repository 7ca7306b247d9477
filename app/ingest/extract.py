"""Pull structured facts out of a section's prose: causes, differentials, days, frequency."""

import bisect
import math
import re
from dataclasses import dataclass
from enum import StrEnum

from app.language.text import make_slug, sentence_case
from app.models import CauseKind, Frequency

# --- frequency -------------------------------------------------------------------------------

FREQUENCY_MARKERS: list[tuple[re.Pattern[str], Frequency]] = [
    (
        re.compile(
            r"\b(?:less (?:frequently|often|commonly)|rarely|uncommonly|seldom|in rare cases)\b"
        ),
        Frequency.rare,
    ),
    (re.compile(r"\b(?:sometimes|occasionally|at times|in some cases)\b"), Frequency.sometimes),
    (re.compile(r"\b(?:usually|commonly|frequently|often|typically|mostly)\b"), Frequency.common),
]


class FrequencyMarks:
    """The frequency markers of one line, found once ("less frequently" is one marker, not
    also "frequently"): each lookup is then a binary search, so a line with many mentions is
    read in linear time."""

    def __init__(self, text: str) -> None:
        lowered = text.lower()
        taken = bytearray(len(lowered) + 1)  # a mark per character already in a marker
        marks: list[tuple[int, int, Frequency]] = []
        for pattern, frequency in FREQUENCY_MARKERS:
            for found in pattern.finditer(lowered):
                if not taken[found.start()]:
                    marks.append((found.start(), found.end(), frequency))
            for start, end, _ in marks:
                taken[start:end] = b"\x01" * (end - start)
        marks.sort()
        self._starts = [start for start, _, _ in marks]
        self._marks = marks

    def before(self, position: int) -> Frequency | None:
        """The frequency the nearest marker at or before ``position`` gives, if any does."""
        at = bisect.bisect_right(self._starts, position)
        return self._marks[at - 1][2] if at else None


def marked_frequency(text: str, position: int) -> Frequency | None:
    """The frequency the nearest marker before ``position`` gives, if any does."""
    return FrequencyMarks(text).before(position)


# --- causes ----------------------------------------------------------------------------------

CAUSED_BY = re.compile(r"\b(?:caused by|due to|results? from|brought on by)\s+(?P<items>.+)$", re.I)
FACTORS_AFTER = re.compile(
    r"^(?P<items>.+?)\s+(?:can|may|could|are|might)(?:\s+all|\s+also|\s+be)*\s+"
    r"(?:contributory|contributing|risk)\s+factors?\b",
    re.I,
)
FACTORS_BEFORE = re.compile(
    r"\b(?:contributory|contributing|risk)\s+factors?\s+(?:include|are)\s+(?P<items>.+)$", re.I
)
DIFFERENTIALS_OPENER = re.compile(
    r"(?:also be (?:caused|due)|other causes|can also come from|may also be caused)", re.I
)
FACTORS_OPENER = re.compile(r"(?:contributory|contributing|risk) factors", re.I)
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z(])")


@dataclass(frozen=True, slots=True)
class CauseFact:
    kind: CauseKind
    text: str
    source_text: str


@dataclass(frozen=True, slots=True)
class DifferentialFact:
    name: str
    note: str
    related_slug: str


def split_sentences(paragraph: str) -> list[str]:
    return [sentence.strip() for sentence in SENTENCE_END.split(paragraph) if sentence.strip()]


def split_list(text: str) -> list[str]:
    """Split "a, b, or c" and "a, b and c" at the top level, never inside brackets."""
    parts: list[str] = []
    depth = 0
    current: list[str] = []
    for character in text.strip().rstrip(".").strip():
        depth += {"(": 1, ")": -1}.get(character, 0)
        if character in ",;" and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(character)
    parts.append("".join(current))
    if len(parts) > 1:
        # In "a, b and c" or "a, b or c" the last part holds two items; "a or b" alone is one.
        last = parts.pop().strip()
        last = re.sub(r"^(?:and|or)\s+", "", last, flags=re.I)
        parts.extend(_split_top_level(last, " and ", " or "))
    cleaned = [re.sub(r"^(?:(?:and|or|by|on)\s+)+", "", part.strip(), flags=re.I) for part in parts]
    return [part for part in cleaned if part]


def _split_top_level(text: str, *separators: str) -> list[str]:
    """Split at the first separator outside brackets."""
    depth = 0
    for index, character in enumerate(text):
        depth += {"(": 1, ")": -1}.get(character, 0)
        for separator in separators:
            if depth == 0 and text.startswith(separator, index):
                return [text[:index], text[index + len(separator) :]]
    return [text]


def causes_in_sentence(sentence: str) -> list[CauseFact]:
    """The causes or contributing factors one sentence names; the sentence itself otherwise."""
    for pattern in (FACTORS_AFTER, FACTORS_BEFORE):
        found = pattern.search(sentence)
        if found:
            return [
                CauseFact(CauseKind.contributing_factor, sentence_case(item), sentence)
                for item in split_list(found.group("items"))
            ]
    found = CAUSED_BY.search(sentence)
    if found:
        return [
            CauseFact(CauseKind.cause, sentence_case(item), sentence)
            for item in split_list(found.group("items"))
        ]
    return [CauseFact(CauseKind.cause, sentence_case(sentence), sentence)]


class ListKind(StrEnum):
    causes = "causes"
    factors = "factors"
    differentials = "differentials"


LOOK_ALIKE_WORDS = re.compile(r"\b(?:other|also|else|rule out|mistaken|look-?alikes?)\b", re.I)


def opened_list(sentence: str) -> ListKind | None:
    """What the items after an introducing sentence ("...the following:") are, if it is one."""
    if not sentence.rstrip().endswith(":"):
        return None
    if FACTORS_OPENER.search(sentence):
        return ListKind.factors
    if DIFFERENTIALS_OPENER.search(sentence) or LOOK_ALIKE_WORDS.search(sentence):
        return ListKind.differentials
    return ListKind.causes


NAMED_AS = re.compile(
    r"\(?\b(?:this is |which is |is )?(?:called|known as|termed)\s+(?P<name>[^.()]+)", re.I
)
TRAILING_BRACKET = re.compile(r"\((?P<name>[^()]++)\)\s*+\.?\s*+$")  # possessive: linear


def differential_from_item(item: str) -> DifferentialFact:
    """Name the condition an item describes: "(called X)", "This is called X", a closing "(X)"."""
    named = NAMED_AS.search(item)
    if named:
        name = named.group("name")
    else:
        first_sentence = split_sentences(item)[0]
        bracket = TRAILING_BRACKET.search(first_sentence)
        name = bracket.group("name") if bracket else item
    name = sentence_case(name)
    return DifferentialFact(name=name, note=item.strip(), related_slug=make_slug(name))


# --- recovery --------------------------------------------------------------------------------

UNIT_DAYS = {"hour": 1 / 24, "day": 1, "week": 7, "month": 30, "year": 365}
# Beyond this a number is not a recovery time anyone means; it is left to the text.
LONGEST_RECOVERY_DAYS = 3650
NUMBER_WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
    "a couple of": 2, "a few": 3,
}  # fmt: skip
_NUMBER = (
    r"(\d+(?:\.\d+)?|a couple of|a few|an?"
    r"|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)"
)
_UNIT = r"(hour|day|week|month|year)s?"
RANGE = re.compile(rf"\b(?:between\s+)?{_NUMBER}\s*(?:to|-|–|or|and)\s*{_NUMBER}\s+{_UNIT}\b", re.I)
# "a week or two": the unit stands between the two numbers.
SPLIT_RANGE = re.compile(rf"\b{_NUMBER}\s+{_UNIT}\s+or\s+{_NUMBER}\b(?!\s+{_UNIT})", re.I)
UPPER_BOUND = re.compile(
    rf"\b(?:within|up to|under|less than|no more than)\s+{_NUMBER}\s+{_UNIT}\b", re.I
)
LOWER_BOUND = re.compile(rf"\b(?:at least|more than|over|after)\s+{_NUMBER}\s+{_UNIT}\b", re.I)
SINGLE = re.compile(rf"\b{_NUMBER}\s+{_UNIT}\b", re.I)
# Durations without a number: "can persist for many months". Each stands for a length.
VAGUE = re.compile(r"\b(many|several|a few|some)\s+(day|week|month|year)s\b", re.I)
VAGUE_COUNTS = {"a few": 3, "some": 3, "several": 4, "many": 6}


def _days(number: str, unit: str) -> int | None:
    value = NUMBER_WORDS.get(number.lower())
    days = (float(number) if value is None else float(value)) * UNIT_DAYS[unit.lower()]
    return math.ceil(days) if days <= LONGEST_RECOVERY_DAYS else None


def recovery_days(text: str) -> tuple[int | None, int | None]:
    """Days the recovery text gives: "2 to 6 weeks" is (14, 42), "within a week" (None, 7),
    and "could settle within a week, or persist for many months" (7, 180)."""
    lows: list[int | None] = []
    highs: list[int | None] = []
    unbounded_above = False
    remaining = text
    for found in RANGE.finditer(remaining):
        lows.append(_days(found.group(1), found.group(3)))
        highs.append(_days(found.group(2), found.group(3)))
    remaining = RANGE.sub(" ", remaining)
    for found in SPLIT_RANGE.finditer(remaining):
        lows.append(_days(found.group(1), found.group(2)))
        highs.append(_days(found.group(3), found.group(2)))
    remaining = SPLIT_RANGE.sub(" ", remaining)
    for found in UPPER_BOUND.finditer(remaining):
        highs.append(_days(found.group(1), found.group(2)))
    remaining = UPPER_BOUND.sub(" ", remaining)
    for found in LOWER_BOUND.finditer(remaining):
        lows.append(_days(found.group(1), found.group(2)))
        unbounded_above = True
    remaining = LOWER_BOUND.sub(" ", remaining)
    for found in SINGLE.finditer(remaining):
        days = _days(found.group(1), found.group(2))
        lows.append(days)
        highs.append(days)
    remaining = SINGLE.sub(" ", remaining)
    for found in VAGUE.finditer(remaining):
        highs.append(_days(str(VAGUE_COUNTS[found.group(1).lower()]), found.group(2)))
    if not lows and len(highs) > 1:
        # "Could settle within a week ... can persist for many months": the quickest bound
        # is the low end of the range, not another upper bound.
        lows.append(min(day for day in highs if day is not None) if any(highs) else None)
    return _bounds(
        [day for day in lows if day is not None],
        [day for day in highs if day is not None],
        unbounded_above,
    )


def _bounds(
    lows: list[int], highs: list[int], unbounded_above: bool
) -> tuple[int | None, int | None]:
    low = min(lows) if lows else None
    high = None if unbounded_above or not highs else max(highs)
    if low is not None and high is not None and low > high:
        high = None
    return low, high
