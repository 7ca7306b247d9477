"""Turn a parsed page into a condition draft: every line placed, nothing dropped."""

import hashlib
import json
import unicodedata
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import PurePath

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from app.ingest.codes import icd_10_cm_problem, normalized
from app.ingest.document import Block, DocumentError, ParsedDocument, Section, parse_document
from app.ingest.extract import (
    CauseFact,
    DifferentialFact,
    FrequencyMarks,
    ListKind,
    causes_in_sentence,
    differential_from_item,
    marked_frequency,
    opened_list,
    recovery_days,
    split_sentences,
)
from app.language.mentions import Mention, find_mentions
from app.language.placing import place_regions
from app.language.text import make_slug, sentence_case
from app.language.vocabulary_index import VocabularyIndex
from app.models import AdviceKind, CareLevel, CauseKind, DocumentKind, Frequency
from app.schemas.common import MAX_ITEMS, MAX_TEXT_LENGTH

MAX_NAME_LENGTH = 255
MAX_OWN_SLUG_LENGTH = 70
FREQUENCY_ORDER = {
    Frequency.common: 0,
    Frequency.sometimes: 1,
    Frequency.rare: 2,
    Frequency.absent: 3,
}
ADVICE_SECTIONS: dict[Section, AdviceKind] = {
    Section.self_help: AdviceKind.self_help,
    Section.treatment: AdviceKind.treatment,
    Section.prevention: AdviceKind.prevention,
    Section.seek_help: AdviceKind.seek_help,
}
ADVICE_SECTION_OF = {kind: section for section, kind in ADVICE_SECTIONS.items()}


class AgeBand(BaseModel):
    model_config = ConfigDict(extra="forbid")

    min: int = Field(ge=0, le=120)
    max: int = Field(ge=0, le=120)
    factor: float = Field(gt=0, le=100, description="Multiplies the prior for these ages.")


class SexFactors(BaseModel):
    model_config = ConfigDict(extra="forbid")

    female: float = Field(default=1.0, gt=0, le=100)
    male: float = Field(default=1.0, gt=0, le=100)


class ConditionMeta(BaseModel):
    """What a page's front matter may say about its condition; all of it optional."""

    model_config = ConfigDict(extra="forbid")

    aliases: list[str] = Field(default_factory=list)
    prior: float = Field(default=1.0, gt=0, le=1000)
    care_level: CareLevel = CareLevel.self_care
    cant_miss: bool = False
    age: list[AgeBand] = Field(default_factory=list)
    sex: SexFactors = Field(default_factory=SexFactors)
    # Body regions it hurts in (slugs of the vocabulary's regions); when a page names none,
    # they are taken from its symptoms.
    regions: list[str] = Field(default_factory=list, max_length=20)
    # ICD-10-CM codes (a category such as M76.5, or a full code), checked against the code list.
    codes: list[str] = Field(default_factory=list, max_length=10)


@dataclass(frozen=True)
class DocumentSource:
    """A condition page to import (or a JSON edit), with what is known of where it came from."""

    file_name: str
    text: str
    provenance: str
    reviewed_on: date | None = None
    name: str | None = None
    kind: DocumentKind = DocumentKind.condition


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
    meta: ConditionMeta = field(default_factory=ConditionMeta)
    # What the import should say of how it read the page (not part of the content).
    named_from_file: bool = field(default=False, compare=False)
    new_symptoms: list[str] = field(default_factory=list, compare=False)

    def fingerprint(self, source: DocumentSource) -> str:
        """Equal for two writes that would store the same rows, so a repeat is a no-op."""
        content = asdict(self) | {"meta": self.meta.model_dump(mode="json")}
        for note in ("named_from_file", "new_symptoms"):
            content.pop(note)
        # What is stored, not how it was sent: a page saved back as JSON, or a JSON edit that
        # returns read-only fields (a version, a date) unchanged, changes nothing.
        payload = [content, source.provenance, str(source.reviewed_on)]
        encoded = json.dumps(payload, sort_keys=True, default=str).encode()
        return hashlib.sha256(encoded).hexdigest()


