"""Password recovery by a one-time SMS code, through the real views (CSRF enforced): the
whole flow, wrong / expired / used codes, tries exhausted, the rate limits (per number strict,
per address generous), the enumeration check and the other sessions ended."""

import datetime
import re

import pytest
from django.core import mail
from django.test import Client, override_settings
from django.utils import timezone

from participants import sms
from participants.accounts import services as account_services
from participants.models import OneTimeCode, SmsDelivery
from participants.rules.one_time_codes import CodeCheck
from tests.participants.conftest import PASSWORD, FormClient
from tests.participants.test_login import login, make_person

pytestmark = pytest.mark.django_db

REQUEST_URL = "/thi-sinh/quen-mat-khau/"
CODE_URL = "/thi-sinh/quen-mat-khau/nhap-ma/"
NEW_PASSWORD = "Mat-khau-moi-that-kho-2026"
A = {"REMOTE_ADDR": "10.0.0.1"}
B = {"REMOTE_ADDR": "10.0.0.2"}


@pytest.fixture(autouse=True)
def _empty_outbox():
    sms.outbox.clear()
    yield
    sms.outbox.clear()


def sent_code(to: str) -> str:
    messages = [m for m in sms.outbox if m["to"] == to]
    assert messages, sms.outbox
    return re.search(r"\b(\d{6})\b", messages[-1]["text"]).group(1)


def ask(client, login_value, address=A):
    return client.submit(REQUEST_URL, {"login": login_value}, **address)


def answer(client, code, password=NEW_PASSWORD, address=A):
    return client.submit(
        CODE_URL, {"code": code, "password1": password, "password2": password}, **address
    )


def text_of(response) -> str:
    """The page without what differs per request (CSRF tokens)."""
    body = response.content.decode()
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", body)


def errors_of(response) -> list[str]:
    body = response.content.decode()
    return [
        re.sub(r"<[^>]+>", "", m).strip()
        for m in re.findall(r'class="invalid-feedback"[^>]*>(.*?)</', body, re.S)
    ]


def test_whole_recovery_flow_by_phone():
    person = make_person()
    person.email = "an@example.com"
    person.save(update_fields=["email"])
    client = FormClient()
    asked = ask(client, "0912 345 678")
    assert asked.status_code == 302 and asked["Location"] == CODE_URL
    code = sent_code("+84912345678")
    assert sms.outbox[-1]["purpose"] == "reset"
    assert len(mail.outbox) == 1 and code in mail.outbox[0].body
    row = OneTimeCode.objects.get()
    assert row.participant == person and code not in row.code_hash and len(row.code_hash) == 64
    delivery = SmsDelivery.objects.get()
    assert (delivery.to, delivery.status) == ("+84912345678", SmsDelivery.Status.SENT)

    page = client.get(CODE_URL)
    assert "Mã dùng được trong 5 phút" in page.content.decode()
    done = answer(client, code)
    assert done.status_code == 302 and done["Location"] == "/thi-sinh/cuoc-thi-cua-toi/"
    # Logged in with the new password; the old one no longer works.
    assert client.get("/thi-sinh/ho-so/").status_code == 200
    assert login(FormClient(), "0912345678", NEW_PASSWORD).status_code == 302
    assert login(FormClient(), "0912345678", PASSWORD).status_code == 200
    row.refresh_from_db()
    assert row.used_at is not None and row.tries == 1


def test_recovery_by_document_number():
    make_person()
    client = FormClient()
    assert ask(client, "001 087 123 456").status_code == 302
    code = sent_code("+84912345678")
    assert answer(client, code).status_code == 302


