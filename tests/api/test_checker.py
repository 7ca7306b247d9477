"""The embeddable symptom checker: a self-contained page other sites frame, its options, and
oEmbed for its URL. (What a person does with it is tested in a browser:
test_checker_browser.py.)"""

import base64
import hashlib
import json
import re
from collections.abc import Iterator
from html.parser import HTMLParser

import pytest
from fastapi.testclient import TestClient

from app.core.config import Settings
from app.main import create_app
from app.models import CareLevel
from app.services.checker import CHECKER_HEIGHT, CHECKER_WIDTH, TEXT

CHECKER = "/embed/checker"


class _Page(HTMLParser):
    """What a checker page holds: every address it names, its scripts, and its buttons."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.scripts: list[tuple[str | None, str]] = []
        self.shapes: list[dict[str, str | None]] = []
        self.map_buttons: list[dict[str, str | None]] = []
        self.list_buttons: list[str] = []
        self._script: str | None = None
        self._script_type: str | None = None
        self._button: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        self.urls += [value for name, value in attrs if name in {"src", "href", "action"} and value]
        if tag == "script":
            self._script, self._script_type = "", found.get("type")
        if tag == "path":
            self.shapes.append(found)
        if tag == "path" and found.get("role") == "button":
            self.map_buttons.append(found)
        if tag == "button" and found.get("data-region"):
            self.list_buttons.append(found["data-region"] or "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._script is not None:
            self.scripts.append((self._script_type, self._script))
            self._script = None

    def handle_data(self, data: str) -> None:
        if self._script is not None:
            self._script += data


def read_page(html: str) -> _Page:
    page = _Page()
    page.feed(html)
    return page


def page_data(html: str) -> dict[str, object]:
    [data] = [text for kind, text in read_page(html).scripts if kind == "application/json"]
    parsed: dict[str, object] = json.loads(data)
    return parsed


def region_slugs(client: TestClient) -> list[str]:
    return [item["slug"] for item in client.get("/v1/regions").json()["items"]]


class TestPage:
    def test_it_is_a_page_whose_one_script_runs_by_its_hash(self, client: TestClient) -> None:
        response = client.get(CHECKER)
        assert response.status_code == 200
        assert response.headers["content-type"] == "text/html; charset=utf-8"
        policy = response.headers["content-security-policy"]
        directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
        assert directives["default-src"] == "'none'"
        assert directives["connect-src"] == "'self'"
        assert directives["style-src"] == "'unsafe-inline'"
        assert directives["form-action"] == "'none'" and directives["base-uri"] == "'none'"
        assert directives["frame-ancestors"] == "*"
        [code] = [text for kind, text in read_page(response.text).scripts if kind is None]
        digest = base64.b64encode(hashlib.sha256(code.encode()).digest()).decode()
        assert directives["script-src"] == f"'sha256-{digest}'"
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["referrer-policy"] == "no-referrer"

    def test_it_names_no_other_origin(self, client: TestClient) -> None:
        html = client.get(CHECKER).text
        assert "://" not in html and "//" not in " ".join(read_page(html).urls)
        # It asks this service alone, by relative addresses (a proxy's path prefix works too).
        data = page_data(html)
        assert data["lookup"] == "../v1/lookup" and data["cards"] == "conditions/"
        assert not [url for url in read_page(html).urls if url.startswith(("/", "http"))]

    def test_it_says_it_is_not_a_diagnosis_and_whose_it_is(self, settings: Settings) -> None:
        clinic = settings.model_copy(update={"card_attribution": "From the Riverside clinic."})
        with TestClient(create_app(clinic)) as client:
            html = client.get(CHECKER).text
        assert "Health information, not a diagnosis." in html
        assert "From the Riverside clinic." in html
        assert '<html lang="en">' in html and 'name="viewport"' in html

    def test_frame_ancestors_is_a_setting(self, settings: Settings) -> None:
        limited = settings.model_copy(update={"embed_frame_ancestors": ["https://clinic.example"]})
        with TestClient(create_app(limited)) as client:
            policy = client.get(CHECKER).headers["content-security-policy"]
        assert policy.endswith("frame-ancestors https://clinic.example")

    def test_every_region_of_the_base_can_be_chosen_once_by_keyboard(
        self, client: TestClient
    ) -> None:
        page = read_page(client.get(CHECKER).text)
        known = region_slugs(client)
        # The list offers every region, broad ones too; the map every one it draws, once.
        assert sorted(page.list_buttons) == sorted(known)
        drawn = [button["data-region"] for button in page.map_buttons]
        assert len(drawn) == len(set(drawn)) and set(drawn) <= set(known)
        assert {"front-knee", "back-thigh", "heel", "lower-back", "chest"} <= set(drawn)
        names = {item["slug"]: item["name"] for item in client.get("/v1/regions").json()["items"]}
        for button in page.map_buttons:
            assert button["aria-label"] == names[button["data-region"] or ""]
            assert button["tabindex"] == "0" and button["aria-pressed"] == "false"

    def test_a_region_chooses_and_limits_the_map(self, client: TestClient) -> None:
        html = client.get(CHECKER, params={"region": "knee"}).text
        assert page_data(html)["preset"] == ["knee"]
        page = read_page(html)
        knee = {"knee", "front-knee", "inner-knee", "outer-knee", "back-knee"}
        assert set(page.list_buttons) == knee
        assert {button["data-region"] for button in page.map_buttons} == knee - {"knee"}
        # The rest of the body is drawn, but not offered.
        head = [shape for shape in page.shapes if shape["data-region"] == "head"]
        assert head and all(shape["class"] == "region not-offered" for shape in head)
        assert all(shape["aria-hidden"] == "true" for shape in head)
        assert "This checker is for: Knee." in html

    def test_the_sections_go_to_the_cards(self, client: TestClient) -> None:
        data = page_data(client.get(CHECKER, params={"sections": "prevention, self_help"}).text)
        # In the card's own order, whatever order the site gave.
        assert data["cardQuery"] == "?sections=self_help,prevention"
        assert data["showSeekHelp"] is False
        default = page_data(client.get(CHECKER).text)
        assert default["cardQuery"] == "" and default["showSeekHelp"] is True
        card = client.get(
            "/embed/conditions/hamstring-origin-problem?sections=self_help,prevention"
        )
        assert card.status_code == 200 and "Prevention" in card.text

    def test_a_language_tag_chooses_its_language(self, client: TestClient) -> None:
        response = client.get(CHECKER, params={"lang": "en-GB"})
        assert response.status_code == 200
        assert '<html lang="en">' in response.text

    def test_it_revalidates_cheaply(self, client: TestClient) -> None:
        first = client.get(CHECKER, params={"region": "knee"})
        again = client.get(
            CHECKER, params={"region": "knee"}, headers={"If-None-Match": first.headers["etag"]}
        )
        assert again.status_code == 304


class TestRefusedOptions:
    """A site's mistake shows as a page in its frame, with a 422, never as JSON."""

    @pytest.mark.parametrize(
        ("params", "says"),
        [
            ({"region": "kne"}, "Unknown body regions: kne. Choose from: head, neck"),
            ({"region": "knee,elbw"}, "Unknown body regions: elbw."),
            ({"lang": "fr"}, "not available in &#39;fr&#39;. Available: en (English)."),
            ({"lang": "de-CH"}, "Available: en (English)."),
            ({"lang": "english please"}, "is not a language tag such as en or en-GB"),
            ({"sections": "summary,recipes"}, "Unknown sections: recipes. Choose from:"),
            ({"region": "knee," * 100}, "at most 300"),
            ({"region": ",".join(["knee"] * 1 + [f"r{n}" for n in range(25)])}, "at most 20"),
        ],
    )
    def test_an_option_it_cannot_take(
        self, client: TestClient, params: dict[str, str], says: str
    ) -> None:
        response = client.get(CHECKER, params=params)
        assert response.status_code == 422
        assert response.headers["content-type"].startswith("text/html")
        assert response.headers["cache-control"] == "no-store"
        assert "default-src 'none'" in response.headers["content-security-policy"]
        assert "The symptom checker cannot open" in response.text
        assert says in response.text
        assert "see a doctor or physiotherapist" in response.text
        assert "{" not in response.text.split("<body>")[1]


