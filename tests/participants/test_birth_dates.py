"""Dates of birth in a plausible range (contests.dates): a Vietnamese message on every form
where a person types one (registration: test_register.py; profile; admin identity change),
a CHECK constraint in the database, and a migration that refuses, listing the rows, rather
than invent a date of birth."""

import datetime
import importlib

import pytest
from django.apps import apps
from django.db import IntegrityError, connection, transaction

from participants.models import IdentityChange, Participant
from tests.factories import ParticipantFactory

MIGRATION = importlib.import_module(
    "participants.migrations.0004_one_account_per_person_guardian_consent_birth_range"
)


def profile_data(person, **overrides):
    return {
        "full_name": person.full_name,
        "date_of_birth": "17/05/1990",
        "gender": "male",
        "document_type": "cccd",
        "document_number": person.document_number,
        "email": "",
        **overrides,
    }


@pytest.mark.django_db
def test_profile_refuses_a_birth_date_before_1900(form_client):
    person = ParticipantFactory()
    form_client.force_login(person.user)
    response = form_client.submit(
        "/thi-sinh/ho-so/", profile_data(person, date_of_birth="31/12/1899")
    )
    assert response.status_code == 200
    assert [str(e) for e in response.context["form"].errors["date_of_birth"]] == [
        "Ngày sinh không thể trước 01/01/1900."
    ]
    person.refresh_from_db()
    assert person.date_of_birth == datetime.date(1990, 5, 17)


@pytest.mark.django_db
def test_admin_identity_change_refuses_a_future_birth_date(client, organisers, tree):
    person = ParticipantFactory(residence_unit=tree["A-1"])
    client.force_login(organisers["a"])
    url = f"/quan-tri/participants/participant/{person.pk}/doi-thong-tin-dinh-danh/"
    response = client.post(
        url,
        {
            "full_name": person.full_name,
            "date_of_birth": "01/01/2999",
            "gender": "male",
            "document_type": "cccd",
            "document_number": "",
            "reason": "Sửa theo giấy khai sinh",
        },
    )
    assert response.status_code == 200
    assert [str(e) for e in response.context["form"].errors["date_of_birth"]] == [
        "Ngày sinh không thể ở tương lai."
    ]
    assert IdentityChange.objects.count() == 0


@pytest.mark.django_db
def test_database_check_refuses_a_birth_date_out_of_range():
    person = ParticipantFactory()
    for bad in (datetime.date(1899, 12, 31), datetime.date(2100, 1, 1)):
        with (
            pytest.raises(IntegrityError, match="participant_birth_date_range"),
            transaction.atomic(),
        ):
            Participant.objects.filter(pk=person.pk).update(date_of_birth=bad)


@pytest.mark.django_db
def test_migration_refuses_and_lists_rows_out_of_range_changing_nothing():
    with connection.cursor() as cursor:  # undone with the test's transaction
        cursor.execute(
            "ALTER TABLE participants_participant DROP CONSTRAINT participant_birth_date_range"
        )
    good = ParticipantFactory()
    bad = ParticipantFactory()
    Participant.objects.filter(pk=bad.pk).update(date_of_birth=datetime.date(1, 1, 1))
    with pytest.raises(RuntimeError) as caught:
        MIGRATION.birth_dates_check(apps, None)
    assert str(caught.value) == (
        f"Không thể nâng cấp: 1 người dự thi có ngày sinh ngoài khoảng 01/01/1900–31/12/2099 "
        f"(mã: {bad.pk}). Hãy sửa từng người bằng “Sửa thông tin định danh” trong trang quản "
        "trị rồi chạy lại migrate; không có dữ liệu nào bị thay đổi."
    )
    assert Participant.objects.get(pk=good.pk).date_of_birth == datetime.date(1990, 5, 17)
    assert Participant.objects.get(pk=bad.pk).date_of_birth == datetime.date(1, 1, 1)


@pytest.mark.django_db
def test_migration_backfill_queues_an_old_second_account_of_one_cccd():
    from participants.models import DuplicateSuspect

    # Two accounts as they were before the keys existed (the factory writes keys as the
    # registration service does, so they are cleared here).
    citizen = ParticipantFactory(
        document_number="001090000555", full_name="Đỗ  Hải", identity_key=None, name_key=""
    )
    twin = ParticipantFactory(
        document_type="passport",
        document_number="001090000555",
        issuing_country="VN",
        identity_key=None,
        name_key="",
    )
    MIGRATION.keys_backfill(apps, None)
    citizen.refresh_from_db()
    twin.refresh_from_db()
    assert (citizen.identity_key, citizen.name_key) == ("VN:001090000555", "do hai")
    assert (twin.identity_key, twin.needs_review) == (None, True)
    assert list(DuplicateSuspect.objects.values_list("original", "duplicate", "reason")) == [
        (citizen.pk, twin.pk, "same_document")
    ]
