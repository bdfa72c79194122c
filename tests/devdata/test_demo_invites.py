"""The demo shows invite links at work: citizens registered through two wards' links, counted
per link, seeded once however often the command runs."""

import io

import pytest
from django.core.management import call_command

from contests.models import Unit
from devdata.services.demo import seed_demo_contest, seed_units_and_accounts
from participants.invites import invite_token
from participants.models import Registration

pytestmark = pytest.mark.sqlite


@pytest.mark.django_db
def test_demo_invite_registrations_are_counted_per_link():
    seed_units_and_accounts()
    contest = seed_demo_contest()
    for _ in range(2):
        out = io.StringIO()
        call_command("seed_demo_participants", stdout=out)
    ward = Unit.objects.get(code="HN-TX-NC")
    token = invite_token(contest_id=contest.pk, unit_id=ward.pk)
    assert f"liên kết mời của Phường Nhân Chính: http://127.0.0.1:8000/thi-sinh/moi/{token}/" in (
        out.getvalue()
    )
    counts = sorted(
        Registration.objects.filter(contest=contest, invited_via__isnull=False).values_list(
            "invited_via__code", "unit__code"
        )
    )
    assert counts == [
        ("HN-CG-DV", "HN-CG-DV"),
        ("HN-TX-NC", "HN-TX-NC"),
        ("HN-TX-NC", "HN-TX-NC"),
        ("HN-TX-NC", "HN-TX-NC"),
    ]
