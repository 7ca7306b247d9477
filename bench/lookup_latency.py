"""How long a lookup takes, next to reading one condition, measured in the same run.

Runs every vignette's symptoms through POST /v1/lookup (and the same lookup in process) on the
default knowledge base, and prints p50/p99 latencies with the ratio to a baseline measured
alongside: GET /v1/conditions/{slug} (an indexed read of one condition) over the same ASGI
stack. Ratios matter more than milliseconds on a shared machine.

    .venv/bin/python bench/lookup_latency.py [--rounds 20]
"""

import argparse
import statistics
import time
from collections.abc import Callable
from functools import partial

from fastapi.testclient import TestClient
from sqlmodel import Session

from app.core.config import PROJECT_ROOT, Settings
from app.main import create_app
from app.schemas.lookup import LookupRequest
from app.services.evaluation import read_vignettes
from app.services.lookup import look_up


def percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def timed(action: Callable[[], object], rounds: int) -> list[float]:
    samples: list[float] = []
    for _ in range(rounds):
        start = time.perf_counter()
        action()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20, help="passes over the vignettes")
    rounds = parser.parse_args().rounds
    vignettes = read_vignettes(PROJECT_ROOT / "tests" / "vignettes.toml")
    bodies = [
        {"symptoms": v.symptoms, "age": v.age, "sex": v.sex.value if v.sex else None}
        for v in vignettes
    ]
    settings = Settings(database_url="sqlite://")
    with TestClient(create_app(settings)) as client:
        engine = client.app.state.engine  # type: ignore[attr-defined]
        cache = client.app.state.cache  # type: ignore[attr-defined]
        client.post("/v1/lookup", json=bodies[0])  # warm the caches once
        http_lookup: list[float] = []
        http_read: list[float] = []
        in_process: list[float] = []
        with Session(engine) as session:
            requests = [LookupRequest.model_validate(body) for body in bodies]
            for _ in range(rounds):
                # Interleaved, so that whatever else the machine does hits all three alike.
                for body, request in zip(bodies, requests, strict=True):
                    http_lookup += timed(partial(client.post, "/v1/lookup", json=body), 1)
                    http_read += timed(
                        partial(client.get, "/v1/conditions/hamstring-origin-problem"), 1
                    )
                    in_process += timed(partial(look_up, session, cache, request), 1)
    read_p50 = statistics.median(http_read)
    print(f"{len(bodies)} vignette lookups x {rounds} rounds")
    print(f"{'measure':38} {'p50 ms':>8} {'p99 ms':>8} {'p50 / read':>11}")
    for label, samples in (
        ("GET /v1/conditions/{slug} (baseline)", http_read),
        ("POST /v1/lookup over HTTP (ASGI)", http_lookup),
        ("look_up() in process", in_process),
    ):
        p50, p99 = statistics.median(samples), percentile(samples, 0.99)
        print(f"{label:38} {p50:8.2f} {p99:8.2f} {p50 / read_p50:11.2f}")


if __name__ == "__main__":
    main()
