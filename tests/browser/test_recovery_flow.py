"""Password recovery on a phone (390x844), real Chromium: the login page's "Quên mật khẩu?",
the number, the code read from the SMS backend (locmem: the live server runs in this
process), a new password, logged in; the language switch in the footer. Screenshots in
tests/artifacts/recovery_*.png."""

import datetime
import re

import pytest

from participants import services, sms
from tests.browser.test_exam_flow import ARTIFACTS, page  # noqa: F401  (fixture)
from tests.scoring import exam_support as support

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

clean_cache_and_broker = support.clean_cache_and_broker

OLD_PASSWORD = "Mat-khau-cu-2025!"
NEW_PASSWORD = "Mat-khau-moi-2026!"


def shot(page, name):  # noqa: F811
    page.screenshot(path=str(ARTIFACTS / f"recovery_{name}.png"), full_page=True)


def no_sideways_scroll(page):  # noqa: F811
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_recovery_flow_on_a_phone(page, live_server):  # noqa: F811
    services.participant_register(
        full_name="Trần Thị Hoa",
        date_of_birth=datetime.date(1999, 3, 8),
        gender="female",
        document_type="cccd",
        document_number="035199000123",
        phone="0912345678",
        password=OLD_PASSWORD,
        consent_data=True,
    )
    sms.outbox.clear()
    page.goto(f"{live_server.url}/thi-sinh/dang-nhap/")
    page.click("#forgot-password")
    page.wait_for_url("**/thi-sinh/quen-mat-khau/")
    no_sideways_scroll(page)
    shot(page, "01_request")

    page.fill("[name=login]", "0912 345 678")
    page.click("button[type=submit]:has-text('Gửi mã')")
    page.wait_for_url("**/thi-sinh/quen-mat-khau/nhap-ma/")
    assert "Mã dùng được trong 5 phút" in page.locator("#code-sent").inner_text()
    [message] = sms.outbox
    assert message["to"] == "+84912345678"
    code = re.search(r"\b(\d{6})\b", message["text"]).group(1)

    # A wrong code first: the page says how many tries are left.
    page.fill("[name=code]", "000000" if code != "000000" else "111111")
    page.fill("[name=password1]", NEW_PASSWORD)
    page.fill("[name=password2]", NEW_PASSWORD)
    page.click("button[type=submit]:has-text('Đặt mật khẩu mới')")
    assert "Mã không đúng. Bạn còn 4 lần thử." in page.locator("body").inner_text()
    no_sideways_scroll(page)
    shot(page, "02_wrong_code")

    page.fill("[name=code]", code)
    page.fill("[name=password1]", NEW_PASSWORD)
    page.fill("[name=password2]", NEW_PASSWORD)
    page.click("button[type=submit]:has-text('Đặt mật khẩu mới')")
    page.wait_for_url("**/thi-sinh/cuoc-thi-cua-toi/")
    assert "Đã đặt mật khẩu mới." in page.locator("body").inner_text()
    shot(page, "03_done")

    # Log out and in again with the new password.
    page.goto(f"{live_server.url}/thi-sinh/dang-nhap/")
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/thi-sinh/dang-nhap/")
    page.fill("[name=username]", "0912345678")
    page.fill("[name=password]", NEW_PASSWORD)
    page.click("form[action='/thi-sinh/dang-nhap/'] button[type=submit]")
    page.wait_for_url("**/thi-sinh/cuoc-thi-cua-toi/")

    # The footer's language switch, remembered on the next page.
    page.click("#language-switch button[value=en]")
    page.wait_for_load_state()
    assert page.evaluate("document.documentElement.lang") == "en"
    page.goto(f"{live_server.url}/thi-sinh/dang-nhap/")
    assert page.evaluate("document.documentElement.lang") == "en"
    page.locator("#language-switch").scroll_into_view_if_needed()
    shot(page, "04_english")
