"""The daily official board on a phone (390×844) with JavaScript switched off: the latest day
(totals, charts, units, units at 100 %, days and hashes), then a corrected day with its
"Đính chính". Real Chromium (Debian's) against the live server; screenshots in
tests/artifacts/board_*.png (look at them)."""

import datetime

import pytest

from contests.models import Contest, Unit
from reports.services.board import board_corrections_publish, board_freeze_due
from scoring.models import Attempt
from scoring.services.grading import attempts_grade
from tests.browser.test_exam_flow import ARTIFACTS, CHROMIUM_ARGS, PHONE
from tests.reports.conftest import VN, small_contest  # noqa: F401  (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def page_without_js(chromium_path, monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        context = browser.new_context(
            viewport=PHONE,
            device_scale_factor=2,
            is_mobile=True,
            has_touch=True,
            locale="vi-VN",
            java_script_enabled=False,
        )
        page = context.new_page()
        page.set_default_timeout(15_000)
        yield page
        context.close()
        browser.close()


def test_board_on_a_phone_without_javascript(page_without_js, live_server, small_contest):  # noqa: F811
    page = page_without_js
    contest = small_contest
    Contest.objects.filter(pk=contest.pk).update(board_hour=8, status=Contest.Status.PUBLISHED)
    contest.refresh_from_db()
    Unit.objects.filter(code="C-D-1").update(headcount=1)
    board_freeze_due(contest=contest, now=datetime.datetime(2023, 9, 3, 8, 5, tzinfo=VN))
    attempt = Attempt.objects.get(
        contest=contest, registration__participant__full_name="Phạm Minh An", number=1
    )
    attempts_grade(attempt_ids=[attempt.pk], regrade=True)
    board_corrections_publish(contest=contest)

    page.goto(f"{live_server.url}/cuoc-thi/{contest.slug}/")
    page.click("text=Bảng tổng sắp hằng ngày")
    page.wait_for_selector("h1:has-text('Bảng tổng sắp')")
    # Viewing froze the remaining days (today is long after the contest).
    assert "Số liệu tính đến 24 giờ ngày 29/09/2023." in page.inner_text("main")
    assert page.locator("svg.chart").count() == 2
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], width  # nothing wider than the phone
    page.screenshot(path=str(ARTIFACTS / "board_01_latest.png"), full_page=False)
    page.screenshot(path=str(ARTIFACTS / "board_02_latest_full.png"), full_page=True)

    page.click("summary:has-text('Các ngày trước')")  # older days folded (no JS needed)
    page.click("text=Ngày 01/09/2023, phiên bản 2")
    text = page.inner_text("main")
    assert "Phiên bản 2 đính chính phiên bản 1 của ngày này." in text
    assert "Phường A1: số bài đúng tất cả 1 → 0" in text
    page.screenshot(path=str(ARTIFACTS / "board_03_correction.png"), full_page=True)
    page.click("text=Xem phiên bản 1 (đã được đính chính)")
    assert "Phiên bản này đã được đính chính." in page.inner_text("main")
