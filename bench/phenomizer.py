"""The classic Phenomizer score, as the reference ranking our own ranking is benchmarked against.

Köhler S, et al. "Clinical diagnostics in human genetics with semantic similarity searches in
ontologies", Am J Hum Genet 2009.

Every disease is scored against the patient's observed HPO terms Q:

    score(Q, D) = (1/|Q|) * sum over q in Q of max over d in D of IC(MICA(q, d))

where D is the disease's annotation set (NOT annotations are ignored, as Phenomizer does),
MICA is the most informative common ancestor (a term is its own ancestor), and
IC(t) = -ln(n(t) / N), with n(t) the number of diseases annotated with t or any descendant of
t and N the number of diseases. Only the patient-to-disease direction is averaged.

Scoring is vectorised over diseases: for every term we keep the indices of the diseases it
covers (annotated at or below it). For a query term q, the best match in a disease is the IC of
the most informative ancestor of q that covers that disease, so writing each ancestor's IC over
its covered diseases in ascending IC order leaves exactly that maximum in every slot.
"""

from collections.abc import Iterable

import numpy
import numpy.typing as npt

from app.ingest.hpo_release import Ontology, Release

# Scores closer than this count as tied: sums of the same ICs in another order can differ in
# the last bits.
TIE_TOLERANCE = 1e-9
# Retired ids can point at ids that are themselves retired; a chain this long means a cycle.
MAX_REPLACEMENT_HOPS = 10

IntArray = npt.NDArray[numpy.int32]
FloatArray = npt.NDArray[numpy.float64]


class Phenomizer:
    def __init__(self, release: Release) -> None:
        ontology = release.ontology
        self._term_ids = list(ontology.terms)
        self._term_index = {term_id: index for index, term_id in enumerate(self._term_ids)}
        self._retired_ids = _retired_ids(ontology)
        self._ancestors = _ancestors_or_self(ontology, self._term_index)

        diseases = list(release.annotations.diseases.values())
        self._disease_ids = [disease.id for disease in diseases]
        self._disease_index = {disease_id: i for i, disease_id in enumerate(self._disease_ids)}
        disease_count = len(diseases)

        # Each disease counts once per term however many of its annotations sit below it, so
        # the covered terms of a disease are the union of its annotations' ancestors.
        covered_terms: list[IntArray] = []
        for disease in diseases:
            terms: set[int] = set()
            for annotation in disease.annotations.values():
                if not annotation.excluded:
                    terms.update(self._ancestors[self._term_index[annotation.term_id]])
            covered_terms.append(numpy.fromiter(terms, dtype=numpy.int32, count=len(terms)))
        pair_terms = numpy.concatenate(covered_terms)
        pair_diseases = numpy.repeat(
            numpy.arange(disease_count, dtype=numpy.int32), [len(t) for t in covered_terms]
        )
        by_term = numpy.argsort(pair_terms, kind="stable")
        diseases_by_term = pair_diseases[by_term]
        term_counts = numpy.bincount(pair_terms, minlength=len(self._term_ids))
        boundaries = numpy.cumsum(term_counts)[:-1]
        self._cover: list[IntArray] = numpy.split(diseases_by_term, boundaries)

        # Terms no disease reaches get no IC: they are never a MICA, because a common ancestor
        # with a disease's term is an ancestor of that term and so covers that disease.
        information_content = numpy.zeros(len(self._term_ids), dtype=numpy.float64)
        annotated = term_counts > 0
        information_content[annotated] = -numpy.log(term_counts[annotated] / disease_count)
        self._information_content = information_content
        self._plans: dict[int, list[tuple[IntArray, float]]] = {}

    @property
    def disease_ids(self) -> list[str]:
        return list(self._disease_ids)

    def scores(self, observed: Iterable[str]) -> FloatArray:
        """The score of every disease, in ``disease_ids`` order."""
        query = self._query_terms(observed)
        total = numpy.zeros(len(self._disease_ids), dtype=numpy.float64)
        if not query:
            return total
        best = numpy.empty_like(total)
        for term in query:
            best.fill(0.0)
            # Ascending IC, so the last write into each disease is its most informative match.
            for covered, information_content in self._plan(term):
                best[covered] = information_content
            total += best
        total /= len(query)
        return total

    def rank_of(self, observed: Iterable[str], disease_id: str) -> float:
        """The 1-based rank of a disease by descending score; tied diseases share the mean of
        the ranks they span."""
        try:
            index = self._disease_index[disease_id]
        except KeyError:
            raise KeyError(f"{disease_id} is not a disease of this release") from None
        scores = self.scores(observed)
        own = scores[index]
        higher = int(numpy.count_nonzero(scores > own + TIE_TOLERANCE))
        tied = int(numpy.count_nonzero(numpy.abs(scores - own) <= TIE_TOLERANCE))
        return higher + (tied + 1) / 2

    def _query_terms(self, observed: Iterable[str]) -> list[int]:
        """The live terms a patient's ids name, each once: a query is a set of features, and an
        old id next to its live one must not count that feature twice."""
        seen: dict[int, None] = {}
        for term_id in observed:
            live = self._live_term(term_id)
            if live is not None:
                seen[self._term_index[live]] = None
        return list(seen)

    def _live_term(self, term_id: str) -> str | None:
        for _ in range(MAX_REPLACEMENT_HOPS):
            if term_id in self._term_index:
                return term_id
            replacement = self._retired_ids.get(term_id)
            if replacement is None:
                return None
            term_id = replacement
        return None

    def _plan(self, term: int) -> list[tuple[IntArray, float]]:
        """The term's ancestors-or-self that could be a MICA, as (covered diseases, IC) in
        ascending IC order. The root-like terms covering every disease have IC 0 and are left
        out: writing 0 into a zeroed array changes nothing, and they are the largest covers."""
        plan = self._plans.get(term)
        if plan is None:
            information_content = self._information_content
            ancestors = [a for a in self._ancestors[term] if information_content[a] > 0.0]
            ancestors.sort(key=lambda a: information_content[a])
            plan = [(self._cover[a], float(information_content[a])) for a in ancestors]
            self._plans[term] = plan
        return plan


def _retired_ids(ontology: Ontology) -> dict[str, str]:
    """Every alternative id and obsolete id, and the id that replaced it."""
    retired = {alt: term.id for term in ontology.terms.values() for alt in term.alt_ids}
    retired.update(ontology.replaced_by)
    return retired


def _ancestors_or_self(ontology: Ontology, term_index: dict[str, int]) -> list[tuple[int, ...]]:
    """For every term index, the indices of the term and all its is_a ancestors."""
    memo: dict[str, frozenset[int]] = {}

    def ancestors(term_id: str) -> frozenset[int]:
        known = memo.get(term_id)
        if known is not None:
            return known
        # Depth-first without recursion: HPO is shallow, but a deep chain must not overflow.
        stack = [term_id]
        while stack:
            current = stack[-1]
            pending = [p for p in ontology.terms[current].parents if p not in memo]
            if pending:
                stack.extend(pending)
                continue
            stack.pop()
            if current not in memo:
                found = {term_index[current]}
                for parent in ontology.terms[current].parents:
                    found.update(memo[parent])
                memo[current] = frozenset(found)
        return memo[term_id]

    return [tuple(ancestors(term_id)) for term_id in ontology.terms]
