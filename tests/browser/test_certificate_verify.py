"""The certificate's verification page as a phone opens it from the QR code: the facts of the
certificate, the name as published (masked without consent), no horizontal scroll; and a
tampered code gets the Vietnamese "not found" page. Real Chromium; screenshots in
tests/artifacts/."""

import pytest
from django.urls import reverse

from tests.browser.test_exam_flow import page, shot  # noqa: F401  (fixture)
from tests.scoring import exam_support as support
from tests.scoring.test_certificates import certificate_of, make_all, media, published  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

clean_cache_and_broker = support.clean_cache_and_broker


def test_verification_page_on_a_phone(page, live_server, published, organisers):  # noqa: F811
    contest, people = published
    make_all(contest, organisers["city"])
    minor = certificate_of(people["Phạm Minh Châu"])
    page.goto(live_server.url + reverse("scoring:certificate_verify", args=[minor.token]))
    body = page.locator("body").inner_text()
    assert "Phạm M. C." in body and "Minh Châu" not in body
    assert "Giải Nhì" in body and "Cuộc thi tìm hiểu Luật Căn cước" in body
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
    shot(page, "certificate_01_verify")

    token = minor.token[:-1] + ("A" if minor.token[-1] != "A" else "B")
    response = page.goto(live_server.url + reverse("scoring:certificate_verify", args=[token]))
    assert response.status == 404
    shot(page, "certificate_02_unknown")
