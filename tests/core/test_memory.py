"""What the service keeps for its lifetime stays out of the garbage collector's full
collections, and a copy an edit replaces is still freed."""

import gc
import weakref
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from app.core.config import Settings
from app.language.vocabulary_index import load_vocabulary_index
from app.main import create_app
from tests.conftest import client_session, issue_key


@pytest.fixture
def freezing_client(settings: Settings) -> Iterator[TestClient]:
    gc.unfreeze()
    with TestClient(create_app(settings.model_copy(update={"freeze_long_lived": True}))) as client:
        yield client
    gc.unfreeze()


def test_what_is_built_once_is_out_of_full_collections(freezing_client: TestClient) -> None:
    # A lookup needs the vocabulary and the ranking's arrays (the warm-up may still be
    # building them): once they are built, no collection walks them.
    assert freezing_client.post("/v1/lookup", json={"text": "my bum hurts"}).status_code == 200
    assert gc.get_freeze_count() > 0


def test_the_copy_an_edit_replaces_is_freed(freezing_client: TestClient) -> None:
    cache = freezing_client.app.state.cache  # type: ignore[attr-defined]
    with client_session(freezing_client) as session:
        # A reader still holds the vocabulary while an edit replaces it and the collector is
        # settled (frozen) again.
        vocabulary = load_vocabulary_index(session, cache)
    replaced = weakref.ref(vocabulary.matcher)
    admin = issue_key(freezing_client, "admin", name="admin")
    added = freezing_client.post(
        "/v1/symptoms/buttock-pain/synonyms", json={"text": "tush aches"}, headers=admin
    )
    assert added.status_code == 201, added.text
    after = freezing_client.post("/v1/parse", json={"text": "my tush aches"}).json()["symptoms"]
    assert [mention["symptom"]["slug"] for mention in after] == ["buttock-pain"]
    assert replaced() is not None
    # Once its last reader lets go it is gone, frozen or not: no cycle waits for a collection
    # that frozen objects never get.
    del vocabulary
    assert replaced() is None
