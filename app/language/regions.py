"""Where on the body: the region hierarchy, and the regions a person's words name.

A region includes the regions below it (the knee holds the front of the knee), so a complaint
and a condition *overlap* when one's region is at or below the other's: "pain in my leg" says
nothing against a condition of the shin, and "my kneecap hurts" is a knee complaint. Left and
right are the same region.

Region words are found as whole runs of words (after the filler words are dropped, so "back of
my knee" is the run back-knee), longest first, in one pass over the text. A region counts as a
*complaint* region where its clause also says something is wrong there (pain, swelling, a pop,
a twist: ``COMPLAINT_STEMS``), or where a recognised symptom spans it; "my back is fine" and
"no knee pain" name it as fine instead."""

from collections.abc import Iterable
from dataclasses import dataclass, field

from app.language.text import stem_word, tokenize

# Stems that, in the same clause as a body part, say that part is the complaint.
COMPLAINT_STEMS = frozenset(
    stem_word(word)
    for word in """
    pain hurt hurts hurting ache aches aching sore tender tenderness sting stinging burn burning
    throb throbbing swollen swelling swell bruise bruised stiff stiffness numb numbness tingle
    tingling weak weakness pop popped snap snapped crack cracked click clicking lock locking
    twist twisted roll rolled sprain sprained strain strained pull pulled tear torn injure
    injured injury broke broken fracture dislocate dislocated jar jarred jammed stub stubbed
    pins needles cramp cramping spasm give gave gives giving buckle buckled unstable heavy
    pressure tight tightness crush crushing agony agonising killing kills deformed bleeding
    lump bump red hot tweak tweaked twinge niggle niggling grab grabbed ping pinged twang
    twanged knock knocked bang banged kicked fell fall landed clash jolt overdid
    """.split()
)


@dataclass(frozen=True)
class Region:
    slug: str
    name: str
    parent: str | None = None


@dataclass(frozen=True)
class RegionMention:
    region: str
    start: int
    end: int
    text: str


@dataclass
class RegionIndex:
    """The body regions and the words for them."""

    regions: dict[str, Region]
    # Each region word as its run of stems, with the region it names.
    words: dict[tuple[str, ...], str] = field(default_factory=dict)
    _lineage: dict[str, tuple[str, ...]] = field(default_factory=dict, repr=False)

    @classmethod
    def of(cls, regions: Iterable[Region], words: Iterable[tuple[str, str]]) -> "RegionIndex":
        """From the regions and (region slug, word) pairs."""
        index = cls({region.slug: region for region in regions})
        for slug, word in words:
            stems = tuple(token.stem for token in tokenize(word))
            if stems:
                index.words.setdefault(stems, slug)
        return index

    @property
    def longest_word(self) -> int:
        return max((len(stems) for stems in self.words), default=0)

    def name_of(self, slug: str) -> str:
        region = self.regions.get(slug)
        return region.name if region is not None else slug

    def lineage(self, slug: str) -> tuple[str, ...]:
        """The region and every region above it."""
        known = self._lineage.get(slug)
        if known is None:
            chain: list[str] = []
            current: str | None = slug
            while current is not None and current in self.regions and current not in chain:
                chain.append(current)
                current = self.regions[current].parent
            known = self._lineage[slug] = tuple(chain)
        return known

    def overlap(self, first: str, second: str) -> bool:
        """Whether one region is at or below the other."""
        return first in self.lineage(second) or second in self.lineage(first)

    def covers(self, condition_regions: Iterable[str], reported: str) -> bool:
        return any(self.overlap(region, reported) for region in condition_regions)

    def find(self, text: str) -> list[RegionMention]:
        """Every region word in the text, longest run first at each place (one pass)."""
        tokens = tokenize(text)
        found: list[RegionMention] = []
        longest = self.longest_word
        position = 0
        while position < len(tokens):
            for length in range(min(longest, len(tokens) - position), 0, -1):
                run = tuple(token.stem for token in tokens[position : position + length])
                slug = self.words.get(run)
                if slug is not None:
                    start, end = tokens[position].start, tokens[position + length - 1].end
                    found.append(RegionMention(slug, start, end, text[start:end]))
                    position += length
                    break
            else:
                position += 1
        return found

    def most_specific(self, slugs: Iterable[str]) -> list[str]:
        """The regions, without any that a more specific one of them already places."""
        chosen = set(slugs)
        return sorted(
            slug
            for slug in chosen
            if not any(other != slug and slug in self.lineage(other) for other in chosen)
        )
