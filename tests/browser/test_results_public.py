"""Results go public, on a phone (390×844): the winners on the contest page, then the results
lookup by document number and date of birth — without JavaScript, as a phone on a slow
network or with scripts off gets it. Real Chromium (Debian's); screenshots in tests/artifacts/
(results_*.png: look at them)."""

import pytest
from django.core.cache import cache

from tests.browser.test_exam_flow import ARTIFACTS, PHONE, page  # noqa: F401  (fixture)
from tests.scoring.test_public_results import (  # noqa: F401
    AN_RESULT,
    DEFAULT_CHAIN_TEXT,
    NOT_FOUND,
    published,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _shot(page, name, *, full=False):  # noqa: F811
    page.screenshot(path=str(ARTIFACTS / f"results_{name}.png"), full_page=full)


def _text(locator) -> str:
    return " ".join(locator.inner_text().split())


def test_winners_and_lookup_on_a_phone_without_javascript(page, live_server, published):  # noqa: F811
    contest, people, _root, _snapshot = published
    cache.clear()
    context = page.context.browser.new_context(
        viewport=PHONE,
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        locale="vi-VN",
        java_script_enabled=False,
    )
    phone = context.new_page()
    phone.set_default_timeout(15_000)
    try:
        phone.goto(f"{live_server.url}/cuoc-thi/{contest.slug}/")
        winners = phone.locator("#winners")
        winners.scroll_into_view_if_needed()
        _shot(phone, "01_winners")
        _shot(phone, "01_winners_full", full=True)
        text = _text(winners)
        assert "Phiên bản 1, công bố lúc" in text
        assert "Trần Thị Bình" in text and "Nguyễn V. A." in text and "Lê M. C." in text
        assert "Nguyễn Văn An" not in text
        # Nothing wider than the phone: no sideways scrolling.
        assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

        phone.click("text=Tra cứu kết quả của bạn")
        phone.wait_for_url(f"**/bai-thi/tra-cuu/{contest.slug}/")
        phone.fill("[name=document_number]", people["an"].document_number)
        phone.fill("[name=date_of_birth]", "1990-05-18")  # wrong by a day
        phone.click("#lookup-form button[type=submit]")
        phone.wait_for_selector("#lookup-form .alert")
        assert NOT_FOUND in _text(phone.locator("#lookup-form"))
        _shot(phone, "02_not_found")

        phone.fill("[name=date_of_birth]", "1990-05-17")
        phone.click("#lookup-form button[type=submit]")
        phone.wait_for_selector("#lookup-result")
        assert _text(phone.locator("#lookup-result")).startswith("Nguyễn V. A. Phường A2")
        assert "Toàn cuộc thi: hạng 2 trên 5 người" in _text(phone.locator("#lookup-ranks"))
        assert _text(phone.locator("#lookup-why")) == AN_RESULT.split(f"{DEFAULT_CHAIN_TEXT} ")[1]
        _shot(phone, "03_lookup")
        _shot(phone, "03_lookup_full", full=True)
    finally:
        context.close()
