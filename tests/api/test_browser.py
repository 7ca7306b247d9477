"""A real browser (Debian's Chromium, headless) uses the service the way people will: the
docs page on a closed network, and the advice card inside another site's page."""

import shutil
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
import uvicorn
from playwright.sync_api import Browser, Page, Request, sync_playwright

from app.core.config import Settings
from app.main import create_app
from tests.live_server import another_site, free_port

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# Without these, Chromium reaches for Google's hosts at every start (closed network here).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture
def service(settings: Settings) -> Iterator[str]:
    """The service on a port of its own, as uvicorn serves it."""
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "the service did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture
def other_site(service: str) -> Iterator[str]:
    """Another origin: a page that embeds the card in an iframe."""
    page = (
        "<!doctype html><html lang='en'><head><title>Running club</title></head><body>"
        "<h1>Our injury corner</h1>"
        f"<iframe title='Hamstring advice' width='480' height='640' "
        f"src='{service}/embed/conditions/hamstring-origin-problem'></iframe></body></html>"
    )
    with another_site(page) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@dataclass
class Traffic:
    requested: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)

    def watch(self, page: Page) -> None:
        page.on("request", lambda request: self.requested.append(request.url))
        page.on("requestfailed", lambda request: self.failed.append(_describe(request)))


def _describe(request: Request) -> str:
    return f"{request.url} ({request.failure})"


def test_the_docs_page_lists_every_endpoint_with_nothing_from_outside(
    browser: Browser, service: str
) -> None:
    page = browser.new_page()
    traffic = Traffic()
    traffic.watch(page)
    page.goto(f"{service}/docs")
    page.wait_for_selector(".opblock-summary-path", timeout=20_000)
    paths = page.locator(".opblock-summary-path").all_inner_texts()
    shown = {path.replace("\u200b", "") for path in paths}
    for endpoint in ("/v1/conditions", "/v1/conditions/{slug}", "/v1/lookup", "/v1/parse"):
        assert endpoint in shown, shown
    assert traffic.failed == []
    assert all(url.startswith(service) for url in traffic.requested), traffic.requested
    page.close()


def test_another_site_shows_the_advice_card_in_an_iframe(
    browser: Browser, service: str, other_site: str
) -> None:
    page = browser.new_page()
    traffic = Traffic()
    traffic.watch(page)
    page.goto(other_site)
    card = page.frame_locator("iframe[title='Hamstring advice']")
    heading = card.get_by_role("heading", name="Hamstring origin problem")
    heading.wait_for(timeout=20_000)
    assert card.get_by_text("Stay away from faster running and slippery surfaces").is_visible()
    assert card.get_by_text("not a diagnosis").is_visible()
    assert traffic.failed == []
    assert all(url.startswith((service, other_site)) for url in traffic.requested)
    page.close()