def name_from_file_name(file_name: str) -> str | None:
    """The name a file name gives ("ischial-bursitis.md" is "Ischial bursitis"), past any
    leading numbering; None when what is left is not words ("000_5dc7a1ffa5b5f06b.txt")."""
    words = PurePath(file_name).stem.replace("-", " ").replace("_", " ").split()
    while words and words[0].isdigit():
        words.pop(0)
    if not words or not all(word.replace("'", "").isalpha() for word in words):
        return None
    return sentence_case(" ".join(words))


def draft_condition(source: DocumentSource, index: VocabularyIndex) -> ConditionDraft:
    parsed = parse_document(source.file_name, source.text)
    name = source.name or parsed.title
    named_from_file = False
    if name is None:
        name = name_from_file_name(source.file_name)
        named_from_file = True
        if name is None:
            raise DocumentError(
                source.file_name,
                1,
                "the page has no title line and its file name is not a name: start it with "
                "'# Name', or give the name (--name, or ?name= through the API)",
            )
    name = " ".join(name.split())
    slug = make_slug(name)
    if not slug:
        line = parsed.title_line if parsed.title else 1
        raise DocumentError(
            source.file_name, line, f"the name {name!r} has no letters or digits to make a slug"
        )
    summary = "\n\n".join(block.text for block in parsed.summary) or None
    draft = ConditionDraft(slug=slug, name=name, summary=summary, named_from_file=named_from_file)
    draft.meta = _meta(parsed, index)
    for section, blocks in parsed.sections.items():
        if section is Section.symptoms:
            draft.symptoms = _symptoms(blocks, index)
        elif section is Section.causes:
            draft.causes, draft.differentials = _causes(blocks)
        elif section is Section.recovery:
            draft.recovery_text = "\n\n".join(block.text for block in blocks)
            draft.recovery_min_days, draft.recovery_max_days = recovery_days(draft.recovery_text)
        else:
            draft.advice.extend((ADVICE_SECTIONS[section], block.text) for block in blocks)
    _check_limits(parsed, draft)
    return draft


def _is_punctuation(character: str) -> bool:
    return unicodedata.category(character).startswith("P")


def _check_limits(parsed: ParsedDocument, draft: ConditionDraft) -> None:
    """The limits of the JSON way in (``ConditionInput``) hold for a page too, so whatever is
    stored can be exported and edited again: at most MAX_ITEMS entries a section, no empty
    one, names within MAX_NAME_LENGTH and texts within MAX_TEXT_LENGTH."""

    def refuse(section: Section | None, message: str) -> None:
        line = parsed.heading_lines.get(section, 1) if section else parsed.title_line or 1
        raise DocumentError(parsed.file_name, line, message)

    if len(draft.name) > MAX_NAME_LENGTH:
        refuse(None, f"the name is {len(draft.name)} characters; at most {MAX_NAME_LENGTH}")
    for alias in draft.meta.aliases:
        if len(alias) > MAX_NAME_LENGTH:
            raise DocumentError(
                parsed.file_name,
                parsed.front_matter_line,
                f"front matter aliases: {alias[:40]!r}... is over {MAX_NAME_LENGTH} characters",
            )
    advice: dict[Section, list[str]] = {}
    for kind, text in draft.advice:
        advice.setdefault(ADVICE_SECTION_OF[kind], []).append(text)
    entries: list[tuple[Section | None, list[str]]] = [
        (Section.symptoms, [symptom.text for symptom in draft.symptoms]),
        (Section.causes, [cause.text for cause in draft.causes]),
        (Section.causes, [cause.source_text for cause in draft.causes]),
        (Section.causes, [differential.note for differential in draft.differentials]),
        *advice.items(),
    ]
    if draft.summary is not None:
        entries.append((None, [draft.summary]))
    if draft.recovery_text is not None:
        entries.append((Section.recovery, [draft.recovery_text]))
    for section, texts in entries:
        if len(texts) > MAX_ITEMS:
            refuse(section, f"the section has {len(texts)} entries; at most {MAX_ITEMS}")
        for text in texts:
            if all(character.isspace() or _is_punctuation(character) for character in text):
                refuse(section, f"an entry of the section says nothing: {text[:40]!r}")
            if len(text) > MAX_TEXT_LENGTH:
                refuse(section, f"an entry is {len(text)} characters; at most {MAX_TEXT_LENGTH}")
    for differential in draft.differentials:
        if len(differential.name) > MAX_NAME_LENGTH:
            refuse(Section.causes, f"a look-alike's name is over {MAX_NAME_LENGTH} characters")


