"""Identity numbers are overwritten once a contest's retention period has ended."""

import datetime

import pytest
from django.utils import timezone

from participants import retention
from participants.models import Registration
from participants.tasks import identities_purge
from tests.factories import ContestFactory, RegistrationFactory

pytestmark = pytest.mark.django_db


def closed_contest(tree, *, days_ago: int, retention_days: int):
    now = timezone.now()
    return ContestFactory(
        owner_unit=tree["C"],
        participation_root=tree["C"],
        opens_at=now - datetime.timedelta(days=days_ago + 30),
        closes_at=now - datetime.timedelta(days=days_ago),
        retention_days=retention_days,
    )


def test_only_contests_past_retention_are_purged_once(tree, monkeypatch):
    expired = closed_contest(tree, days_ago=40, retention_days=30)
    kept = closed_contest(tree, days_ago=20, retention_days=30)
    running = ContestFactory(owner_unit=tree["C"], participation_root=tree["C"])
    unit = tree["A-1"]
    old = [
        RegistrationFactory(contest=expired, unit=unit, guardian_phone="+84912000111")
        for _ in range(3)
    ]
    recent = RegistrationFactory(contest=kept, unit=unit, guardian_phone="+84912000222")
    current = RegistrationFactory(contest=running, unit=unit)
    monkeypatch.setattr(retention, "BATCH", 2)  # several batches

    assert identities_purge() == 3

    for registration in old:
        registration.refresh_from_db()
        assert registration.document_number == f"#{registration.pk}"
        assert registration.guardian_phone == ""
        assert registration.identity_purged_at is not None
        # The account's own number is kept (login, next contest's duplicate check).
        assert registration.participant.document_number.isdigit()
    for registration, phone in ((recent, "+84912000222"), (current, "")):
        registration.refresh_from_db()
        assert registration.document_number == registration.participant.document_number
        assert registration.guardian_phone == phone
        assert registration.identity_purged_at is None
    # Idempotent: a second run finds nothing.
    assert identities_purge() == 0
    assert Registration.objects.filter(identity_purged_at__isnull=False).count() == 3


def test_retention_counts_from_the_close_in_days(tree):
    contest = closed_contest(tree, days_ago=10, retention_days=10)
    registration = RegistrationFactory(contest=contest, unit=tree["A-1"])
    before = contest.closes_at + datetime.timedelta(days=10) - datetime.timedelta(seconds=1)
    assert retention.identities_purge_expired(now=before) == 0
    assert retention.identities_purge_expired(now=before + datetime.timedelta(seconds=1)) == 1
    registration.refresh_from_db()
    assert registration.document_number.startswith("#")
