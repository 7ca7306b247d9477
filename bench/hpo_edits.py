"""With the HPO release loaded: the first lookup after a condition edit, next to a lookup with
no edit before it, and the server's memory, next to a server of the default base alone.

Sets up a SQLite database the way an operator does (``python -m app serve`` loads the default
base, ``python -m app import-hpo`` adds the release the ``hpo`` extra installs), starts the
service on it, and then, round after round: asks a new question (no edit before it), edits one
HPO condition through the API (PATCH, one listing's frequency changed), and asks a new
question again, the first after the edit. Both are timed from the client, over HTTP. For
comparison the same run times building the ranking's copy whole, in process: what the first
lookup after every edit used to wait for. Memory is the serving process's resident set
(VmRSS) and peak (VmHWM) after the rounds, next to the same service on the default base alone.

    .venv/bin/pip install -e '.[hpo]'
    .venv/bin/python bench/hpo_edits.py [--rounds 10]
"""

import argparse
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

import httpx2
from sqlmodel import Session, col, select

from app.core.config import PROJECT_ROOT
from app.core.db import create_db_engine
from app.models import Condition
from app.ranking.profiles import build_condition_profiles

sys.path.insert(0, str(Path(__file__).resolve().parent))
from load import free_port, start  # noqa: E402  (the load bench's way of starting a service)


def run(*arguments: str, environment: dict[str, str]) -> str:
    return subprocess.run(
        [sys.executable, "-m", "app", *arguments],
        cwd=PROJECT_ROOT,
        env=os.environ | environment,
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def memory_mb(pid: int) -> tuple[float, float]:
    """The process's resident set now and at its peak, in MB."""
    fields = dict(
        line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines()
    )
    return int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024


def timed(send: Callable[[], httpx2.Response]) -> tuple[float, httpx2.Response]:
    """Milliseconds from sending a request to its whole answer, and the answer."""
    started = time.perf_counter()
    response = send()
    elapsed = (time.perf_counter() - started) * 1000
    assert response.is_success, response.text
    return elapsed, response


def serve(database_url: str, environment: dict[str, str]) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    process = start(
        [sys.executable, "-m", "app", "serve"],
        environment | {"KB_DATABASE_URL": database_url, "KB_PORT": str(port)},
        f"{url}/readyz",
    )
    return process, url


def lookups(url: str, count: int, offset: int) -> list[float]:
    """New questions (each at an age of its own): an HPO case's terms and a lay phrase."""
    asked = []
    for number in range(count):
        body = {
            "symptoms": ["HP:0001250", "HP:0001263", "HP:0000252", "it hurts in my bum"],
            "age": (offset + number) % 120,
        }
        asked.append(timed(partial(httpx2.post, f"{url}/v1/lookup", json=body))[0])
    return asked


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=10)
    rounds = parser.parse_args().rounds
    with tempfile.TemporaryDirectory(prefix="kb-hpo-edits-") as directory:
        environment = {"KB_DATA_DIR": str(PROJECT_ROOT / "data")}
        default_url = f"sqlite:///{directory}/default.sqlite3"
        database_url = f"sqlite:///{directory}/hpo.sqlite3"
        # The default base alone, served: the memory baseline.
        process, url = serve(default_url, environment)
        lookups(url, 50, 0)
        default_memory = memory_mb(process.pid)
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=60)

        started = time.perf_counter()
        run("import-hpo", environment=environment | {"KB_DATABASE_URL": database_url})
        print(f"HPO release imported in {time.perf_counter() - started:.0f} s")
        key = run(
            "keys",
            "create",
            "bench-editor",
            environment=environment | {"KB_DATABASE_URL": database_url},
        ).strip()
        engine = create_db_engine(database_url)
        with Session(engine) as session:
            slugs = list(
                session.exec(
                    select(Condition.slug)
                    .where(col(Condition.source_id).is_not(None))
                    .order_by(col(Condition.id))
                    .limit(rounds)
                )
            )
            started = time.perf_counter()
            profiles = build_condition_profiles(session)
            whole = (time.perf_counter() - started) * 1000
        print(f"{len(profiles.ordered)} conditions")

        process, url = serve(database_url, environment)
        try:
            lookups(url, 20, 0)  # the copies built, and the code warm
            quiet: list[float] = []
            after_edit: list[float] = []
            editing: list[float] = []
            for number, slug in enumerate(slugs):
                quiet += lookups(url, 1, 1000 + 2 * number)
                condition = httpx2.get(f"{url}/v1/conditions/{slug}")
                symptoms = condition.json()["symptoms"]
                first = symptoms[0]
                first["frequency"] = "rare" if first["frequency"] != "rare" else "common"
                first["frequency_value"] = None
                patch = {"symptoms": symptoms}
                headers = {
                    "Authorization": f"Bearer {key}",
                    "If-Match": condition.headers["etag"],
                    "Content-Type": "application/merge-patch+json",
                }
                editing.append(
                    timed(
                        partial(
                            httpx2.patch, f"{url}/v1/conditions/{slug}", json=patch, headers=headers
                        )
                    )[0]
                )
                after_edit += lookups(url, 1, 1001 + 2 * number)
            served_memory = memory_mb(process.pid)
        finally:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=60)

    base = statistics.median(quiet)
    print(f"{rounds} rounds over HTTP, one worker, SQLite")
    print(f"{'measure':46} {'median ms':>10} {'max ms':>8} {'/ no edit':>10}")
    for label, samples in (
        ("lookup, no edit before it (baseline)", quiet),
        ("the edit itself (PATCH)", editing),
        ("first lookup after an edit", after_edit),
        ("building the ranking's copy whole (in process)", [whole]),
    ):
        median = statistics.median(samples)
        print(f"{label:46} {median:10.1f} {max(samples):8.1f} {median / base:10.1f}")
    print(f"{'memory':46} {'RSS MB':>10} {'peak MB':>8} {'/ default':>10}")
    for label, (resident, peak) in (
        ("server, default base alone (baseline)", default_memory),
        ("server, default base and HPO", served_memory),
    ):
        print(f"{label:46} {resident:10.0f} {peak:8.0f} {resident / default_memory[0]:10.1f}")


if __name__ == "__main__":
    main()
