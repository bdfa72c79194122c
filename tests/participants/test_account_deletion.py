"""Deleting an account (Law 91/2025): at once when no contest result must be kept, else
closed at once and anonymised when the contest's retention period ends, with the reason
shown; the person's data download (page and JSON file)."""

import datetime
import json

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from participants import services
from participants.accounts.services import accounts_anonymise_due
from participants.models import (
    AccountDeletion,
    OneTimeCode,
    Participant,
    PersonalDataAccess,
    Registration,
)
from tests.factories import ContestFactory, RegistrationFactory
from tests.participants.conftest import PASSWORD, FormClient
from tests.participants.test_join import _with_attempt
from tests.participants.test_login import login, make_person
from tests.participants.test_recovery import errors_of

pytestmark = pytest.mark.django_db

URL = "/thi-sinh/xoa-tai-khoan/"
DATA_URL = "/thi-sinh/du-lieu-cua-toi/"


def logged_in(person):
    client = FormClient()
    assert login(client, person.phone).status_code == 302
    return client


def entered(person, tree, **contest_kwargs):
    contest = ContestFactory(owner_unit=tree["C"], participation_root=tree["C"], **contest_kwargs)
    registration = services.registration_create(
        participant=person,
        contest=contest,
        unit=tree["A-1"],
        consent_participation=True,
        consent_publish=True,
    )
    return contest, registration


def test_account_without_contests_is_deleted_at_once():
    person = make_person()
    client = logged_in(person)
    page = client.get(URL).content.decode()
    assert "Bạn chưa đăng ký dự thi cuộc thi nào" in page
    done = client.submit(URL, {"password": PASSWORD, "confirm": "on"})
    assert done.status_code == 200
    assert "tài khoản và mọi dữ liệu của bạn được xoá ngay" in done.content.decode()
    assert not Participant.objects.exists()
    assert not get_user_model().objects.filter(username="+84912345678").exists()
    record = AccountDeletion.objects.get()
    assert (record.participant, record.outcome) == (None, "delete_now")
    assert client.get("/thi-sinh/ho-so/").status_code == 302


def test_account_with_a_result_to_keep_is_closed_then_anonymised(tree):
    person = make_person()
    closes = timezone.now() + datetime.timedelta(days=10)
    contest, registration = entered(person, tree, closes_at=closes, retention_days=30)
    _with_attempt(registration)
    client = logged_in(person)
    due = timezone.localtime(closes + datetime.timedelta(days=30)).strftime("%d/%m/%Y")
    page = client.get(URL).content.decode()
    assert f"kết quả phải được lưu đến ngày {due}" in page and contest.title in page

    other_session = logged_in(person)
    done = client.submit(URL, {"password": PASSWORD, "confirm": "on"})
    assert "Đã khoá tài khoản" in done.content.decode()
    assert f"kết quả phải được lưu đến ngày {due}" in done.content.decode()
    # Closed at once: no login, every session ended; nothing anonymised yet.
    assert login(FormClient(), "0912345678").status_code == 200
    assert other_session.get("/thi-sinh/ho-so/").status_code == 302
    person.refresh_from_db()
    assert person.full_name == "Nguyễn Văn An"
    assert accounts_anonymise_due() == 0

    # The retention period ends: the daily job anonymises; the registration stays counted.
    later = closes + datetime.timedelta(days=30, minutes=1)
    assert accounts_anonymise_due(now=later) == 1
    person.refresh_from_db()
    person.user.refresh_from_db()
    assert person.full_name == "(Tài khoản đã xoá)"
    assert (person.document_number, person.phone, person.email) == (
        f"#{person.pk}",
        f"#{person.pk}",
        "",
    )
    assert person.user.username == f"deleted-{person.user.pk}" and not person.user.is_active
    registration.refresh_from_db()
    assert registration.document_number == f"#{registration.pk}"
    assert Registration.objects.filter(contest=contest).count() == 1
    assert AccountDeletion.objects.get().done_at == later
    assert accounts_anonymise_due(now=later) == 0  # idempotent


def test_retention_already_over_anonymises_at_once(tree):
    person = make_person()
    past = timezone.now() - datetime.timedelta(days=400)
    contest = ContestFactory(
        owner_unit=tree["C"],
        participation_root=tree["C"],
        opens_at=past - datetime.timedelta(days=30),
        closes_at=past,
    )
    # Registered while it was open (the join refuses a closed contest today).
    RegistrationFactory(participant=person, contest=contest, unit=tree["A-1"])
    client = logged_in(person)
    done = client.submit(URL, {"password": PASSWORD, "confirm": "on"})
    assert "được ẩn danh ngay" in done.content.decode()
    person.refresh_from_db()
    assert person.full_name == "(Tài khoản đã xoá)"


def test_deletion_needs_the_password_and_the_tick():
    person = make_person()
    client = logged_in(person)
    wrong = client.submit(URL, {"password": "sai", "confirm": "on"})
    assert errors_of(wrong) == ["Mật khẩu hiện tại không đúng."]
    unticked = client.submit(URL, {"password": PASSWORD})
    assert "Vui lòng đánh dấu xác nhận." in errors_of(unticked)
    assert Participant.objects.filter(pk=person.pk).exists()


# --- Data download -------------------------------------------------------------------------


def test_my_data_page_and_file(tree):
    person = make_person()
    someone_else = make_person(phone="0977777777", number="001087123457")
    contest, registration = entered(person, tree)
    _with_attempt(registration)
    client = logged_in(person)
    page = client.get(DATA_URL).content.decode()
    for text in ("001087123456", "0912345678", contest.title, "Phường A1", "Các bài thi"):
        assert text in page
    assert someone_else.document_number not in page

    download = client.get(DATA_URL, {"tai-ve": "json"})
    assert download["Content-Type"].startswith("application/json")
    assert "attachment" in download["Content-Disposition"]
    document = json.loads(download.content)
    sections = {s["key"]: s for s in document["sections"]}
    assert {"account", "registrations", "consents", "attempts", "certificates"} <= set(sections)
    assert ["Số giấy tờ", "001087123456"] in sections["account"]["rows"]
    assert sections["registrations"]["rows"][0][0] == contest.title
    assert len(sections["attempts"]["rows"]) == 1
    actions = set(
        PersonalDataAccess.objects.filter(user=person.user).values_list("action", flat=True)
    )
    assert actions == {"self_view", "self_export"}


def test_my_data_needs_a_login():
    response = FormClient().get(DATA_URL)
    assert response.status_code == 302 and response["Location"].startswith("/thi-sinh/dang-nhap/")


def test_expired_codes_are_purged_but_organiser_links_kept(organisers):
    from participants.accounts.services import (
        assisted_reset_issue,
        one_time_codes_purge,
        recovery_request,
    )

    person = make_person()
    recovery_request(login="0912345678")
    recovery_request(login="0987654321")
    assisted_reset_issue(
        participant=person,
        issued_by=organisers["a"],
        reason="Gọi điện",
        link_for=lambda pk, token: f"/x/{pk}/{token}/",
        send_sms=False,
    )
    assert one_time_codes_purge() == 0
    later = timezone.now() + datetime.timedelta(days=3)
    assert one_time_codes_purge(now=later) == 2
    assert list(OneTimeCode.objects.values_list("purpose", flat=True)) == ["assisted_reset"]
