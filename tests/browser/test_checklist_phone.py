"""The weekly checklist on a phone, in a real browser: an officer finds it from the
menu, writes progress on an item, marks it done, adds his own item; his leader sees
the week side by side. No console errors, no failed requests."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_landing_pages import PHONE, PageProblems, sign_in
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser


def test_an_officer_keeps_his_week_on_a_phone(page: Page, screenshot_dir: Path) -> None:
    problems = PageProblems().watch(page)
    page.set_viewport_size(PHONE)
    sign_in(page, "officer1", PASSWORD)
    page.wait_for_load_state()
    page.get_by_role("button", name="展开菜单").click()
    page.get_by_role("link", name="每周清单").click()
    page.wait_for_load_state()  # let the page's own requests finish before moving on
    expect(page.get_by_role("heading", level=1)).to_contain_text("每周清单")
    # 甲企业 has never been visited since its assignment: a contact item.
    item = page.locator("li", has_text="联络甲企业").first
    item.get_by_label("进展").fill("已电话联系企业负责人，约定周四上门")
    item.get_by_text("已完成").click()
    page.get_by_role("button", name="保存进展").click()
    page.wait_for_load_state()
    expect(page.get_by_text("已保存 1 项进展。")).to_be_visible()
    expect(page.get_by_label("进展").first).to_have_value("已电话联系企业负责人，约定周四上门")
    page.get_by_label("事项").fill("整理本月走访台账")
    page.get_by_role("button", name="添加").click()
    page.wait_for_load_state()
    expect(page.get_by_text("已添加自定事项。")).to_be_visible()
    expect(page.locator("#items")).to_contain_text("整理本月走访台账")
    page.screenshot(path=str(screenshot_dir / "checklist-officer1-phone.png"), full_page=True)
    page.context.clear_cookies()

    sign_in(page, "leader1", PASSWORD)
    page.wait_for_load_state()
    page.goto("/checklists/")
    expect(page.get_by_role("heading", level=1)).to_have_text("责任人每周清单")
    expect(page.locator("body")).to_contain_text("已电话联系企业负责人，约定周四上门")
    page.screenshot(path=str(screenshot_dir / "checklist-team-leader1-phone.png"), full_page=True)
    # A favicon request cut short by the next navigation is not a problem of the page.
    assert [p for p in problems.items if not p.endswith("favicon.svg: net::ERR_ABORTED")] == []
