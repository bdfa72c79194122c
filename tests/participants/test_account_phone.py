"""Phone change through the real views: current password, a code to the new number, the
login name follows, the change is recorded; wrong / taken / same numbers refused."""

import pytest
from django.test import override_settings

from participants import sms
from participants.models import IdentityChange, OneTimeCode
from tests.participants.conftest import PASSWORD, FormClient
from tests.participants.test_login import login, make_person
from tests.participants.test_recovery import errors_of, sent_code

pytestmark = pytest.mark.django_db

URL = "/thi-sinh/doi-so-dien-thoai/"
CODE_URL = "/thi-sinh/doi-so-dien-thoai/xac-nhan/"


@pytest.fixture(autouse=True)
def _empty_outbox():
    sms.outbox.clear()
    yield
    sms.outbox.clear()


@pytest.fixture
def person_client():
    person = make_person()
    client = FormClient()
    assert login(client, "0912345678").status_code == 302
    return person, client


def test_phone_change_with_a_code_sent_to_the_new_number(person_client):
    person, client = person_client
    asked = client.submit(URL, {"phone": "0987 654 321", "password": PASSWORD})
    assert asked.status_code == 302 and asked["Location"] == CODE_URL
    assert [m["to"] for m in sms.outbox] == ["+84987654321"]
    code = sent_code("+84987654321")
    done = client.submit(CODE_URL, {"code": code})
    assert done.status_code == 302 and done["Location"] == "/thi-sinh/ho-so/"
    person.refresh_from_db()
    person.user.refresh_from_db()
    assert (person.phone, person.user.username) == ("+84987654321", "+84987654321")
    change = IdentityChange.objects.get(participant=person)
    assert (change.before, change.after) == ({"phone": "+84912345678"}, {"phone": "+84987654321"})
    assert change.changed_by == person.user
    # Still logged in; the new number logs in, the old one no longer does.
    assert client.get("/thi-sinh/ho-so/").status_code == 200
    assert login(FormClient(), "0987654321").status_code == 302
    assert login(FormClient(), "0912345678").status_code == 200


@override_settings(ACCOUNTS_RATE_LIMITS={"phone_account": (20, 900)})
def test_wrong_password_same_or_taken_number_are_refused(person_client):
    person, client = person_client
    make_person(phone="0977777777", number="001087123457")
    cases = [
        ({"phone": "0987654321", "password": "sai"}, "Mật khẩu hiện tại không đúng."),
        ({"phone": "0912345678", "password": PASSWORD}, "Đây đã là số điện thoại của tài khoản."),
        (
            {"phone": "0977 777 777", "password": PASSWORD},
            "Số điện thoại này đã được dùng cho một tài khoản khác.",
        ),
        ({"phone": "12345", "password": PASSWORD}, "Số điện thoại di động gồm 10 chữ số"),
        ({"phone": "", "password": ""}, "Vui lòng nhập số điện thoại mới."),
    ]
    for data, message in cases:
        response = client.submit(URL, data)
        assert response.status_code == 200
        assert any(message in e for e in errors_of(response)), (data, errors_of(response))
    assert OneTimeCode.objects.count() == 0 and sms.outbox == []


def test_wrong_code_keeps_the_old_number(person_client):
    person, client = person_client
    client.submit(URL, {"phone": "0987654321", "password": PASSWORD})
    code = sent_code("+84987654321")
    wrong = "000000" if code != "000000" else "111111"
    response = client.submit(CODE_URL, {"code": wrong})
    assert errors_of(response) == ["Mã không đúng. Bạn còn 4 lần thử."]
    person.refresh_from_db()
    assert person.phone == "+84912345678"


def test_number_taken_between_request_and_code(person_client):
    person, client = person_client
    client.submit(URL, {"phone": "0987654321", "password": PASSWORD})
    code = sent_code("+84987654321")
    make_person(phone="0987654321", number="001087123457")
    response = client.submit(CODE_URL, {"code": code})
    assert response.status_code == 200
    assert "Số điện thoại này đã được dùng cho một tài khoản khác." in response.content.decode()
    person.refresh_from_db()
    assert person.phone == "+84912345678"


@override_settings(ACCOUNTS_RATE_LIMITS={"phone_account": (2, 900)})
def test_phone_change_codes_are_rate_limited_per_account(person_client):
    _person, client = person_client
    for number in ("0987654321", "0987654322"):
        assert client.submit(URL, {"phone": number, "password": PASSWORD}).status_code == 302
    limited = client.submit(URL, {"phone": "0987654323", "password": PASSWORD})
    assert limited.status_code == 429
    assert len(sms.outbox) == 2


def test_pages_need_a_login_and_a_pending_code(person_client):
    _person, client = person_client
    assert client.get(CODE_URL)["Location"] == URL
    anonymous = FormClient()
    assert anonymous.get(URL)["Location"].startswith("/thi-sinh/dang-nhap/")