def test_every_word_of_the_page_is_in_its_language(client: TestClient) -> None:
    """The template and its script use only keys every language has (adding a language is
    adding its strings), the care levels included."""
    from app.services.embedding import TEMPLATES

    source = (TEMPLATES / "checker.html").read_text(encoding="utf-8")
    used = set(re.findall(r"\bt\.(\w+)", source)) | set(re.findall(r"\bt\[\"(\w+)\"\]", source))
    used |= {f"{prefix}_{level.value}" for level in CareLevel for prefix in ("triage", "care")}
    used.discard("key")  # `t[view.key + '_label']`: the front and back labels below
    used |= {"front_label", "back_label"}
    for language, text in TEXT.items():
        assert used <= text.keys(), (language, used - text.keys())
        assert text.keys() == TEXT["en"].keys(), language


PUBLIC = "https://kb.clinic.example"


@pytest.fixture
def public_client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings.model_copy(update={"public_url": PUBLIC}))) as client:
        yield client


class TestOEmbed:
    def test_the_checker_url_becomes_an_iframe_of_it(self, public_client: TestClient) -> None:
        url = PUBLIC + CHECKER + "?sections=prevention,self_help&region=knee&lang=en-GB"
        response = public_client.get("/oembed", params={"url": url})
        assert response.status_code == 200
        body = response.json()
        assert body["type"] == "rich" and body["version"] == "1.0"
        assert body["title"] == "Symptom checker"
        assert (body["width"], body["height"]) == (CHECKER_WIDTH, CHECKER_HEIGHT)
        src = re.search(r'src="([^"]+)"', body["html"])
        assert src is not None
        assert src.group(1) == (PUBLIC + CHECKER + "?region=knee&amp;sections=self_help,prevention")
        assert 'title="Symptom checker"' in body["html"]
        assert "etag" in response.headers

    def test_it_fits_the_consumer(self, public_client: TestClient) -> None:
        body = public_client.get(
            "/oembed", params={"url": PUBLIC + CHECKER, "maxwidth": 360, "maxheight": 600}
        ).json()
        assert (body["width"], body["height"]) == (360, 600)
        assert 'width="360" height="600"' in body["html"]
        assert f'src="{PUBLIC}{CHECKER}"' in body["html"]

    def test_options_it_cannot_take_are_a_problem(self, public_client: TestClient) -> None:
        response = public_client.get("/oembed", params={"url": PUBLIC + CHECKER + "?region=kne"})
        assert response.status_code == 422
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["errors"][0]["field"] == "query.region"

    def test_another_services_checker_is_not_ours(self, public_client: TestClient) -> None:
        foreign = public_client.get(
            "/oembed", params={"url": "https://elsewhere.example" + CHECKER}
        )
        assert foreign.status_code == 404
        beside = public_client.get("/oembed", params={"url": PUBLIC + CHECKER + "/more"})
        assert beside.status_code == 404


def test_the_lookup_the_page_sends_is_one_the_service_takes(client: TestClient) -> None:
    """The page's request, as its script builds it (symptoms, absent, unsure, regions, limit,
    text), is a valid lookup, its limit the number of candidates it shows."""
    data = page_data(client.get(CHECKER).text)
    body = {
        "symptoms": [],
        "absent": [],
        "unsure": [],
        "regions": ["front-knee"],
        "limit": data["limit"],
        "text": "my knee hurts when I go down stairs",
    }
    answer = client.post("/v1/lookup", json=body)
    assert answer.status_code == 200
    assert len(answer.json()["candidates"]) == data["limit"]
