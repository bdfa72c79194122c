"""Masking per role, the personal-data access log, and the admin scoped by subtree."""

import datetime
import re

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from contests.masking import can_view_full_identity, mask_document
from participants import services
from participants.masking import mask_phone
from participants.models import IdentityChange, PersonalDataAccess, Registration
from participants.services import personal_data_access_log
from tests.factories import ContestFactory
from tests.participants.conftest import PASSWORD, FormClient

PARTICIPANTS = "/quan-tri/participants/participant/"
REGISTRATIONS = "/quan-tri/participants/registration/"


def test_mask_document_and_phone():
    assert mask_document("001087123456") == "001*****3456"
    assert mask_document("M1234567") == "M1****67"
    assert mask_document("AB123") == "A***3"
    assert mask_document("") == ""
    assert mask_phone("+84912345678") == "091****678"
    assert mask_phone("0912345678") == "091****678"


def grant_full(user):
    user.user_permissions.add(
        Permission.objects.get(
            content_type__app_label="participants", codename="view_full_identity"
        )
    )
    # Permission cache is per instance: reload.
    return type(user).objects.get(pk=user.pk)


@pytest.fixture
def people(tree):
    """An in district A (resident of A-1), Bình in district B (registered for B-1)."""
    an = services.participant_register(
        full_name="Nguyễn Văn An",
        date_of_birth=datetime.date(1987, 5, 17),
        gender="male",
        document_type="cccd",
        document_number="001087123456",
        phone="0912345678",
        password=PASSWORD,
        residence_unit=tree["A-1"],
        consent_data=True,
    )
    binh = services.participant_register(
        full_name="Trần Thị Bình",
        date_of_birth=datetime.date(1999, 3, 4),
        gender="female",
        document_type="cccd",
        document_number="035199000123",
        phone="0987654321",
        password=PASSWORD,
        consent_data=True,
    )
    contest = ContestFactory(owner_unit=tree["C"], participation_root=tree["C"])
    services.registration_create(
        participant=binh,
        contest=contest,
        unit=tree["B-1"],
        consent_participation=True,
        consent_publish=True,
    )
    services.registration_create(
        participant=an,
        contest=contest,
        unit=tree["A-1"],
        consent_participation=True,
        consent_publish=True,
    )
    Registration.objects.filter(participant=binh).update(needs_review=True)
    return {"an": an, "binh": binh, "contest": contest}


def admin_client(user):
    client = FormClient()
    client.client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


@pytest.mark.django_db
def test_masking_helpers_by_permission(organisers):
    assert can_view_full_identity(organisers["a"]) is False
    full = grant_full(organisers["a"])
    assert can_view_full_identity(full) is True
    log = personal_data_access_log(user=full, action="export", target="registrations.xlsx")
    assert (log.user, log.action, log.target) == (full, "export", "registrations.xlsx")


@pytest.mark.django_db
def test_organiser_sees_own_subtree_masked_and_nothing_is_logged(organisers, people):
    client = admin_client(organisers["a"])
    html = client.get(PARTICIPANTS).content.decode()
    assert "Nguyễn Văn An" in html and "Trần Thị Bình" not in html
    assert "001*****3456" in html and "091****678" in html
    assert "001087123456" not in html and "+84912345678" not in html
    assert PersonalDataAccess.objects.count() == 0
    # The other district's participant is not reachable by URL either.
    assert client.get(f"{PARTICIPANTS}{people['binh'].pk}/change/").status_code == 404
    assert PersonalDataAccess.objects.count() == 0
    client_b = admin_client(organisers["b"])
    html_b = client_b.get(PARTICIPANTS).content.decode()
    assert "Trần Thị Bình" in html_b and "Nguyễn Văn An" not in html_b  # via her registration


@pytest.mark.django_db
def test_permission_shows_full_numbers_and_logs_each_view(organisers, people):
    user = grant_full(organisers["a"])
    client = admin_client(user)
    html = client.get(PARTICIPANTS).content.decode()
    assert "001087123456" in html and "+84912345678" in html
    change = client.get(f"{PARTICIPANTS}{people['an'].pk}/change/").content.decode()
    assert "001087123456" in change
    logged = list(PersonalDataAccess.objects.order_by("at").values_list("user", "action", "target"))
    assert logged == [
        (user.pk, "view_list", "participant "),
        (user.pk, "view", f"participant:{people['an'].pk}"),
    ]


