"""The demo citizen: created once, logs in, registered for the demo contest when it exists."""

import io

import pytest
from django.core.management import call_command

from contests.models import Unit
from devdata.services.demo import seed_units_and_accounts
from devdata.services.demo_citizen import DEMO_PASSWORD, DEMO_PHONE, seed_demo_participant
from devdata.services.demo_results import PROVISIONAL_SLUG
from devdata.services.demo_rounds import WEEKLY_SLUG
from participants.models import Participant, Registration
from tests.factories import ContestFactory
from tests.participants.conftest import FormClient

# Also on SQLite (`make test`'s second pass): the embedded default `make demo` runs on.
pytestmark = pytest.mark.sqlite


def run():
    out = io.StringIO()
    call_command("seed_demo_participants", stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_seed_demo_participant_is_idempotent_and_can_log_in():
    seed_units_and_accounts()
    output = run()
    assert f"thí sinh: {DEMO_PHONE} (hoặc 001087123456) / {DEMO_PASSWORD}" in output
    run()
    participant = Participant.objects.get(phone="+84912345678")
    assert participant.residence_unit.code == "HN-TX-NC"
    # No open demo contest: skipped quietly; the finished one they took (demo_results) and
    # the weekly contest's open week (demo_rounds, registered as "Người dân").
    assert set(participant.registrations.values_list("contest__slug", flat=True)) == {
        PROVISIONAL_SLUG,
        WEEKLY_SLUG,
    }
    response = FormClient().submit(
        "/thi-sinh/dang-nhap/", {"username": DEMO_PHONE, "password": DEMO_PASSWORD}
    )
    assert response.status_code == 302


@pytest.mark.django_db
def test_seed_demo_participant_registers_for_the_demo_contest():
    seed_units_and_accounts()
    city = Unit.objects.get(code="HN")
    contest = ContestFactory(slug="demo-dinh-danh", owner_unit=city, participation_root=city)
    output = "\n".join(seed_demo_participant(contest_slug="demo-dinh-danh"))
    assert f"đã đăng ký cuộc thi demo: {contest.title}" in output
    seed_demo_participant(contest_slug="demo-dinh-danh")
    registration = Registration.objects.get()
    assert (registration.unit.code, registration.block.code) == ("HN-TX-NC", "HN-QH")
