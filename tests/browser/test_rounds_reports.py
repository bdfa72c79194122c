"""The organiser's dashboard of a weekly contest on a laptop (1280×900) in real Chromium: the
figures per category and per week, the overall and weekly rankings, the full ranking of a
week, and a week's results export chosen on the dashboard. Screenshots in
tests/artifacts/reports_rounds_*.png (look at them)."""

import pytest

from reports.models import ExportJob
from reports.services.rollups import rollups_recompute
from tests.browser.test_exam_flow import ARTIFACTS, CHROMIUM_ARGS
from tests.reports.rounds_world import weekly  # noqa: F401  (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LAPTOP = {"width": 1280, "height": 900}


@pytest.fixture
def page(chromium_path, monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport=LAPTOP, locale="vi-VN")
        page = context.new_page()
        page.set_default_timeout(15_000)
        yield page
        context.close()
        browser.close()


def test_weekly_dashboard_rankings_and_export(page, live_server, weekly, organisers):  # noqa: F811
    contest = weekly.contest
    rollups_recompute(contest=contest)
    page.goto(f"{live_server.url}/quan-tri/login/")
    page.fill("[name=username]", "city")
    page.fill("[name=password]", "secret-pass-123")
    page.click("form [type=submit]")
    page.wait_for_load_state()

    page.goto(f"{live_server.url}/bao-cao/{contest.slug}/")
    main = page.inner_text("main")
    assert "Theo đối tượng dự thi" in main and "Chưa xác định đối tượng" in main
    assert "Theo tuần/vòng thi" in main
    assert "Xếp hạng chung cả cuộc thi" in main
    overall = page.locator("[data-ranking=overall] tbody tr")
    assert overall.count() == 4
    assert overall.nth(0).inner_text().split("\t")[:2] == ["1", "Trần Thị Lan"]
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= LAPTOP["width"], width
    page.screenshot(path=str(ARTIFACTS / "reports_rounds_01_dashboard.png"), full_page=True)

    page.locator("[data-ranking='1'] a:has-text('Xem toàn bộ bảng xếp hạng')").click()
    page.wait_for_selector("h1:has-text('Bảng xếp hạng: Tuần 1')")
    rows = page.locator("#ranking tbody tr")
    assert [rows.nth(i).inner_text().split("\t")[1] for i in range(3)] == [
        "Trần Thị Lan",
        "Phạm Minh An",
        "Lê Văn Hùng",
    ]
    page.screenshot(path=str(ARTIFACTS / "reports_rounds_02_week1.png"), full_page=True)

    page.goto(f"{live_server.url}/bao-cao/{contest.slug}/")
    form = page.locator("form:has(input[name=kind][value=results])").first
    form.locator("select[name=vong]").select_option(label="Tuần 2")
    form.locator("button").click()
    page.wait_for_selector("h1:has-text('Kết quả xếp hạng')")
    assert "Tuần 2" in page.inner_text("main")
    job = ExportJob.objects.get()
    assert job.round_id == weekly.week2.pk and job.kind == "results"
    page.screenshot(path=str(ARTIFACTS / "reports_rounds_03_export.png"))
