"""A 15-year-old on a phone registers: without the guardian's part the account is refused with
a message on each guardian field; with it, the account exists and the consent is recorded.
Real Chromium (Debian's) against the live server; screenshots in tests/artifacts/."""

import datetime
import re

import pytest

from participants.models import GuardianConsent, Participant
from tests.browser.test_exam_flow import PASSWORD, choose, page, shot  # noqa: F401  (fixture)
from tests.scoring import exam_support as support

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

clean_cache_and_broker = support.clean_cache_and_broker


def test_under_16_registers_only_with_a_guardian(page, live_server, tree):  # noqa: F811
    born = datetime.date.today().replace(year=datetime.date.today().year - 15, day=1)
    page.goto(f"{live_server.url}/thi-sinh/dang-ky/")
    page.fill("[name=full_name]", "Phạm Minh Khôi")
    page.fill("[name=date_of_birth]", born.isoformat())
    choose(page, "gender", "male")
    choose(page, "document_type", "cccd")
    page.fill("[name=document_number]", f"0012{born.year % 100:02d}000481")
    page.fill("[name=phone]", "0987111222")
    page.fill("[name=password1]", PASSWORD)
    page.fill("[name=password2]", PASSWORD)
    page.check("[name=consent_data]")
    page.click("form button[type=submit]:has-text('Đăng ký')")
    page.wait_for_selector(".invalid-feedback")
    errors = page.locator(".invalid-feedback").all_inner_texts()
    assert "Người dưới 16 tuổi cần ghi họ tên cha, mẹ hoặc người giám hộ." in errors
    page.locator("[name=guardian_name]").scroll_into_view_if_needed()
    shot(page, "guardian_01_refused")
    assert not Participant.objects.exists()

    # The form keeps what was typed; the passwords are typed again, as on any site.
    page.fill("[name=password1]", PASSWORD)
    page.fill("[name=password2]", PASSWORD)
    page.fill("[name=guardian_name]", "Phạm Văn Hùng")
    page.fill("[name=guardian_phone]", "0912 000 111")
    page.fill("[name=guardian_relationship]", "Bố")
    page.check("[name=guardian_consent]")
    shot(page, "guardian_02_filled")
    page.click("form button[type=submit]:has-text('Đăng ký')")
    page.wait_for_url(re.compile(r"/thi-sinh/cuoc-thi-cua-toi/"))
    shot(page, "guardian_03_registered")
    consent = GuardianConsent.objects.get()
    assert (consent.participant.full_name, consent.guardian_name, consent.guardian_phone) == (
        "Phạm Minh Khôi",
        "Phạm Văn Hùng",
        "+84912000111",
    )
