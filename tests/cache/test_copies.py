"""Copies built from the base: an answer computed from memory alone never reads a copy older
than the version its key names."""

from dataclasses import replace

from fastapi.testclient import TestClient

from app.cache.knowledge_cache import KnowledgeCache
from app.language.vocabulary_index import (
    build_vocabulary_index,
    kept_vocabulary_index,
    load_vocabulary_index,
)
from app.ranking.profiles import kept_condition_profiles, load_condition_profiles
from tests.conftest import client_session


def test_memory_answers_only_with_copies_as_new_as_the_version(client: TestClient) -> None:
    cache: KnowledgeCache = client.app.state.cache  # type: ignore[attr-defined]
    with client_session(client) as session:
        vocabulary = load_vocabulary_index(session, cache)
        profiles = load_condition_profiles(session, cache)
        seen = cache.versions.knowledge(session)
    assert kept_vocabulary_index(cache, seen) is vocabulary
    assert kept_condition_profiles(cache, seen) is profiles
    # Another process edited the vocabulary: this one's snapshot moved on before its copy was
    # rebuilt, and memory alone cannot answer for the new version.
    edited = replace(seen, vocabulary=seen.vocabulary + 1)
    assert kept_vocabulary_index(cache, edited) is None
    assert kept_condition_profiles(cache, edited) is None
    # An edit of a condition leaves the vocabulary's copy current, not the ranking's.
    condition_edited = replace(seen, conditions=seen.conditions + 1)
    assert kept_vocabulary_index(cache, condition_edited) is vocabulary
    assert kept_condition_profiles(cache, condition_edited) is None


def test_nothing_is_kept_before_anything_is_built(client: TestClient) -> None:
    fresh = KnowledgeCache(client.app.state.settings)  # type: ignore[attr-defined]
    with client_session(client) as session:
        seen = fresh.versions.knowledge(session)
    assert fresh.kept(build_vocabulary_index, seen) is None