def test_wrong_code_counts_down_and_five_tries_exhaust_the_code():
    make_person()
    client = FormClient()
    ask(client, "0912345678")
    code = sent_code("+84912345678")
    wrong = "000000" if code != "000000" else "111111"
    first = answer(client, wrong)
    assert first.status_code == 200
    assert errors_of(first) == ["Mã không đúng. Bạn còn 4 lần thử."]
    for _ in range(3):
        answer(client, wrong)
    fifth = answer(client, wrong)
    assert errors_of(fifth) == ["Mã không đúng. Bạn đã hết số lần thử: hãy yêu cầu mã mới."]
    # The right code now comes too late: nothing changes.
    late = answer(client, code)
    assert errors_of(late) == ["Bạn đã nhập sai quá 5 lần. Hãy yêu cầu mã mới."]
    assert login(FormClient(), "0912345678", PASSWORD).status_code == 302
    assert OneTimeCode.objects.get().tries == 5


def test_expired_code_is_refused():
    make_person()
    client = FormClient()
    ask(client, "0912345678")
    code = sent_code("+84912345678")
    OneTimeCode.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    response = answer(client, code)
    assert errors_of(response) == [
        "Mã đã hết hạn (mã chỉ dùng được trong 5 phút). Hãy yêu cầu mã mới."
    ]
    assert login(FormClient(), "0912345678", PASSWORD).status_code == 302


def test_code_lives_five_minutes():
    make_person()
    ask(FormClient(), "0912345678")
    row = OneTimeCode.objects.get()
    assert abs(row.expires_at - row.created_at - datetime.timedelta(minutes=5)).total_seconds() < 1


def test_a_used_code_cannot_be_used_again():
    make_person()
    row = account_services.recovery_request(login="0912345678")
    code = sent_code("+84912345678")
    first = account_services.recovery_complete(code_id=row.pk, code=code, password=NEW_PASSWORD)
    again = account_services.recovery_complete(code_id=row.pk, code=code, password="Khac-2026-x!")
    assert (first.outcome, again.outcome) == (CodeCheck.OK, CodeCheck.USED)
    assert login(FormClient(), "0912345678", NEW_PASSWORD).status_code == 302


def test_new_password_ends_the_other_sessions():
    make_person()
    phone_session = FormClient()
    assert login(phone_session, "0912345678").status_code == 302
    assert phone_session.get("/thi-sinh/ho-so/").status_code == 200
    other = FormClient()
    ask(other, "0912345678", address=B)
    answer(other, sent_code("+84912345678"), address=B)
    ended = phone_session.get("/thi-sinh/ho-so/")
    assert ended.status_code == 302 and ended["Location"].startswith("/thi-sinh/dang-nhap/")
    # The session that set the password stays logged in.
    assert other.get("/thi-sinh/ho-so/").status_code == 200


def test_password_rules_apply_and_cost_no_try():
    make_person()
    client = FormClient()
    ask(client, "0912345678")
    code = sent_code("+84912345678")
    short = answer(client, code, password="123")
    assert short.status_code == 200 and errors_of(short)
    different = client.submit(
        CODE_URL, {"code": code, "password1": NEW_PASSWORD, "password2": "khac"}, **A
    )
    assert "Hai mật khẩu không giống nhau." in errors_of(different)
    assert OneTimeCode.objects.get().tries == 0
    assert answer(client, code).status_code == 302


# --- Enumeration ---------------------------------------------------------------------------


def test_registered_and_unknown_numbers_get_identical_answers():
    make_person()
    registered, unknown = FormClient(), FormClient()
    asked_r = ask(registered, "0912345678")
    asked_u = ask(unknown, "0987654321")
    assert (asked_r.status_code, asked_r["Location"]) == (asked_u.status_code, asked_u["Location"])
    assert text_of(registered.get(CODE_URL)) == text_of(unknown.get(CODE_URL))
    wrong_r = answer(registered, "123450")
    wrong_u = answer(unknown, "123450")
    assert wrong_r.status_code == wrong_u.status_code == 200
    assert text_of(wrong_r) == text_of(wrong_u)
    for _ in range(4):
        last_r, last_u = answer(registered, "123450"), answer(unknown, "123450")
    assert text_of(last_r) == text_of(last_u)
    # Only the registered number got a message; both got a code row.
    assert [m["to"] for m in sms.outbox] == ["+84912345678"]
    assert OneTimeCode.objects.count() == 2


