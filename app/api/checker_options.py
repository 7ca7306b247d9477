"""The symptom checker's query-string options (`region`, `lang`, `sections`), from its own
URL or from a URL pasted into oEmbed."""

from urllib.parse import parse_qs, urlsplit

from app.api.sections import SECTIONS, parse_sections
from app.core.errors import InvalidOption
from app.services.checker import CHECKER_PATH, CheckerOptions, choose_language

MAX_OPTION_LENGTH = 300
# As many as a lookup's `regions` takes.
MAX_PRESET_REGIONS = 20


def parse_checker_options(
    *, region: str | None, lang: str | None, sections: str | None
) -> CheckerOptions:
    """The options, checked (a 422 saying why for any it cannot take); the regions are
    checked against the base when the page is made."""
    for name, value in (("region", region), ("lang", lang), ("sections", sections)):
        if value is not None and len(value) > MAX_OPTION_LENGTH:
            raise InvalidOption(
                f"The {name} option is {len(value):,} characters long; at most "
                f"{MAX_OPTION_LENGTH}.",
                field=f"query.{name}",
            )
    chosen = parse_sections(sections)
    regions = tuple(dict.fromkeys(p.strip() for p in (region or "").split(",") if p.strip()))
    if len(regions) > MAX_PRESET_REGIONS:
        raise InvalidOption(
            f"The region option names {len(regions)} regions; at most {MAX_PRESET_REGIONS}.",
            field="query.region",
        )
    return CheckerOptions(
        regions=regions,
        lang=choose_language(lang),
        sections=None if chosen is None else tuple(s for s in SECTIONS if s in chosen),
    )


def checker_options_of_url(url: str, base_url: str) -> CheckerOptions | None:
    """The options of a pasted address of this service's checker; None for any other URL."""
    parts, base = urlsplit(url), urlsplit(base_url)
    if (parts.scheme.lower(), parts.netloc.lower()) != (base.scheme.lower(), base.netloc.lower()):
        return None
    if parts.path.removeprefix(base.path.rstrip("/")).rstrip("/") != CHECKER_PATH:
        return None
    query = {name: values[0] for name, values in parse_qs(parts.query).items()}
    return parse_checker_options(
        region=query.get("region"), lang=query.get("lang"), sections=query.get("sections")
    )
