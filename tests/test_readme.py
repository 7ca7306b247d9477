"""The README's examples work: every curl command it shows against the service on the default
base is run through the app and answers as a success."""

import json
import re
import shlex
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from app.core.config import PROJECT_ROOT, Settings
from app.main import create_app

BASE = "http://127.0.0.1:8000"
# Placeholders a reader fills in, and the examples of the HPO base (a separate import).
NOT_RUNNABLE = re.compile(r"NEXT_CURSOR|HP:|OMIM:|/v1/sources")


def readme_commands() -> list[str]:
    """Every curl command of the README's shell blocks, continuation lines joined."""
    text = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    commands: list[str] = []
    for block in re.findall(r"```sh\n(.*?)```", text, flags=re.S):
        pending = ""
        for line in block.splitlines():
            if not pending and not line.startswith("curl "):
                continue
            pending += line.removesuffix("\\") + "\n"
            try:
                shlex.split(pending, comments=True)
            except ValueError:
                continue  # a quote still open: the command goes on
            if not line.endswith("\\"):
                commands.append(pending)
                pending = ""
    return [command for command in commands if BASE in command and not NOT_RUNNABLE.search(command)]


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    database = tmp_path_factory.mktemp("readme") / "kb.sqlite3"
    settings = Settings(database_url=f"sqlite:///{database}")
    with TestClient(create_app(settings), base_url=BASE) as client:
        yield client


def test_the_readme_shows_its_examples() -> None:
    assert len(readme_commands()) >= 12


@pytest.mark.parametrize("command", readme_commands(), ids=lambda c: c.split("\n")[0][:60])
def test_a_readme_example_succeeds(service: TestClient, command: str) -> None:
    words = shlex.split(command, comments=True)[1:]
    method, url, headers, body = "GET", "", {}, None
    while words:
        word = words.pop(0)
        if word == "-X":
            method = words.pop(0)
        elif word == "-H":
            name, _, value = words.pop(0).partition(":")
            headers[name.strip()] = value.strip()
        elif word == "-d":
            body = words.pop(0)
            method = "POST" if method == "GET" else method
        elif word.startswith("http"):
            url = word
    if body is not None:
        json.loads(body)  # the example's JSON is JSON
    response = service.request(method, url.removeprefix(BASE), headers=headers, content=body)
    assert response.status_code < 400, (command, response.text[:500])
