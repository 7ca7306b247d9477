"""The embeddable symptom checker: its options, its page, and the oEmbed answer for it.

The page is one self-contained document: its style and script are inline and it asks only
this service's own `POST /v1/lookup`, so the script is allowed by its hash and nothing else
may run or load. Every word the page says is in ``TEXT``, one dictionary per language: adding
a language is adding its entry (and the vocabulary's questions in it)."""

import base64
import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any
from urllib.parse import urlencode

from sqlmodel import Session

from app.cache.knowledge_cache import KnowledgeCache
from app.core.errors import InvalidOption, UnknownLanguage, UnknownRegions
from app.schemas.common import NOT_A_DIAGNOSIS
from app.schemas.embed import OEmbed
from app.schemas.symptoms import RegionPublic
from app.services.body_map import MIRROR, VIEW_BOX, body_map
from app.services.conditions import list_regions
from app.services.embedding import (
    DEFAULT_CARD_SECTIONS,
    PROVIDER_NAME,
    render_embed_error,
    rich_embed,
    templates,
)

CHECKER_PATH = "/embed/checker"
CHECKER_WIDTH = 480
CHECKER_HEIGHT = 900
# Enough to compare, few enough to read on a phone.
CANDIDATES_SHOWN = 5
# A language tag of RFC 5646's shape (en, en-GB, pt-BR); only its primary subtag chooses.
LANGUAGE_TAG = re.compile(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*")

# Everything the checker says, by language. The questions come from the vocabulary, which is
# in English only today; a language is offered only once both exist.
TEXT: dict[str, dict[str, str]] = {
    "en": {
        "language_name": "English",
        "title": "Symptom checker",
        "intro": "Say what is wrong, or show where it hurts, then answer a few questions. "
        "It suggests what it could be and where to get help.",
        "noscript": "This symptom checker needs JavaScript. If you are worried about your "
        "symptoms, see a doctor or physiotherapist.",
        "describe_label": "What is wrong? Describe it in your own words",
        "describe_hint": "For example: my knee hurts when I go down stairs",
        "map_legend": "Where does it hurt?",
        "map_hint": "Choose one or more places on the body, or from the list below it. Left "
        "and right count the same.",
        "map_limited": "This checker is for: {regions}.",
        "front": "Front",
        "back": "Back",
        "front_label": "Body, front view",
        "back_label": "Body, back view",
        "list_summary": "Choose from a list instead",
        "chosen_label": "Chosen:",
        "chosen_none": "No place chosen.",
        "remove": "Remove {name}",
        "about_legend": "About you (optional)",
        "about_hint": "Some conditions are more common at some ages, or in one sex.",
        "age_label": "Age in years",
        "sex_label": "Sex",
        "sex_unsaid": "Prefer not to say",
        "sex_female": "Female",
        "sex_male": "Male",
        "submit": "Check",
        "how_title": "How it works",
        "how_describe": "Say what is wrong in your own words, or choose where it hurts.",
        "how_answer": "Answer the questions one at a time: yes, no or not sure.",
        "how_results": "See what to do, and what it could be, with a page about each.",
        "need_something": "Describe what is wrong, or choose where it hurts.",
        "age_invalid": "Give the age as a whole number from 0 to 120, or leave it empty.",
        "checking": "Checking\u2026",
        "what_to_do": "What to do",
        "question_count": "Question {n}",
        "yes": "Yes",
        "no": "No",
        "not_sure": "Not sure",
        "purpose_warning": "This question checks for a warning sign.",
        "no_more_questions": "No more questions: further answers would not change the list.",
        "stopped_unsure": "No more questions: the next one would be one you were not sure "
        "about. The list is what your answers so far suggest.",
        "stopped_emergency": "The checker stops here: this needs help now, not more questions.",
        "stopped_urgent": "No more questions: a warning sign you describe needs medical care "
        "today, whatever the cause.",
        "triage_self_care": "You can probably look after this yourself for now.",
        "triage_see_physiotherapist": "See a physiotherapist or sports medicine professional.",
        "triage_see_doctor": "See a doctor in the next few days.",
        "triage_urgent": "Get medical care today.",
        "triage_emergency": "Call an ambulance now.",
        "warning_sign": "Warning sign: {name}.",
        "why": "Why this advice",
        "candidates_title": "What it could be",
        "care_self_care": "If it is this: self care usually helps.",
        "care_see_physiotherapist": "If it is this: see a physiotherapist.",
        "care_see_doctor": "If it is this: see a doctor within days.",
        "care_urgent": "If it is this: get medical care today.",
        "care_emergency": "If it is this: call an ambulance.",
        "chance": "Chance: {percent}",
        "under_one": "under 1%",
        "new_tab": "(opens in a new tab)",
        "promoted": "Listed first: it must be ruled out, because its warning signs are present.",
        "seek_help": "When to seek help",
        "something_else": "Something this knowledge base does not hold: {percent}",
        "no_candidates": "No condition in this knowledge base fits what you describe.",
        "understood": "What the checker understood",
        "you_have": "You have: {name}",
        "you_do_not_have": "You do not have: {name}",
        "where": "Where: {regions}",
        "not_placed": "Words it could not place: {words}",
        "answers": "Your answers",
        "undo": "Back one question",
        "restart": "Start again",
        "failed": "The checker could not get an answer: {detail}",
        "unreachable": "The checker could not reach the service. Check the connection and "
        "try again.",
        "updated": "Updated. {triage}",
        "announce_question": "Question: {question}",
        "error_title": "The symptom checker cannot open",
        "error_worried": "If you are worried about your symptoms, see a doctor or physiotherapist.",
    }
}
DEFAULT_LANGUAGE = "en"
LANGUAGES = {tag: text["language_name"] for tag, text in TEXT.items()}


@dataclass(frozen=True)
class CheckerOptions:
    """What a site chose for its checker, checked and in canonical form."""

    regions: tuple[str, ...] = ()
    lang: str = DEFAULT_LANGUAGE
    # The sections of the candidates' cards, in the card's order; None for the card's own.
    sections: tuple[str, ...] | None = None

    @property
    def card_query(self) -> str:
        """The query the candidates' cards get: the chosen sections."""
        if self.sections is None:
            return ""
        return "?" + urlencode({"sections": self.sections_value}, safe=",")

    @property
    def sections_value(self) -> str:
        return ",".join(self.sections or ())

    @property
    def query(self) -> str:
        """The options as the checker's own query string (empty for the defaults)."""
        pairs = {
            "region": ",".join(self.regions),
            "lang": self.lang if self.lang != DEFAULT_LANGUAGE else "",
            "sections": self.sections_value,
        }
        return urlencode({name: value for name, value in pairs.items() if value}, safe=",")


def choose_language(tag: str | None) -> str:
    """The language of TEXT a language tag asks for (its primary subtag: en-GB is en)."""
    if tag is None or not tag.strip():
        return DEFAULT_LANGUAGE
    tag = tag.strip()
    if not LANGUAGE_TAG.fullmatch(tag):
        raise InvalidOption(
            f"{tag!r} is not a language tag such as en or en-GB.", field="query.lang"
        )
    primary = tag.split("-")[0].lower()
    if primary not in TEXT:
        raise UnknownLanguage(tag, LANGUAGES, field="query.lang")
    return primary


def check_regions(options: CheckerOptions, known: Iterable[RegionPublic]) -> None:
    """Every preset region must be one of the base's."""
    slugs = [region.slug for region in known]
    unknown = [slug for slug in options.regions if slug not in slugs]
    if unknown:
        raise UnknownRegions(unknown, slugs, field="query.region")


def _tree_order(regions: list[RegionPublic]) -> list[RegionPublic]:
    """The regions broad before narrow, each just below its parent."""
    slugs = {region.slug for region in regions}
    children: dict[str | None, list[RegionPublic]] = {}
    for region in regions:
        children.setdefault(region.parent if region.parent in slugs else None, []).append(region)
    ordered: list[RegionPublic] = []
    waiting = list(reversed(children.get(None, [])))
    while waiting:
        region = waiting.pop()
        ordered.append(region)
        waiting.extend(reversed(children.get(region.slug, [])))
    return ordered


def _at_or_below(regions: list[RegionPublic], chosen: Iterable[str]) -> set[str]:
    """The chosen regions and every region below them."""
    parents = {region.slug: region.parent for region in regions}
    wanted = set(chosen)
    found: set[str] = set()
    for slug in parents:
        current: str | None = slug
        seen: set[str] = set()
        while current is not None and current not in seen:
            if current in wanted:
                found.add(slug)
                break
            seen.add(current)
            current = parents.get(current)
    return found


@dataclass(frozen=True)
class RegionGroup:
    """A broad region and those below it, as the checker's list offers them."""

    name: str
    regions: list[RegionPublic]


def region_groups(regions: list[RegionPublic], offered: set[str]) -> list[RegionGroup]:
    """The offered regions in groups, one for each offered region whose parent is not."""
    groups: list[RegionGroup] = []
    for region in _tree_order(regions):
        if region.slug not in offered:
            continue
        if not groups or region.parent not in offered:
            groups.append(RegionGroup(region.name, []))
        groups[-1].regions.append(region)
    return groups


def render_checker(
    session: Session, cache: KnowledgeCache, options: CheckerOptions, *, attribution: str
) -> str:
    """The checker's page, its body map and list of regions those of the base (limited to
    the preset regions and those below them, when a site chose some)."""
    regions = list_regions(session, cache).items
    check_regions(options, regions)
    offered = _at_or_below(regions, options.regions) if options.regions else None
    text = TEXT[options.lang]
    names = {region.slug: region.name for region in regions}
    data: dict[str, Any] = {
        "text": text,
        "regions": [
            {"slug": region.slug, "name": region.name, "parent": region.parent}
            for region in regions
        ],
        "preset": list(options.regions),
        "cardQuery": options.card_query,
        "showSeekHelp": "seek_help"
        in (DEFAULT_CARD_SECTIONS if options.sections is None else options.sections),
        "limit": CANDIDATES_SHOWN,
        # Relative, so the page works wherever the service is mounted (a proxy's path too).
        "lookup": "../v1/lookup",
        "cards": "conditions/",
    }
    return templates.get_template("checker.html").render(
        lang=options.lang,
        t=text,
        views=body_map(names, offered),
        view_box=VIEW_BOX,
        mirror=MIRROR,
        groups=region_groups(regions, offered or {region.slug for region in regions}),
        limited=[names[slug] for slug in options.regions],
        data=data,
        disclaimer=NOT_A_DIAGNOSIS,
        attribution=attribution,
        provider=PROVIDER_NAME,
    )


def render_checker_error(detail: str, lang: str = DEFAULT_LANGUAGE) -> str:
    """What the frame shows when the site's options cannot be served: the reason, for the
    site's author, and a word for the person who meant to use it."""
    words = TEXT[lang]
    return render_embed_error(
        lang=lang,
        title=words["error_title"],
        heading=words["error_title"],
        detail=detail,
        worried=words["error_worried"],
    )


@cache
def checker_script_hash() -> str:
    """The CSP source of the page's one script: its SHA-256, taken from the template once (the
    script is the same on every page; what varies is the JSON data beside it)."""
    assert templates.loader is not None
    source, _, _ = templates.loader.get_source(templates, "checker.html")
    [script] = re.findall(r"<script>(.*?)</script>", source, flags=re.S)
    # Jinja would rewrite a script holding its own syntax, and the hash would no longer match.
    assert not re.search(r"\{[{%#]", script), "the checker's script must be plain JavaScript"
    digest = hashlib.sha256(script.encode()).digest()
    return f"'sha256-{base64.b64encode(digest).decode()}'"


def checker_oembed(
    session: Session,
    cache: KnowledgeCache,
    options: CheckerOptions,
    *,
    base_url: str,
    maxwidth: int | None,
    maxheight: int | None,
    cache_age: int,
) -> OEmbed:
    """The checker in an iframe, sized within the consumer's maxima."""
    check_regions(options, list_regions(session, cache).items)
    query = options.query
    return rich_embed(
        title=TEXT[options.lang]["title"],
        src=f"{base_url}{CHECKER_PATH.lstrip('/')}" + (f"?{query}" if query else ""),
        size=(CHECKER_WIDTH, CHECKER_HEIGHT),
        maxwidth=maxwidth,
        maxheight=maxheight,
        base_url=base_url,
        cache_age=cache_age,
    )
