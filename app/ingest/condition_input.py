"""The JSON twin of drafting: a condition sent as JSON (the shape GET answers) becomes the same
draft a page would, with the checks the schema alone cannot make."""

from pydantic import ValidationError

from app.core.errors import InvalidContent
from app.ingest.codes import icd_10_cm_problem, normalized
from app.ingest.drafting import ConditionDraft, ConditionMeta, SymptomDraft, own_slug
from app.ingest.extract import CauseFact, DifferentialFact, recovery_days
from app.language.text import SOURCE_ID, make_slug, slug_for_source_id
from app.language.vocabulary_index import VocabularyIndex
from app.models import AdviceKind, Frequency
from app.schemas.editing import ConditionInput


def draft_from_input(
    index: VocabularyIndex, content: ConditionInput, *, slug: str | None
) -> ConditionDraft:
    """The draft a JSON condition describes; symptoms must be vocabulary slugs or named."""
    slug = slug or content.slug or make_slug(content.name)
    if not slug:
        raise InvalidContent(f"The name {content.name!r} has no letters or digits for a slug.")
    if content.slug is not None and content.slug != slug:
        raise InvalidContent(f"The body is about {content.slug!r}, not {slug!r}.")
    draft = ConditionDraft(slug=slug, name=content.name, summary=content.summary)
    _check_consistent(content, slug)
    for position, symptom in enumerate(content.symptoms):
        if symptom.slug is not None and SOURCE_ID.match(symptom.slug):
            known_slug = index.symptom_slug(symptom.slug)
            if known_slug is None:
                raise InvalidContent(
                    f"symptoms.{position}: no symptom has the id {symptom.slug!r}."
                )
            symptom = symptom.model_copy(update={"slug": known_slug})
        if symptom.slug in index.vocabulary_slugs:
            # A vocabulary symptom's name and region belong to the vocabulary, not the page.
            draft.symptoms.append(
                SymptomDraft(symptom.slug, "", symptom.frequency, symptom.text, in_vocabulary=True)
            )
            continue
        known = index.symptoms.get(symptom.slug or "")
        name = symptom.name or (known.name if known else None)
        if name is None:
            raise InvalidContent(
                f"symptoms.{position}: {symptom.slug!r} is not a known symptom; give it a "
                "name to make it one of this condition's own."
            )
        draft.symptoms.append(
            SymptomDraft(
                symptom.slug or own_slug(name), name, symptom.frequency, symptom.text, False
            )
        )
    draft.causes = [
        CauseFact(cause.kind, cause.text, cause.source_text or cause.text)
        for cause in content.causes
    ]
    draft.differentials = [
        DifferentialFact(item.name, item.note or item.name, make_slug(item.name))
        for item in content.differentials
    ]
    for kind, items in (
        (AdviceKind.self_help, content.self_help),
        (AdviceKind.treatment, content.treatment),
        (AdviceKind.prevention, content.prevention),
        (AdviceKind.seek_help, content.seek_help),
    ):
        draft.advice.extend((kind, item.text) for item in items)
    if content.recovery is not None:
        draft.recovery_text = content.recovery.text
        parsed = recovery_days(content.recovery.text)
        given = content.recovery.min_days, content.recovery.max_days
        stated = content.recovery.model_fields_set & {"min_days", "max_days"}
        draft.recovery_min_days, draft.recovery_max_days = given if stated else parsed
    draft.meta = _meta(content, draft, index)
    return draft


def _check_consistent(content: ConditionInput, slug: str) -> None:
    """What the schema alone cannot refuse: repeats, an inverted range, a self-reference."""
    seen: dict[str, int] = {}
    for position, symptom in enumerate(content.symptoms):
        key = symptom.slug or own_slug(symptom.name or "")
        key = slug_for_source_id(key) if SOURCE_ID.match(key) else key
        if key in seen:
            raise InvalidContent(f"symptoms.{position} repeats symptoms.{seen[key]} ({key!r}).")
        seen[key] = position
    aliases = [make_slug(alias) for alias in content.aliases]
    if len(set(aliases)) != len(aliases):
        raise InvalidContent("aliases: an alias is given twice.")
    recovery = content.recovery
    if recovery and recovery.min_days is not None and recovery.max_days is not None:
        if recovery.min_days > recovery.max_days:
            raise InvalidContent("recovery: min_days is more than max_days.")
    sexes = [factor.sex for factor in content.prior_factors if factor.sex is not None]
    if len(set(sexes)) != len(sexes):
        raise InvalidContent("prior_factors: a sex is given twice.")
    if any(make_slug(item.name) == slug for item in content.differentials):
        raise InvalidContent("differentials: a condition is not its own look-alike.")


def _meta(content: ConditionInput, draft: ConditionDraft, index: VocabularyIndex) -> ConditionMeta:
    age = [
        {"min": f.age_min, "max": f.age_max, "factor": f.factor}
        for f in content.prior_factors
        if f.age_min is not None
    ]
    sex = {f.sex.value: f.factor for f in content.prior_factors if f.sex is not None}
    for position, item in enumerate(content.codes):
        problem = icd_10_cm_problem(item.code)
        if problem is not None:
            raise InvalidContent(f"codes.{position}: {problem}.")
    try:
        return ConditionMeta.model_validate(
            {
                "aliases": content.aliases,
                "prior": content.prior_weight,
                "care_level": content.care_level,
                "cant_miss": content.cant_miss,
                "regions": _declared_regions(content, draft, index),
                "codes": list(dict.fromkeys(normalized(item.code) for item in content.codes)),
                "age": age,
                "sex": sex,
            }
        )
    except ValidationError as error:
        raise InvalidContent(f"prior_factors: {error.errors()[0]['msg']}") from error


def _declared_regions(
    content: ConditionInput, draft: ConditionDraft, index: VocabularyIndex
) -> list[str]:
    """The regions the body names, unless they are just those its symptoms are felt in (as a
    condition read back shows them): then they stay taken from the symptoms, and an edit that
    sends the condition back unchanged changes nothing."""
    unknown = [slug for slug in content.regions if slug not in index.regions.regions]
    if unknown:
        raise InvalidContent(
            f"regions: {', '.join(map(repr, unknown))} is not a body region (see /v1/regions)."
        )
    felt = dict.fromkeys(
        index.symptom_regions[symptom.slug]
        for symptom in draft.symptoms
        if symptom.frequency is not Frequency.absent and symptom.slug in index.symptom_regions
    )
    return [] if list(felt) == list(content.regions) else list(content.regions)