def _meta(parsed: ParsedDocument, index: VocabularyIndex) -> ConditionMeta:
    try:
        meta = ConditionMeta.model_validate(parsed.front_matter)
    except ValidationError as error:
        first = error.errors()[0]
        field_name = ".".join(str(part) for part in first["loc"])
        raise DocumentError(
            parsed.file_name, parsed.front_matter_line, f"front matter {field_name}: {first['msg']}"
        ) from error
    for band in meta.age:
        if band.min > band.max:
            raise DocumentError(
                parsed.file_name,
                parsed.front_matter_line,
                f"front matter age band {band.min}-{band.max} ends before it starts",
            )
    for code in meta.codes:
        problem = icd_10_cm_problem(code)
        if problem is not None:
            raise DocumentError(
                parsed.file_name, parsed.front_matter_line, f"front matter codes: {problem}"
            )
    meta.codes = list(dict.fromkeys(normalized(code) for code in meta.codes))
    alias_slugs: dict[str, str] = {}
    for alias in meta.aliases:
        alias_slug = make_slug(alias)
        if not alias_slug or alias_slug in alias_slugs:
            also = f" (the same as {alias_slugs[alias_slug]!r})" if alias_slug else ""
            raise DocumentError(
                parsed.file_name,
                parsed.front_matter_line,
                f"front matter aliases: {alias[:60]!r} names no new alias{also}",
            )
        alias_slugs[alias_slug] = alias
    unknown = [slug for slug in meta.regions if slug not in index.regions.regions]
    if unknown:
        raise DocumentError(
            parsed.file_name,
            parsed.front_matter_line,
            f"front matter regions: {', '.join(map(repr, unknown))} is not a body region "
            f"(known: {', '.join(sorted(index.regions.regions)) or 'none'})",
        )
    return meta


def _symptoms(blocks: list[Block], index: VocabularyIndex) -> list[SymptomDraft]:
    by_slug: dict[str, SymptomDraft] = {}
    introduced: Frequency | None = None
    for block in blocks:
        if not block.is_item and block.text.endswith(":"):
            # "Less commonly:" introduces the items below it; it is not a symptom itself.
            introduced = marked_frequency(block.text, len(block.text))
            continue
        if not block.is_item:
            introduced = None
        for symptom in _symptoms_of_line(block, index, introduced):
            known = by_slug.get(symptom.slug)
            if known is None:
                by_slug[symptom.slug] = symptom
                continue
            if symptom.text not in known.text:
                known.text = f"{known.text}\n{symptom.text}"
            if FREQUENCY_ORDER[symptom.frequency] < FREQUENCY_ORDER[known.frequency]:
                known.frequency = symptom.frequency
    return list(by_slug.values())


