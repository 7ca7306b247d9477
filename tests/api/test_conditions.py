"""GET /v1/conditions and GET /v1/conditions/{slug}."""

from fastapi.testclient import TestClient

from tests.conftest import DATA_DIR, client_session, default_pages, import_text

OWN_PAGE = DATA_DIR / "conditions" / "hamstring-origin-problem.md"

PROBLEM = "application/problem+json"


def _page(name: str, symptom_line: str = "pain when driving") -> str:
    return f"# {name}\nSymptoms\n1. {symptom_line}\nSelf help\n1. Rest\n"


class TestGetCondition:
    def test_found(self, client: TestClient) -> None:
        response = client.get("/v1/conditions/hamstring-origin-problem")
        assert response.status_code == 200
        body = response.json()
        assert body["name"] == "Hamstring origin problem"
        assert {"slug", "name", "frequency", "text"} <= body["symptoms"][0].keys()
        assert body["causes"][0] == {
            "kind": "cause",
            "text": "Over-training by accident",
            "source_text": body["causes"][0]["source_text"],
        }
        # The look-alikes the page names link to their own pages, by name or by alias.
        linked = {d["name"]: d["slug"] for d in body["differentials"]}
        assert linked["Piriformis syndrome"] == "piriformis-syndrome"
        assert linked["Tendinosis"] == "proximal-hamstring-tendinopathy"
        assert linked["A partial tear of the tendon where it joins the bone"] == (
            "partial-proximal-hamstring-tear"
        )
        assert len(body["self_help"]) == 6 and "text" in body["self_help"][0]
        assert len(body["prevention"]) == 4
        # "Could settle within a week" to "can persist for many months".
        assert (body["recovery"]["min_days"], body["recovery"]["max_days"]) == (7, 180)
        assert body["source"]["reviewed_on"] == "2026-11-26"
        assert "own words" in body["source"]["provenance"]
        assert body["updated_at"]
        assert "not a diagnosis" in body["disclaimer"]

    def test_not_found_names_the_slug(self, client: TestClient) -> None:
        response = client.get("/v1/conditions/broken-leg")
        assert response.status_code == 404
        assert response.headers["content-type"] == PROBLEM
        assert response.json()["detail"] == "No condition has the slug 'broken-leg'."

    def test_too_long_slug_is_a_422(self, client: TestClient) -> None:
        response = client.get("/v1/conditions/" + "a" * 500)
        assert response.status_code == 422
        assert response.headers["content-type"] == PROBLEM


class TestListConditions:
    def test_lists_the_default_knowledge_base(self, client: TestClient) -> None:
        body = client.get("/v1/conditions", params={"limit": 100}).json()
        slugs = [item["slug"] for item in body["items"]]
        assert len(slugs) == default_pages() and slugs == sorted(slugs)
        assert "hamstring-origin-problem" in slugs
        assert body["next_cursor"] is None

    def test_a_match_in_the_name_ranks_first(self, client: TestClient) -> None:
        hits = client.get("/v1/conditions", params={"q": "piriform"}).json()["items"]
        slugs = [item["slug"] for item in hits]
        # Other pages name piriformis syndrome as a look-alike, so they are found too.
        assert slugs[0] == "piriformis-syndrome" and "hamstring-origin-problem" in slugs

    def test_search_finds_words_anywhere_and_by_alias(self, bare_client: TestClient) -> None:
        with client_session(bare_client) as session:
            import_text(session, OWN_PAGE.read_text(), file_name=OWN_PAGE.name)
            import_text(
                session,
                "+++\naliases = ['Deep gluteal syndrome']\n+++\n" + _page("Piriformis syndrome"),
            )
        hits = bare_client.get("/v1/conditions", params={"q": "slippery surfaces"}).json()
        assert [item["slug"] for item in hits["items"]] == ["hamstring-origin-problem"]
        by_alias = bare_client.get("/v1/conditions", params={"q": "deep gluteal"}).json()
        assert [item["slug"] for item in by_alias["items"]] == ["piriformis-syndrome"]

    def test_search_with_no_match_or_only_punctuation_is_empty(self, client: TestClient) -> None:
        for q in ["appendicitis", '"*)(:', "NEAR(qqz zzq) OR -"]:
            response = client.get("/v1/conditions", params={"q": q})
            assert response.status_code == 200, q
            assert response.json()["items"] == [], q

    def test_search_operators_are_plain_words(self, bare_client: TestClient) -> None:
        with client_session(bare_client) as session:
            import_text(session, OWN_PAGE.read_text(), file_name=OWN_PAGE.name)
        # "or" is a word of the page, not FTS5's operator, so this finds the page.
        response = bare_client.get("/v1/conditions", params={"q": "tendon OR"})
        assert [item["slug"] for item in response.json()["items"]] == ["hamstring-origin-problem"]

    def test_pages_cover_every_condition_once(self, bare_client: TestClient) -> None:
        client = bare_client
        with client_session(client) as session:
            for name in ["Alpha strain", "Beta strain", "Gamma strain", "Delta strain"]:
                import_text(session, _page(name), file_name=f"{name}.md")
        seen: list[str] = []
        cursor = None
        while True:
            params = {"limit": 2} | ({"cursor": cursor} if cursor else {})
            body = client.get("/v1/conditions", params=params).json()
            seen += [item["slug"] for item in body["items"]]
            cursor = body["next_cursor"]
            if cursor is None:
                break
        assert seen == sorted(seen) and len(seen) == len(set(seen)) == 4

    def test_search_pages_by_relevance(self, bare_client: TestClient) -> None:
        client = bare_client
        with client_session(client) as session:
            for name in ["Alpha strain", "Beta strain", "Gamma strain"]:
                import_text(session, _page(name), file_name=f"{name}.md")
        first = client.get("/v1/conditions", params={"q": "strain", "limit": 2}).json()
        second = client.get(
            "/v1/conditions", params={"q": "strain", "limit": 2, "cursor": first["next_cursor"]}
        ).json()
        slugs = [item["slug"] for item in first["items"] + second["items"]]
        assert sorted(slugs) == ["alpha-strain", "beta-strain", "gamma-strain"]
        assert second["next_cursor"] is None

    def test_a_forged_cursor_is_a_422(self, client: TestClient) -> None:
        # Not base64, {}, [], {"slug": ["a"]}, {"slug": {"a": 1}}
        for cursor in [
            "not-base64!",
            "e30",
            "W10",
            "eyJzbHVnIjpbImEiXX0",
            "eyJzbHVnIjp7ImEiOjF9fQ",
        ]:
            response = client.get("/v1/conditions", params={"cursor": cursor})
            assert response.status_code == 422, cursor
            assert "cursor" in response.json()["detail"]

    def test_limit_out_of_range_says_which_field(self, client: TestClient) -> None:
        response = client.get("/v1/conditions", params={"limit": 0})
        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == "query.limit"
