"""The symptom checker in a real browser (Debian's Chromium, headless), as people use it: in
another site's page, by keyboard, on a phone. What it shows must be what `POST /v1/lookup`
answers for the same question; the screenshots are kept in tests/output/ to be looked at."""

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx2
import pytest
from playwright.sync_api import Browser, FrameLocator, Page, Request, expect

from app.core.config import Settings
from app.services.checker import CANDIDATES_SHOWN, TEXT
from tests.api import test_browser
from tests.live_server import another_site

# The live service and the browser, as the other browser tests have them.
service = test_browser.service
browser = test_browser.browser
Traffic = test_browser.Traffic

WORDS = TEXT["en"]
OUTPUT = Path(__file__).resolve().parents[1] / "output"
# In people's words; the default base asks follow-up questions about it.
COMPLAINT = "my knee hurts when I go down stairs"
EMERGENCY = "crushing chest pain going down my left arm"
Answer = dict[str, Any]


@pytest.fixture
def clinic_site(service: str) -> Iterator[str]:
    """Another origin: a running club's page that frames the checker."""
    page = (
        "<!doctype html><html lang='en'><head><title>Running club</title></head><body>"
        "<h1>Hurt? Check it here</h1>"
        f"<iframe title='Symptom checker' width='1000' height='1400' "
        f"src='{service}/embed/checker?sections=summary,self_help'></iframe></body></html>"
    )
    with another_site(page) as url:
        yield url


class Lookups:
    """The lookups a page sends, as sent."""

    def __init__(self, page: Page) -> None:
        self.sent: list[Answer] = []
        page.on("request", self._seen)

    def _seen(self, request: Request) -> None:
        if request.method == "POST" and request.url.endswith("/v1/lookup"):
            self.sent.append(json.loads(request.post_data or "{}"))


def look_up(service: str, **question: Any) -> Answer:
    body = {"symptoms": [], "absent": [], "unsure": [], "regions": [], "limit": CANDIDATES_SHOWN}
    body |= question
    response = httpx2.post(f"{service}/v1/lookup", json=body, timeout=30)
    assert response.status_code == 200, response.text
    answer: Answer = response.json()
    return answer


def settled(checker: Page | FrameLocator) -> None:
    """Wait until the page has shown the answer to its last lookup."""
    checker.locator("#results[aria-busy=false]").wait_for(timeout=20_000)


def percent(score: float) -> str:
    return WORDS["under_one"] if score < 0.005 else f"{round(score * 100)}%"


def assert_shows(checker: Page | FrameLocator, answer: Answer, service: str, query: str) -> None:
    """The triage on top and the candidates are the lookup's, in plain words."""
    triage = answer["triage"]
    expect(checker.locator("#triage-headline")).to_have_text(WORDS[f"triage_{triage['level']}"])
    expect(checker.locator("#triage-advice")).to_have_text(triage["advice"])
    candidates = checker.locator("#candidates > li")
    expect(candidates).to_have_count(len(answer["candidates"]))
    for number, candidate in enumerate(answer["candidates"]):
        shown = candidates.nth(number)
        link = shown.get_by_role("link")
        expect(link).to_contain_text(candidate["condition"]["name"])
        href = link.evaluate("node => node.href")
        assert href == f"{service}/embed/conditions/{candidate['condition']['slug']}{query}"
        expect(shown).to_contain_text(WORDS["chance"].format(percent=percent(candidate["score"])))
        expect(shown).to_contain_text(candidate["explanation"])
        expect(shown).to_contain_text(WORDS[f"care_{candidate['care_level']}"])
    expect(checker.locator("#something-else")).to_have_text(
        WORDS["something_else"].format(percent=percent(answer["something_else"]))
    )
    # The triage is above everything else of the answer.
    top = checker.locator("#triage").bounding_box()
    below = checker.locator("#possible").bounding_box()
    assert top is not None and below is not None and top["y"] < below["y"]


def answer_question(checker: Page | FrameLocator, asked: Answer, reply: str) -> None:
    question = checker.locator("#question-text")
    expect(question).to_have_text(asked["next_question"]["question"])
    expect(question).to_be_focused()
    checker.get_by_role("button", name=reply, exact=True).click()
    settled(checker)


