"""The knowledge base as the ranking computes with it: arrays over conditions, built once per
change, so a lookup's cost follows the symptoms it names and the conditions they reach.

For every symptom the index holds the conditions that *cover* it: those that list it or a more
specific symptom below it (every focal seizure is a seizure), with the largest probability of
those listings. Information content comes from the same counts: a symptom that few conditions
cover says more than one that many do.
"""

import copy
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import numpy.typing as npt

IntArray = npt.NDArray[np.int32]
FloatArray = npt.NDArray[np.float64]
EMPTY_INTS: IntArray = np.zeros(0, dtype=np.int32)
EMPTY_FLOATS: FloatArray = np.zeros(0, dtype=np.float64)


@dataclass(frozen=True)
class Listing:
    condition: int  # position in ScoringIndex.slugs
    symptom: str
    probability: float
    absent: bool  # the condition is known not to have it


@dataclass(frozen=True)
class Cover:
    conditions: IntArray  # ascending
    probabilities: FloatArray


class Hierarchy:
    """Symptoms with their broader symptoms, as the vocabulary or an ontology gives them."""

    def __init__(self, parents: dict[str, tuple[str, ...]]) -> None:
        self.parents = parents
        self._lineage: dict[str, tuple[str, ...]] = {}

    def lineage(self, slug: str) -> tuple[str, ...]:
        """The symptom and every symptom above it, each once."""
        known = self._lineage.get(slug)
        if known is not None:
            return known
        found = {slug: None}
        for parent in self.parents.get(slug, ()):
            found.update(dict.fromkeys(self.lineage(parent)))
        lineage = tuple(found)
        self._lineage[slug] = lineage
        return lineage


class ScoringIndex:
    def __init__(
        self,
        slugs: list[str],
        listings: Iterable[Listing],
        hierarchy: Hierarchy,
        ontology_terms: frozenset[str] = frozenset(),
    ) -> None:
        self.slugs = slugs
        self.hierarchy = hierarchy
        self.ontology_terms = ontology_terms  # symptoms that are terms of an outside ontology
        symptom_numbers: dict[str, int] = {}
        covered_symptom: list[int] = []
        covering_condition: list[int] = []
        probability: list[float] = []
        excluded: dict[str, list[int]] = {}
        for listing in listings:
            if listing.absent:
                excluded.setdefault(listing.symptom, []).append(listing.condition)
                continue
            for slug in hierarchy.lineage(listing.symptom):
                covered_symptom.append(symptom_numbers.setdefault(slug, len(symptom_numbers)))
                covering_condition.append(listing.condition)
                probability.append(listing.probability)
        self.covers = _covers(
            list(symptom_numbers),
            np.array(covered_symptom, dtype=np.int32),
            np.array(covering_condition, dtype=np.int32),
            np.array(probability, dtype=np.float64),
        )
        self.excluded = {
            slug: np.unique(np.array(found, dtype=np.int32)) for slug, found in excluded.items()
        }

    @cached_property
    def slug_order(self) -> IntArray:
        """Each condition's place in slug order, to break ties the same way every time."""
        order = np.empty(len(self.slugs), dtype=np.int32)
        order[np.argsort(np.array(self.slugs, dtype=object), kind="stable")] = np.arange(
            len(self.slugs), dtype=np.int32
        )
        return order

    def cover(self, slug: str) -> Cover:
        return self.covers.get(slug) or Cover(EMPTY_INTS, EMPTY_FLOATS)

    def covered_by(self, slug: str) -> int:
        """How many conditions cover the symptom."""
        found = self.covers.get(slug)
        return 0 if found is None else len(found.conditions)

    def excluded_in(self, slug: str) -> IntArray:
        """Conditions known not to have the symptom, or any broader symptom above it."""
        lineage = self.hierarchy.lineage(slug)
        found = [self.excluded[item] for item in lineage if item in self.excluded]
        if not found:
            return EMPTY_INTS
        return found[0] if len(found) == 1 else np.unique(np.concatenate(found))

    def with_conditions_replaced(
        self, before: dict[int, list[Listing]], after: dict[int, list[Listing]]
    ) -> "ScoringIndex":
        """The index once some conditions' listings change (an edit), by position: only the
        covers of the symptoms they listed before or list now are recomputed, and exactly as
        building the whole index again would (each covering condition once, at its largest
        probability, in ascending order). This index is left as it was."""
        # Slugs and hierarchy are unchanged by an edit, so what is worked out from them alone
        # (the cached slug order, known lineages) is carried over with the shallow copy.
        patched = copy.copy(self)
        patched.covers = dict(self.covers)
        patched.excluded = dict(self.excluded)
        positions = sorted(before.keys() | after.keys())
        reach: dict[int, dict[str, float]] = {}
        denied: dict[int, set[str]] = {}
        touched: set[str] = set()
        touched_denied: set[str] = set()
        for position in positions:
            best: dict[str, float] = {}
            for listing in after.get(position, []):
                if listing.absent:
                    denied.setdefault(position, set()).add(listing.symptom)
                    continue
                for slug in self.hierarchy.lineage(listing.symptom):
                    best[slug] = max(best.get(slug, listing.probability), listing.probability)
            reach[position] = best
            touched |= best.keys()
            touched_denied |= denied.get(position, set())
            for listing in before.get(position, []):
                if listing.absent:
                    touched_denied.add(listing.symptom)
                else:
                    touched.update(self.hierarchy.lineage(listing.symptom))
        changed = np.array(positions, dtype=np.int32)
        for slug in touched:
            cover = self.cover(slug)
            keep = ~np.isin(cover.conditions, changed)
            conditions = [cover.conditions[keep]]
            probabilities = [cover.probabilities[keep]]
            for position in positions:
                if slug in reach[position]:
                    conditions.append(np.array([position], dtype=np.int32))
                    probabilities.append(np.array([reach[position][slug]]))
            merged = np.concatenate(conditions)
            order = np.argsort(merged, kind="stable")
            if len(merged):
                patched.covers[slug] = Cover(merged[order], np.concatenate(probabilities)[order])
            else:
                patched.covers.pop(slug, None)
        for slug in touched_denied:
            kept = self.excluded.get(slug, EMPTY_INTS)
            kept = kept[~np.isin(kept, changed)]
            added = [position for position in positions if slug in denied.get(position, ())]
            found = np.unique(np.concatenate([kept, np.array(added, dtype=np.int32)]))
            if len(found):
                patched.excluded[slug] = found.astype(np.int32)
            else:
                patched.excluded.pop(slug, None)
        return patched


def _covers(
    symptoms: list[str], symptom: IntArray, condition: IntArray, probability: FloatArray
) -> dict[str, Cover]:
    """One Cover per symptom: each covering condition once, at its largest probability."""
    if not len(symptom):
        return {}
    # Sort by symptom, then condition, then probability downwards; keep each pair's first.
    order = np.lexsort((-probability, condition, symptom))
    symptom, condition, probability = symptom[order], condition[order], probability[order]
    first = np.ones(len(symptom), dtype=bool)
    first[1:] = (symptom[1:] != symptom[:-1]) | (condition[1:] != condition[:-1])
    symptom, condition, probability = symptom[first], condition[first], probability[first]
    starts = np.flatnonzero(np.r_[True, symptom[1:] != symptom[:-1]])
    ends = np.r_[starts[1:], len(symptom)]
    return {
        symptoms[int(symptom[start])]: Cover(condition[start:end], probability[start:end])
        for start, end in zip(starts, ends, strict=True)
    }
