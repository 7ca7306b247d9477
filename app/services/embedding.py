"""The embeddable card of a condition, and the oEmbed answer that points at it."""

from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

from jinja2 import Environment, FileSystemLoader, select_autoescape

from app.core.errors import NotFound
from app.models import CareLevel, Frequency
from app.schemas.conditions import ConditionPublic
from app.schemas.embed import OEmbed

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
PROVIDER_NAME = "Condition knowledge service"
DEFAULT_CARD_SECTIONS = {"summary", "symptoms", "self_help", "seek_help"}
CARD_WIDTH = 480
CARD_HEIGHT = 640

# The one environment of every embeddable page: the cards and the symptom checker.
templates = Environment(
    loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]), auto_reload=False
)

FREQUENCY_NOTES = {
    Frequency.common: "",
    Frequency.sometimes: "sometimes",
    Frequency.rare: "rarely",
}


@dataclass(frozen=True)
class CardItem:
    text: str
    note: str = ""
    link: str | None = None  # another card of this service (a look-alike it holds)


@dataclass(frozen=True)
class CardSection:
    key: str
    title: str
    items: list[CardItem] = field(default_factory=list)
    paragraph: str | None = None


def card_sections(condition: ConditionPublic, chosen: set[str]) -> list[CardSection]:
    """The chosen sections that have content, in the order a reader wants them."""
    sections: list[CardSection] = []
    if "symptoms" in chosen:
        items = [
            CardItem(s.name, FREQUENCY_NOTES[s.frequency])
            for s in condition.symptoms
            if s.frequency is not Frequency.absent
        ]
        sections.append(CardSection("symptoms", "Symptoms", items))
    if "causes" in chosen:
        sections.append(
            CardSection("causes", "Causes", [CardItem(cause.text) for cause in condition.causes])
        )
    if "differentials" in chosen:
        items = [
            CardItem(item.name, link=f"/embed/conditions/{item.slug}" if item.slug else None)
            for item in condition.differentials
        ]
        sections.append(CardSection("differentials", "Other possible causes", items))
    for key, title, advice in (
        ("self_help", "Self help", condition.self_help),
        ("treatment", "Treatment", condition.treatment),
        ("prevention", "Prevention", condition.prevention),
        ("seek_help", "When to seek help", condition.seek_help),
    ):
        if key in chosen:
            sections.append(CardSection(key, title, [CardItem(item.text) for item in advice]))
    if "recovery" in chosen and condition.recovery is not None:
        sections.append(CardSection("recovery", "Recovery", paragraph=condition.recovery.text))
    shown = [section for section in sections if section.items or section.paragraph]
    if condition.cant_miss or condition.care_level.rank >= CareLevel.see_doctor.rank:
        # A condition that needs a doctor says when to get help before anything else: inside a
        # 640 px frame, not a scroll away.
        shown.sort(key=lambda section: section.key != "seek_help")
    return shown


def render_card(condition: ConditionPublic, chosen: set[str] | None, *, attribution: str) -> str:
    """The card, its footer the public attribution and the review date (how each page was
    written, its provenance, stays in the API)."""
    picked = chosen or DEFAULT_CARD_SECTIONS
    return templates.get_template("condition_card.html").render(
        condition=condition,
        chosen=picked,
        sections=card_sections(condition, picked),
        reviewed_on=condition.source.reviewed_on,
        disclaimer=condition.disclaimer,
        provider=PROVIDER_NAME,
        attribution=attribution,
    )


def render_missing_card(detail: str) -> str:
    """What the frame shows when the card's condition is not (or no longer) in the base."""
    return render_embed_error(
        lang="en",
        title="Not found",
        heading="This information is not available",
        detail=detail,
        worried="If you are worried about your symptoms, see a doctor or physiotherapist.",
    )


def rich_embed(
    *,
    title: str,
    src: str,
    size: tuple[int, int],
    maxwidth: int | None,
    maxheight: int | None,
    base_url: str,
    cache_age: int,
) -> OEmbed:
    """An oEmbed answer of type rich: an iframe of one of our pages, at its own ``size``
    unless the consumer's maxima are smaller."""
    width = min(size[0], maxwidth or size[0])
    height = min(size[1], maxheight or size[1])
    html = (
        f'<iframe src="{escape(src, quote=True)}" width="{width}" height="{height}" '
        f'title="{escape(title, quote=True)}" loading="lazy" '
        'style="border:0;max-width:100%"></iframe>'
    )
    return OEmbed(
        title=title,
        provider_name=PROVIDER_NAME,
        provider_url=base_url,
        cache_age=cache_age,
        html=html,
        width=width,
        height=height,
    )


def render_embed_error(*, lang: str, title: str, heading: str, detail: str, worried: str) -> str:
    """A page inside someone's frame saying why ours cannot be shown (a frame shows a page,
    not a JSON problem), with a word for the person who meant to read it."""
    return templates.get_template("embed_error.html").render(
        lang=lang,
        title=title,
        heading=heading,
        detail=detail,
        worried=worried,
        provider=PROVIDER_NAME,
    )


def slug_of_url(url: str, base_url: str) -> tuple[str, str]:
    """The condition a pasted URL of this service names (its JSON or its card), and the
    card's query to keep (the chosen sections)."""
    parts, base = urlsplit(url), urlsplit(base_url)
    here = (base.scheme.lower(), base.netloc.lower())
    if (parts.scheme.lower(), parts.netloc.lower()) != here:
        raise NotFound(f"{url} is not an address of this service ({base_url}).")
    path = parts.path.removeprefix(base.path.rstrip("/"))
    for prefix in ("/v1/conditions/", "/embed/conditions/"):
        slug = path.removeprefix(prefix)
        if path.startswith(prefix) and slug and "/" not in slug:
            sections = parse_qs(parts.query).get("sections")
            return slug, urlencode({"sections": sections[0]}) if sections else ""
    raise NotFound(f"{url} is not the address of a condition.")
