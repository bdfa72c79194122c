"""The demo shows the identity rules: a suspected duplicate waiting in the queue, and a
15-year-old whose account carries a parent's consent."""

import io

import pytest
from django.core.management import call_command

from devdata.services.demo import seed_units_and_accounts
from participants.models import DuplicateSuspect, GuardianConsent, Participant

pytestmark = [pytest.mark.sqlite, pytest.mark.django_db]


def test_demo_has_a_duplicate_to_decide_and_a_minor_with_consent():
    seed_units_and_accounts()
    for _ in range(2):  # idempotent
        call_command("seed_demo_participants", stdout=io.StringIO())
    suspect = DuplicateSuspect.objects.get()
    assert (suspect.original.full_name, suspect.duplicate.full_name, suspect.status) == (
        "Nguyễn Văn An",
        "Nguyen Van An",
        "open",
    )
    consent = GuardianConsent.objects.get()
    assert (consent.participant.full_name, consent.guardian_name) == ("Lê Minh Khang", "Lê Văn Hòa")
    assert (
        Participant.objects.filter(
            phone__in=["+84912345678", "+84912000999", "+84912000888"]
        ).count()
        == 3
    )
