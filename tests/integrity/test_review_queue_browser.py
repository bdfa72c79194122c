"""A district clerk on a laptop (1366×768) in real Chromium: the review queue after a scan,
the evidence read as sentences, one flag disqualified with a reason through the admin action.
Screenshots in /tmp/shots/c/ (look at them)."""

from pathlib import Path

import pytest

from integrity.models import AnomalyFlag
from integrity.services.detection import contest_scan
from scoring.models import Disqualification
from tests.browser.test_exam_flow import CHROMIUM_ARGS
from tests.integrity.test_detection import planted  # noqa: F401  (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LAPTOP = {"width": 1366, "height": 768}
SHOTS = Path("/tmp/shots/c")  # noqa: S108


@pytest.fixture
def page(chromium_path, monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport=LAPTOP, locale="vi-VN")
        page = context.new_page()
        page.set_default_timeout(20_000)
        yield page
        context.close()
        browser.close()


def test_clerk_reviews_the_queue_and_disqualifies_one(page, live_server, planted, organisers):  # noqa: F811
    contest, _expected = planted
    contest_scan(contest_id=contest.pk)
    page.goto(f"{live_server.url}/quan-tri/login/")
    page.fill("[name=username]", "district_a")
    page.fill("[name=password]", "secret-pass-123")
    page.click("form [type=submit]")
    page.wait_for_load_state()

    page.goto(f"{live_server.url}/quan-tri/integrity/anomalyflag/")
    page.wait_for_selector("text=Quét tìm dấu hiệu")
    text = page.inner_text("#changelist")
    assert "6 số điện thoại liên tiếp nhau" in text
    assert "Đúng tất cả 10 câu trong 20 giây" in text
    assert '"duration_ms"' not in text
    width = page.evaluate("document.documentElement.scrollWidth")
    page.screenshot(path=str(SHOTS / "flags_01_queue.png"), full_page=False)

    page.click("#changelist-filter >> text=Đúng hết nhanh hơn tốc độ đọc")
    page.wait_for_selector("text=1 dấu hiệu bất thường", state="attached")
    flag = AnomalyFlag.objects.get(kind="too_fast")
    page.check(f"input[name=_selected_action][value='{flag.pk}']")
    page.select_option("select[name=action]", "disqualify_flags")
    page.click("button[name=index]")
    page.wait_for_selector("textarea[name=reason]")
    page.fill("textarea[name=reason]", "Đúng 10/10 câu trong 20 giây, đã đối chiếu nhật ký.")
    page.screenshot(path=str(SHOTS / "flags_02_disqualify.png"), full_page=False)
    page.click("input[type=submit][value='Ghi nhận quyết định']")
    page.wait_for_selector("text=Đã ghi nhận quyết định cho 1 dấu hiệu.")
    page.screenshot(path=str(SHOTS / "flags_03_done.png"), full_page=False)

    flag.refresh_from_db()
    assert flag.status == "disqualified"
    assert Disqualification.objects.get().registration_id == flag.registration_id
    assert width <= LAPTOP["width"], width  # the evidence column wraps: no sideways scroll
