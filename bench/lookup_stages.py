"""Where a lookup's time goes, stage by stage, in process, next to a baseline measured in the
same run.

Every request is a question not asked before, as real traffic is: the development vignettes'
texts in people's own words (the same texts ``bench/load.py`` sends), each asked once per round
at an age and sex of its own. The stages are those of ``app.services.lookup.look_up``:
recognition (the words read as symptoms and body regions), ranking, the next question, triage,
and serialisation (the response built and written as JSON). The baseline is the work of the
ceiling in ``bench/load.py``: one condition, already read, written as JSON.

    .venv/bin/python bench/lookup_stages.py [--rounds 3] [--data-dir data]
"""

import argparse
import statistics
import sys
import time
from pathlib import Path

from fastapi.testclient import TestClient
from sqlmodel import Session

sys.path.insert(0, str(Path(__file__).resolve().parent))

from load import development_texts  # noqa: E402  (the texts the load bench sends)

from app.core.config import PROJECT_ROOT, Settings  # noqa: E402
from app.main import create_app  # noqa: E402
from app.schemas.lookup import LookupRequest  # noqa: E402
from app.services.conditions import get_condition  # noqa: E402
from app.services.lookup import STAGES, look_up  # noqa: E402


def percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


class Stopwatch:
    """Milliseconds per stage of one lookup after another."""

    def __init__(self) -> None:
        self.samples: dict[str, list[float]] = {stage: [] for stage in (*STAGES, "whole")}
        self._started = self._lap = 0.0

    def start(self) -> None:
        self._started = self._lap = time.perf_counter()

    def lap(self, stage: str) -> None:
        now = time.perf_counter()
        self.samples[stage].append((now - self._lap) * 1000)
        self._lap = now

    def add_to(self, stage: str, started: float) -> None:
        """Time since ``started`` counted in a stage already lapped (the JSON written after
        ``look_up`` returned is serialisation too), and the whole lookup ends here."""
        now = time.perf_counter()
        self.samples[stage][-1] += (now - started) * 1000
        self.samples["whole"].append((now - self._started) * 1000)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3, help="passes over the texts")
    parser.add_argument("--data-dir", type=Path, default=PROJECT_ROOT / "data")
    arguments = parser.parse_args()
    texts = development_texts()
    settings = Settings(database_url="sqlite://", data_dir=arguments.data_dir)
    watch = Stopwatch()
    baseline: list[float] = []
    with TestClient(create_app(settings)) as client:
        engine = client.app.state.engine  # type: ignore[attr-defined]
        cache = client.app.state.cache  # type: ignore[attr-defined]
        with Session(engine) as session:
            condition = get_condition(session, "hamstring-origin-problem")
            for round_number in range(arguments.rounds):
                for number, text in enumerate(texts):
                    request = LookupRequest.model_validate(
                        {
                            "text": text,
                            "age": 14 + (round_number * 7 + number) % 60,
                            "sex": ("female", "male")[(round_number + number) % 2],
                        }
                    )
                    # As the service does: the version is read at most once a moment, not per copy.
                    cache.versions.snapshot(session)
                    watch.start()
                    response = look_up(session, cache, request, lap=watch.lap)
                    written = time.perf_counter()
                    response.model_dump_json().encode()
                    watch.add_to("serialisation", written)
                    # Interleaved, so that whatever else the machine does hits both alike.
                    started = time.perf_counter()
                    condition.model_dump_json().encode()
                    baseline.append((time.perf_counter() - started) * 1000)
    base = statistics.median(baseline)
    print(f"{len(texts)} distinct texts x {arguments.rounds} rounds, in process")
    print(f"{'stage':38} {'p50 ms':>8} {'p99 ms':>8} {'p50 / baseline':>15}")
    print(f"{'baseline: one condition as JSON':38} {base:8.3f} {percentile(baseline, 0.99):8.3f}")
    for stage, samples in watch.samples.items():
        p50, p99 = statistics.median(samples), percentile(samples, 0.99)
        print(f"{stage:38} {p50:8.3f} {p99:8.3f} {p50 / base:15.1f}")


if __name__ == "__main__":
    main()
