"""Schemathesis against the live OpenAPI schema: whatever it sends, valid or not, the
service answers without a server error and as its schema says."""

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis

# Imported here, before collection generates any case: the first case of an operation imports
# this module lazily, and pytest rewrites it then, in the middle of Hypothesis's work, where
# CPython 3.11's AST constructor (one recursion counter per process, gh-106905, fixed in 3.12)
# now and then fails with "AST constructor recursion depth mismatch" (pytest issue 10874).
import schemathesis.specs.openapi.coverage._operation  # noqa: F401
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings
from schemathesis.core.parameters import ParameterLocation
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import positive_data_acceptance

from app.core.config import Settings
from app.main import create_app
from tests.conftest import DATA_DIR, issue_key

# Schemathesis reads the schema when the module loads; building the app touches nothing
# (the database is opened by its lifespan, which the fixture below runs).
_folder = Path(tempfile.mkdtemp(prefix="kb-fuzz-"))
app = create_app(Settings(database_url=f"sqlite:///{_folder / 'kb.sqlite3'}", data_dir=DATA_DIR))
schema = schemathesis.openapi.from_asgi("/openapi.json", app)
# An invalid body can also be refused for its size before it is read (413), as it should be.
_rejection = schema.config.checks.negative_data_rejection
_rejection.expected_statuses = [*_rejection.expected_statuses, "413"]


@pytest.fixture(scope="module")
def admin_key() -> Iterator[dict[str, str]]:
    """The service running, and an admin key so the fuzzing reaches the editing code."""
    with TestClient(app) as client:
        yield issue_key(client, "admin", name="fuzzer")
    shutil.rmtree(_folder, ignore_errors=True)


@schema.parametrize()
# Derandomized: the same cases every run, so a red suite means a change broke something. A
# random draw now and then "finds" a lone query value for an array parameter, which no query
# string can tell from a one-item array (seen on GET /v1/lookup?symptom=...).
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_no_server_errors_and_answers_match_the_schema(
    case: schemathesis.Case[Any], admin_key: dict[str, str]
) -> None:
    # Every check but one: a cursor or section list that fits the schema's pattern can still
    # name nothing, and its 422 is right.
    header = case.meta.components.get(ParameterLocation.HEADER) if case.meta else None
    # Headers generated to be invalid (the key left out on purpose) are sent as they are:
    # adding the key would make the request valid, and its success no finding.
    invalid_headers = header is not None and header.mode is GenerationMode.NEGATIVE
    if case.path == "/oembed" and (case.query or {}).get("format", "json") != "json":
        # oEmbed 1.0 asks a provider for 501 on a format it does not serve: a 5xx by design.
        response = case.call(headers=admin_key)
        assert response.status_code in (422, 501), response.text
        assert response.headers["content-type"] == ["application/problem+json"]
        return
    case.call_and_validate(
        headers=None if invalid_headers else admin_key,
        excluded_checks=[positive_data_acceptance],
    )