def test_a_complaint_then_two_answers_in_another_sites_page(
    browser: Browser, service: str, clinic_site: str
) -> None:
    page = browser.new_page(viewport={"width": 1024, "height": 900})
    traffic = Traffic()
    traffic.watch(page)
    lookups = Lookups(page)
    page.goto(clinic_site)
    checker = page.frame_locator("iframe[title='Symptom checker']")
    checker.get_by_label(WORDS["describe_label"]).fill(COMPLAINT)
    checker.get_by_role("button", name=WORDS["submit"], exact=True).click()
    settled(checker)

    first = look_up(service, text=COMPLAINT)
    assert first["next_question"] is not None, "the complaint should have follow-up questions"
    yes = first["next_question"]["symptom"]["slug"]
    answer_question(checker, first, WORDS["yes"])
    second = look_up(service, text=COMPLAINT, symptoms=[yes])
    assert second["next_question"] is not None
    no = second["next_question"]["symptom"]["slug"]
    answer_question(checker, second, WORDS["no"])
    third = look_up(service, text=COMPLAINT, symptoms=[yes], absent=[no])

    expected = {
        "symptoms": [yes],
        "absent": [no],
        "unsure": [],
        "regions": [],
        "limit": CANDIDATES_SHOWN,
    }
    assert lookups.sent[-1] == expected | {"text": COMPLAINT}
    assert len(lookups.sent) == 3
    assert_shows(checker, third, service, "?sections=summary,self_help")
    answers = checker.locator("#answers-list li")
    expect(answers).to_have_count(2)
    expect(answers.nth(0)).to_contain_text(first["next_question"]["question"])
    expect(answers.nth(1)).to_contain_text(second["next_question"]["question"])
    if third["next_question"] is not None:
        expect(checker.locator("#question-text")).to_have_text(third["next_question"]["question"])
        expect(checker.locator("#question-count")).to_have_text("Question 3")
    assert traffic.failed == []
    assert all(url.startswith((service, clinic_site)) for url in traffic.requested)
    page.close()


def test_a_region_chosen_by_keyboard_is_sent(browser: Browser, service: str) -> None:
    page = browser.new_page(viewport={"width": 1024, "height": 900})
    traffic = Traffic()
    traffic.watch(page)
    lookups = Lookups(page)
    page.goto(f"{service}/embed/checker")
    page.get_by_label(WORDS["describe_label"]).focus()
    focused: list[str | None] = []
    for _ in range(40):
        page.keyboard.press("Tab")
        focused.append(page.evaluate("document.activeElement.getAttribute('aria-label')"))
        if focused[-1] == "Front of the knee":
            break
    # The map is next after the text, top to bottom.
    assert focused[:3] == ["Head", "Neck", "Shoulder"], focused
    assert focused[-1] == "Front of the knee", focused
    knee = page.locator("path[role=button][data-region=front-knee]")
    # A visible focus ring, and the choice pressed.
    assert page.evaluate("getComputedStyle(document.activeElement).strokeWidth") == "3px"
    page.keyboard.press("Enter")
    expect(knee).to_have_attribute("aria-pressed", "true")
    expect(page.get_by_role("button", name="Remove Front of the knee")).to_be_visible()
    # The list says the same, and Space there takes it back and gives it again.
    page.get_by_text(WORDS["list_summary"]).click()
    listed = page.locator("#region-list button[data-region=front-knee]")
    expect(listed).to_have_attribute("aria-pressed", "true")
    listed.focus()
    page.keyboard.press("Space")
    expect(knee).to_have_attribute("aria-pressed", "false")
    page.keyboard.press("Space")
    expect(knee).to_have_attribute("aria-pressed", "true")
    page.get_by_role("button", name=WORDS["submit"], exact=True).press("Enter")
    settled(page)

    assert lookups.sent == [
        {
            "symptoms": [],
            "absent": [],
            "unsure": [],
            "regions": ["front-knee"],
            "limit": CANDIDATES_SHOWN,
        }
    ]
    answer = look_up(service, regions=["front-knee"])
    assert_shows(page, answer, service, "")
    expect(page.locator("#understood-list")).to_contain_text("Where: Front of the knee")
    assert all(url.startswith(service) for url in traffic.requested)
    page.close()


