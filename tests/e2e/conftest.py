"""Browser journeys: Playwright driving Debian's Chromium against pytest-django's
live server. Skipped, with the reason, where /usr/bin/chromium is missing
(`.ci/run` installs it)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]

if not CHROMIUM.exists():
    pytest.skip(
        "the browser tests need Debian's Chromium at /usr/bin/chromium (apt-get install chromium)",
        allow_module_level=True,
    )

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")

# Playwright's synchronous API runs an event loop in the test's thread; the test's own
# database work (fixtures, checks) is synchronous and safe there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from tests.apps.conftest import (  # noqa: E402  - the same fixtures as the app tests
    auditor,
    company,
    draft_cycle,
    hr,
    open_cycle,
    scheme,
)
from tests.apps.factories import PASSWORD  # noqa: E402

__all__ = ["auditor", "company", "draft_cycle", "hr", "open_cycle", "scheme"]


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Any, live_server: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.base_url = live_server.url  # type: ignore[attr-defined]
    yield page
    context.close()


def log_in(page: Any, username: str, then: str = "/hr/") -> None:
    page.goto(f"{page.base_url}/accounts/login/?next={then}")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("form[action='/accounts/login/'] button[type=submit]")
    page.wait_for_url(f"**{then}")
