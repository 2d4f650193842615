"""Smoke test in a real browser: each role signs in through the login form and sees its
landing page, with no console errors and no failed requests; screenshots at desktop and
phone size go to tests/_artifacts/screenshots."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.sync_api import ConsoleMessage, Page, Request, Response, expect

from tests.factories import PASSWORD

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}

LANDING_HEADINGS = {
    "admin": "系统管理",
    "committee1": "全区包保概览",
    "leader1": "我包保领导的企业",
    "officer1": "我联点包保的企业",
    "dept1": "工作台",
    "ent_a": "本企业的包保干部",
}


@dataclass
class PageProblems:
    """Console errors, uncaught exceptions and failed or ≥ 400 requests seen by a page."""

    items: list[str] = field(default_factory=list)

    def watch(self, page: Page) -> PageProblems:
        page.on("console", self._on_console)
        page.on("pageerror", lambda exc: self.items.append(f"page error: {exc}"))
        page.on("requestfailed", self._on_request_failed)
        page.on("response", self._on_response)
        return self

    def _on_console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.items.append(f"console error: {message.text} ({message.location})")

    def _on_request_failed(self, request: Request) -> None:
        self.items.append(f"request failed: {request.method} {request.url}: {request.failure}")

    def _on_response(self, response: Response) -> None:
        if response.status >= 400:
            self.items.append(f"HTTP {response.status}: {response.request.method} {response.url}")


def sign_in(page: Page, username: str, password: str) -> None:
    page.goto("/login")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()


@pytest.mark.parametrize("username", list(LANDING_HEADINGS))
def test_role_lands_on_its_page(page: Page, screenshot_dir: Path, username: str) -> None:
    problems = PageProblems().watch(page)
    page.set_viewport_size(DESKTOP)

    sign_in(page, username, PASSWORD)
    page.wait_for_url(lambda url: "/login" not in url)
    page.wait_for_load_state("networkidle")
    assert problems.items == [], f"{username} landing on {page.url}"

    expect(page.get_by_role("heading", name=LANDING_HEADINGS[username]).first).to_be_visible()
    page.screenshot(path=screenshot_dir / f"{username}-desktop.png", full_page=True)

    page.set_viewport_size(PHONE)
    page.reload(wait_until="networkidle")
    expect(page.get_by_role("heading", name=LANDING_HEADINGS[username]).first).to_be_visible()
    page.screenshot(path=screenshot_dir / f"{username}-phone.png", full_page=True)

    assert problems.items == []


def test_wrong_password_shows_generic_error(page: Page) -> None:
    problems = PageProblems().watch(page)

    sign_in(page, "officer1", "not-the-password")

    expect(page.get_by_role("alert")).to_contain_text("用户名或密码错误")
    assert page.url.endswith("/login")
    expect(page.get_by_role("heading", name="登录包保服务平台")).to_be_visible()
    assert problems.items == []
