"""Extra time for a person who needs it (issue 22): who may grant it (a table test of the
pure rule), the audited grant, the deadline of the next attempt including it (and the start
page saying so), and the organisers' admin action, which never reaches outside their subtree."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from contests.refusals import Refused
from participants.allowances import time_allowance_grant
from participants.models import Registration, TimeAllowanceGrant
from participants.rules.time_allowance import MESSAGES, time_allowance_refusal
from scoring.services.attempts import attempt_start
from tests.factories import RegistrationFactory, contest_with_bank

pytestmark = pytest.mark.django_db

REGISTRATIONS = "/quan-tri/participants/registration/"


@pytest.mark.parametrize(
    ("prefix", "unit_path", "minutes", "reason", "code"),
    [
        ("0001", "00010002", 15, "Khiếm thị", None),  # inside the subtree
        ("", "00050001", 15, "Khiếm thị", None),  # the whole tree
        ("0001", "0001", 0, "Thu hồi", None),  # the unit itself; 0 takes it back
        ("0001", "00020001", 15, "Khiếm thị", "outside"),  # another district
        (None, "00010002", 15, "Khiếm thị", "outside"),  # a staff account with no unit
        ("0001", "00010002", -1, "Khiếm thị", "minutes"),
        ("0001", "00010002", 241, "Khiếm thị", "minutes"),
        ("0001", "00010002", 240, "Khiếm thị", None),
        ("0001", "00010002", 15, "   ", "reason"),
        ("0001", "00010002", 15, "x" * 301, "reason"),
    ],
)
def test_who_may_grant_how_much(prefix, unit_path, minutes, reason, code):
    refusal = time_allowance_refusal(
        organiser_prefix=prefix, unit_path=unit_path, minutes=minutes, reason=reason
    )
    assert (refusal.code if refusal else None) == code


@pytest.fixture
def exam(tree):
    return contest_with_bank(owner=tree["C"], root=tree["C"], time_limit_minutes=20)


def test_the_next_attempt_gets_the_extra_minutes(exam, tree, organisers):
    registration = RegistrationFactory(contest=exam, unit=tree["A-1"])
    grant = time_allowance_grant(
        registration=registration,
        minutes=15,
        reason="Khiếm thị, dùng trình đọc màn hình",
        user=organisers["a"],
    )
    assert (grant.minutes, grant.granted_by, grant.reason) == (
        15,
        organisers["a"],
        "Khiếm thị, dùng trình đọc màn hình",
    )
    assert Registration.objects.get(pk=registration.pk).extra_minutes == 15

    now = timezone.now()
    attempt = attempt_start(registration=Registration.objects.get(pk=registration.pk), now=now)
    assert attempt.deadline == now + datetime.timedelta(minutes=35)

    # Someone without an allowance in the same contest: the contest's 20 minutes.
    other = RegistrationFactory(contest=exam, unit=tree["A-2"])
    assert attempt_start(registration=other, now=now).deadline == now + datetime.timedelta(
        minutes=20
    )

    client = Client()
    client.force_login(registration.participant.user)
    page = client.get(reverse("scoring:start", args=[exam.slug])).content.decode()
    assert "Ban Tổ chức cho bạn thêm 15 phút: bạn có 35 phút cho mỗi lần thi." in page


def test_a_grant_outside_the_subtree_is_refused_and_writes_nothing(exam, tree, organisers):
    in_b = RegistrationFactory(contest=exam, unit=tree["B-1"])
    with pytest.raises(Refused) as refused:
        time_allowance_grant(
            registration=in_b, minutes=15, reason="Khiếm thị", user=organisers["a"]
        )
    assert refused.value.code == "outside"
    assert refused.value.message == MESSAGES["outside"]
    assert Registration.objects.get(pk=in_b.pk).extra_minutes == 0
    assert TimeAllowanceGrant.objects.count() == 0
    # The city may.
    time_allowance_grant(registration=in_b, minutes=10, reason="Khiếm thị", user=organisers["city"])
    assert Registration.objects.get(pk=in_b.pk).extra_minutes == 10


def _action(client, ids, **data):
    return client.post(
        REGISTRATIONS,
        {"action": "grant_time_allowance", "_selected_action": [str(i) for i in ids], **data},
    )


def test_admin_action_grants_in_the_subtree_only(exam, tree, organisers):
    in_a = RegistrationFactory(contest=exam, unit=tree["A-1"])
    in_b = RegistrationFactory(contest=exam, unit=tree["B-1"])
    client = Client()
    client.force_login(organisers["a"])

    form = _action(client, [in_a.pk])
    assert form.status_code == 200
    assert "Số phút làm bài thêm" in form.content.decode()

    bad = _action(client, [in_a.pk], apply="1", minutes="-5", reason="")
    assert bad.status_code == 400
    text = bad.content.decode()
    assert "Số phút không được âm." in text and "Vui lòng ghi lý do." in text
    assert TimeAllowanceGrant.objects.count() == 0

    done = _action(client, [in_a.pk, in_b.pk], apply="1", minutes="15", reason="Khiếm thị")
    assert done.status_code == 302
    # B's row is not in district A's list, so the action never sees it.
    assert list(TimeAllowanceGrant.objects.values_list("registration_id", "minutes")) == [
        (in_a.pk, 15)
    ]
    assert Registration.objects.get(pk=in_b.pk).extra_minutes == 0
    page = client.get(done["Location"]).content.decode()
    assert "Đã cho thêm 15 phút làm bài cho 1 người dự thi." in page

    # The history is on the registration's page; B's page is not found for A.
    change = client.get(reverse("admin:participants_registration_change", args=[in_a.pk]))
    assert "Khiếm thị" in change.content.decode()
    other = client.get(reverse("admin:participants_registration_change", args=[in_b.pk]))
    assert other.status_code == 404
