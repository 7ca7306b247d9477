"""`?sections=`: the parts of a condition a client asks for, by name."""

from app.core.errors import UnknownSections
from app.schemas.conditions import ALWAYS_SHOWN

# What `?sections=` can ask for, and the fields each brings.
SECTIONS: dict[str, tuple[str, ...]] = {
    "summary": ("summary", "aliases"),
    "symptoms": ("symptoms",),
    "causes": ("causes",),
    "differentials": ("differentials",),
    "self_help": ("self_help",),
    "treatment": ("treatment",),
    "prevention": ("prevention",),
    "seek_help": ("seek_help", "care_level", "cant_miss"),
    "recovery": ("recovery",),
    "priors": ("prior_weight", "prior_factors"),
}


def parse_sections(sections: str | None) -> set[str] | None:
    """The sections a `?sections=` value names; None for all of them."""
    if sections is None or not sections.strip():
        return None
    chosen = {part.strip() for part in sections.split(",") if part.strip()}
    unknown = sorted(chosen - SECTIONS.keys())
    if unknown:
        raise UnknownSections(unknown, sorted(SECTIONS))
    return chosen


def fields_of(chosen: set[str] | None) -> set[str] | None:
    """The fields of the response that the chosen sections show; None for all of them."""
    if chosen is None:
        return None
    return set(ALWAYS_SHOWN) | {field for section in chosen for field in SECTIONS[section]}