@pytest.mark.django_db
def test_exact_search_by_phone_or_document_normalised(organisers, people):
    client = admin_client(organisers["root"])
    for term in ("0912 345 678", "+84912345678", "001.087.123.456"):
        html = client.get(PARTICIPANTS, {"q": term}).content.decode()
        assert "Nguyễn Văn An" in html and "Trần Thị Bình" not in html, term
    html = client.get(REGISTRATIONS, {"q": "035 199 000 123"}).content.decode()
    assert "Trần Thị Bình" in html and "Nguyễn Văn An" not in html


@pytest.mark.django_db
def test_registrations_scoped_and_flagged_filter(organisers, people):
    client = admin_client(organisers["city"])
    html = client.get(REGISTRATIONS, {"needs_review__exact": "1"}).content.decode()
    assert "Trần Thị Bình" in html and "Nguyễn Văn An" not in html
    html_a = admin_client(organisers["a"]).get(REGISTRATIONS).content.decode()
    assert "Nguyễn Văn An" in html_a and "Trần Thị Bình" not in html_a
    assert "001*****3456" in html_a
    # The age-group filter names its keys in Vietnamese and filters by them.
    assert "Từ đủ 18 tuổi trở lên</a>" in html
    assert "Nguyễn Văn An" in client.get(REGISTRATIONS, {"age_group": "18+"}).content.decode()
    assert "Nguyễn Văn An" not in client.get(REGISTRATIONS, {"age_group": "u18"}).content.decode()


@pytest.mark.django_db
def test_identity_change_through_admin_is_recorded(organisers, people):
    an = people["an"]
    client = admin_client(organisers["a"])
    url = f"{PARTICIPANTS}{an.pk}/doi-thong-tin-dinh-danh/"
    page = client.get(url)
    assert page.status_code == 200
    assert "001*****3456" in page.content.decode()
    data = {
        "full_name": "Nguyễn Văn Ân",
        "date_of_birth": "17/05/1987",
        "gender": "male",
        "document_type": "cccd",
        "document_number": "",
        "issuing_country": "",
        "reason": "Sai dấu trong họ tên",
    }
    # Bad input: a message, nothing written.
    bad = client.submit(url, {**data, "reason": ""})
    assert bad.status_code == 200
    assert "Vui lòng ghi lý do thay đổi." in bad.content.decode()
    assert IdentityChange.objects.count() == 0
    response = client.submit(url, data)
    assert response.status_code == 302
    change = IdentityChange.objects.get()
    assert (change.changed_by, change.reason) == (organisers["a"], "Sai dấu trong họ tên")
    assert (change.before["full_name"], change.after["full_name"]) == (
        "Nguyễn Văn An",
        "Nguyễn Văn Ân",
    )
    assert change.after["document_number"] == "001087123456"
    # District B cannot reach A's participant.
    assert admin_client(organisers["b"]).get(url).status_code == 404


@pytest.mark.django_db
def test_district_cannot_move_a_person_out_of_its_units(organisers, tree):
    from django.test import Client

    chi = services.participant_register(
        full_name="Lê Thị Chi",
        date_of_birth=datetime.date(1990, 1, 2),
        gender="female",
        document_type="cccd",
        document_number="001190000777",
        phone="0911222333",
        password=PASSWORD,
        residence_unit=tree["A-2"],
        consent_data=True,
    )
    client = Client()
    client.force_login(organisers["a"], backend="django.contrib.auth.backends.ModelBackend")
    url = reverse("admin:participants_participant_change", args=[chi.pk])
    page = client.get(url).content.decode()
    management = dict(re.findall(r'name="([\w-]+_FORMS)"[^>]*value="(\d+)"', page))
    response = client.post(url, {**management, "residence_unit": "", "work_unit": ""})
    assert response.status_code == 200
    assert response.context["adminform"].form.non_field_errors() == [
        "Nơi cư trú hoặc nơi công tác/học tập phải thuộc đơn vị của bạn: nếu người này đã "
        "chuyển đi, hãy báo đơn vị cấp trên."
    ]
    chi.refresh_from_db()
    assert chi.residence_unit == tree["A-2"]
    response = client.post(url, {**management, "residence_unit": tree["A-1"].pk})
    assert response.status_code == 302
    chi.refresh_from_db()
    assert chi.residence_unit == tree["A-1"]
