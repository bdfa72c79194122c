"""Scanning: hourly by beat (the schedule names a real task), and "scan now" from the admin,
which refuses a contest the organiser does not see with a Vietnamese message."""

import datetime

import pytest
from django.conf import settings
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from contest_site.celery import app as celery_app
from integrity.models import AnomalyFlag
from integrity.services.detection import contests_to_scan
from scoring.models import Attempt
from tests.factories import ContestFactory, RegistrationFactory, contest_with_bank

SCAN = reverse("admin:integrity_anomalyflag_scan")


def test_the_hourly_scan_is_scheduled_and_is_a_task():
    entry = settings.CELERY_BEAT_SCHEDULE["flags-detect"]
    assert entry == {"task": "integrity.tasks.flags_detect_open", "schedule": 3600.0}
    celery_app.loader.import_default_modules()
    assert entry["task"] in celery_app.tasks
    assert "integrity.tasks.flags_detect" in celery_app.tasks


@pytest.mark.django_db
def test_contests_to_scan_are_open_or_just_closed(tree):
    now = timezone.now()
    day = datetime.timedelta(days=1)
    is_open = ContestFactory(owner_unit=tree["C"], participation_root=tree["C"])
    just_closed = ContestFactory(
        owner_unit=tree["C"],
        participation_root=tree["C"],
        opens_at=now - 9 * day,
        closes_at=now - day,
    )
    ContestFactory(  # long over
        owner_unit=tree["C"],
        participation_root=tree["C"],
        opens_at=now - 30 * day,
        closes_at=now - 3 * day,
    )
    ContestFactory(  # not yet open
        owner_unit=tree["C"],
        participation_root=tree["C"],
        opens_at=now + day,
        closes_at=now + 9 * day,
    )
    assert sorted(contests_to_scan(now=now)) == sorted([is_open.pk, just_closed.pk])


@pytest.fixture
def eager():
    """Celery inline for this test, as in the demo (the task runs in the request)."""
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = False


@pytest.mark.django_db
def test_scan_now_from_the_admin(tree, organisers, eager):
    contest = contest_with_bank(owner=tree["A"], root=tree["A"])
    other = contest_with_bank(owner=tree["B"], root=tree["B"])
    registration = RegistrationFactory(contest=contest, unit=tree["A-1"])
    now = timezone.now()
    Attempt.objects.create(
        registration=registration,
        contest=contest,
        number=1,
        status="graded",
        items=[{"q": q.pk, "o": []} for q in contest.questions.all()[:10]],
        started_at=now - datetime.timedelta(seconds=12),
        deadline=now + datetime.timedelta(minutes=20),
        finished_at=now,
        submitted_at=now,
        question_count=10,
        correct_count=10,
        duration_ms=12_000,
        all_correct=True,
    )
    client = Client()
    client.force_login(organisers["a"])
    listing = client.get(reverse("admin:integrity_anomalyflag_changelist"))
    assert SCAN in listing.content.decode()
    page = client.get(SCAN)
    assert page.status_code == 200
    offered = [c for c, _label in page.context["form"].fields["contest"].choices if c]
    assert contest.pk in [int(str(c)) for c in offered]
    assert other.pk not in [int(str(c)) for c in offered]

    for bad, message in (
        ({"contest": str(other.pk)}, "Vui lòng chọn một cuộc thi trong danh sách."),
        ({"contest": "abc'--"}, "Vui lòng chọn một cuộc thi trong danh sách."),
        ({}, "Vui lòng chọn cuộc thi."),
    ):
        refused = client.post(SCAN, bad)
        assert refused.status_code == 200
        assert message in refused.content.decode()
    assert not AnomalyFlag.objects.exists()

    done = client.post(SCAN, {"contest": str(contest.pk)})
    assert done.status_code == 302
    said = [str(m) for m in get_messages(done.wsgi_request)]
    assert said == [f"Đã bắt đầu quét “{contest.title}”; các dấu hiệu mới sẽ hiện trong danh sách."]
    flag = AnomalyFlag.objects.get()
    assert (flag.kind, flag.registration, flag.status) == ("too_fast", registration, "open")


@pytest.mark.django_db
def test_scan_page_needs_the_change_permission(tree):
    from contests.services.units import roles_ensure
    from tests.conftest import make_organiser

    viewer = make_organiser(tree["A"], "ban_to_chuc")
    viewer.groups.set([roles_ensure()["committee"]])
    client = Client()
    client.force_login(viewer)
    assert client.get(SCAN).status_code == 403
    assert (
        SCAN not in client.get(reverse("admin:integrity_anomalyflag_changelist")).content.decode()
    )
