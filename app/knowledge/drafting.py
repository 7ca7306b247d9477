"""Turn a parsed page into a condition draft: every line placed, nothing dropped."""

import hashlib
import json
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import PurePath

from app.knowledge.document import Block, Section, parse_document
from app.knowledge.extract import (
    CauseFact,
    DifferentialFact,
    causes_in_sentence,
    differential_from_item,
    frequency_at,
    is_differentials_opener,
    is_factors_opener,
    recovery_days,
    split_sentences,
)
from app.knowledge.matcher import SymptomMatcher
from app.knowledge.text import make_slug, sentence_case
from app.models import AdviceKind, CauseKind, Frequency

MAX_NAME_LENGTH = 255
FREQUENCY_ORDER = {Frequency.common: 0, Frequency.sometimes: 1, Frequency.rare: 2}
ADVICE_SECTIONS = {
    Section.self_help: AdviceKind.self_help,
    Section.treatment: AdviceKind.treatment,
    Section.prevention: AdviceKind.prevention,
}


@dataclass(frozen=True)
class DocumentSource:
    """A condition page to import, with what is known of where it came from."""

    file_name: str
    text: str
    provenance: str
    reviewed_on: date | None = None
    name: str | None = None


@dataclass
class SymptomDraft:
    slug: str
    name: str
    frequency: Frequency
    text: str
    in_vocabulary: bool


@dataclass
class ConditionDraft:
    slug: str
    name: str
    summary: str | None
    symptoms: list[SymptomDraft] = field(default_factory=list)
    causes: list[CauseFact] = field(default_factory=list)
    differentials: list[DifferentialFact] = field(default_factory=list)
    advice: list[tuple[AdviceKind, str]] = field(default_factory=list)
    recovery_text: str | None = None
    recovery_min_days: int | None = None
    recovery_max_days: int | None = None

    def fingerprint(self, source: DocumentSource) -> str:
        """Equal for two imports that would write the same rows, so a re-import is a no-op."""
        payload = [asdict(self), source.text, source.provenance, str(source.reviewed_on)]
        encoded = json.dumps(payload, sort_keys=True, default=str).encode()
        return hashlib.sha256(encoded).hexdigest()


def name_from_file_name(file_name: str) -> str:
    return sentence_case(PurePath(file_name).stem.replace("-", " ").replace("_", " "))


def draft_condition(source: DocumentSource, matcher: SymptomMatcher) -> ConditionDraft:
    parsed = parse_document(source.file_name, source.text)
    name = source.name or parsed.title or name_from_file_name(source.file_name)
    name = " ".join(name.split())
    summary = "\n\n".join(block.text for block in parsed.summary) or None
    draft = ConditionDraft(slug=make_slug(name), name=name, summary=summary)
    for section, blocks in parsed.sections.items():
        if section is Section.symptoms:
            draft.symptoms = _symptoms(blocks, matcher)
        elif section is Section.causes:
            draft.causes, draft.differentials = _causes(blocks)
        elif section is Section.recovery:
            draft.recovery_text = "\n\n".join(block.text for block in blocks)
            draft.recovery_min_days, draft.recovery_max_days = recovery_days(draft.recovery_text)
        else:
            draft.advice.extend((ADVICE_SECTIONS[section], block.text) for block in blocks)
    return draft


def _symptoms(blocks: list[Block], matcher: SymptomMatcher) -> list[SymptomDraft]:
    by_slug: dict[str, SymptomDraft] = {}
    for block in blocks:
        matches = matcher.find(block.text)
        found = [
            SymptomDraft(
                slug=match.symptom_slug,
                name="",
                frequency=frequency_at(block.text, match.start),
                text=block.text,
                in_vocabulary=True,
            )
            for match in matches
        ]
        if not found:
            # A line the vocabulary does not know is still a symptom: nothing is dropped.
            name = sentence_case(block.text)[:MAX_NAME_LENGTH]
            found = [
                SymptomDraft(
                    slug=make_slug(name),
                    name=name,
                    frequency=frequency_at(block.text, len(block.text)),
                    text=block.text,
                    in_vocabulary=False,
                )
            ]
        for symptom in found:
            known = by_slug.get(symptom.slug)
            if known is None:
                by_slug[symptom.slug] = symptom
            elif FREQUENCY_ORDER[symptom.frequency] < FREQUENCY_ORDER[known.frequency]:
                known.frequency = symptom.frequency
    return list(by_slug.values())


def _causes(blocks: list[Block]) -> tuple[list[CauseFact], list[DifferentialFact]]:
    causes: list[CauseFact] = []
    differentials: list[DifferentialFact] = []
    list_kind: str = "causes"
    for block in blocks:
        if not block.is_item:
            if is_differentials_opener(block.text):
                list_kind = "differentials"
            elif is_factors_opener(block.text):
                list_kind = "factors"
            else:
                for sentence in split_sentences(block.text):
                    causes.extend(causes_in_sentence(sentence))
        elif list_kind == "differentials":
            differentials.append(differential_from_item(block.text))
        else:
            kind = CauseKind.contributing_factor if list_kind == "factors" else CauseKind.cause
            causes.append(CauseFact(kind, sentence_case(block.text), block.text))
    return causes, differentials
