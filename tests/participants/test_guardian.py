"""Children's data: under GUARDIAN_AGE an account is created only together with a parent's or
guardian's consent; an older account without it gives it once in the join flow; registrations
copy it."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from participants import identity
from participants.models import ConsentRecord, GuardianConsent, Participant, Registration
from tests.factories import ContestFactory, ParticipantFactory
from tests.participants.conftest import register_data

URL = "/thi-sinh/dang-ky/"
JOIN_URL = "/thi-sinh/tham-gia/thi-tim-hieu/"
User = get_user_model()
GUARDIAN = {
    "guardian_name": "Trần  Thị Mai",
    "guardian_phone": "0912 000 111",
    "guardian_relationship": "Mẹ",
    "guardian_consent": "on",
}


def born_years_ago(years: int, extra_days: int = 0) -> datetime.date:
    today = timezone.localdate()
    return today.replace(year=today.year - years) - datetime.timedelta(days=extra_days)


def child_data(born: datetime.date, **overrides):
    """Registration data for a girl born on `born`, with a CCCD that agrees."""
    digit = 1 if born.year < 2000 else 3
    return register_data(
        full_name="Trần Thu Hà",
        gender="female",
        date_of_birth=born.strftime("%d/%m/%Y"),
        document_number=f"001{digit}{born.year % 100:02d}000777",
        **overrides,
    )


def field_errors(response, field):
    return [str(e) for e in response.context["form"].errors.get(field, [])]


def test_guardian_age_is_the_one_constant():
    from participants import services

    assert services.GUARDIAN_AGE is identity.GUARDIAN_AGE == 16
    today = datetime.date(2025, 6, 1)
    assert identity.needs_guardian(datetime.date(2009, 6, 2), today) is True
    assert identity.needs_guardian(datetime.date(2009, 6, 1), today) is False


@pytest.mark.django_db
def test_under_16_account_refused_without_guardian_each_field_its_message(form_client):
    page = form_client.get(URL).content.decode()
    assert 'name="guardian_name"' in page
    response = form_client.submit(URL, child_data(born_years_ago(15), guardian_phone="01623456789"))
    assert response.status_code == 200
    assert field_errors(response, "guardian_name") == [
        "Người dưới 16 tuổi cần ghi họ tên cha, mẹ hoặc người giám hộ."
    ]
    assert field_errors(response, "guardian_phone") == [
        "Đầu số 0162 đã được chuyển thành 032 từ năm 2018. Vui lòng nhập số mới: 0323456789."
    ]
    assert field_errors(response, "guardian_relationship") == [
        "Vui lòng ghi quan hệ với người dự thi (cha, mẹ, người giám hộ…)."
    ]
    assert field_errors(response, "guardian_consent") == [
        "Người dưới 16 tuổi cần có sự đồng ý của cha, mẹ hoặc người giám hộ."
    ]
    assert (User.objects.count(), Participant.objects.count(), ConsentRecord.objects.count()) == (
        0,
        0,
        0,
    )


@pytest.mark.django_db
def test_under_16_account_created_with_guardian_consent_recorded(form_client):
    response = form_client.submit(URL, child_data(born_years_ago(14), **GUARDIAN))
    assert response.status_code == 302
    person = Participant.objects.get()
    consent = GuardianConsent.objects.get()
    assert (
        consent.participant,
        consent.guardian_name,
        consent.guardian_relationship,
        consent.guardian_phone,
        consent.given_at,
        consent.notice.version,
    ) == (person, "Trần Thị Mai", "Mẹ", "+84912000111", "account", "2025.1")
    kinds = sorted(ConsentRecord.objects.values_list("kind", "given_by"))
    assert kinds == [("guardian", "Trần Thị Mai (Mẹ)"), ("participation", "Trần Thu Hà")]


@pytest.mark.django_db
def test_16_today_needs_no_guardian(form_client):
    response = form_client.submit(URL, child_data(born_years_ago(16)))
    assert response.status_code == 302
    assert GuardianConsent.objects.count() == 0


@pytest.fixture
def open_contest(tree):
    """Reference date today: ages are counted on the day the test runs."""
    return ContestFactory(
        slug="thi-tim-hieu",
        owner_unit=tree["C"],
        participation_root=tree["C"],
        min_age=12,
        age_reference_date=timezone.localdate(),
        opens_at=timezone.now() - datetime.timedelta(days=1),
        closes_at=timezone.now() + datetime.timedelta(days=30),
    )


def join_data(tree, **extra):
    return {
        "don_vi_0": str(tree["C-Q"].pk),
        "don_vi_1": str(tree["A"].pk),
        "consent_participation": "on",
        **extra,
    }


@pytest.mark.django_db
def test_old_under_16_account_is_asked_once_at_join_then_joins(open_contest, tree, form_client):
    born = born_years_ago(15)
    person = ParticipantFactory(
        date_of_birth=born, document_number=f"0012{born.year % 100:02d}000123"
    )
    form_client.force_login(person.user)
    page = form_client.get(JOIN_URL).content.decode()
    assert 'id="guardian-missing"' in page
    assert (
        "Tài khoản của bạn chưa có sự đồng ý của cha, mẹ hoặc người giám hộ, bắt buộc với người "
        "dưới 16 tuổi." in page
    )
    refused = form_client.submit(JOIN_URL, join_data(tree))
    assert refused.status_code == 200
    assert field_errors(refused, "guardian_consent") == [
        "Người dưới 16 tuổi cần có sự đồng ý của cha, mẹ hoặc người giám hộ."
    ]
    assert (Registration.objects.count(), GuardianConsent.objects.count()) == (0, 0)

    joined = form_client.submit(JOIN_URL, join_data(tree, **GUARDIAN))
    assert joined.status_code == 302
    registration = Registration.objects.get()
    assert (registration.guardian_name, registration.guardian_consent) == ("Trần Thị Mai", True)
    assert GuardianConsent.objects.get().given_at == "join"

    # The next contest does not ask again: the consent on the account is copied.
    ContestFactory(
        slug="cuoc-thi-hai",
        owner_unit=tree["C"],
        participation_root=tree["C"],
        min_age=12,
        age_reference_date=timezone.localdate(),
        opens_at=timezone.now() - datetime.timedelta(days=1),
        closes_at=timezone.now() + datetime.timedelta(days=30),
    )
    second_url = "/thi-sinh/tham-gia/cuoc-thi-hai/"
    page = form_client.get(second_url).content.decode()
    assert 'name="guardian_name"' not in page and 'id="guardian-on-file"' in page
    assert form_client.submit(second_url, join_data(tree)).status_code == 302
    second = Registration.objects.get(contest__slug="cuoc-thi-hai")
    assert (second.guardian_name, second.guardian_phone, second.guardian_consent) == (
        "Trần Thị Mai",
        "+84912000111",
        True,
    )
    assert GuardianConsent.objects.count() == 1
