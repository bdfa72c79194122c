"""The reports in the staff layout, in real Chromium: the admin's header and breadcrumbs, the
figures rolled up on view (no beat), the "Cập nhật số liệu" button, the ranking and back; the
charts' labels at least 12 px on a laptop (1366×768) and on a phone (390×844), no sideways
scrolling. Screenshots in /tmp/shots/g/ (look at them)."""

from pathlib import Path

import pytest

from tests.browser.test_exam_flow import CHROMIUM_ARGS, PHONE
from tests.reports.conftest import small_contest  # noqa: F401  (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LAPTOP = {"width": 1366, "height": 768}
SHOTS = Path("/tmp/shots/g")  # noqa: S108  (screenshots to look at, as the task asks)

# The smallest label of the visible charts, in CSS pixels as shown: each SVG text's font
# size times the drawing's scale (its shown width over its viewBox width).
SMALLEST_LABEL = """() => {
  let smallest = 1000, charts = 0;
  for (const svg of document.querySelectorAll("main svg.chart")) {
    const box = svg.getBoundingClientRect();
    if (box.width === 0) continue;  // the other drawing (phone / laptop), hidden
    charts += 1;
    const scale = box.width / svg.viewBox.baseVal.width;
    for (const t of svg.querySelectorAll("text")) {
      smallest = Math.min(smallest, parseFloat(t.getAttribute("font-size")) * scale);
    }
  }
  return [charts, smallest];
}"""

# What sticks out sideways, to say so when the page scrolls sideways.
WIDER_THAN_SCREEN = """() => [...document.querySelectorAll("body *")]
  .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
  .slice(0, 5).map(e => e.tagName + "." + e.className)"""


@pytest.fixture
def page(chromium_path, monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport=LAPTOP, locale="vi-VN")
        page = context.new_page()
        page.set_default_timeout(15_000)
        yield page
        context.close()
        browser.close()


def crumbs(page) -> list[str]:
    return [t.strip() for t in page.locator(".staff-breadcrumbs li").all_inner_texts()]


def test_dashboard_in_the_staff_layout_laptop_and_phone(
    page,
    live_server,
    small_contest,  # noqa: F811
    organisers,
):
    contest = small_contest
    page.goto(f"{live_server.url}/quan-tri/login/")
    page.fill("[name=username]", "city")
    page.fill("[name=password]", "secret-pass-123")
    page.click("form [type=submit]")
    page.wait_for_load_state()

    page.goto(f"{live_server.url}/bao-cao/")
    page.locator(f"main a:has-text('{contest.title}')").click()
    page.wait_for_selector("#figures-freshness")
    header = page.inner_text(".staff-header")
    for word in ("Quản trị", "Báo cáo", "city", "Đăng xuất"):
        assert word in header, word
    assert crumbs(page) == ["Trang quản trị", "Báo cáo", contest.title]
    # Never rolled up before: rolled up by this view.
    assert page.inner_text("[data-figure=participants]") == "5"
    assert "Số liệu cập nhật lúc" in page.inner_text("#figures-freshness")
    charts, smallest = page.evaluate(SMALLEST_LABEL)
    assert charts == 2 and smallest >= 12, (charts, smallest)
    assert "/ 10 câu" in page.inner_text("#mean-correct")
    assert page.evaluate("document.documentElement.scrollWidth") <= LAPTOP["width"]
    page.screenshot(path=str(SHOTS / "reports_dashboard_laptop.png"), full_page=True)

    page.click("button:has-text('Cập nhật số liệu')")
    page.wait_for_selector(".alert-success")
    assert "Đã cập nhật số liệu lúc" in page.inner_text(".alert-success")

    page.goto(f"{live_server.url}/bao-cao/{contest.slug}/xep-hang/")
    page.wait_for_selector("#ranking")
    assert crumbs(page) == ["Trang quản trị", "Báo cáo", contest.title, "Xếp hạng"]
    page.locator(f".staff-breadcrumbs a:has-text('{contest.title}')").click()
    page.wait_for_selector("#figures-freshness")
    page.locator(".staff-breadcrumbs a:has-text('Trang quản trị')").click()
    page.wait_for_selector("#reports-links")  # the admin's index, its "Báo cáo" box

    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/bao-cao/{contest.slug}/")
    page.screenshot(path=str(SHOTS / "reports_dashboard_phone.png"), full_page=True)
    charts, smallest = page.evaluate(SMALLEST_LABEL)
    assert charts == 2 and smallest >= 12, (charts, smallest)
    wide = page.evaluate(WIDER_THAN_SCREEN)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], wide