def test_an_emergency_stops_the_questions_and_says_what_to_do(
    browser: Browser, service: str
) -> None:
    page = browser.new_page(viewport={"width": 1024, "height": 900})
    page.goto(f"{service}/embed/checker")
    page.get_by_label(WORDS["describe_label"]).fill(EMERGENCY)
    page.get_by_role("button", name=WORDS["submit"], exact=True).click()
    settled(page)
    answer = look_up(service, text=EMERGENCY)
    assert answer["triage"]["level"] == "emergency"

    headline = page.locator("#triage-headline")
    expect(headline).to_have_text(WORDS["triage_emergency"])
    expect(headline).to_be_focused()
    expect(page.locator("#triage-advice")).to_have_text(answer["triage"]["advice"])
    for reason in answer["triage"]["reasons"]:
        if reason["symptom"]:
            expect(page.locator("#triage-warnings")).to_contain_text(reason["advice"])
    expect(page.locator("#question")).to_be_hidden()
    expect(page.locator(".answers button")).to_have_count(3)
    assert not page.locator(".answers button").first.is_visible()
    expect(page.locator("#stopped")).to_have_text(WORDS["stopped_emergency"])
    expect(page.locator("#possible")).to_be_hidden()
    expect(page.locator("#alert")).to_contain_text(WORDS["triage_emergency"])
    page.close()


def test_not_sure_moves_on_to_another_question(browser: Browser, service: str) -> None:
    page = browser.new_page(viewport={"width": 1024, "height": 900})
    page.goto(f"{service}/embed/checker")
    page.get_by_label(WORDS["describe_label"]).fill(COMPLAINT)
    page.get_by_role("button", name=WORDS["submit"], exact=True).click()
    settled(page)
    first = look_up(service, text=COMPLAINT)
    answer_question(page, first, WORDS["not_sure"])
    # The page tells the service what was "not sure": the next question is another one, and
    # the list is what it was (not sure is evidence neither way).
    asked = first["next_question"]["symptom"]["slug"]
    then = look_up(service, text=COMPLAINT, unsure=[asked])
    assert then["next_question"] is not None
    assert then["next_question"]["symptom"]["slug"] != asked
    expect(page.locator("#question-text")).to_have_text(then["next_question"]["question"])
    expect(page.locator("#answers-list")).to_contain_text(WORDS["not_sure"])
    # Back one question asks the first one again.
    page.get_by_role("button", name=WORDS["undo"]).click()
    settled(page)
    expect(page.locator("#question-text")).to_have_text(first["next_question"]["question"])
    page.close()


# The palette's text on its backgrounds: WCAG AA asks 4.5 to 1 of body text.
CONTRAST = """() => {
  const rgb = (value) => (value.match(/[\\d.]+/g) || []).map(Number);
  const background = (node) => {
    for (; node; node = node.parentElement) {
      const colour = rgb(getComputedStyle(node).backgroundColor);
      if (colour.length === 3 || colour[3] > 0) { return colour.slice(0, 3); }
    }
    return [255, 255, 255];
  };
  return Array.from(document.querySelectorAll(
    "h1, h2, h3, p, li, label, legend, button, summary, a, figcaption, .kicker"
  )).filter((node) => node.offsetParent !== null && node.textContent.trim())
    .map((node) => ({
      text: node.textContent.trim().slice(0, 40),
      colour: rgb(getComputedStyle(node).color).slice(0, 3),
      background: background(node),
      opacity: Number(getComputedStyle(node).opacity),
    }));
}"""


def _luminance(colour: list[float]) -> float:
    channels = [c / 255 for c in colour]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(first: list[float], second: list[float]) -> float:
    light, dark = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def check_the_layout(page: Page, width: int) -> None:
    """No sideways scrolling, buttons a finger can hit, text readable."""
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    heights = page.evaluate(
        "Array.from(document.querySelectorAll('button, summary, select, input'))"
        ".filter(node => node.offsetParent !== null)"
        ".map(node => node.getBoundingClientRect().height)"
    )
    assert heights and min(heights) >= 44, heights
    for item in page.evaluate(CONTRAST):
        if item["opacity"] < 1:
            continue  # a button disabled while the lookup runs
        ratio = contrast(item["colour"], item["background"])
        assert ratio >= 4.5, (item, round(ratio, 2))


