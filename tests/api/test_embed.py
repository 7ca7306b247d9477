"""The embeddable card and oEmbed: advice other sites can show as it is."""

import re
from collections.abc import Iterator
from html.parser import HTMLParser

import pytest
from fastapi.testclient import TestClient

from app.core.config import Settings
from app.main import create_app

CARD = "/embed/conditions/hamstring-origin-problem"


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.urls += [value for name, value in attrs if name in {"src", "href"} and value]


class TestCard:
    def test_it_shows_the_advice_with_a_public_attribution(self, client: TestClient) -> None:
        response = client.get(CARD)
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/html")
        html = response.text
        assert '<h1 id="condition-name">Hamstring origin problem</h1>' in html
        assert "Stay away from faster running and slippery surfaces" in html
        assert "Last reviewed 2026-11-26" in html
        # The public sees an attribution fit for a clinic's site; the internal provenance
        # ("written for this project in its own words ...") stays in the API.
        assert "sports-medicine knowledge" in html
        assert "own words" not in html and "user's" not in html
        assert "not a diagnosis" in html
        assert '<html lang="en">' in html and 'name="viewport"' in html

    def test_it_loads_nothing_from_anywhere(self, client: TestClient) -> None:
        parser = _Links()
        parser.feed(client.get(CARD).text)
        assert parser.urls == []
        policy = client.get(CARD).headers["content-security-policy"]
        assert "default-src 'none'" in policy and "frame-ancestors *" in policy

    def test_chosen_sections(self, client: TestClient) -> None:
        html = client.get(CARD, params={"sections": "prevention"}).text
        assert "Prevention" in html and "Self help" not in html

    def test_a_missing_condition_is_a_page_not_json(self, client: TestClient) -> None:
        response = client.get("/embed/conditions/nothing-here")
        assert response.status_code == 404
        assert response.headers["content-type"].startswith("text/html")
        assert "This information is not available" in response.text
        assert "{" not in response.text.split("<body>")[1]

    def test_a_condition_that_needs_a_doctor_says_when_to_get_help_first(
        self, client: TestClient
    ) -> None:
        html = client.get("/embed/conditions/deep-vein-thrombosis").text
        sections = re.findall(r'<h2 id="section-([a-z_]+)"', html)
        assert sections[0] == "seek_help", sections
        routine = client.get(CARD).text
        assert re.findall(r'<h2 id="section-([a-z_]+)"', routine)[0] != "seek_help"

    def test_look_alikes_link_to_their_cards(self, client: TestClient) -> None:
        html = client.get(CARD, params={"sections": "differentials"}).text
        assert 'href="/embed/conditions/piriformis-syndrome"' in html

    def test_the_attribution_is_a_setting(self, settings: Settings) -> None:
        clinic = settings.model_copy(update={"card_attribution": "From the Riverside clinic."})
        with TestClient(create_app(clinic)) as client:
            assert "From the Riverside clinic." in client.get(CARD).text

    def test_frame_ancestors_is_a_setting(self, settings: Settings) -> None:
        limited = settings.model_copy(update={"embed_frame_ancestors": ["https://clinic.example"]})
        with TestClient(create_app(limited)) as client:
            policy = client.get(CARD).headers["content-security-policy"]
        assert policy.endswith("frame-ancestors https://clinic.example")


PUBLIC = "https://kb.clinic.example"


@pytest.fixture
def public_client(settings: Settings) -> Iterator[TestClient]:
    """The service behind a proxy, told its public address."""
    with TestClient(create_app(settings.model_copy(update={"public_url": PUBLIC}))) as client:
        yield client


class TestOEmbed:
    def test_a_pasted_url_becomes_an_iframe_on_the_public_address(
        self, public_client: TestClient
    ) -> None:
        url = PUBLIC + "/v1/conditions/hamstring-origin-problem"
        response = public_client.get("/oembed", params={"url": url, "maxwidth": 300})
        assert response.status_code == 200
        body = response.json()
        assert body["version"] == "1.0" and body["type"] == "rich"
        assert body["title"] == "Hamstring origin problem"
        assert body["width"] == 300
        src = re.search(r'src="([^"]+)"', body["html"])
        assert src is not None and src.group(1) == PUBLIC + CARD

    def test_a_forged_host_gets_no_links_to_itself(self, settings: Settings) -> None:
        # Without KB_PUBLIC_URL only a loopback address is trusted to name the service.
        with TestClient(create_app(settings), base_url="http://127.0.0.1:8000") as local:
            url = "http://127.0.0.1:8000/v1/conditions/hamstring-origin-problem"
            assert local.get("/oembed", params={"url": url}).status_code == 200
            forged = local.get(
                "/oembed",
                params={"url": "http://evil.example" + CARD},
                headers={"Host": "evil.example"},
            )
        assert forged.status_code == 421
        assert forged.headers["content-type"] == "application/problem+json"
        assert "evil.example" not in forged.text

    def test_not_ours_or_not_json(self, public_client: TestClient) -> None:
        foreign = public_client.get(
            "/oembed", params={"url": "https://elsewhere.example/v1/conditions/x"}
        )
        assert foreign.status_code == 404
        xml = public_client.get("/oembed", params={"url": PUBLIC + CARD, "format": "xml"})
        assert xml.status_code == 501  # what oEmbed 1.0 asks for a format not served


def test_oembed_keeps_the_chosen_sections_and_ignores_case(public_client: TestClient) -> None:
    url = PUBLIC.upper() + CARD + "?sections=prevention"
    body = public_client.get("/oembed", params={"url": url}).json()
    assert 'embed/conditions/hamstring-origin-problem?sections=prevention"' in body["html"]
