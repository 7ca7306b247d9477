"""An edit updates the ranking's copy in place of building it whole, and the update is exactly
what building it whole would make: the same profiles, the same covers, the same answers."""

import uuid
from dataclasses import fields
from typing import Any

import numpy as np
import pytest
from fastapi.testclient import TestClient

from app.ranking.profiles import (
    ConditionProfile,
    ConditionProfiles,
    build_condition_profiles,
    load_condition_profiles,
    update_condition_profiles,
)
from app.ranking.scoring import ScoringIndex
from tests.conftest import client_session, issue_key

MERGE_PATCH = {"content-type": "application/merge-patch+json"}
SLUG = "patellofemoral-pain"


def _patch(client: TestClient, slug: str, change: dict[str, Any]) -> None:
    writer = issue_key(client, "write", name=f"writer-{uuid.uuid4().hex}")
    etag = client.get(f"/v1/conditions/{slug}").headers["etag"]
    done = client.patch(
        f"/v1/conditions/{slug}", json=change, headers=writer | MERGE_PATCH | {"If-Match": etag}
    )
    assert done.status_code == 200, done.text


def _assert_same_index(updated: ScoringIndex, built: ScoringIndex) -> None:
    assert updated.slugs == built.slugs
    assert updated.covers.keys() == built.covers.keys()
    for slug, cover in built.covers.items():
        np.testing.assert_array_equal(updated.covers[slug].conditions, cover.conditions)
        np.testing.assert_array_equal(updated.covers[slug].probabilities, cover.probabilities)
        assert updated.covers[slug].conditions.dtype == cover.conditions.dtype
    assert updated.excluded.keys() == built.excluded.keys()
    for slug, excluded in built.excluded.items():
        np.testing.assert_array_equal(updated.excluded[slug], excluded)
    np.testing.assert_array_equal(updated.slug_order, built.slug_order)


def _fields(profile: ConditionProfile) -> dict[str, Any]:
    """What a profile is, without what it has worked out and kept since (its caches)."""
    return {f.name: getattr(profile, f.name) for f in fields(profile) if f.name[0] != "_"}


def _assert_same(updated: ConditionProfiles, built: ConditionProfiles) -> None:
    assert updated.identities == built.identities
    assert [_fields(p) for p in updated.ordered] == [_fields(p) for p in built.ordered]
    _assert_same_index(updated.scoring, built.scoring)
    np.testing.assert_array_equal(updated.base_priors, built.base_priors)
    assert updated.with_factors == built.with_factors
    for age, sex in ((15, "female"), (40, "male"), (None, "female"), (70, None)):
        np.testing.assert_array_equal(
            updated.priors(age=age, sex=sex)[0], built.priors(age=age, sex=sex)[0]
        )


def _symptoms_changed(client: TestClient) -> dict[str, Any]:
    """Its symptoms with one made rarer, one the page says it never has and one more added
    (none dropped: a symptom that leaves with its page changes the vocabulary too)."""
    symptoms = [
        {"text": s["text"], "slug": s["slug"], "frequency": s["frequency"]}
        for s in client.get(f"/v1/conditions/{SLUG}").json()["symptoms"]
    ]
    symptoms[1]["frequency"] = "rare"
    listed = {symptom["slug"] for symptom in symptoms}
    added = [
        {"text": "No fever", "slug": "fever", "frequency": "absent"},
        {"text": "The knee swells up fast", "slug": "rapid-knee-swelling", "frequency": "rare"},
    ]
    assert listed.isdisjoint(symptom["slug"] for symptom in added)
    return {"symptoms": symptoms + added}


EDITS: list[Any] = [
    _symptoms_changed,
    # Where it hurts, who gets it and how likely it is.
    {
        "regions": ["knee"],
        "prior_weight": 0.5,
        "prior_factors": [{"age_min": 30, "age_max": 60, "sex": None, "factor": 3.0}],
    },
    {"care_level": "see_doctor", "cant_miss": True},
]


@pytest.mark.parametrize("change", EDITS)
def test_an_edit_updates_the_copy_as_building_it_whole_would(
    client: TestClient, change: Any
) -> None:
    cache = client.app.state.cache  # type: ignore[attr-defined]
    with client_session(client) as session:
        kept = load_condition_profiles(session, cache)
    _patch(client, SLUG, change(client) if callable(change) else change)
    with client_session(client) as session:
        updated = update_condition_profiles(kept, session)
        assert updated is not None
        _assert_same(updated, build_condition_profiles(session))
        # And the service now ranks with its update of the copy, not one built whole.
        serving = load_condition_profiles(session, cache)
        assert serving.identities == updated.identities
        assert serving.ordered[0] is kept.ordered[0]
    # The kept copy is untouched: answers rendered from it stay what they were.
    assert kept.ordered[[p.slug for p in kept.ordered].index(SLUG)].version == 1


