"""Identity fields locked once the person has joined a contest (document, birth date,
gender), everything once they have started an attempt; an organiser of their unit still
corrects them, with a reason, recorded."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from participants import services
from participants.models import IdentityChange
from participants.rules.identity_lock import (
    LOCKED_AT_ATTEMPT,
    LOCKED_AT_JOIN,
    identity_locked_fields,
)
from tests.participants.test_join import _with_attempt, citizen

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "joined, attempted, locked",
    [
        (False, False, frozenset()),
        (True, False, LOCKED_AT_JOIN),
        (True, True, LOCKED_AT_ATTEMPT),
    ],
)
def test_identity_locked_fields(joined, attempted, locked):
    assert identity_locked_fields(joined=joined, attempted=attempted) == locked


def test_locked_at_join_are_the_eligibility_fields():
    assert {
        "document_type",
        "document_number",
        "issuing_country",
        "date_of_birth",
        "gender",
    } == LOCKED_AT_JOIN
    assert "full_name" in LOCKED_AT_ATTEMPT and LOCKED_AT_JOIN < LOCKED_AT_ATTEMPT


def joined_person(contest, tree):
    person = citizen(datetime.date(1987, 5, 17), full_name="Nguyễn Văn An")
    registration = services.registration_create(
        participant=person,
        contest=contest,
        unit=tree["A-1"],
        consent_participation=True,
        consent_publish=False,
    )
    return person, registration


def test_after_joining_the_birth_date_is_locked_for_the_person(contest, tree, form_client):
    person, _registration = joined_person(contest, tree)
    with pytest.raises(ValidationError) as exc:
        services.participant_update(
            participant=person,
            email="",
            residence_unit=None,
            work_unit=None,
            identity_changes={"date_of_birth": datetime.date(1987, 5, 18)},
        )
    assert exc.value.message_dict == {
        "__all__": [
            "Số giấy tờ, ngày sinh và giới tính đã khóa vì bạn đã đăng ký dự thi. Muốn sửa, hãy "
            "liên hệ Ban Tổ chức (đơn vị nơi bạn dự thi)."
        ]
    }
    form_client.force_login(person.user)
    page = form_client.get("/thi-sinh/ho-so/").content.decode()
    assert 'id="locked-at-join"' in page
    # A tampered form cannot change the disabled fields; the name still can be corrected.
    response = form_client.submit(
        "/thi-sinh/ho-so/",
        {
            "full_name": "Nguyễn Văn Ân",
            "date_of_birth": "1990-01-01",
            "gender": "female",
            "document_type": "cccd",
            "document_number": "001090000001",
            "email": "",
        },
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert (person.full_name, person.date_of_birth, person.gender) == (
        "Nguyễn Văn Ân",
        datetime.date(1987, 5, 17),
        "male",
    )


def test_after_an_attempt_the_name_is_locked_too_and_the_organiser_corrects(
    contest, tree, organisers
):
    person, registration = joined_person(contest, tree)
    _with_attempt(registration)
    with pytest.raises(ValidationError) as exc:
        services.participant_update(
            participant=person,
            email="",
            residence_unit=None,
            work_unit=None,
            identity_changes={"full_name": "Người Khác"},
        )
    assert "vì bạn đã làm bài thi" in exc.value.message_dict["__all__"][0]
    record = services.identity_change(
        participant=person,
        changed_by=organisers["a"],
        reason="Sai ngày sinh khi đăng ký, đã đối chiếu CCCD",
        changes={"date_of_birth": datetime.date(1987, 7, 17)},
    )
    person.refresh_from_db()
    assert person.date_of_birth == datetime.date(1987, 7, 17)
    assert IdentityChange.objects.get() == record and record.changed_by == organisers["a"]
