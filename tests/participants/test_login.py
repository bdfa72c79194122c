"""Login through the real view (CSRF enforced): phone in any spelling or document number,
hash upgrade, lockout per account + address (not per address alone), rate-limit page."""

import datetime
import re

import pytest
from django.contrib.auth.hashers import make_password
from django.test import override_settings

from participants import services
from tests.participants.conftest import PASSWORD, FormClient

URL = "/thi-sinh/dang-nhap/"
A = {"REMOTE_ADDR": "10.0.0.1"}
B = {"REMOTE_ADDR": "10.0.0.2"}


def make_person(phone="0912345678", number="001087123456", born=datetime.date(1987, 5, 17)):
    return services.participant_register(
        full_name="Nguyễn Văn An",
        date_of_birth=born,
        gender="male",
        document_type="cccd",
        document_number=number,
        phone=phone,
        password=PASSWORD,
        consent_data=True,
    )


def login(client, username, password=PASSWORD, address=A):
    return client.submit(URL, {"username": username, "password": password}, **address)


def seconds_left(response):
    match = re.search(r"Vui lòng thử lại sau (\d+) giây\.", response.content.decode())
    assert match, response.content.decode()
    return int(match.group(1))


@pytest.mark.django_db
@pytest.mark.parametrize(
    "typed",
    [
        "0912345678",
        "0912 345 678",
        "+84 912.345.678",
        "84912345678",
        "001087123456",
        "001 087 123 456",
    ],
)
def test_login_with_phone_in_any_spelling_or_document(typed):
    make_person()
    client = FormClient()
    response = login(client, typed)
    assert response.status_code == 302
    assert response["Location"] == "/thi-sinh/cuoc-thi-cua-toi/"


@pytest.mark.django_db
def test_login_with_passport_number_in_lower_case():
    services.participant_register(
        full_name="Kim Min-jun",
        date_of_birth=datetime.date(1990, 1, 1),
        gender="male",
        document_type="passport",
        document_number="M1234567",
        issuing_country="KR",
        phone="0398765432",
        password=PASSWORD,
        consent_data=True,
    )
    assert login(FormClient(), "m1234567").status_code == 302


@pytest.mark.django_db
def test_wrong_password_answered_in_vietnamese():
    make_person()
    response = login(FormClient(), "0912345678", "wrong-password")
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "Số điện thoại/số giấy tờ hoặc mật khẩu không đúng. Lưu ý: sau nhiều lần nhập sai liên "
        "tiếp, tài khoản sẽ tạm bị khóa đăng nhập từ địa chỉ mạng này."
    ]


@pytest.mark.django_db
def test_empty_login_answered_in_vietnamese():
    response = FormClient().submit(URL, {"username": "", "password": ""})
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["username"] == ["Vui lòng nhập số điện thoại hoặc số giấy tờ."]
    assert form.errors["password"] == ["Vui lòng nhập mật khẩu."]


@pytest.mark.django_db
def test_old_pbkdf2_hash_upgraded_to_argon2id_at_login():
    person = make_person()
    user = person.user
    user.password = make_password(PASSWORD, hasher="pbkdf2_sha256")
    user.save(update_fields=["password"])
    assert login(FormClient(), "0912345678").status_code == 302
    user.refresh_from_db()
    assert user.password.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")


@pytest.mark.django_db
@override_settings(AXES_FAILURE_LIMIT=3)
def test_lockout_is_per_account_and_address_not_per_address():
    make_person()
    make_person(phone="0987654321", number="001090000001", born=datetime.date(1990, 1, 1))
    client = FormClient()
    # Three failures, typed three different ways: the same account for the counter.
    assert login(client, "0912345678", "bad").status_code == 200
    assert login(client, "+84912345678", "bad").status_code == 200
    locked = login(client, "0912 345 678", "bad")
    assert locked.status_code == 429
    # Even the right password is refused from this address for this account, with the wait.
    response = login(client, "0912345678")
    assert response.status_code == 429
    html = response.content.decode()
    assert "Tạm khóa đăng nhập" in html
    assert 1 <= seconds_left(response) <= 900
    # A classmate behind the same address is not locked out.
    assert login(FormClient(), "0987654321").status_code == 302
    # The same account from another address is not locked out either.
    assert login(FormClient(), "0912345678", address=B).status_code == 302


@pytest.mark.django_db
@override_settings(PARTICIPANTS_RATE_LIMITS={"login": (3, 60), "register": (2, 600)})
def test_login_rate_limit_page_per_address():
    make_person()
    client = FormClient()
    for _ in range(3):
        assert login(client, "0999999999", "x").status_code == 200
    response = login(client, "0912345678")
    assert response.status_code == 429
    wait = seconds_left(response)
    assert 1 <= wait <= 60
    assert response["Retry-After"] == str(wait)
    assert (
        "Có quá nhiều yêu cầu từ địa chỉ mạng của bạn trong thời gian ngắn."
        in response.content.decode()
    )
    # Another address is not affected.
    assert login(FormClient(), "0912345678", address=B).status_code == 302


@pytest.mark.django_db
@override_settings(PARTICIPANTS_RATE_LIMITS={"login": (3, 60), "register": (2, 600)})
def test_register_rate_limit_page_and_nothing_written():
    from participants.models import Participant
    from tests.participants.conftest import register_data

    client = FormClient()
    for _ in range(2):
        client.submit("/thi-sinh/dang-ky/", register_data(full_name=""), **A)
    response = client.submit("/thi-sinh/dang-ky/", register_data(), **A)
    assert response.status_code == 429
    assert 1 <= seconds_left(response) <= 600
    assert Participant.objects.count() == 0


@pytest.mark.django_db
def test_session_lasts_the_contest_day():
    from django.conf import settings

    assert settings.SESSION_COOKIE_AGE >= 24 * 3600


@pytest.mark.django_db
def test_login_lookup_is_one_query(django_assert_num_queries):
    from participants.selectors import find_user_for_login

    person = make_person()
    with django_assert_num_queries(1):
        assert find_user_for_login("0912 345 678") == person.user
    with django_assert_num_queries(1):
        assert find_user_for_login("001.087.123.456") == person.user
    with django_assert_num_queries(0):
        assert find_user_for_login("") is None