@pytest.mark.parametrize("width", [360, 1024])
def test_at_phone_and_desktop_widths(browser: Browser, service: str, width: int) -> None:
    OUTPUT.mkdir(exist_ok=True)
    page = browser.new_page(viewport={"width": width, "height": 800})
    traffic = Traffic()
    traffic.watch(page)
    page.goto(f"{service}/embed/checker")
    page.get_by_text(WORDS["list_summary"]).click()
    check_the_layout(page, width)
    page.screenshot(path=OUTPUT / f"checker-{width}-start.png", full_page=True)
    page.get_by_text(WORDS["list_summary"]).click()

    page.get_by_label(WORDS["describe_label"]).fill(COMPLAINT)
    page.get_by_label(WORDS["age_label"]).fill("34")
    page.get_by_label(WORDS["sex_label"]).select_option("female")
    page.get_by_role("button", name=WORDS["submit"], exact=True).click()
    settled(page)
    first = look_up(service, text=COMPLAINT, age=34, sex="female")
    answer_question(page, first, WORDS["yes"])
    yes = first["next_question"]["symptom"]["slug"]
    second = look_up(service, text=COMPLAINT, age=34, sex="female", symptoms=[yes])
    answer_question(page, second, WORDS["no"])
    no = second["next_question"]["symptom"]["slug"]
    third = look_up(service, text=COMPLAINT, age=34, sex="female", symptoms=[yes], absent=[no])
    assert_shows(page, third, service, "")
    expect(page.locator("#how")).to_be_hidden()
    page.locator(".candidate details").first.locator("summary").click()
    check_the_layout(page, width)
    page.screenshot(path=OUTPUT / f"checker-{width}-answers.png", full_page=True)

    page.get_by_role("button", name=WORDS["restart"]).click()
    expect(page.get_by_label(WORDS["describe_label"])).to_be_focused()
    expect(page.locator("#results")).to_be_hidden()
    page.get_by_label(WORDS["describe_label"]).fill(EMERGENCY)
    page.get_by_role("button", name=WORDS["submit"], exact=True).click()
    settled(page)
    expect(page.locator("#triage-headline")).to_have_text(WORDS["triage_emergency"])
    check_the_layout(page, width)
    page.screenshot(path=OUTPUT / f"checker-{width}-emergency.png", full_page=True)
    assert traffic.failed == []
    assert all(url.startswith(service) for url in traffic.requested)
    page.close()


def test_a_checker_limited_to_the_knee(browser: Browser, service: str) -> None:
    OUTPUT.mkdir(exist_ok=True)
    page = browser.new_page(viewport={"width": 360, "height": 800})
    lookups = Lookups(page)
    page.goto(f"{service}/embed/checker?region=knee")
    expect(page.get_by_role("button", name="Remove Knee")).to_be_visible()
    # The parts of the knee show as included; the rest of the body is not offered.
    assert "included" in (
        page.locator("[data-region=front-knee]").first.get_attribute("class") or ""
    )
    assert page.locator("path[role=button]").count() == 4
    page.screenshot(path=OUTPUT / "checker-360-knee.png", full_page=True)
    page.locator("path[role=button][data-region=inner-knee]").click()
    expect(page.get_by_role("button", name="Remove Inside of the knee")).to_be_visible()
    expect(page.get_by_role("button", name="Remove Knee")).to_have_count(0)
    page.locator("#region-list button[data-region=back-knee]").click()
    page.get_by_role("button", name="Remove Back of the knee").click()
    # Taking a choice back leaves the focus among the choices.
    expect(page.get_by_role("button", name="Remove Inside of the knee")).to_be_focused()
    page.get_by_role("button", name=WORDS["submit"], exact=True).click()
    settled(page)
    assert lookups.sent[-1]["regions"] == ["inner-knee"]
    assert_shows(page, look_up(service, regions=["inner-knee"]), service, "")
    page.close()


class TestOnABaseWithoutKnees:
    """A base that holds one corner of the body says what it cannot answer."""

    @pytest.fixture
    def settings(self, corner_settings: Settings) -> Settings:
        return corner_settings

    def test_it_says_so_and_does_not_guess(self, browser: Browser, service: str) -> None:
        page = browser.new_page(viewport={"width": 360, "height": 800})
        page.goto(f"{service}/embed/checker")
        check = page.get_by_role("button", name=WORDS["submit"], exact=True)
        check.click()
        # Nothing said and nothing chosen: it asks for something, and sends nothing.
        expect(page.locator("#form-error")).to_have_text(WORDS["need_something"])
        expect(page.get_by_label(WORDS["describe_label"])).to_be_focused()
        page.get_by_label(WORDS["age_label"]).fill("230")
        page.get_by_label(WORDS["describe_label"]).fill("my knee hurts")
        check.click()
        expect(page.locator("#form-error")).to_have_text(WORDS["age_invalid"])
        expect(page.locator("#results")).to_be_hidden()
        page.get_by_label(WORDS["age_label"]).fill("")
        check.click()
        settled(page)
        answer = look_up(service, text="my knee hurts")
        assert answer["coverage"]["message"] == "This knowledge base has no conditions of the knee."
        expect(page.locator("#coverage")).to_have_text(answer["coverage"]["message"])
        assert_shows(page, answer, service, "")
        page.close()
