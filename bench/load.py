"""Requests per second and p50/p99 latency under load, next to the ceiling of this stack.

Starts the service (uvicorn, one worker) on loopback over a copy of the default knowledge
base, and a bare FastAPI app that answers the same condition JSON from memory (the ceiling).
wrk (Debian's package) drives each at the same concurrency, in the same run, and the table
gives every endpoint's throughput as a share of the ceiling's.

    .venv/bin/python bench/load.py [--connections 32] [--seconds 10]
"""

import argparse
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx2

ROOT = Path(__file__).resolve().parent.parent
SLUG = "hamstring-origin-problem"
LOOKUP = {"symptoms": ["it hurts in my bum", "pain when I drive", "sprinting hurts"], "age": 30}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def start(command: list[str], environment: dict[str, str], url: str) -> subprocess.Popen[bytes]:
    process = subprocess.Popen(
        command, cwd=ROOT, env=os.environ | environment, stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx2.get(url, timeout=1).status_code == 200:
                return process
        except httpx2.HTTPError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit(f"{command} did not start")


def wrk(
    url: str, *, connections: int, seconds: int, script: Path | None = None
) -> dict[str, float]:
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", url]
    if script is not None:
        command[1:1] = ["-s", str(script)]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    figures = {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))}  # type: ignore[union-attr]
    for label, key in (("50%", "p50"), ("99%", "p99")):
        value, unit = re.search(rf"{re.escape(label)}\s+([\d.]+)(us|ms|s)", output).groups()  # type: ignore[union-attr]
        figures[key] = float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    figures["errors"] = float(errors.group(1)) if errors else 0.0
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--seconds", type=int, default=10)
    arguments = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is needed: apt-get install wrk")
    work = Path(tempfile.mkdtemp(prefix="kb-load-"))
    service_port, ceiling_port = free_port(), free_port()
    service_url = f"http://127.0.0.1:{service_port}"
    ceiling_url = f"http://127.0.0.1:{ceiling_port}"
    service = start(
        [sys.executable, "-m", "app", "serve"],
        {"KB_DATABASE_URL": f"sqlite:///{work / 'kb.sqlite3'}", "KB_PORT": str(service_port)},
        f"{service_url}/readyz",
    )
    body = httpx2.get(f"{service_url}/v1/conditions/{SLUG}").content
    (work / "condition.json").write_bytes(body)
    ceiling = start(
        [sys.executable, "-m", "uvicorn", "bench.ceiling_app:app", "--port", str(ceiling_port),
         "--log-level", "warning", "--no-access-log"],
        {"KB_CEILING_BODY": str(work / "condition.json")},
        f"{ceiling_url}/v1/conditions/{SLUG}",
    )  # fmt: skip
    lookup_script = work / "lookup.lua"
    lookup_script.write_text(
        'wrk.method = "POST"\n'
        'wrk.headers["Content-Type"] = "application/json"\n'
        f"wrk.body = {json.dumps(json.dumps(LOOKUP))}\n"
    )
    # Every request a question not asked before (age, sex and limit vary), so nothing is
    # answered from memory: what ranking itself costs.
    new_questions = work / "new-lookups.lua"
    symptoms = json.dumps(LOOKUP["symptoms"])
    new_questions.write_text(
        "local threads = 0\n"
        "function setup(thread)\n"  # each wrk thread counts from its own offset
        "  thread:set('counter', threads * 100000)\n"
        "  threads = threads + 1\n"
        "end\n"
        "request = function()\n"
        "  counter = counter + 1\n"
        "  local sex = (counter % 2 == 0) and 'female' or 'male'\n"
        f'  local body = string.format(\'{{"symptoms": {symptoms}, "age": %d, '
        '"sex": "%s", "limit": %d}\', counter % 120, sex, 1 + math.floor(counter / 240) % 50)\n'
        "  return wrk.format('POST', nil, {['Content-Type'] = 'application/json'}, body)\n"
        "end\n"
    )
    load = {"connections": arguments.connections, "seconds": arguments.seconds}
    warm = {"connections": arguments.connections, "seconds": 1}
    ceiling_read = f"{ceiling_url}/v1/conditions/{SLUG}"
    try:
        # Each endpoint is warmed for a second first, as a service in steady state is.
        for url, script in (
            (ceiling_read, None),
            (f"{service_url}/v1/conditions/{SLUG}", None),
            (f"{service_url}/v1/conditions?q=buttock", None),
            (f"{service_url}/v1/lookup", lookup_script),
        ):
            wrk(url, script=script, **warm)
        rows = [
            ("ceiling: same JSON from memory", wrk(ceiling_read, **load)),
            ("GET /v1/conditions/{slug}", wrk(f"{service_url}/v1/conditions/{SLUG}", **load)),
            ("GET /v1/conditions?q=buttock", wrk(f"{service_url}/v1/conditions?q=buttock", **load)),
            ("POST /v1/lookup", wrk(f"{service_url}/v1/lookup", script=lookup_script, **load)),
            (
                "POST /v1/lookup, every one new",
                wrk(f"{service_url}/v1/lookup", script=new_questions, **load),
            ),
        ]
    finally:
        for process in (service, ceiling):
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=30)
        shutil.rmtree(work, ignore_errors=True)
    top = rows[0][1]["rps"]
    print(f"{arguments.connections} connections, {arguments.seconds} s each, one uvicorn worker")
    print(
        f"{'endpoint':34} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'of ceiling':>11} {'errors':>7}"
    )
    for label, figures in rows:
        print(
            f"{label:34} {figures['rps']:9.0f} {figures['p50']:8.2f} {figures['p99']:8.2f} "
            f"{figures['rps'] / top:11.2f} {figures['errors']:7.0f}"
        )


if __name__ == "__main__":
    main()
