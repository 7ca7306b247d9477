"""GET /v1/regions: where on the body, and how much of it this base covers."""

from fastapi.testclient import TestClient


def test_the_hierarchy_with_the_conditions_of_each_region(client: TestClient) -> None:
    response = client.get("/v1/regions")
    assert response.status_code == 200
    assert "etag" in response.headers
    regions = {item["slug"]: item for item in response.json()["items"]}
    assert regions["front-knee"]["parent"] == "knee"
    assert "kneecap" in regions["front-knee"]["words"]
    # The default base covers the whole athlete.
    assert regions["knee"]["conditions"] >= 15
    assert regions["buttock"]["conditions"] >= 8
    assert all(regions[slug]["conditions"] for slug in ("shoulder", "elbow", "heel", "shin"))
    # A region counts the conditions of the regions below it.
    assert regions["thigh"]["conditions"] >= regions["back-thigh"]["conditions"]


def test_a_corner_of_the_body_says_what_it_lacks(corner_client: TestClient) -> None:
    regions = {item["slug"]: item for item in corner_client.get("/v1/regions").json()["items"]}
    assert regions["knee"]["conditions"] == 0 and regions["buttock"]["conditions"] >= 8


def test_conditions_of_a_region_include_those_below_it(corner_client: TestClient) -> None:
    listed = corner_client.get("/v1/conditions?region=hip").json()["items"]
    assert [item["slug"] for item in listed] == [
        "gluteal-tendinopathy",
        "stress-fracture-of-the-pelvis-or-hip",
    ]
    thigh = corner_client.get("/v1/conditions?region=thigh").json()["items"]
    thigh = {item["slug"] for item in thigh}
    assert "hamstring-muscle-strain" in thigh  # the back of the thigh is below the thigh


def test_an_unknown_region_is_a_422(client: TestClient) -> None:
    response = client.get("/v1/conditions?region=elbw")
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