def _symptoms_of_line(
    block: Block, index: VocabularyIndex, introduced: Frequency | None
) -> list[SymptomDraft]:
    marks = FrequencyMarks(block.text)

    def frequency(position: int, present: bool) -> Frequency:
        if not present:
            return Frequency.absent
        return marks.before(position) or introduced or Frequency.common

    mentions = _placed_where_felt(index, block.text, find_mentions(index, block.text))
    found = [
        SymptomDraft(
            slug=mention.symptom_slug,
            name="",
            frequency=frequency(mention.start, mention.present),
            text=block.text,
            in_vocabulary=True,
        )
        for mention in mentions
    ]
    if found and not _says_more(index, block.text, mentions):
        return found
    # A line the vocabulary does not know (or knows only in part: "pain around the kneecap
    # when running downhill" is more than pain when running) is still a symptom of its own,
    # beside the known parts: nothing it says is dropped or made broader.
    name = sentence_case(block.text)[:MAX_NAME_LENGTH]
    return [
        *found,
        SymptomDraft(
            slug=own_slug(block.text),
            name=name,
            frequency=frequency(len(block.text), present=True),
            text=block.text,
            in_vocabulary=False,
        ),
    ]


def _placed_where_felt(index: VocabularyIndex, line: str, mentions: list[Mention]) -> list[Mention]:
    """The line's symptoms without those of another limb or part of the body than any the
    line names: "a click or catch at the front of the shoulder" is not a knee that locks,
    however the vocabulary's words for that read. Neighbours are kept ("bending the knee
    against resistance hurts" is the hamstring's), and so is a denial: it says nothing."""
    placed = {
        _part_of_body(index, region.region)
        for region in place_regions(index, line, mentions, listed=True)
    }
    if not placed:
        return mentions
    return [
        mention
        for mention in mentions
        if not mention.present
        or mention.symptom_slug not in index.symptom_regions
        or _part_of_body(index, index.symptom_regions[mention.symptom_slug]) in placed
    ]


def _part_of_body(index: VocabularyIndex, region: str) -> str:
    """The broadest region above this one: the head and neck, an arm, the trunk or a leg (the
    head and the neck move together: a stinger's "head forced sideways" is the neck's)."""
    root = index.regions.lineage(region)[-1]
    return "neck" if root == "head" else root


def _says_more(index: VocabularyIndex, line: str, mentions: list[Mention]) -> bool:
    """Whether a line places its complaint where none of its known symptoms is felt (their
    words say how, the line also says where): "pain around the kneecap when running downhill"
    is not just pain when running."""
    felt = {
        index.symptom_regions[mention.symptom_slug]
        for mention in mentions
        if mention.symptom_slug in index.symptom_regions
    }
    return any(
        region.complaint and not any(index.regions.overlap(f, region.region) for f in felt)
        for region in place_regions(index, line, mentions, listed=True)
    )


def own_slug(text: str) -> str:
    """A slug for a page's own symptom; a digest keeps long or wordless lines apart."""
    slug = make_slug(sentence_case(text))
    digest = hashlib.sha256(text.encode()).hexdigest()[:8]
    if not slug:
        return f"symptom-{digest}"
    if len(slug) >= MAX_OWN_SLUG_LENGTH:
        return f"{slug[:MAX_OWN_SLUG_LENGTH].rstrip('-')}-{digest}"
    return slug


def _causes(blocks: list[Block]) -> tuple[list[CauseFact], list[DifferentialFact]]:
    causes: list[CauseFact] = []
    differentials: list[DifferentialFact] = []
    list_kind = ListKind.causes
    for block in blocks:
        if not block.is_item:
            for sentence in split_sentences(block.text):
                opened = opened_list(sentence)
                if opened is not None:
                    list_kind = opened
                else:
                    causes.extend(causes_in_sentence(sentence))
        elif list_kind is ListKind.differentials:
            differentials.append(differential_from_item(block.text))
        else:
            kind = (
                CauseKind.contributing_factor if list_kind is ListKind.factors else CauseKind.cause
            )
            causes.append(CauseFact(kind, sentence_case(block.text), block.text))
    return causes, differentials
