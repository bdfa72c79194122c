"""A citizen appeals against provisional results on a phone (390×844) with scripts off: the
result page's appeal form, an empty text refused with its message, the appeal filed and shown
as waiting for the organisers. Real Chromium (Debian's); screenshots in tests/artifacts/
(appeal_*.png: look at them)."""

import pytest
from django.test import Client

from scoring.models import Appeal, Attempt
from scoring.services.prizes import results_publish
from tests.browser.test_exam_flow import ARTIFACTS, PHONE, page  # noqa: F401  (fixture)
from tests.scoring.test_results_admin import closed  # noqa: F401  (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _shot(phone, name, *, full=False):
    phone.screenshot(path=str(ARTIFACTS / f"appeal_{name}.png"), full_page=full)


def _text(locator) -> str:
    return " ".join(locator.inner_text().split())


def test_appeal_on_a_phone_without_javascript(page, live_server, closed, organisers):  # noqa: F811
    contest, people = closed
    results_publish(contest=contest, user=organisers["city"], provisional_days=7)
    dung = people["Ngô Văn Dũng"]
    attempt = Attempt.objects.get(registration=dung)
    login = Client()
    login.force_login(dung.participant.user)
    context = page.context.browser.new_context(
        viewport=PHONE,
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        locale="vi-VN",
        java_script_enabled=False,
    )
    host = live_server.url.split("//")[1].split(":")[0]
    context.add_cookies(
        [
            {
                "name": "sessionid",
                "value": login.cookies["sessionid"].value,
                "domain": host,
                "path": "/",
            }
        ]
    )
    phone = context.new_page()
    phone.set_default_timeout(15_000)
    try:
        phone.goto(f"{live_server.url}/bai-thi/{attempt.pk}/ket-qua/")
        form = phone.locator("#appeal-form")
        form.scroll_into_view_if_needed()
        _shot(phone, "01_form")
        assert "Mỗi bài thi chỉ được phúc khảo một lần." in _text(phone.locator("#appeal"))
        assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

        phone.click("#appeal-form button[type=submit]")
        phone.wait_for_selector("#appeal-error")
        assert _text(phone.locator("#appeal-error")) == "Vui lòng nhập nội dung phúc khảo."
        phone.locator("#appeal-error").scroll_into_view_if_needed()
        _shot(phone, "02_empty_refused")
        assert not Appeal.objects.exists()

        phone.fill("#appeal-input", "Câu 3 có hai đáp án đúng, đề nghị Ban Tổ chức chấm lại.")
        phone.click("#appeal-form button[type=submit]")
        phone.wait_for_selector("#appeal-status")
        phone.locator("#appeal").scroll_into_view_if_needed()
        _shot(phone, "03_filed")
        assert _text(phone.locator("#appeal-status")) == "Đơn đang chờ Ban Tổ chức trả lời."
        assert "Đã gửi đơn phúc khảo. Ban Tổ chức sẽ trả lời tại đây." in _text(
            phone.locator("body")
        )
        assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        assert Appeal.objects.get().text == (
            "Câu 3 có hai đáp án đúng, đề nghị Ban Tổ chức chấm lại."
        )
    finally:
        context.close()
