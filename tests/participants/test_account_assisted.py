"""Organiser-assisted reset: a one-time link for a person in the organiser's own subtree only,
recorded with who and why; the person sets a password with it once."""

import re

import pytest

from participants import sms
from participants.models import OneTimeCode
from tests.participants.conftest import FormClient
from tests.participants.test_login import login, make_person
from tests.participants.test_masking_admin import admin_client

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Mat-khau-moi-that-kho-2026"


@pytest.fixture(autouse=True)
def _empty_outbox():
    sms.outbox.clear()
    yield
    sms.outbox.clear()


@pytest.fixture
def resident(tree):
    person = make_person()
    person.residence_unit = tree["A-1"]
    person.save(update_fields=["residence_unit"])
    return person


def url_for(person):
    return f"/quan-tri/participants/participant/{person.pk}/cap-lai-mat-khau/"


def test_organiser_issues_a_link_the_person_uses_once(resident, organisers):
    clerk = admin_client(organisers["a"])
    change_page = clerk.get(f"/quan-tri/participants/participant/{resident.pk}/change/")
    assert url_for(resident) in change_page.content.decode()
    response = clerk.submit(
        url_for(resident), {"reason": "Gọi điện, đã đối chiếu CCCD", "send_sms": "on"}
    )
    assert response.status_code == 200
    link = re.search(r"<code>(http://testserver/[^<]+)</code>", response.content.decode()).group(1)
    row = OneTimeCode.objects.get()
    assert (row.purpose, row.issued_by, row.reason) == (
        "assisted_reset",
        organisers["a"],
        "Gọi điện, đã đối chiếu CCCD",
    )
    assert sms.outbox[-1]["to"] == "+84912345678" and link in sms.outbox[-1]["text"]
    assert link.rsplit("/", 2)[-2] not in row.code_hash

    path = link.replace("http://testserver", "")
    person = FormClient()
    assert person.get(path).status_code == 200
    done = person.submit(path, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert done.status_code == 302 and done["Location"] == "/thi-sinh/cuoc-thi-cua-toi/"
    assert login(FormClient(), "0912345678", NEW_PASSWORD).status_code == 302
    # Once only.
    again = FormClient().get(path)
    assert again.status_code == 404
    assert "Liên kết đặt lại mật khẩu không đúng, đã được dùng hoặc đã hết hạn" in (
        again.content.decode()
    )
    history = clerk.get(url_for(resident)).content.decode()
    assert "Gọi điện, đã đối chiếu CCCD" in history


def test_organiser_of_another_subtree_is_refused(resident, organisers):
    other = admin_client(organisers["b"])
    assert other.get(url_for(resident)).status_code == 404
    response = other.post_raw(url_for(resident), {"reason": "thử"})
    assert response.status_code in (403, 404)
    assert OneTimeCode.objects.count() == 0
    # The city above both may.
    city = admin_client(organisers["city"])
    assert city.submit(url_for(resident), {"reason": "Thành phố hỗ trợ"}).status_code == 200
    assert OneTimeCode.objects.get().issued_by == organisers["city"]


def test_reason_is_required(resident, organisers):
    clerk = admin_client(organisers["a"])
    response = clerk.submit(url_for(resident), {"reason": "   "})
    assert "Vui lòng ghi lý do cấp lại mật khẩu." in response.content.decode()
    assert OneTimeCode.objects.count() == 0


@pytest.mark.parametrize(
    "path", ["/thi-sinh/dat-lai-mat-khau/1/sai/", "/thi-sinh/dat-lai-mat-khau/999999999/x/"]
)
def test_tampered_links_get_the_vietnamese_page(path, resident):
    response = FormClient().get(path)
    assert response.status_code == 404
    assert "Liên kết không dùng được" in response.content.decode()
