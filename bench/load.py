"""Requests per second and p50/p99 latency under load, next to the ceiling of this stack.

Starts the service (uvicorn, one worker unless ``--workers`` says more, on SQLite unless
``--postgres`` names a server) on loopback over a copy of the default knowledge base, and a
bare FastAPI app that answers the same condition JSON from memory (the ceiling).
wrk (Debian's package) drives each at the same concurrency, in the same run, and the table
gives every endpoint's throughput as a share of the ceiling's.

    .venv/bin/python bench/load.py [--connections 32] [--seconds 10] [--scale 8]
        [--workers 2] [--postgres postgresql+psycopg://postgres@127.0.0.1:5432/test]

With ``--scale N`` (8 by default) the same table is measured a second time over a base N times
larger (every page N times, each copy renamed, its aliases too), so the two tables side by side
show whether reads, searches and lookups keep their share of the ceiling as the base grows.
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
import tomllib
from pathlib import Path
from typing import Any

import httpx2
from sqlalchemy import create_engine, make_url

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
    # A base eight times larger is imported at start-up, which takes a while.
    deadline = time.monotonic() + 600
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


def scaled_data(work: Path, factor: int) -> Path:
    """A copy of the default data directory whose manifest lists every page ``factor`` times:
    copy k of a page is named "NAME (variant k)", and so are its aliases, so every copy is a
    condition of its own with the same content."""
    source = ROOT / "data"
    target = work / f"data-x{factor}"
    shutil.copytree(source, target)
    manifest_text = (source / "knowledge.toml").read_text()
    manifest = tomllib.loads(manifest_text)
    entries = []
    for document in manifest["document"]:
        text = (source / document["path"]).read_text()
        for copy in range(2, factor + 1):
            suffix = f" (variant {copy})"
            front, separator, body = text.partition("\n+++\n")
            aliases = re.search(r"aliases = \[(.*?)\]", front, flags=re.S)
            if aliases is not None:
                renamed = re.sub(r'"([^"]*)"', rf'"\1{suffix}"', aliases.group(1))
                front = front[: aliases.start(1)] + renamed + front[aliases.end(1) :]
            body = re.sub(r"^# (.+)$", rf"# \1{suffix}", body, count=1, flags=re.M)
            path = Path(document["path"]).with_name(f"{Path(document['path']).stem}-{copy}.md")
            (target / path).write_text(front + separator + body)
            provenance = json.dumps(document["provenance"])
            entries.append(
                f'\n[[document]]\npath = "{path}"\nprovenance = {provenance}'
                f"\nreviewed_on = {document['reviewed_on']}\n"
            )
    (target / "knowledge.toml").write_text(manifest_text + "".join(entries))
    return target


def measure(
    service_url: str, ceiling_read: str, work: Path, *, connections: int, seconds: int
) -> list[tuple[str, dict[str, float]]]:
    """Every endpoint at the same load, right after the ceiling; each warmed for a second first,
    as a service in steady state is."""
    lookup_script = work / "lookup.lua"
    lookup_script.write_text(
        'wrk.method = "POST"\n'
        'wrk.headers["Content-Type"] = "application/json"\n'
        f"wrk.body = {json.dumps(json.dumps(LOOKUP))}\n"
    )
    # Every request a question not asked before (age, sex and limit vary), so nothing is
    # answered from memory: what ranking itself costs, over one list of phrases the vocabulary
    # has already recognised once.
    new_questions = work / "new-lookups.lua"
    new_questions.write_text(_varying_lookups(f'{{"symptoms": {json.dumps(LOOKUP["symptoms"])}, '))
    # Real traffic: free text in people's words that is almost never asked twice. Each
    # development vignette's text, crossed with every age and both sexes.
    new_texts = work / "new-texts.lua"
    new_texts.write_text(_varying_texts(development_texts()))
    read = f"{service_url}/v1/conditions/{SLUG}"
    search = f"{service_url}/v1/conditions?q=buttock"
    lookup = f"{service_url}/v1/lookup"
    for url, script in (
        (ceiling_read, None),
        (read, None),
        (search, None),
        (lookup, lookup_script),
        (lookup, new_texts),
    ):
        wrk(url, script=script, connections=connections, seconds=1)

    def under_load(url: str, script: Path | None = None) -> dict[str, float]:
        return wrk(url, script=script, connections=connections, seconds=seconds)

    return [
        ("ceiling: same JSON from memory", under_load(ceiling_read)),
        ("GET /v1/conditions/{slug}", under_load(read)),
        ("GET /v1/conditions?q=buttock", under_load(search)),
        ("POST /v1/lookup", under_load(lookup, lookup_script)),
        ("POST /v1/lookup, every one new", under_load(lookup, new_questions)),
        ("POST /v1/lookup, new free text", under_load(lookup, new_texts)),
    ]


def _on_server(url: str, statement: str) -> None:
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.exec_driver_sql(statement)
    engine.dispose()


def development_texts() -> list[str]:
    """The development vignettes in people's words: whole-body texts, and the first set's
    symptom lists as the sentences an app would send."""
    texts = [str(v["text"]) for v in _vignettes("vignettes_body.toml") if "text" in v]
    texts += [". ".join(v["symptoms"]) for v in _vignettes("vignettes.toml")]
    return texts


def _vignettes(name: str) -> list[dict[str, Any]]:
    vignettes: list[dict[str, Any]] = tomllib.loads(
        (ROOT / "tests" / name).read_text(encoding="utf-8")
    )["vignette"]
    return vignettes


_COUNTER = (
    "local threads = 0\n"
    "function setup(thread)\n"  # each wrk thread counts from its own offset
    "  thread:set('counter', threads * 100000)\n"
    "  threads = threads + 1\n"
    "end\n"
)


def _varying_lookups(body_start: str) -> str:
    return _COUNTER + (
        "request = function()\n"
        "  counter = counter + 1\n"
        "  local sex = (counter % 2 == 0) and 'female' or 'male'\n"
        f"  local body = {_lua_string(body_start)} .. string.format("
        '\'"age": %d, "sex": "%s", "limit": %d}\', counter % 120, sex, '
        "1 + math.floor(counter / 240) % 50)\n"
        "  return wrk.format('POST', nil, {['Content-Type'] = 'application/json'}, body)\n"
        "end\n"
    )


def _varying_texts(texts: list[str]) -> str:
    """Request n asks text n mod len(texts), at an age and sex that change once every text has
    been asked: a text comes back only with another age or sex."""
    table = ",\n".join(_lua_string(json.dumps(text, ensure_ascii=False)) for text in texts)
    return _COUNTER + (
        f"local texts = {{\n{table}\n}}\n"
        "request = function()\n"
        "  counter = counter + 1\n"
        "  local round = math.floor(counter / #texts)\n"
        "  local sex = (round % 2 == 0) and 'female' or 'male'\n"
        "  local body = '{\"text\": ' .. texts[counter % #texts + 1] .. "
        'string.format(\', "age": %d, "sex": "%s"}\', 12 + math.floor(round / 2) % 70, sex)\n'
        "  return wrk.format('POST', nil, {['Content-Type'] = 'application/json'}, body)\n"
        "end\n"
    )


def _lua_string(text: str) -> str:
    """A Lua long-bracket literal: taken as written, with no escapes to get wrong."""
    level = 0
    while f"]{'=' * level}]" in text:
        level += 1
    return f"[{'=' * level}[{text}]{'=' * level}]"


def print_table(title: str, rows: list[tuple[str, dict[str, float]]]) -> None:
    top = rows[0][1]["rps"]
    print(title)
    print(
        f"{'endpoint':34} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'of ceiling':>11} {'errors':>7}"
    )
    for label, figures in rows:
        print(
            f"{label:34} {figures['rps']:9.0f} {figures['p50']:8.2f} {figures['p99']:8.2f} "
            f"{figures['rps'] / top:11.2f} {figures['errors']:7.0f}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--scale", type=int, default=8, help="1 measures the default base only")
    parser.add_argument("--workers", type=int, default=1, help="processes the service runs")
    parser.add_argument(
        "--postgres",
        help="a PostgreSQL server's URL (its database is used only to create and drop the "
        "bench's own); SQLite by default",
    )
    arguments = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is needed: apt-get install wrk")
    work = Path(tempfile.mkdtemp(prefix="kb-load-"))
    ceiling_port = free_port()
    ceiling_url = f"http://127.0.0.1:{ceiling_port}"
    ceiling_read = f"{ceiling_url}/v1/conditions/{SLUG}"
    bases = [("default base", ROOT / "data")]
    if arguments.scale > 1:
        bases.append((f"base x{arguments.scale}", scaled_data(work, arguments.scale)))
    tables = []
    ceiling = None
    made: list[str] = []

    def database(label: str) -> str:
        if not arguments.postgres:
            return f"sqlite:///{work / (label.replace(' ', '-') + '.sqlite3')}"
        name = f"kb_bench_{os.getpid()}_{len(made)}"
        _on_server(arguments.postgres, f"CREATE DATABASE {name}")
        made.append(name)
        return str(make_url(arguments.postgres).set(database=name))

    try:
        for label, data_dir in bases:
            port = free_port()
            service_url = f"http://127.0.0.1:{port}"
            started = time.monotonic()
            service = start(
                [sys.executable, "-m", "app", "serve"],
                {
                    "KB_DATABASE_URL": database(label),
                    "KB_WORKERS": str(arguments.workers),
                    "KB_DATA_DIR": str(data_dir),
                    "KB_PORT": str(port),
                },
                f"{service_url}/readyz",
            )
            ready_after = time.monotonic() - started
            try:
                if ceiling is None:
                    body = httpx2.get(f"{service_url}/v1/conditions/{SLUG}").content
                    (work / "condition.json").write_bytes(body)
                    ceiling = start(
                        [sys.executable, "-m", "uvicorn", "bench.ceiling_app:app", "--port",
                         str(ceiling_port), "--log-level", "warning", "--no-access-log"],
                        {"KB_CEILING_BODY": str(work / "condition.json")},
                        ceiling_read,
                    )  # fmt: skip
                rows = measure(
                    service_url,
                    ceiling_read,
                    work,
                    connections=arguments.connections,
                    seconds=arguments.seconds,
                )
                pages = len(tomllib.loads((data_dir / "knowledge.toml").read_text())["document"])
                tables.append((f"{label}: {pages} conditions, ready in {ready_after:.0f} s", rows))
            finally:
                service.send_signal(signal.SIGTERM)
                service.wait(timeout=30)
    finally:
        if ceiling is not None:
            ceiling.send_signal(signal.SIGTERM)
            ceiling.wait(timeout=30)
        shutil.rmtree(work, ignore_errors=True)
        for name in made:
            _on_server(arguments.postgres, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    database_name = "PostgreSQL" if arguments.postgres else "SQLite"
    print(
        f"{arguments.connections} connections, {arguments.seconds} s each, "
        f"{arguments.workers} uvicorn worker(s), {database_name}"
    )
    for title, rows in tables:
        print_table(title, rows)


if __name__ == "__main__":
    main()
