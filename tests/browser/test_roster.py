"""A district clerk on a laptop (1366×768) in real Chromium: imports the wards' roster from
Excel in the admin, sees who has not yet taken part (and the targets on the dashboard), and
downloads the list for the focal point. Screenshots in /tmp/shots/h/ (look at them)."""

import io
from pathlib import Path

import pytest
from openpyxl import load_workbook

from participants.models import RosterEntry
from tests.browser.test_exam_flow import CHROMIUM_ARGS
from tests.participants.test_roster_import import xlsx
from tests.reports.test_roster_report import world  # noqa: F401  (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LAPTOP = {"width": 1366, "height": 768}
ROWS = [
    ["Nguyễn Văn An", "Chuyên viên", "001087123456", "0912 000 101", "A-1"],
    ["Lê Văn Cường", "Phó trưởng phòng", "001.087.123.458", "", "A-2"],
    ["Phạm Thị Dung", "", "001187123459", "+84912000104", "A-2"],
    ["Hoàng Văn Em", "", "", "0912000105", "A-1"],
]
SHOTS = Path("/tmp/shots/h")  # noqa: S108


@pytest.fixture
def page(chromium_path, monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport=LAPTOP, locale="vi-VN", accept_downloads=True)
        page = context.new_page()
        page.set_default_timeout(20_000)
        yield page
        context.close()
        browser.close()


def test_clerk_imports_a_roster_and_downloads_who_has_not_taken_part(
    page,
    live_server,
    world,  # noqa: F811
    organisers,
    tmp_path,
):
    contest, _people = world
    page.goto(f"{live_server.url}/quan-tri/login/")
    page.fill("[name=username]", "district_a")
    page.fill("[name=password]", "secret-pass-123")
    page.click("form [type=submit]")
    page.wait_for_load_state()

    page.goto(f"{live_server.url}/quan-tri/participants/rosterentry/")
    page.click("text=Nhập từ Excel")
    page.wait_for_selector("h1:has-text('Nhập danh sách')")
    page.select_option("select[name=contest]", str(contest.pk))
    upload = tmp_path / "danh-sach.xlsx"
    upload.write_bytes(xlsx(ROWS))
    page.set_input_files("input[name=file]", str(upload))
    page.screenshot(path=str(SHOTS / "roster_01_import.png"), full_page=True)
    page.click("input[type=submit][value='Nhập']")
    page.wait_for_selector("text=Đã nhập danh sách: 4 người mới")
    assert RosterEntry.objects.filter(contest=contest).count() == 8
    page.screenshot(path=str(SHOTS / "roster_02_list.png"), full_page=True)

    page.goto(f"{live_server.url}/bao-cao/{contest.slug}/?unit=A")
    page.wait_for_selector("h2:has-text('Chỉ tiêu tham gia')")
    page.locator("#targets-heading").scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / "roster_03_dashboard.png"), full_page=False)
    page.click("text=Xem ai chưa tham gia")
    page.wait_for_selector("h1:has-text('Người chưa tham gia')")
    main = page.inner_text("main")
    assert "Lê Văn Cường" in main and "Chưa đăng ký dự thi" in main
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= LAPTOP["width"], width
    page.screenshot(path=str(SHOTS / "roster_04_not_yet.png"), full_page=True)

    with page.expect_download() as info:
        page.click("text=Tải danh sách chưa tham gia (Excel)")
    path = tmp_path / "chua-tham-gia.xlsx"
    info.value.save_as(path)
    sheet = load_workbook(io.BytesIO(path.read_bytes())).worksheets[0]
    names = [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert "Lê Văn Cường" in names and "Trần Thị Đăng Ký" in names
    assert "Nguyễn Văn Đã" not in names