def test_unknown_document_number_answers_the_same_as_a_known_one():
    make_person()
    known, unknown = FormClient(), FormClient()
    assert ask(known, "001087123456")["Location"] == ask(unknown, "001087654321")["Location"]
    assert text_of(known.get(CODE_URL)) == text_of(unknown.get(CODE_URL))


def test_a_closed_account_is_treated_as_unknown():
    person = make_person()
    person.user.is_active = False
    person.user.save(update_fields=["is_active"])
    ask(FormClient(), "0912345678")
    assert sms.outbox == []
    assert OneTimeCode.objects.get().participant is None


# --- Rate limits ---------------------------------------------------------------------------


def test_per_number_limit_is_strict_and_the_same_for_unknown_numbers():
    make_person()
    for number in ("0912345678", "0987654321"):
        for _ in range(3):
            assert ask(FormClient(), number).status_code == 302
        limited = ask(FormClient(), number, address=B)
        assert limited.status_code == 429
        body = limited.content.decode()
        assert "Đã có nhiều yêu cầu mã cho số này trong thời gian ngắn." in body
        assert "Vui lòng thử lại sau" in body and int(limited["Retry-After"]) > 0
    assert len(sms.outbox) == 3


def test_a_school_behind_one_address_can_recover_many_accounts():
    # 40 pupils, one address: all get their page (default per-address limit is generous).
    for i in range(40):
        response = ask(FormClient(), f"09{i:08d}")
        assert response.status_code == 302, i


@override_settings(ACCOUNTS_RATE_LIMITS={"recovery_address": (2, 600)})
def test_per_address_limit():
    assert ask(FormClient(), "0911111111").status_code == 302
    assert ask(FormClient(), "0922222222").status_code == 302
    limited = ask(FormClient(), "0933333333")
    assert limited.status_code == 429
    assert "Có quá nhiều yêu cầu mã từ địa chỉ mạng của bạn" in limited.content.decode()
    # Another address is not limited.
    assert ask(FormClient(), "0933333333", address=B).status_code == 302
    assert OneTimeCode.objects.count() == 3


@override_settings(ACCOUNTS_RATE_LIMITS={"check_address": (3, 600)})
def test_code_checks_are_limited_per_address():
    make_person()
    client = FormClient()
    ask(client, "0912345678")
    for _ in range(3):
        assert answer(client, "123450").status_code == 200
    assert answer(client, "123450").status_code == 429


# --- Bad input -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed, message",
    [
        ("", "Vui lòng nhập số điện thoại hoặc số giấy tờ."),
        ("abc!!", "Hãy nhập số điện thoại di động"),
        ("x" * 80, "Giá trị này chỉ có tối đa 64 kí tự (hiện có 80)"),
        ("12", "Hãy nhập số điện thoại di động"),
    ],
)
def test_bad_input_on_the_request_page(typed, message):
    response = ask(FormClient(), typed)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert OneTimeCode.objects.count() == 0 and sms.outbox == []


@pytest.mark.parametrize("code", ["", "12ab56", "1234567", "12345678901234"])
def test_bad_code_is_answered_in_vietnamese_and_costs_no_try(code):
    make_person()
    client = FormClient()
    ask(client, "0912345678")
    response = answer(client, code)
    assert response.status_code == 200
    assert errors_of(response)[0] in (
        "Vui lòng nhập mã 6 chữ số.",
        "Mã gồm 6 chữ số, trong tin nhắn bạn nhận được.",
        "Giá trị này chỉ có tối đa 12 kí tự (hiện có 14)",
    )
    assert OneTimeCode.objects.get().tries == 0


def test_code_page_without_a_request_goes_back_to_the_first_step():
    client = Client()
    response = client.get(CODE_URL)
    assert response.status_code == 302 and response["Location"] == REQUEST_URL
    response = client.post(CODE_URL, {"code": "123456"})
    assert response.status_code in (302, 403)


def test_login_page_links_to_recovery():
    body = Client().get("/thi-sinh/dang-nhap/").content.decode()
    assert 'href="/thi-sinh/quen-mat-khau/"' in body and "Quên mật khẩu?" in body