def test_a_lookup_after_an_edit_ranks_with_the_edit(client: TestClient) -> None:
    before = client.post("/v1/lookup", json={"symptoms": ["knee-pain"], "limit": 50}).json()
    assert SLUG in [c["condition"]["slug"] for c in before["candidates"]]
    _patch(
        client,
        SLUG,
        {
            "symptoms": [
                {"text": "Pain front of knee", "slug": "pain-front-of-knee", "frequency": "common"}
            ],
            "regions": ["knee"],
        },
    )
    after = client.post("/v1/lookup", json={"symptoms": ["knee-pain"], "limit": 50}).json()
    cache = client.app.state.cache  # type: ignore[attr-defined]
    with client_session(client) as session:
        _assert_same(load_condition_profiles(session, cache), build_condition_profiles(session))
    leader_before = next(c for c in before["candidates"] if c["condition"]["slug"] == SLUG)
    leader_after = next(c for c in after["candidates"] if c["condition"]["slug"] == SLUG)
    assert [m["slug"] for m in leader_before["matched"]] == ["knee-pain"]
    # Knee pain is now explained by the more specific symptom it still lists.
    assert [m["relation"] for m in leader_after["matched"]] == ["more_specific"]


def test_a_new_or_deleted_condition_builds_the_copy_whole(client: TestClient) -> None:
    cache = client.app.state.cache  # type: ignore[attr-defined]
    with client_session(client) as session:
        kept = load_condition_profiles(session, cache)
    writer = issue_key(client, "write", name="deleter")
    etag = client.get(f"/v1/conditions/{SLUG}").headers["etag"]
    deleted = client.delete(f"/v1/conditions/{SLUG}", headers=writer | {"If-Match": etag})
    assert deleted.status_code == 204
    with client_session(client) as session:
        assert update_condition_profiles(kept, session) is None
        rebuilt = load_condition_profiles(session, cache)
    assert SLUG not in [profile.slug for profile in rebuilt.ordered]


def test_successive_edits_keep_the_copy_exact(client: TestClient) -> None:
    cache = client.app.state.cache  # type: ignore[attr-defined]
    first = _symptoms_changed(client)
    _patch(client, SLUG, first)
    with client_session(client) as session:
        kept = load_condition_profiles(session, cache)
    # What the page said it never has, it now has sometimes; and the other way round.
    second = [dict(symptom) for symptom in first["symptoms"]]
    for symptom in second:
        symptom["frequency"] = {"absent": "sometimes", "rare": "absent"}.get(
            symptom["frequency"], symptom["frequency"]
        )
    _patch(client, SLUG, {"symptoms": second})
    with client_session(client) as session:
        updated = update_condition_profiles(kept, session)
        assert updated is not None
        _assert_same(updated, build_condition_profiles(session))


def test_a_condition_deleted_and_another_created_in_its_place_builds_whole(
    client: TestClient,
) -> None:
    """SQLite gives a new row the id of a deleted last one, and a new condition starts at
    version 1 as the deleted one may have: by id and version alone, the swap would not show."""
    cache = client.app.state.cache  # type: ignore[attr-defined]
    with client_session(client) as session:
        kept = load_condition_profiles(session, cache)
    last = kept.ordered[-1].slug
    writer = issue_key(client, "write", name="swapper")
    etag = client.get(f"/v1/conditions/{last}").headers["etag"]
    gone = client.delete(f"/v1/conditions/{last}", headers=writer | {"If-Match": etag})
    assert gone.status_code == 204
    created = client.post(
        "/v1/conditions",
        json={
            "name": "Sitting bone bursitis",
            "summary": "The bursa over the sitting bone, irritated.",
            "symptoms": [{"slug": "pain-sitting-on-hard-surfaces", "text": "Hard seats hurt"}],
            "source": {"provenance": "A test's own words", "reviewed_on": "2026-12-01"},
        },
        headers=writer,
    )
    assert created.status_code == 201, created.text
    _patch(client, SLUG, {"care_level": "see_doctor"})
    with client_session(client) as session:
        assert update_condition_profiles(kept, session) is None
        serving = load_condition_profiles(session, cache)
        _assert_same(serving, build_condition_profiles(session))
    assert "sitting-bone-bursitis" in [profile.slug for profile in serving.ordered]
    assert last not in [profile.slug for profile in serving.ordered]
