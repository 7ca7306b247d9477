"""How long importing the whole default knowledge base takes, next to reading it, in one run.

Imports the vocabulary and every page of the default base into a new SQLite database (one
transaction, as `serve` does on an empty database), and the same with the base eight times
larger. The baseline, measured alongside on the same pages, is what any import must pay:
decoding and drafting every page in memory, without writing a row. The ratio is what writing
the rows adds; the machine is shared, so the ratio matters more than the seconds.

    .venv/bin/python bench/import_speed.py [--rounds 3] [--scale 8]
"""

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from sqlmodel import Session

from app.core.config import PROJECT_ROOT
from app.core.db import create_db_engine, upgrade_to_head
from app.ingest.drafting import draft_condition
from app.language.vocabulary_index import build_vocabulary_index
from app.services.importing import load_default_knowledge, load_vocabulary_file, manifest_sources

sys.path.insert(0, str(Path(__file__).resolve().parent))
from load import scaled_data  # noqa: E402  (the same enlarged base the load bench serves)


def empty_database(work: Path, name: str) -> Session:
    engine = create_db_engine(f"sqlite:///{work / name}")
    upgrade_to_head(engine)
    return Session(engine)


def draft_only(work: Path, data_dir: Path) -> Callable[[], None]:
    """Reading and drafting every page against the vocabulary: no condition row written."""
    session = empty_database(work, "vocabulary.sqlite3")
    load_vocabulary_file(session, data_dir)
    session.commit()
    index = build_vocabulary_index(session)

    def run() -> None:
        for source in manifest_sources(data_dir):
            draft_condition(source, index)

    return run


def full_import(work: Path, data_dir: Path, label: str) -> Callable[[], None]:
    rounds = iter(range(1_000))

    def run() -> None:
        with empty_database(work, f"{label}-{next(rounds)}.sqlite3") as session:
            load_default_knowledge(session, data_dir)
            session.commit()

    return run


def seconds(run: Callable[[], None], rounds: int) -> float:
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--scale", type=int, default=8)
    arguments = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="kb-import-"))
    default = PROJECT_ROOT / "data"
    bases = [("default base", default)]
    if arguments.scale > 1:
        bases.append((f"base x{arguments.scale}", scaled_data(work, arguments.scale)))
    print(f"median of {arguments.rounds} rounds, SQLite file, one transaction per import")
    print(f"{'':44} {'pages':>6} {'seconds':>8} {'ratio':>6}")
    for label, data_dir in bases:
        pages = len(manifest_sources(data_dir))
        baseline = seconds(draft_only(work, data_dir), arguments.rounds)
        imported = seconds(full_import(work, data_dir, label), arguments.rounds)
        print(f"{label + ': read and draft (baseline)':44} {pages:6} {baseline:8.2f} {1:6.2f}")
        print(f"{label + ': import':44} {pages:6} {imported:8.2f} {imported / baseline:6.2f}")


if __name__ == "__main__":
    main()
