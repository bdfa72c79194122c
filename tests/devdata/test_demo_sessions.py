"""The demo's scheduled sessions: the coming one with every official's test drawn ahead, the
past one whose starts claimed their ready tests and whose unclaimed tests are gone; seeding
twice changes nothing."""

import datetime
import zoneinfo

import pytest
from django.utils import timezone

from contests.models import BlueprintItem, Unit
from devdata.services.demo import seed_demo_contest, seed_units_and_accounts
from devdata.services.demo_live import LIVE_SLUG
from devdata.services.demo_results import _contest, _midnight
from devdata.services.demo_sessions import CLAIMED, STAFF, _next_nine, seed_sessions_demo
from scoring.models import Attempt, ExamSession, PreparedAttempt

pytestmark = pytest.mark.sqlite

HCM = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.mark.parametrize(
    ("now", "nine"),
    [
        (datetime.datetime(2026, 12, 7, 1, 35), datetime.datetime(2026, 12, 7, 9)),
        (datetime.datetime(2026, 12, 7, 8, 0), datetime.datetime(2026, 12, 7, 9)),
        (datetime.datetime(2026, 12, 7, 8, 1), datetime.datetime(2026, 12, 8, 9)),
        (datetime.datetime(2026, 12, 7, 23, 59), datetime.datetime(2026, 12, 8, 9)),
    ],
)
def test_next_nine(now, nine):
    assert _next_nine(now.replace(tzinfo=HCM)) == nine.replace(tzinfo=HCM)


@pytest.mark.django_db
def test_demo_sessions_are_prepared_claimed_and_discarded_once():
    seed_units_and_accounts()
    demo = seed_demo_contest()
    today = timezone.localdate()
    live = _contest(
        slug=LIVE_SLUG,
        title="Tìm hiểu Luật Cư trú (minh họa: đang diễn ra)",
        opens_days_ago=20,
        closes_at=_midnight(today + datetime.timedelta(days=10)),
    )
    first = seed_sessions_demo()
    office = Unit.objects.get(code="HN-TX-VP")
    coming = ExamSession.objects.get(contest=demo)
    past = ExamSession.objects.get(contest=live)
    ready = list(
        PreparedAttempt.objects.order_by("registration_id").values_list(
            "session_id", "registration__unit_id", "items"
        )
    )

    assert coming.unit == past.unit == office
    assert timezone.localtime(coming.starts_at).hour == 9
    assert coming.starts_at > timezone.now()
    assert coming.prepared_count == len(STAFF) == len(ready)
    assert {(s, u) for s, u, _items in ready} == {(coming.pk, office.pk)}
    questions = sum(BlueprintItem.objects.filter(contest=demo).values_list("count", flat=True))
    assert all(len(items) == questions for _s, _u, items in ready)

    assert past.ends_at < timezone.now() and past.prepared_count == len(STAFF)
    attempts = Attempt.objects.filter(contest=live)
    assert attempts.count() == CLAIMED
    assert all(past.starts_at <= a.started_at < past.ends_at for a in attempts)
    assert all(a.status == Attempt.Status.GRADED for a in attempts)
    unclaimed = len(STAFF) - CLAIMED
    assert first[1].endswith(
        f"{len(STAFF)} đề rút trước, {CLAIMED} người bắt đầu bằng đề đã rút, "
        f"{unclaimed} đề không ai dùng đã xoá"
    )

    assert seed_sessions_demo() == first
    assert ExamSession.objects.count() == 2
    assert Attempt.objects.filter(contest=live).count() == CLAIMED
    again = list(
        PreparedAttempt.objects.order_by("registration_id").values_list(
            "session_id", "registration__unit_id", "items"
        )
    )
    assert again == ready
