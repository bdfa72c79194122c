"""An invite link in real Chromium: on a phone (390×844) it opens registration with the ward
already chosen, and the person ends up entered for that ward, counted for the link; on a
laptop the organiser's A4 poster shows a QR code that, read from the screenshot, is the link.
Screenshots in tests/artifacts/."""

import datetime
import re

import pytest
import zxingcpp
from PIL import Image

from participants.invites import invite_token
from participants.models import Registration
from tests.browser.test_exam_flow import ARTIFACTS, PASSWORD, choose, page, shot  # noqa: F401
from tests.conftest import make_organiser
from tests.factories import ContestFactory
from tests.scoring import exam_support as support

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

clean_cache_and_broker = support.clean_cache_and_broker


@pytest.fixture
def contest(tree):
    now = datetime.datetime.now(tz=datetime.UTC)
    return ContestFactory(
        slug="tim-hieu-dinh-danh",
        title="Cuộc thi tìm hiểu Nghị định 59/2022/NĐ-CP về định danh điện tử",
        owner_unit=tree["C"],
        participation_root=tree["C"],
        opens_at=now - datetime.timedelta(days=1),
        closes_at=now + datetime.timedelta(days=20),
    )


def test_phone_registers_through_a_ward_link(page, live_server, tree, contest):  # noqa: F811
    token = invite_token(contest_id=contest.pk, unit_id=tree["A-1"].pk)
    page.goto(f"{live_server.url}/thi-sinh/moi/{token}/")
    page.wait_for_url(re.compile(r"/thi-sinh/dang-ky/\?moi="))
    assert "liên kết mời của Phường A1" in page.inner_text("#invite-note")
    residence = page.locator("[data-unit-cascade=noi_cu_tru] select")
    assert [residence.nth(i).evaluate("s => s.selectedOptions[0].text") for i in range(4)] == [
        "Thành phố",
        "Khối quận, huyện",
        "Quận A",
        "Phường A1",
    ]
    shot(page, "invite_01_register")

    page.fill("[name=full_name]", "Nguyễn Thị Hoa")
    page.fill("[name=date_of_birth]", "1990-03-05")
    choose(page, "gender", "female")
    choose(page, "document_type", "cccd")
    page.fill("[name=document_number]", "001190000321")
    page.fill("[name=phone]", "0987 654 321")
    page.fill("[name=password1]", PASSWORD)
    page.fill("[name=password2]", PASSWORD)
    page.check("[name=consent_data]")
    page.click("form button[type=submit]:has-text('Đăng ký')")
    page.wait_for_url(re.compile(r"/thi-sinh/tham-gia/tim-hieu-dinh-danh/\?moi="))
    joining = page.locator("[data-unit-cascade=don_vi] select")
    assert joining.nth(2).evaluate("s => s.selectedOptions[0].text") == "Phường A1"
    shot(page, "invite_02_join")
    page.check("[name=consent_participation]")
    page.click("form button[type=submit]:has-text('Đăng ký dự thi')")
    page.wait_for_url(re.compile(r"/thi-sinh/cuoc-thi-cua-toi/"))
    registration = Registration.objects.get()
    assert (registration.unit, registration.invited_via) == (tree["A-1"], tree["A-1"])


def test_laptop_poster_qr_reads_as_the_link(page, live_server, tree, contest):  # noqa: F811
    make_organiser(tree["A"], "to_chuc_quan_a")
    page.set_viewport_size({"width": 1280, "height": 1600})
    page.goto(f"{live_server.url}/quan-tri/login/")
    page.fill("[name=username]", "to_chuc_quan_a")
    page.fill("[name=password]", "secret-pass-123")
    page.click("[type=submit]")
    page.goto(f"{live_server.url}/quan-tri/participants/registration/loi-moi/")
    rows = page.locator("#invite-links tbody tr")
    assert rows.count() == 3  # Quận A and its two wards: nothing of district B
    page.click("tr[data-unit=A-1] a:has-text('Tải áp phích')")
    page.wait_for_selector(".poster-qr svg")
    path = ARTIFACTS / "invite_03_poster.png"
    page.screenshot(path=str(path), full_page=True)
    token = invite_token(contest_id=contest.pk, unit_id=tree["A-1"].pk)
    link = f"{live_server.url}/thi-sinh/moi/{token}/"
    assert page.inner_text("#poster-url") == link
    found = zxingcpp.read_barcodes(Image.open(path))
    assert [r.text for r in found] == [link]
    # The printed page is one A4 sheet.
    pdf = page.pdf(format="A4", prefer_css_page_size=True)
    assert len(re.findall(rb"/Type\s*/Page(?!s)", pdf)) == 1
